import express, { type ErrorRequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { activitiesRouter } from './activities.routes';
import { renderActivitiesPage } from './activities-page.view';
import { ApiKeyRegistry } from './api-key.auth';
import { contactsRouter } from './contacts.routes';
import { CrmHttpError } from './crm-http.error';
import { CrmStore } from './crm.store';
import type { CrmActivity, CrmContact, CrmUser, NewContact, NewUser, SeedData } from './crm.types';
import { DEMO_SEED } from './demo-data.seed';
import { type CrmKnobs, FaultInjector } from './fault-injector';
import { type CrmStats, RequestStats } from './request-stats';
import { SeededRandom } from './seeded-random';
import { usersRouter } from './users.routes';

export interface SampleCrmOptions extends Partial<CrmKnobs> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keys accepted from the start (and again after reset()); more with issueApiKey(). */
  apiKeys?: string[];
  /** RNG seed for errorRate, lostResponseRate and latency jitter (default 1), so a faulty run can be replayed. */
  seed?: number;
  /** Load DEMO_SEED (demo-data.seed.ts) at start. */
  demoData?: boolean;
  /** More users and contacts loaded at start, after the demo data. */
  data?: SeedData;
}

export interface SampleCrm {
  /** e.g. http://127.0.0.1:41234 (the HTML page is here; the API under /api). */
  readonly url: string;
  /** `${url}/api`: the base URL a connector or proxy config points at. */
  readonly apiUrl: string;
  readonly port: number;
  close(): Promise<void>;
  addUser(user: NewUser): CrmUser;
  addContact(contact: NewContact): CrmContact;
  seed(data: SeedData): void;
  issueApiKey(): string;
  /** Refuses `key` from now on (401): a rotated credential. */
  revokeApiKey(key: string): void;
  users(): CrmUser[];
  contacts(): CrmContact[];
  /** Every call activity, in creation order (copies). */
  activities(): CrmActivity[];
  stats(): CrmStats;
  knobs(): CrmKnobs;
  setKnobs(partial: Partial<CrmKnobs>): void;
  /**
   * Back to the state right after start: start-time data and API keys only, no activities or idempotency keys,
   * knobs as in the options, stats at zero, RNG re-seeded. Data added later through the helpers or the API is gone.
   */
  reset(): void;
}

export async function startSampleCrm(options: SampleCrmOptions = {}): Promise<SampleCrm> {
  const { port = 0, host = '127.0.0.1', apiKeys = [], seed = 1, demoData = false, data, ...initialKnobs } = options;
  const store = new CrmStore();
  const keys = new ApiKeyRegistry();
  const random = new SeededRandom(seed);
  const faults = new FaultInjector(initialKnobs, random);
  const stats = new RequestStats();

  const loadStartData = (): void => {
    apiKeys.forEach((key) => keys.add(key));
    if (demoData) seedStore(store, DEMO_SEED);
    if (data) seedStore(store, data);
  };
  loadStartData();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Request counts (no auth, like /health): the demo reports "CRM requests per log" from them.
  app.get('/stats', (_req, res) => {
    res.json(stats.snapshot());
  });
  app.get(['/', '/activities'], (_req, res) => {
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(renderActivitiesPage(store));
  });
  app.use('/api', apiRouter(store, keys, faults, stats));
  app.use(errorHandler);

  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  return {
    url,
    apiUrl: `${url}/api`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this close() waits for their idle timeout.
        server.closeAllConnections();
      }),
    addUser: (user) => store.addUser(user),
    addContact: (contact) => store.addContact(contact),
    seed: (more) => seedStore(store, more),
    issueApiKey: () => keys.issue(),
    revokeApiKey: (key) => keys.revoke(key),
    users: () => store.listUsers(),
    contacts: () => store.listContacts(),
    activities: () => store.listActivities(),
    stats: () => stats.snapshot(),
    knobs: () => faults.current(),
    setKnobs: (partial) => faults.set(partial),
    reset: () => {
      store.clear();
      keys.clear();
      loadStartData();
      faults.reset(initialKnobs);
      stats.reset();
      random.reset();
    },
  };
}

function apiRouter(store: CrmStore, keys: ApiKeyRegistry, faults: FaultInjector, stats: RequestStats): express.Router {
  const api = express.Router();
  // Order matters: count every request, then shed load (latency, outage, 429, 503), then check the key, and only
  // then read the body, so rejected requests cost no parsing.
  api.use(stats.middleware());
  api.use(faults.middleware());
  api.use(keys.middleware());
  // Log bodies carry transcripts and AI notes; a 100 kB default would reject long calls.
  api.use(express.json({ limit: '5mb' }));
  api.use(usersRouter(store), contactsRouter(store), activitiesRouter(store));
  api.use(() => {
    throw CrmHttpError.notFound('route');
  });
  return api;
}

function seedStore(store: CrmStore, data: SeedData): void {
  data.users?.forEach((user) => store.addUser(user));
  data.contacts?.forEach((contact) => store.addContact(contact));
}

const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof CrmHttpError) {
    res.status(err.status).set(err.headers).json(err.body());
    return;
  }
  // body-parser errors carry a 4xx status and a type such as entity.parse.failed or entity.too.large.
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error('sample CRM: unexpected error', err);
  const error = err?.type === 'entity.parse.failed' ? 'invalid_json' : status === 500 ? 'internal' : String(err?.type ?? 'bad_request');
  res.status(status).json({ error });
};
