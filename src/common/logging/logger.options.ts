import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { CORRELATION_HEADER, correlationIdFor } from '../http/correlation-id';

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
 * RingCentral's notification deliveries (thousands a second at peak) get no request logger: per-request logging was
 * the largest single cost of the intake. They are counted in /metrics (sscl_webhook_notifications_total by outcome),
 * and the webhook controller logs the ones it refuses.
 */
export const UNLOGGED_ROUTES = [{ method: RequestMethod.POST, path: 'webhooks/ringcentral' }];

export function loggerOptions(level: string): Params {
  return {
    exclude: UNLOGGED_ROUTES,
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req, res) => {
        const id = correlationIdFor(req);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  };
}
