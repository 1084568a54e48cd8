import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { percentile, round } from './stats';

/**
 * Phase 1. The webhook intake at concurrency N against its reference: plain single-row `INSERT … RETURNING` into a
 * table with the same columns, indexes and foreign key as inbound_events, by N clients in a tight loop.
 */

export interface LoadResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  durationSeconds: number;
  errors: number;
}

export const REFERENCE_TABLE = 'bench_reference_events';

/** Copies inbound_events' columns, defaults, indexes and foreign keys into a fresh table with its own id sequence. */
export async function createReferenceTable(databaseUrl: string): Promise<void> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`DROP TABLE IF EXISTS ${REFERENCE_TABLE}`);
    await c.query(`CREATE TABLE ${REFERENCE_TABLE} (LIKE inbound_events INCLUDING ALL)`);
    await c.query(`CREATE SEQUENCE ${REFERENCE_TABLE}_id_seq OWNED BY ${REFERENCE_TABLE}.id`);
    await c.query(`ALTER TABLE ${REFERENCE_TABLE} ALTER COLUMN id SET DEFAULT nextval('${REFERENCE_TABLE}_id_seq')`);
    const { rows } = await c.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'inbound_events'::regclass AND contype = 'f'`,
    );
    for (const { def } of rows) await c.query(`ALTER TABLE ${REFERENCE_TABLE} ADD ${def}`);
  } finally {
    await c.end();
  }
}

export async function dropReferenceTable(databaseUrl: string): Promise<void> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS ${REFERENCE_TABLE}`).finally(() => c.end());
}

/**
 * The reference's load: `connections` clients, each inserting one row at a time (autocommit). The clients stay
 * connected between runs (as the service's pool does), so no run pays for backends starting up.
 */
export class ReferenceLoad {
  private constructor(
    private readonly clients: Client[],
    private readonly row: { accountId: string; telephonySessionId: string; payload: string },
  ) {}

  static async connect(args: { databaseUrl: string; connections: number; accountId: string; telephonySessionId: string; payload: string }): Promise<ReferenceLoad> {
    const clients = await Promise.all(
      Array.from({ length: args.connections }, async () => {
        const c = new Client({ connectionString: args.databaseUrl, application_name: 'bench-reference' });
        await c.connect();
        return c;
      }),
    );
    return new ReferenceLoad(clients, args);
  }

  /** Every client in a tight loop of single-row `INSERT … RETURNING` for `durationMs`. */
  async run(durationMs: number): Promise<LoadResult> {
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const end = started + durationMs;
    await Promise.all(
      this.clients.map(async (c) => {
        while (performance.now() < end) {
          const t = performance.now();
          try {
            await c.query(
              `INSERT INTO ${REFERENCE_TABLE} (uuid, account_id, telephony_session_id, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
              [randomUUID(), this.row.accountId, this.row.telephonySessionId, this.row.payload],
            );
            latencies.push(performance.now() - t);
          } catch {
            errors++;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: round(latencies.length / seconds, 0),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      count: latencies.length,
      durationSeconds: round(seconds, 2),
      errors,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.end().catch(() => undefined)));
  }
}

/**
 * autocannon against POST /webhooks/ringcentral: `connections` keep-alive connections, each request the same
 * notification with a fresh uuid (so every one is stored, none is a duplicate) and the subscription's token.
 */
export async function measureIntake(args: {
  url: string;
  connections: number;
  durationSeconds: number;
  verificationToken: string;
  /** The notification; its uuid is replaced per request. */
  envelope: Record<string, unknown>;
}): Promise<LoadResult & { non2xx: number; statusCodes: Record<string, number> }> {
  const marker = '__BENCH_UUID__';
  const [head, tail] = JSON.stringify({ ...args.envelope, uuid: marker }).split(marker) as [string, string];
  const result = await autocannon({
    url: `${args.url}/webhooks/ringcentral`,
    connections: args.connections,
    duration: args.durationSeconds,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'user-agent': 'RingCentral-Webhook/8.3', 'verification-token': args.verificationToken },
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: head + randomUUID() + tail }) }],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  return {
    perSecond: round(result['2xx'] / result.duration, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    count: result['2xx'],
    durationSeconds: result.duration,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
  };
}
