import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationEnvelope } from '../sim-types';

/**
 * A tiny webhook receiver for tests (node:http, port 0). It answers the validation handshake by echoing
 * `Validation-Token` and records every notification; its behaviour can be switched to fail on purpose.
 */

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ReceiverBehaviour {
  /** Status for notifications (default 200), or a function of the notification's index (0-based). */
  status: number | ((index: number) => number);
  /** Echo Validation-Token on the handshake (default true). */
  echoValidationToken: boolean;
  /** Status for the handshake (default 200). */
  validationStatus: number;
  /** Delay before answering anything. */
  delayMs: number;
}

export interface WebhookReceiver {
  url: string;
  validations: ReceivedRequest[];
  requests: ReceivedRequest[];
  behaviour: ReceiverBehaviour;
  notifications(): NotificationEnvelope[];
  /** Resolves once `count` notifications arrived; rejects after `timeoutMs`. */
  waitForNotifications(count: number, timeoutMs?: number): Promise<NotificationEnvelope[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(behaviour: Partial<ReceiverBehaviour> = {}): Promise<WebhookReceiver> {
  const state: ReceiverBehaviour = { status: 200, echoValidationToken: true, validationStatus: 200, delayMs: 0, ...behaviour };
  const validations: ReceivedRequest[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const token = req.headers['validation-token'];
      setTimeout(() => {
        if (res.destroyed) return;
        if (typeof token === 'string') {
          validations.push(entry);
          if (state.echoValidationToken) res.setHeader('Validation-Token', token);
          res.statusCode = state.validationStatus;
          res.end();
          return;
        }
        requests.push(entry);
        res.statusCode = typeof state.status === 'function' ? state.status(requests.length - 1) : state.status;
        res.end();
        waiters.forEach((w) => w());
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const notifications = (): NotificationEnvelope[] =>
    requests.filter((r) => r.body).map((r) => JSON.parse(r.body) as NotificationEnvelope);

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    validations,
    requests,
    behaviour: state,
    notifications,
    waitForNotifications(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(notifications());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} notifications, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
