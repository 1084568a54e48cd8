// Helpers for the plugin simulator's specs and for suites driving it over HTTP. No jest globals here, so the file
// compiles into the build like the rest of sim/.
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseMaybeJson } from './parse-maybe-json.util';
import type { PluginServer } from './plugin-server';

export interface PluginResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function callPlugin(plugin: Pick<PluginServer, 'url'>, method: string, path: string, options: CallOptions = {}): Promise<PluginResponse> {
  const res = await fetch(`${plugin.url}${path}`, {
    method,
    headers: {
      ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: parseMaybeJson(text), text };
}

/** Registers an account the way App Connect does and returns the plugin's jwtToken. */
export async function register(plugin: PluginServer, rcAccountId = '37439510', rcAccessToken = 'rc-admin-access-token'): Promise<string> {
  const res = await callPlugin(plugin, 'POST', '/admin/register', { body: { rcAccessToken, rcAccountId } });
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return (res.body as { jwtToken: string }).jwtToken;
}

/** A call-log create payload as App Connect passes it to plugins (`POST /callLog` body); override what matters. */
export function callLogPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    logInfo: {
      sessionId: 's-a1b2c3',
      telephonySessionId: 's-a1b2c3',
      direction: 'Inbound',
      startTime: '2025-06-24T10:30:00.000Z',
      duration: 125,
      result: 'Call connected',
      from: { phoneNumber: '+14155550100' },
      to: { phoneNumber: '+16505550101' },
    },
    contactId: 'con_2001',
    contactType: 'Contact',
    contactName: 'Jane Customer',
    note: 'Customer asked for a callback.',
    additionalSubmission: {},
    ...overrides,
  };
}

export function asyncEnvelope(callbackBase: string, overrides: Record<string, unknown> = {}): Record<string, unknown> & { asyncTaskId: string; callbackUrl: string } {
  const asyncTaskId = randomUUID();
  return {
    data: callLogPayload(),
    config: null,
    asyncTaskId,
    callbackUrl: `${callbackBase}/plugin/async-callback/${asyncTaskId}`,
    hashedExtensionId: '6b5d3fcae1f7',
    ...overrides,
  };
}

export interface ReceivedCallback {
  taskId: string;
  body: unknown;
  contentType?: string;
}

export interface CallbackReceiver {
  /** Base URL; callbacks go to `${url}/plugin/async-callback/<taskId>` like App Connect's. */
  url: string;
  received: ReceivedCallback[];
  /** Resolves when `count` callbacks have arrived, rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  /** Changes the answer: default 200 `{successful: true}`. */
  answerWith(status: number, body: unknown): void;
  close(): Promise<void>;
}

/** Stands in for App Connect's `POST /plugin/async-callback/:taskId`. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: { successful: true } };
  let waiters: (() => void)[] = [];
  const app = express();
  app.use(express.json());
  app.post('/plugin/async-callback/:taskId', (req, res) => {
    received.push({ taskId: req.params.taskId, body: req.body, contentType: req.headers['content-type'] });
    res.status(answer.status).json(answer.body);
    // Swap first: a waiter that still needs more callbacks re-registers itself in the new list.
    const woken = waiters;
    waiters = [];
    woken.forEach((wake) => wake());
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} callbacks arrived`)), timeoutMs);
        const check = (): void => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve([...received]);
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
    answerWith: (status, body) => {
      answer = { status, body };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A clock the test moves by hand (ms). */
export function manualClock(start = Date.now()): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
