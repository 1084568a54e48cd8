import type { Params } from 'nestjs-pino';
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

export function loggerOptions(level: string): Params {
  return {
    pinoHttp: {
      level,
      // Bounded lines, errors without bodies or clients hanging off them, phone numbers masked at info and above.
      hooks: { logMethod: sanitizingLogMethod },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req, res) => {
        const id = correlationIdFor(req);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        // The request line is logged at info: its URL (a query may hold a number) is masked and bounded.
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPhones(String(req.url).slice(0, 2000)) }),
        err: serializeError,
      },
    },
  };
}
