import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../../src/database/data-source.options';
import type { JobQueue } from '../../src/jobs/job-queue.service';
import { InboxWriter } from '../../src/subscriptions/inbox.writer';
import { SubscriptionRepository } from '../../src/subscriptions/subscription.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

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

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('w-1', 'h') RETURNING id`);
    // Counts the writer's statements on the real pool (it writes through TypeORM's pg pool).
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { name?: string };
      if (config?.name === 'inbox-insert') statements++;
      return query(...args);
    };
    const jobs = { notify: (topic: string) => wakes.push(topic) } as unknown as JobQueue;
    writer = new InboxWriter(dataSource, jobs, new SubscriptionRepository(dataSource));
  });

  afterAll(async () => {
    await writer.beforeApplicationShutdown();
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
});
