import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../../src/database/data-source.options';
import type { JobQueue } from '../../src/jobs/job-queue.service';
import { InboxWriter } from '../../src/subscriptions/inbox.writer';
import { SubscriptionRepository } from '../../src/subscriptions/subscription.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';

/**
 * The webhook's durable write, on the real database: notifications that arrive together share a statement (group
 * commit), each is answered only once committed, and a statement held up in PostgreSQL does not hold up the
 * notifications that arrive after it.
 */
describe('inbox writer (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let writer: InboxWriter;
  let accountId: string;
  let statements = 0;
  const wakes: string[] = [];
  const poolQuery = Pool.prototype.query as (...args: unknown[]) => unknown;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('w-1', 'h') RETURNING id`);
    // Counts the writer's statements on the real pg pools (it writes through a pool of its own).
    (Pool.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: Pool, ...args: unknown[]) {
      if ((args[0] as { name?: string })?.name?.startsWith('inbox-insert')) statements++;
      return poolQuery.apply(this, args);
    };
    const jobs = { notify: (topic: string) => wakes.push(topic) } as unknown as JobQueue;
    writer = new InboxWriter(dataSource, jobs, new SubscriptionRepository(dataSource));
  });

  afterAll(async () => {
    Pool.prototype.query = poolQuery as typeof Pool.prototype.query;
    await writer.beforeApplicationShutdown();
    await writer.onApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  const notification = (uuid = randomUUID()) => ({
    uuid,
    accountId,
    rcSubscriptionId: 'sub-w',
    telephonySessionId: 's-w',
    payloadJson: JSON.stringify({ uuid, subscriptionId: 'sub-w', body: { telephonySessionId: 's-w' } }),
  });

  const stored = async (uuids: string[]) =>
    Number((await dataSource.query(`SELECT count(*)::int AS n FROM inbound_events WHERE uuid = ANY($1)`, [uuids]))[0].n);

  it('writes notifications that arrive together in a few statements, and tells stored from duplicates', async () => {
    const items = Array.from({ length: 300 }, () => notification());
    statements = 0;
    wakes.length = 0;
    const results = await Promise.all([...items, items[0]!, items[299]!].map((item) => writer.write(item)));
    expect(results.filter(Boolean)).toHaveLength(300);
    expect(results.filter((r) => !r)).toHaveLength(2);
    expect(await stored(items.map((i) => i.uuid))).toBe(300);
    // One statement per notification would be 302; the first starts alone, the rest gather while it runs.
    expect(statements).toBeLessThanOrEqual(6);
    expect(wakes.length).toBeGreaterThan(0);
  });

  it('stores each notification as the text received, its columns with it, in batches of several sizes (600 at once is more than one statement holds)', async () => {
    // Spacing, key order and number spelling that a parsed (jsonb) copy would not keep.
    const asReceived = (uuid: string, i: number) => `{ "uuid" : "${uuid}",\n  "subscriptionId":"sub-w", "body": {"telephonySessionId": "s-${i}", "b": 1.50, "a": [1e2, "x"]}, "z": null }`;
    for (const size of [1, 3, 5, 33, 600]) {
      const items = Array.from({ length: size }, (_, i) => {
        const uuid = randomUUID();
        return { ...notification(uuid), telephonySessionId: `s-${i}`, payloadJson: asReceived(uuid, i) };
      });
      // The writer gathers what arrives while a statement runs: these go in as batches of several sizes.
      expect(await Promise.all(items.map((item) => writer.write(item)))).toEqual(items.map(() => true));
      const rows: { uuid: string; telephony_session_id: string; payload: string; intake_problem: string | null }[] = await dataSource.query(
        'SELECT uuid, telephony_session_id, payload, intake_problem FROM inbound_events WHERE uuid = ANY($1)',
        [items.map((i) => i.uuid)],
      );
      expect(rows).toHaveLength(size);
      const byUuid = new Map(rows.map((r) => [r.uuid, r]));
      items.forEach((item, i) =>
        expect(byUuid.get(item.uuid)).toEqual({ uuid: item.uuid, telephony_session_id: `s-${i}`, payload: asReceived(item.uuid, i), intake_problem: null }),
      );
    }
  });

  it('does not hold the notifications after a statement that PostgreSQL holds up', async () => {
    // Another transaction holds this uuid uncommitted: the statement inserting it waits for that transaction.
    const held = notification();
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`INSERT INTO inbound_events (uuid, account_id, payload) VALUES ($1, $2, '{}'::jsonb)`, [held.uuid, accountId]);
      let heldAnswered = false;
      // The held one starts a statement; the others arrive while it has just started, too few to start one for
      // their number: they are written once that statement is seen to be held up.
      const heldWrite = writer.write(held).then((r) => {
        heldAnswered = true;
        return r;
      });
      const later = Array.from({ length: 3 }, () => notification());
      const results = await Promise.all(later.map((item) => writer.write(item)));
      expect(results).toEqual([true, true, true]);
      expect(await stored(later.map((i) => i.uuid))).toBe(3);
      expect(heldAnswered).toBe(false);

      // The holder gives up: the held notification is stored and answered.
      await other.query('ROLLBACK');
      expect(await heldWrite).toBe(true);
      expect(await stored([held.uuid])).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('answers while every connection of the application pool is busy (folding and logging in the same process)', async () => {
    // TypeORM's pool (10 connections here) all held by long statements, as a burst's fold and log jobs hold them.
    let holderDone = false;
    const holders = Array.from({ length: 10 }, () => dataSource.query('SELECT pg_sleep(3)').finally(() => (holderDone = true)));
    await waitFor(async () => ((dataSource.driver as PostgresDriver).master.totalCount === 10 || undefined), 5_000, 'the pool to be full');
    const item = notification();
    expect(await writer.write(item)).toBe(true);
    // On the shared pool the write could only have started once a holder had finished.
    expect(holderDone).toBe(false);
    expect(await stored([item.uuid])).toBe(1);
    await Promise.all(holders);
  });
});
