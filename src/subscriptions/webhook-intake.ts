import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppError, ERROR_CODES } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/all-exceptions.filter';
import { CORRELATION_HEADER, correlationIdFor } from '../common/http/correlation-id';
import { type AppConfig, runsHttpApi } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { isTelephonyNotificationParseError, parseTelephonyNotification } from '../ringcentral/types';
import { InboxWriter } from './inbox.writer';
import { WebhookVerifier } from './webhook-verifier';

export const WEBHOOK_PATH = '/webhooks/ringcentral';
/** RingCentral notifications are a few KiB; anything above this is refused with 413 unread. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * `POST /webhooks/ringcentral`: RingCentral's WebHook delivery. Acknowledge fast, after the notification is
 * committed; no RingCentral or CRM call happens on this path.
 *
 * It is the one route answered on Node's HTTP server ahead of Express and Nest: at thousands of notifications a second
 * their per-request work (routing through every registered route, body-parser, the request logger, Nest's pipeline)
 * was ~60 % of the intake's CPU (bench/README.md). Its answers are the API's: the same error codes and bodies,
 * a correlation id on errors, 413 above 1 MiB.
 */
@Injectable()
export class WebhookIntake implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookIntake.name);

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly inbox: InboxWriter,
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && runsHttpApi(this.config.get('app', { infer: true }).role)) this.mount(server);
  }

  /** Puts the intake in front of the application's own request handler on `server`. */
  mount(server: Server): void {
    const application = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST' && isWebhookPath(req.url)) void this.handle(req, res);
      else for (const listener of application) listener.call(server, req, res);
    });
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
      const text = await readBody(req, MAX_NOTIFICATION_BYTES);
      const body = parseJson(text);
      const notification = parseTelephonyNotification(body);
      if (isTelephonyNotificationParseError(notification)) {
        this.metrics.webhookNotifications.inc({ outcome: 'invalid' });
        this.logger.warn({ field: notification.field, error: notification.error }, 'refused a webhook notification that is not a telephony session event');
        throw AppError.validation(notification.field, notification.error);
      }
      const verificationToken = headerOf(req, 'verification-token');
      const accountId = await this.verifier.verify(notification.subscriptionId, verificationToken);
      if (!accountId) {
        this.metrics.webhookNotifications.inc({ outcome: 'unauthorized' });
        this.logger.warn({ rcSubscriptionId: notification.subscriptionId, tokenPresent: Boolean(verificationToken) }, 'refused a webhook notification: unknown subscription or wrong Verification-Token');
        throw new AppError('UNAUTHORIZED', 'Verification-Token does not match the subscription named in the notification');
      }
      const stored = await this.inbox.write({
        uuid: notification.uuid,
        accountId,
        rcSubscriptionId: notification.subscriptionId,
        telephonySessionId: notification.body.telephonySessionId,
        payloadJson: text,
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
    if (status >= 500) this.logger.error({ err: error, correlationId, path: WEBHOOK_PATH }, 'request failed');
    if (res.headersSent) return;
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(json)),
      [CORRELATION_HEADER]: correlationId,
      // A body refused unread leaves the connection in the middle of a request.
      ...(status === 413 && { Connection: 'close' }),
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

/** The request body as text, refusing (413) one that declares or turns out to be larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', reject);
  });
}
