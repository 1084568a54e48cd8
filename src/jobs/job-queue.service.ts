import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { EntityManager, QueryRunner } from 'typeorm';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JOB_NAMES, type JobName, type JobPayloads } from './job-names';

export interface EnqueueOptions {
  /**
   * With `singletonSeconds`: at most one job per (name, key) in each time slot of that length (pg-boss's
   * standard-policy queues dedupe by key only within a slot).
   */
  singletonKey?: string;
  singletonSeconds?: number;
  startAfter?: Date | number;
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** A deterministic id makes the enqueue idempotent: a second send with the same id is a no-op. */
  id?: string;
  /** Enqueue inside this transaction, so the job exists if and only if the transaction commits. */
  transaction?: EntityManager | QueryRunner;
}

export const PG_BOSS_SCHEMA = 'pgboss';

/** Thin facade over pg-boss: the rest of the code never imports pg-boss. */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private readonly workers = new Map<JobName, string[]>();

  constructor(config: ConfigService<AppConfig, true>) {
    this.boss = new PgBoss({
      connectionString: config.get('database', { infer: true }).url,
      schema: PG_BOSS_SCHEMA,
      application_name: 'sscl-jobs',
      max: 10,
      // Archiving and expiring jobs is worker work; pg-boss's own cron is unused (ticks come from @nestjs/schedule).
      supervise: runsWorkers(config.get('app', { infer: true }).role),
      schedule: false,
    });
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    for (const name of JOB_NAMES) {
      if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, policy: 'standard' });
    }
    this.started = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, close: true, timeout: 10_000 });
    this.started = false;
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: EnqueueOptions = {}): Promise<string | null> {
    const { transaction, startAfter, ...rest } = options;
    const id = await this.boss.send(name, data as object, {
      ...rest,
      ...(startAfter !== undefined ? { startAfter: startAfter instanceof Date ? startAfter : new Date(startAfter) } : {}),
      ...(transaction ? { db: executorOf(transaction) } : {}),
    });
    // A job sent outside a transaction is visible now; one sent inside is notified by the caller after commit.
    if (id && !transaction && startAfter === undefined) this.notify(name);
    return id;
  }

  /** Enqueues the job of one scheduled tick; every replica computes the same id, so only one job exists. */
  async enqueueTick(name: JobName, tickAt: Date): Promise<string | null> {
    return this.enqueue(name, { tickAt: tickAt.toISOString() } as JobPayloads[JobName], {
      id: deterministicUuid(`${name}@${tickAt.toISOString()}`),
      retryLimit: 0,
    });
  }

  /**
   * Runs `handler` for jobs of `name`, up to `concurrency` at once. pg-boss's worker sleeps its polling interval
   * after every fetch, so jobs are fetched in batches and a batch's jobs run concurrently; a job that throws is failed
   * on its own (pg-boss retries it per its retry options) while the rest of the batch completes.
   */
  async work(name: JobName, concurrency: number, handler: (job: PgBoss.Job<unknown>) => Promise<void>): Promise<string> {
    const id = await this.boss.work(name, { batchSize: Math.max(1, concurrency), pollingIntervalSeconds: 0.5 }, async (jobs) => {
      const outcomes = await Promise.allSettled(jobs.map((job) => handler(job)));
      for (let i = 0; i < jobs.length; i++) {
        const outcome = outcomes[i]!;
        if (outcome.status === 'rejected') {
          const error = outcome.reason as Error;
          await this.boss.fail(name, jobs[i]!.id, { message: error?.message ?? String(error) });
        }
      }
    });
    this.workers.set(name, [...(this.workers.get(name) ?? []), id]);
    return id;
  }

  /** Wakes this process's workers of a queue now instead of at their next poll (call after the enqueue committed). */
  notify(name: JobName): void {
    for (const id of this.workers.get(name) ?? []) this.boss.notifyWorker(id);
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
