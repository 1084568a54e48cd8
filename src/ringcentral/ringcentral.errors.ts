/** RingCentral answered with an error status (other than 429). */
export class RingCentralApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'RingCentralApiError';
  }
}

/** A rate-limit window is open for this (account, group): nothing was sent; try again after `retryAfterSeconds`. */
export class RingCentralRateLimitedError extends Error {
  constructor(
    readonly group: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`RingCentral rate limit (${group}): retry after ${retryAfterSeconds}s`);
    this.name = 'RingCentralRateLimitedError';
  }
}

/** The stored credentials no longer work (JWT revoked, refresh token dead): an admin must reconnect. */
export class RingCentralAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RingCentralAuthError';
  }
}
