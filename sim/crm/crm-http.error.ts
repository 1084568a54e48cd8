interface CrmHttpErrorDetails {
  field?: string;
  message?: string;
  headers?: Record<string, string>;
}

/**
 * An API error with the JSON shape clients see: `{error, field?, message?}`. Handlers throw it and one error
 * middleware writes it, so every route answers errors the same way.
 */
export class CrmHttpError extends Error {
  readonly field?: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly error: string,
    details: CrmHttpErrorDetails = {},
  ) {
    super(details.message ?? error);
    this.field = details.field;
    this.headers = details.headers ?? {};
  }

  /** 400 naming the offending field, so a connector author sees which mapping is wrong. */
  static validation(field: string, message: string): CrmHttpError {
    return new CrmHttpError(400, 'validation_failed', { field, message });
  }

  static notFound(what: string): CrmHttpError {
    return new CrmHttpError(404, 'not_found', { message: `${what} not found` });
  }

  body(): { error: string; field?: string; message?: string } {
    return {
      error: this.error,
      ...(this.field !== undefined && { field: this.field }),
      ...(this.message !== this.error && { message: this.message }),
    };
  }
}
