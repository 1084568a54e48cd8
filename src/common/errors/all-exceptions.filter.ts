import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ERROR_CODES, type ErrorCode } from './app-error';
import { correlationIdOf } from '../http/correlation-id';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; correlationId: string; details?: Record<string, unknown> };
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_CODES).map(([code, status]) => [status as number, code as ErrorCode]),
);

/**
 * The one place errors become HTTP answers. Known errors keep their code and message; anything else is a 500 whose
 * body says nothing about internals, and whose correlation id finds the logged stack.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const correlationId = correlationIdOf(request);
    const body = toErrorBody(exception, correlationId);
    const status = ERROR_CODES[body.error.code];
    if (status >= 500) {
      this.logger.error({ err: exception, correlationId, path: request.path }, 'request failed');
    }
    if (response.headersSent) return;
    if (exception instanceof AppError && exception.code === 'RATE_LIMITED' && exception.details?.retryAfterSeconds) {
      response.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    response.status(status).json(body);
  }
}

/** The answer for any error: known ones keep their code and message, anything else is a bare 500. */
export function toErrorBody(exception: unknown, correlationId: string): ErrorBody {
  if (exception instanceof AppError) {
    return {
      error: {
        code: exception.code,
        message: exception.message,
        ...(exception.field ? { field: exception.field } : {}),
        ...(exception.details ? { details: exception.details } : {}),
        correlationId,
      },
    };
  }
  const status = exception instanceof HttpException ? exception.getStatus() : statusOfBodyParserError(exception);
  if (status !== undefined && status < 500) {
    const code = CODE_BY_STATUS.get(status) ?? (status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED');
    return { error: { code, message: messageOf(exception, status), correlationId } };
  }
  return { error: { code: 'INTERNAL', message: 'Internal server error', correlationId } };
}

/** body-parser errors (malformed JSON, body too large) carry their status on the error object. */
function statusOfBodyParserError(exception: unknown): number | undefined {
  const status = (exception as { status?: unknown; type?: unknown })?.status;
  const type = (exception as { type?: unknown })?.type;
  return typeof status === 'number' && typeof type === 'string' ? status : undefined;
}

function messageOf(exception: unknown, status: number): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
  }
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return 'Request body is too large';
  if ((exception as { type?: string })?.type === 'entity.parse.failed') return 'Request body is not valid JSON';
  return (exception as Error)?.message ?? 'Bad request';
}
