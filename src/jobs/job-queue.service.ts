import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import type { EntityManager, QueryRunner } from 'typeorm';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JOB_NAMES, type JobName, type JobPayloads, type WakeTopic } from './job-names';
import { QUEUE_OPTIONS, deadLetterQueueOf } from './job-options';

export interface EnqueueOptions {
  /**
   * With `singletonSeconds`: at most one job per (name, key) in each time slot of that length (pg-boss's
   * standard-policy queues dedupe by key only within a slot).
   */
  singletonKey?: string;
  singletonSeconds?: number;
  startAfter?: Date | number;
  /** A deterministic id makes the enqueue idempotent: a second send with the same id is a no-op. */
  id?: string;
  /** Enqueue inside this transaction, so the job exists if and only if the transaction commits. */
  transaction?: EntityManager | QueryRunner;
}

export const PG_BOSS_SCHEMA = 'pgboss';
const WAKE_CHANNEL = 'sscl_jobs';
const QUEUE_CREATION_LOCK_KEY = 0x5cc1_0002;

/** Thin facade over pg-boss: the rest of the code never imports pg-boss. */
@Injectable()
export class JobQueue implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private readonly workers = new Map<JobName, string[]>();
  /** Local callbacks of wake-up topics that are not pg-boss queues (the inbox fold). */
  private readonly wakeHandlers = new Map<string, (() => void)[]>();
  private readonly notifyPending = new Set<WakeTopic>();
  /**
   * `name|singletonKey` -> end of the singleton slot this process last sent it in. pg-boss refuses a second job in
   * the same slot, so sending it again (folding asks for a session's settle on every notification) is skipped here.
   */
  private readonly singletonSlots = new Map<string, number>();
  private listener?: Client;
  private readonly databaseUrl: string;

  constructor(config: ConfigService<AppConfig, true>) {
    const { role, jobTimeoutSeconds } = config.get('app', { infer: true });
    this.databaseUrl = config.get('database', { infer: true }).url;
    this.boss = new PgBoss({
      connectionString: config.get('database', { infer: true }).url,
      schema: PG_BOSS_SCHEMA,
      application_name: 'sscl-jobs',
      max: 10,
      // Archiving and expiring jobs is worker work; pg-boss's own cron is unused (ticks come from @nestjs/schedule).
      supervise: runsWorkers(role),
      schedule: false,
      // A job whose worker died stays "active" until it expires; then pg-boss's maintenance (on worker replicas)
      // puts it back for a retry. The idempotency keys make that retry safe.
      expireInSeconds: jobTimeoutSeconds,
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.round(jobTimeoutSeconds / 2))),
    });
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    const queues = new Map((await this.boss.getQueues()).map((q) => [q.name, q]));
    const deadLetters = JOB_NAMES.map(deadLetterQueueOf);
    const missing = [...deadLetters, ...JOB_NAMES].filter((name) => !queues.has(name));
    // Each pg-boss queue is a table partition created by DDL: replicas booting together would deadlock creating
    // them, so creation is serialised by an advisory lock held on a dedicated connection. Dead-letter queues first:
    // a queue refers to its dead-letter queue.
    if (missing.length) {
      const lock = new Client({ connectionString: this.databaseUrl, application_name: 'sscl-queues-lock' });
      await lock.connect();
      try {
        await lock.query('SELECT pg_advisory_lock($1)', [QUEUE_CREATION_LOCK_KEY]);
        for (const name of missing) {
          if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, policy: 'standard', ...queueOptionsOf(name) });
        }
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [QUEUE_CREATION_LOCK_KEY]).catch(() => undefined);
        await lock.end();
      }
    }
    // Queues created by an older version get the options declared now (an UPDATE of one row each, when they differ).
    for (const name of JOB_NAMES) {
      const existing = queues.get(name);
      const wanted = queueOptionsOf(name);
      if (existing && !sameQueueOptions(existing as unknown as Record<string, unknown>, wanted)) await this.boss.updateQueue(name, { name, policy: 'standard', ...wanted });
    }
    this.started = true;
  }

  /**
   * Before the application's own shutdown, where the TypeORM data source closes: running jobs finish (pg-boss's graceful
   * stop) while the database they use is still there; a job cut off by a closed data source would stay active until it
   * expires (JOB_TIMEOUT_SECONDS) instead of being retried at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    if (this.started) await this.boss.stop({ graceful: true, close: true, timeout: 10_000 });
    this.started = false;
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: EnqueueOptions = {}): Promise<string | null> {
    const { transaction, startAfter, ...rest } = options;
    // Only outside a transaction: one that rolls back would leave the slot marked with no job in it.
    const slot = !transaction && options.singletonKey && options.singletonSeconds ? this.singletonSlot(name, options.singletonKey, options.singletonSeconds) : undefined;
    if (slot?.sent) return null;
    const id = await this.boss.send(name, data as object, {
      ...rest,
      ...(startAfter !== undefined ? { startAfter: startAfter instanceof Date ? startAfter : new Date(startAfter) } : {}),
      ...(transaction ? { db: executorOf(transaction) } : {}),
    });
    slot?.markSent();
    // A job sent outside a transaction is visible now; one sent inside is notified by the caller after commit.
    if (id && !transaction && startAfter === undefined) this.notify(name);
    return id;
  }

  /** Whether this process already sent (name, key) in the current singleton slot, and a way to record that it did. */
  private singletonSlot(name: JobName, key: string, seconds: number): { sent: boolean; markSent(): void } {
    const now = Date.now();
    const slotMs = seconds * 1000;
    const end = (Math.floor(now / slotMs) + 1) * slotMs;
    const id = `${name}|${key}`;
    return {
      sent: (this.singletonSlots.get(id) ?? 0) === end,
      markSent: () => {
        if (this.singletonSlots.size >= 10_000) for (const [k, until] of this.singletonSlots) if (until <= now) this.singletonSlots.delete(k);
        this.singletonSlots.set(id, end);
      },
    };
  }

  /** Enqueues several jobs of one kind in one statement (same options for all), e.g. inside a fold transaction. */
  async enqueueMany<N extends JobName>(name: N, items: JobPayloads[N][], options: Omit<EnqueueOptions, 'id' | 'singletonKey' | 'singletonSeconds' | 'startAfter'> = {}): Promise<void> {
    if (!items.length) return;
    const { transaction, ...rest } = options;
    await this.boss.insert(
      items.map((data) => ({ name, data: data as object, ...rest })),
      transaction ? { db: executorOf(transaction) } : {},
    );
    if (!transaction) this.notify(name);
  }

  /** Enqueues the job of one scheduled tick; every replica computes the same id, so only one job exists. */
  async enqueueTick(name: JobName, tickAt: Date): Promise<string | null> {
    return this.enqueue(name, { tickAt: tickAt.toISOString() } as JobPayloads[JobName], { id: deterministicUuid(`${name}@${tickAt.toISOString()}`) });
  }

  /**
   * Runs `handler` for jobs of `name`, up to `concurrency` at once. pg-boss's worker sleeps its polling interval
   * after every fetch, so jobs are fetched in batches and a batch's jobs run concurrently; a job that throws is failed
   * on its own (pg-boss retries it per its retry options) while the rest of the batch completes. pg-boss completes a
   * batch only once its slowest job ends, so slow jobs (CRM calls) use several `workers`, each fetching on its own.
   */
  async work(name: JobName, options: { batchSize: number; concurrency: number; workers?: number }, handler: (job: PgBoss.Job<unknown>) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < Math.max(1, options.workers ?? 1); i++) ids.push(await this.workOne(name, options, handler));
    await this.listen();
    return ids;
  }

  private async workOne(name: JobName, options: { batchSize: number; concurrency: number }, handler: (job: PgBoss.Job<unknown>) => Promise<void>): Promise<string> {
    const batchSize = Math.max(1, options.batchSize);
    const self: { id?: string } = {};
    const id = await this.boss.work(name, { batchSize, pollingIntervalSeconds: 1 }, async (jobs) => {
      // A full batch means more are probably waiting: fetch again as soon as this one is done, not after the poll interval.
      if (jobs.length >= batchSize && self.id) this.boss.notifyWorker(self.id);
      const outcomes = await runLimited(jobs, Math.max(1, options.concurrency), handler);
      for (let i = 0; i < jobs.length; i++) {
        const outcome = outcomes[i]!;
        if (outcome.status === 'rejected') {
          const error = outcome.reason as Error;
          await this.boss.fail(name, jobs[i]!.id, { message: error?.message ?? String(error) });
        }
      }
    });
    self.id = id;
    this.workers.set(name, [...(this.workers.get(name) ?? []), id]);
    return id;
  }

  /**
   * Wakes the workers of a queue now instead of at their next poll: this process's directly, other replicas' through
   * PostgreSQL NOTIFY (at most one per queue every 20 ms). Call it after the transaction that enqueued committed.
   */
  notify(name: WakeTopic): void {
    this.wakeLocal(name);
    if (this.notifyPending.has(name)) return;
    this.notifyPending.add(name);
    setTimeout(() => {
      this.notifyPending.delete(name);
      if (!this.started) return;
      void (this.boss.getDb() as { executeSql(t: string, v: unknown[]): Promise<unknown> })
        .executeSql('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, name])
        .catch(() => undefined);
    }, 20).unref();
  }

  private wakeLocal(name: string): void {
    for (const id of this.workers.get(name as JobName) ?? []) this.boss.notifyWorker(id);
    for (const handler of this.wakeHandlers.get(name) ?? []) handler();
  }

  /**
   * Calls `handler` whenever `topic` is notified, by this process or another replica (a loop that is not a pg-boss
   * worker, such as the inbox fold, sleeps on it).
   */
  async onWake(topic: WakeTopic, handler: () => void): Promise<void> {
    this.wakeHandlers.set(topic, [...(this.wakeHandlers.get(topic) ?? []), handler]);
    await this.listen();
  }

  /** One LISTEN connection per worker process, for wake-ups sent by other replicas (or this one's api side). */
  private async listen(): Promise<void> {
    if (this.listener) return;
    this.listener = new Client({ connectionString: this.databaseUrl, application_name: 'sscl-jobs-listen' });
    this.listener.on('notification', (message) => message.payload && this.wakeLocal(message.payload));
    this.listener.on('error', (error) => this.logger.warn({ err: error }, 'job wake-up listener failed; workers fall back to polling'));
    await this.listener.connect();
    await this.listener.query(`LISTEN ${WAKE_CHANNEL}`);
  }

  /** Jobs waiting in each dead-letter queue (only non-empty ones), for /metrics and /health. */
  async deadLetterCounts(): Promise<Record<string, number>> {
    const db = this.boss.getDb() as { executeSql(text: string, values?: unknown[]): Promise<{ rows: { name: string; n: number }[] }> };
    const { rows } = await db.executeSql(`SELECT name, count(*)::int AS n FROM ${PG_BOSS_SCHEMA}.job WHERE name = ANY($1::text[]) GROUP BY name`, [JOB_NAMES.map(deadLetterQueueOf)]);
    return Object.fromEntries(rows.map((r) => [r.name, r.n]));
  }

  /** Oldest job waiting to run, for the health check (queue lag). */
  async oldestWaitingSeconds(): Promise<number> {
    const db = this.boss.getDb() as { executeSql(text: string, values?: unknown[]): Promise<{ rows: { age: number | null }[] }> };
    const { rows } = await db.executeSql(
      `SELECT EXTRACT(EPOCH FROM now() - min(start_after))::float AS age FROM ${PG_BOSS_SCHEMA}.job WHERE state IN ('created', 'retry') AND start_after <= now()`,
    );
    return rows[0]?.age ?? 0;
  }
}

/** pg-boss options of a queue: the declared ones for a job queue; a dead-letter queue keeps its jobs as they are. */
function queueOptionsOf(name: string): { retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds?: number; deadLetter?: string } {
  const declared = QUEUE_OPTIONS[name as JobName] as (typeof QUEUE_OPTIONS)[JobName] | undefined;
  if (!declared) return { retryLimit: 0, retryDelay: 0, retryBackoff: false };
  return { ...declared, deadLetter: deadLetterQueueOf(name as JobName) };
}

function sameQueueOptions(existing: Record<string, unknown>, wanted: ReturnType<typeof queueOptionsOf>): boolean {
  return (
    existing.retryLimit === wanted.retryLimit &&
    existing.retryDelay === wanted.retryDelay &&
    existing.retryBackoff === wanted.retryBackoff &&
    (existing.deadLetter ?? undefined) === wanted.deadLetter &&
    (wanted.expireInSeconds === undefined || existing.expireInSeconds === wanted.expireInSeconds)
  );
}

function executorOf(transaction: EntityManager | QueryRunner): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
  const runner = 'queryRunner' in transaction && transaction.queryRunner ? transaction.queryRunner : (transaction as QueryRunner);
  return {
    executeSql: async (text, values) => {
      const result = await runner.query(text, values, true);
      return { rows: result.records ?? [] };
    },
  };
}

/** A UUID (version-5 layout) derived from a string, for idempotent enqueues. */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Runs `fn` over `items` with at most `limit` in flight; settles like Promise.allSettled, in order. */
async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!);
        results[i] = { status: 'fulfilled', value: undefined };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
