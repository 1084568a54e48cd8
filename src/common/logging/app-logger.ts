import type { LoggerService } from '@nestjs/common';
import type { Logger as Pino } from 'pino';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger (the `Logger` every service holds) written as pino JSON lines. Nest calls `log(message, ...params,
 * context)` with the logger's context last: it becomes the line's `context`; an object message becomes the line's
 * fields (an Error becomes `err`), a string message its `msg`. Nest's exception handler calls `error(message,
 * stack)`: that becomes an `err` with the stack.
 *
 * It holds one process-wide pino logger and nothing per request. nestjs-pino, used before, bound each request's
 * logger to an AsyncLocalStorage: on Node 20 the first one enables async hooks for every promise and timer of the
 * process for good, which held the webhook intake back (1.85 → 1.98 × its reference in paired runs, bench/README.md). Request log lines carry
 * the correlation id (pino-http, `requestLogger`); the error filter and the webhook name it on theirs.
 */
export class AppLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = params.length ? { context: params[params.length - 1] } : {};
    if (level === 'error' && typeof message === 'string' && typeof params[0] === 'string' && /\n\s*at /.test(params[0])) {
      // error(message, stack[, context]): the stack is not a context.
      const err = new Error(message);
      err.stack = params[0];
      this.pino.error({ ...(params.length > 1 && context), err });
      return;
    }
    const rest = params.slice(0, -1) as [string?];
    if (message instanceof Error) this.pino[level]({ ...context, err: message }, ...rest);
    else if (message !== null && typeof message === 'object') this.pino[level]({ ...context, ...message }, ...rest);
    else this.pino[level](context, String(message), ...(rest as []));
  }
}
