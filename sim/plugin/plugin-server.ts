import express, { type ErrorRequestHandler } from 'express';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CallbackDispatcher, type SentCallback } from './async-callbacks';
import { FaultInjector } from './fault-injector';
import { defaultMarker } from './note-transform';
import { type IssueOptions, PluginTokens } from './plugin-auth';
import { PluginContract } from './plugin-contract';
import { type PluginJwtVerification } from './plugin-jwt';
import { buildManifest, type PluginManifest } from './plugin-manifest';
import { defaultKnobs, knobsFromOptions, patchKnobs, type PluginKnobs, type PluginMode, type PluginServerOptions } from './plugin-options';
import { pluginRoutes, type Registration } from './plugin.routes';
import { type PluginStats, type RecordedRequest, RequestLog, type ValidationFailure } from './request-log';

/** What one call to /plugin/sync or /plugin/async received, and how it was answered. */
export interface PluginInvocation {
  seq: number;
  at: string;
  route: '/plugin/sync' | '/plugin/async';
  /** The Authorization header as received. */
  authorization?: string;
  /** The envelope as received: `{data, config, hashedExtensionId?}` (+ `asyncTaskId`, `callbackUrl` for async). */
  body: unknown;
  /** The verified token's claims; undefined when authentication failed. */
  rcAccountId?: string;
  /** Undefined while held by `timeoutForever`. */
  status?: number;
  response?: unknown;
  requestErrors: string[];
}

export interface PluginServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly mode: PluginMode;
  /** The id App Connect stores the plugin under (`platformName` of its pluginData row) and the tokens' pluginId claim. */
  readonly pluginId: string;
  readonly name: string;
  close(): Promise<void>;
  /** The platform manifest entry an admin installs, with this server's URLs. */
  manifest(overrides?: Partial<PluginManifest>): PluginManifest;
  knobs(): PluginKnobs;
  /** Checks every value first; throws RangeError and changes nothing on a bad one. */
  setKnobs(partial: Partial<PluginKnobs>): void;
  /** Requests per route and status, and the contract check counters. */
  stats(): PluginStats;
  /** Every request received, in order. */
  requests(): RecordedRequest[];
  invocations(): PluginInvocation[];
  /** Completion callbacks POSTed so far and the answers to them. */
  callbacksSent(): SentCallback[];
  /** Resolves when every scheduled callback has been sent and answered (or has failed). */
  callbacksSettled(): Promise<void>;
  /** Requests or responses (ours, or App Connect's answers to callbacks) that broke the contract. */
  validationFailures(): ValidationFailure[];
  /** Accounts registered through POST /admin/register. */
  registrations(): Registration[];
  /** Mints a token as registration would (or a near-expiry, expired or foreign one, for tests). */
  issueToken(rcAccountId: string, options?: IssueOptions): string;
  verifyToken(token: string): PluginJwtVerification;
  /** Knobs back to the start options; records, stats and registrations cleared; scheduled callbacks still run. */
  reset(): void;
}

export async function startPluginServer(options: PluginServerOptions = {}): Promise<PluginServer> {
  const mode = options.mode ?? 'sync';
  if (mode !== 'sync' && mode !== 'async') throw new RangeError(`mode must be 'sync' or 'async', not ${String(mode)}`);
  const pluginId = options.pluginId ?? `sim-${mode}-plugin`;
  const name = options.name ?? pluginId;
  const marker = defaultMarker(name);
  const transform = options.transform ?? { appendToNote: marker };
  const asyncNote = options.async?.note ?? `${marker} async`;
  const initialKnobs = patchKnobs(defaultKnobs(options), knobsFromOptions(options));
  const now = options.now ?? Date.now;

  const contract = await PluginContract.open({ validate: options.checkContract !== false });
  const invocationOperation = mode === 'sync' ? 'invokeSynchronousPlugin' : 'invokeAsynchronousPlugin';
  const served = new Set(['getPluginServerIsAlive', 'registerPluginAccount', 'syncPluginToken', 'getPluginServerLicenseStatus', invocationOperation]);
  const log = new RequestLog(contract, served);
  const faults = new FaultInjector(initialKnobs, options.seed ?? 1, contract);
  const callbacks = new CallbackDispatcher(contract, log);
  const tokens = new PluginTokens(options.secret ?? randomBytes(32).toString('hex'), pluginId, now);
  const registrations: Registration[] = [];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(log.capture());
  // Call payloads carry transcripts and AI notes; the template allows 10 MB too.
  app.use(express.json({ limit: '10mb' }));
  app.use(log.checkRequest());
  app.use(pluginRoutes({ mode, tokens, faults, callbacks, transform, asyncNote, verifyRcToken: options.verifyRcToken, registrations }));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use(errorHandler);

  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    contract.close();
    throw err;
  }
  const host = options.host ?? '127.0.0.1';
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    mode,
    pluginId,
    name,
    close: () =>
      new Promise<void>((resolve, reject) => {
        faults.close();
        callbacks.close();
        server.close((err) => {
          contract.close();
          if (err) reject(err);
          else resolve();
        });
        // Drops keep-alive connections and requests held by timeoutForever, which would otherwise keep close() waiting.
        server.closeAllConnections();
      }),
    manifest: (overrides) =>
      buildManifest(
        {
          url: (options.publicUrl ?? url).replace(/\/+$/, ''),
          mode,
          name,
          displayName: options.displayName ?? `Simulated ${mode} plugin (${name})`,
          defaultNote: mode === 'async' ? asyncNote : 'appendToNote' in transform ? transform.appendToNote : marker,
        },
        overrides,
      ),
    knobs: () => faults.current(),
    setKnobs: (partial) => faults.set(partial),
    stats: () => log.snapshot(),
    requests: () => log.requests(),
    invocations: () => log.requests().filter(isInvocation).map(toInvocation),
    callbacksSent: () => callbacks.sent(),
    callbacksSettled: () => callbacks.settled(),
    validationFailures: () => log.validationFailures(),
    registrations: () => structuredClone(registrations),
    issueToken: (rcAccountId, issueOptions) => tokens.issue(rcAccountId, issueOptions),
    verifyToken: (token) => tokens.verify(token),
    reset: () => {
      faults.reset();
      log.reset();
      callbacks.reset();
      registrations.length = 0;
    },
  };
}

function isInvocation(entry: RecordedRequest): entry is RecordedRequest & { path: '/plugin/sync' | '/plugin/async' } {
  return entry.method === 'POST' && (entry.path === '/plugin/sync' || entry.path === '/plugin/async');
}

function toInvocation(entry: RecordedRequest & { path: '/plugin/sync' | '/plugin/async' }): PluginInvocation {
  return {
    seq: entry.seq,
    at: entry.at,
    route: entry.path,
    authorization: entry.authorization,
    body: entry.body,
    rcAccountId: entry.claims?.rcAccountId,
    status: entry.status,
    response: entry.response,
    requestErrors: entry.requestErrors,
  };
}

const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  // body-parser errors carry a 4xx status (entity.parse.failed, entity.too.large).
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error('plugin simulator: unexpected error', err);
  if (res.headersSent) return;
  res.status(status).type('text/plain').send(status === 500 ? 'Plugin request failed' : 'Invalid request body');
};
