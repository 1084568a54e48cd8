import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ERROR_CODES } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/all-exceptions.filter';
import { CORRELATION_HEADER, correlationIdFor } from '../common/http/correlation-id';
import { HttpFastPath } from '../common/http/http-fast-path';
import { truncateText } from '../common/text/storable-text';
import { MetricsService } from '../health/metrics.service';
import { InboxWriter } from './inbox.writer';
import { notificationEnvelope } from './notification-envelope';
import { WEBHOOK_OPENAPI_PATHS } from './webhook-intake.openapi';
import { WebhookVerifier } from './webhook-verifier';

export const WEBHOOK_PATH = '/webhooks/ringcentral';
/** RingCentral notifications are a few KiB; anything above this is refused with 413 unread. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;

/**
 * `POST /webhooks/ringcentral`: RingCentral's WebHook delivery. Acknowledge fast, after the notification is
 * committed; no RingCentral or CRM call happens on this path.
 *
 * Acceptance: a notification whose subscription is known and whose Verification-Token matches is stored and answered
 * 200 whatever its body holds (the fold judges it, and quarantines what it cannot fold). Refused: 401 unknown
 * subscription or wrong token, 400 not a JSON notification envelope (`subscriptionId` and `uuid` strings), 413 above
 * 1 MiB — and nothing is stored then. No input gets a 5xx: what PostgreSQL cannot hold is made storable first
 * (toStorableInboxRow).
 *
 * It is an HttpFastPath: `createApp` registers it with the application's HTTP adapter, which hands it its requests before Express (router, body-parser, request
 * logger), whose per-request work was ~60 % of the intake's CPU at thousands of notifications a second
 * (bench/README.md). Its answers are the API's: the same error codes and bodies, a correlation id on errors.
 */
@Injectable()
export class WebhookIntake extends HttpFastPath {
  private readonly logger = new Logger(WebhookIntake.name);

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly inbox: InboxWriter,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && isWebhookPath(req.url);
  }

  openApiPaths(): Record<string, unknown> {
    return WEBHOOK_OPENAPI_PATHS;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const validationToken = headerOf(req, 'validation-token');
      if (validationToken) {
        // Subscription handshake: echo the header within this request, nothing else (RingCentral caps the answer at 1 KiB).
        req.resume();
        this.metrics.webhookNotifications.inc({ outcome: 'handshake' });
        res.writeHead(200, { 'Validation-Token': validationToken, 'Content-Length': '0' }).end();
        return;
      }
      const text = await readBody(req, MAX_NOTIFICATION_BYTES).catch((error: unknown) => {
        this.metrics.webhookNotifications.inc({ outcome: 'too-large' });
        throw error;
      });
      let body: unknown;
      let envelope;
      try {
        body = parseJson(text);
        envelope = notificationEnvelope(body);
      } catch (error) {
        this.metrics.webhookNotifications.inc({ outcome: 'invalid' });
        const field = error instanceof AppError ? error.field : undefined;
        this.logger.warn({ field }, 'refused a webhook body that is not a notification envelope');
        throw error;
      }
      const verificationToken = headerOf(req, 'verification-token');
      const accountId = await this.verifier.verify(envelope.subscriptionId, verificationToken);
      if (!accountId) {
        this.metrics.webhookNotifications.inc({ outcome: 'unauthorized' });
        this.logger.warn({ rcSubscriptionId: truncateText(envelope.subscriptionId, 80), tokenPresent: Boolean(verificationToken) }, 'refused a webhook notification: unknown subscription or wrong Verification-Token');
        throw new AppError('UNAUTHORIZED', 'Verification-Token does not match the subscription named in the notification');
      }
      const stored = await this.inbox.write({
        uuid: envelope.uuid,
        accountId,
        rcSubscriptionId: envelope.subscriptionId,
        ...(envelope.telephonySessionId !== undefined ? { telephonySessionId: envelope.telephonySessionId } : {}),
        payloadJson: text,
        payload: body,
      });
      this.metrics.webhookNotifications.inc({ outcome: stored ? 'stored' : 'duplicate' });
      res.writeHead(200, { 'Content-Length': '0' }).end();
    } catch (error) {
      this.fail(req, res, error);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const correlationId = correlationIdFor(req);
    const body = toErrorBody(error, correlationId);
    const status = ERROR_CODES[body.error.code];
    // A bounded line: never the error object (a failed query's error carries its parameters, i.e. notifications).
    if (status >= 500) this.logger.error({ error: truncateText(error instanceof Error ? error.message : String(error), 300), correlationId, path: WEBHOOK_PATH }, 'request failed');
    if (res.headersSent) return;
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(json)),
      [CORRELATION_HEADER]: correlationId,
      // A body refused unread leaves the connection in the middle of a request.
      ...(!req.complete && { Connection: 'close' }),
    });
    res.end(json);
  }
}

function isWebhookPath(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path === WEBHOOK_PATH || path === `${WEBHOOK_PATH}/`;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value || undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw AppError.validation('$', 'Request body is not valid JSON');
  }
}

/**
 * A body this far over the limit is still read to its end (and dropped) before the 413 goes out: an HTTP client that is
 * still sending when the server answers and closes sees a reset connection instead of the 413 (Node's fetch does).
 * Beyond it the connection is closed unread.
 */
const DRAINED_BYTES = 16 * 1024 * 1024;

/** The request body as text, refusing (413) one that declares or turns out to be larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > DRAINED_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = () => {
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      req.resume();
      reject(tooLarge());
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAINED_BYTES) return refuse();
      if (size > limit || declared > limit) return void chunks.splice(0);
      chunks.push(chunk);
    });
    req.on('end', () => (size > limit || declared > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks, size).toString('utf8'))));
    req.on('error', reject);
  });
}
