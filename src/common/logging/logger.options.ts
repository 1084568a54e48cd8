import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpLogger, type Options, pinoHttp } from 'pino-http';
import { CORRELATION_HEADER, correlationIdFor } from '../http/correlation-id';
import { maskPhones, sanitizingLogMethod, serializeError } from './log-sanitizer';

/**
 * Everything that may carry a credential, wherever it appears in a log line. pino's redaction matches exact paths
 * (one `*` per level), so each place is listed.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["verification-token"]',
  'req.headers["validation-token"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'jwt', 'jwtToken', 'apiKey', 'secret', 'clientSecret', 'authorization', 'authHeader', 'verificationToken', 'assertion']
    .flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * The process's pino logger and the Express middleware that logs each request with its correlation id (`req.id`,
 * also sent back as X-Correlation-Id). `requestLogger(level).logger` is the root logger AppLogger writes through.
 */
export function requestLogger(level: string): HttpLogger {
  return pinoHttp(loggerOptions(level));
}

export function loggerOptions(level: string): Options {
  return {
    level,
    // Bounded lines, errors without bodies or clients hanging off them, phone numbers masked at info and above.
    hooks: { logMethod: sanitizingLogMethod },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = correlationIdFor(req);
      res.setHeader(CORRELATION_HEADER, id);
      return id;
    },
    customProps: (req: IncomingMessage) => ({ correlationId: (req as { id?: unknown }).id }),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      // The request line is logged at info: its URL (a query may hold a number) is masked and bounded.
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPhones(String(req.url).slice(0, 2000)) }),
      err: serializeError,
    },
  };
}
