import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { QUEUE_OPTIONS } from '../../src/jobs/job-options';
import { JobQueue } from '../../src/jobs/job-queue.service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('JobQueue facade over pg-boss (real PostgreSQL)', () => {
  let db: TestDatabase;
  let queue: JobQueue;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = new ConfigService({ database: { url: db.url }, app: { role: 'api', jobTimeoutSeconds: 60 } });
    queue = new JobQueue(config as never);
    await queue.onModuleInit();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await queue.beforeApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  async function jobsWithTick(tickAt: string): Promise<number> {
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'system.housekeeping' AND data->>'tickAt' = $1`, [tickAt]);
    return count;
  }

  it('enqueues inside a transaction: the job exists only if the transaction commits', async () => {
    const rolledBack = '2030-01-01T00:00:00.000Z';
    const committed = '2030-01-01T00:01:00.000Z';
    await dataSource
      .transaction(async (tx) => {
        await queue.enqueue('system.housekeeping', { tickAt: rolledBack }, { transaction: tx });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await dataSource.transaction(async (tx) => {
      await queue.enqueue('system.housekeeping', { tickAt: committed }, { transaction: tx });
    });
    expect(await jobsWithTick(rolledBack)).toBe(0);
    expect(await jobsWithTick(committed)).toBe(1);
  });

  it('sends a singleton once per slot and again in the next slot; another key is its own', async () => {
    const settle = (telephonySessionId: string) =>
      queue.enqueue('session.settle', { accountId: 'acc-s', telephonySessionId }, { singletonKey: `acc-s:${telephonySessionId}`, singletonSeconds: 1, startAfter: Date.now() + 60_000 });
    const count = async (telephonySessionId: string): Promise<number> =>
      (await dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'session.settle' AND data->>'telephonySessionId' = $1`, [telephonySessionId]))[0].n;
    // Start just after a slot boundary, so the first two sends fall in one 1 s slot.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    expect(await settle('s-1')).not.toBeNull();
    expect(await settle('s-1')).toBeNull();
    expect(await settle('s-2')).not.toBeNull();
    expect(await count('s-1')).toBe(1);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    expect(await settle('s-1')).not.toBeNull();
    expect(await count('s-1')).toBe(2);
    expect(await count('s-2')).toBe(1);
  });

  it('creates one job per tick however many replicas enqueue it', async () => {
    const tick = new Date('2030-01-01T00:02:00.000Z');
    const ids = await Promise.all([queue.enqueueTick('system.housekeeping', tick), queue.enqueueTick('system.housekeeping', tick), queue.enqueueTick('system.housekeeping', tick)]);
    expect(ids.filter(Boolean)).toHaveLength(1);
    expect(await jobsWithTick(tick.toISOString())).toBe(1);
  });

  it('reports the age of the oldest due job as lag', async () => {
    await dataSource.query(`UPDATE pgboss.job SET start_after = now() - interval '90 seconds' WHERE name = 'system.housekeeping' AND state = 'created'`);
    expect(await queue.oldestWaitingSeconds()).toBeGreaterThanOrEqual(89);
  });

  it('declares retry options and a dead-letter queue once per queue; jobs sent without options get them', async () => {
    const [row] = await dataSource.query(`SELECT retry_limit, retry_delay, retry_backoff, dead_letter FROM pgboss.queue WHERE name = 'call.log'`);
    expect(row).toEqual({ retry_limit: QUEUE_OPTIONS['call.log'].retryLimit, retry_delay: QUEUE_OPTIONS['call.log'].retryDelay, retry_backoff: true, dead_letter: 'call.log.dead' });
    await queue.enqueue('call.log', { callLogId: '00000000-0000-4000-8000-000000000001' }, { startAfter: Date.now() + 3_600_000 });
    const [job] = await dataSource.query(`SELECT retry_limit, retry_delay, retry_backoff, dead_letter FROM pgboss.job WHERE name = 'call.log'`);
    expect(job).toEqual(row);
  });

  it('brings the options of a queue created by an older version up to date at boot', async () => {
    await dataSource.query(`UPDATE pgboss.queue SET retry_limit = 2, retry_delay = 0, dead_letter = NULL WHERE name = 'directory.sync'`);
    const config = new ConfigService({ database: { url: db.url }, app: { role: 'api', jobTimeoutSeconds: 60 } });
    const replica = new JobQueue(config as never);
    await replica.onModuleInit();
    await replica.beforeApplicationShutdown();
    const [row] = await dataSource.query(`SELECT retry_limit, dead_letter FROM pgboss.queue WHERE name = 'directory.sync'`);
    expect(row).toEqual({ retry_limit: QUEUE_OPTIONS['directory.sync'].retryLimit, dead_letter: 'directory.sync.dead' });
  });

  it('moves a job that exhausted its retries to its dead-letter queue, and counts it', async () => {
    expect(await queue.deadLetterCounts()).toEqual({});
    await queue.work('plugins.purge', { batchSize: 1, concurrency: 1 }, async () => {
      throw new Error('always fails');
    });
    await queue.enqueue('plugins.purge', { tickAt: '2030-01-01T00:03:00.000Z' });
    const deadline = Date.now() + 30_000;
    let counts: Record<string, number> = {};
    while (Date.now() < deadline && !counts['plugins.purge.dead']) {
      await new Promise((r) => setTimeout(r, 200));
      counts = await queue.deadLetterCounts();
    }
    expect(counts).toEqual({ 'plugins.purge.dead': 1 });
    const [dead] = await dataSource.query(`SELECT data FROM pgboss.job WHERE name = 'plugins.purge.dead'`);
    expect(dead.data).toEqual({ tickAt: '2030-01-01T00:03:00.000Z' });
  });
});
