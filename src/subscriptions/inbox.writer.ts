import { Injectable, Logger, BeforeApplicationShutdown, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { truncateText } from '../common/text/storable-text';
import { FOLD_WAKE_TOPIC } from '../jobs/job-names';
import { JobQueue } from '../jobs/job-queue.service';
import { fallbackInboxRow, type StorableInboxRow, toStorableInboxRow } from './inbox-row.sanitizer';
import { SubscriptionRepository } from './subscription.repository';

export interface InboundNotification {
  uuid: string;
  accountId: string;
  rcSubscriptionId: string;
  telephonySessionId?: string;
  /** The notification as received (JSON text): stored as is when PostgreSQL can hold it, not serialised again. */
  payloadJson: string;
  /** `payloadJson` already parsed, when the caller has it (saves parsing it again). */
  payload?: unknown;
}

interface Pending {
  item: InboundNotification;
  row: StorableInboxRow;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

/** Rows per statement at most; a batch statement is prepared for each power of two up to it. */
const MAX_BATCH = 512;
/**
 * Batch statements in flight at once. A statement costs PostgreSQL a fixed ~0.3–0.9 ms (bind, commit, waking the
 * backend) besides its rows, so one runs at a time and gathers what arrives meanwhile. Another starts beside it,
 * up to MAX_IN_FLIGHT, when OVERLAP_AFTER notifications wait or when it has run STALL_MS (a statement held up by a
 * slow disk or a lock does not hold up the notifications after it). Measured in bench/README.md ("Intake, what changed last").
 */
const MAX_IN_FLIGHT = 3;
const OVERLAP_AFTER = 32;
const STALL_MS = 25;
/** A subscription's "last event" time is refreshed at most this often (it is bookkeeping for the admin's view). */
const LAST_EVENT_EVERY_MS = 5_000;
/** SQLSTATE classes that say the database or connection failed, not the data: retrying rows one by one is useless. */
const NOT_A_DATA_ERROR = /^(08|53|57|58|XX)/;

/**
 * The durable inbox, which is also the fold queue (unfolded rows are claimed by EventFoldingJob). Notifications that
 * arrive together are written together: while an INSERT runs, the next requests queue up and go into the
 * following one (group commit), so a burst costs one autocommitted statement per batch. A request is answered only
 * after its row is committed.
 *
 * No item can fail the others: each is made storable before it joins a batch (toStorableInboxRow), and if a batch
 * statement still fails, its items are written one by one so the innocent ones succeed.
 *
 * The writer has connections of its own (MAX_IN_FLIGHT of them), apart from the application's pool: where the same
 * process also folds and logs (ROLE=all), a burst can keep every pooled connection busy with that work, and an
 * acknowledgement would queue behind it (bench/README.md, "ROLE=all acknowledgements").
 */
@Injectable()
export class InboxWriter implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(InboxWriter.name);
  private queue: Pending[] = [];
  private inFlight = 0;
  private lastStartedAt = 0;
  private stallTimer?: NodeJS.Timeout;
  private readonly lastEventWritten = new Map<string, number>();
  private connections?: Pool;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  /** Resolves true when stored, false when it was a duplicate, once committed. */
  write(item: InboundNotification): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, row: toStorableInboxRow(item), resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts a batch when none runs; beside the running ones only when OVERLAP_AFTER notifications wait or the newest
   * running statement is older than STALL_MS. What waits goes into the next batch (group commit).
   */
  private pump(): void {
    while (this.queue.length && this.mayStartBatch()) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      this.lastStartedAt = Date.now();
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.touchLastEvent(batch);
        this.pump();
      });
    }
    if (this.queue.length && this.inFlight < MAX_IN_FLIGHT && !this.stallTimer) {
      this.stallTimer = setTimeout(
        () => {
          this.stallTimer = undefined;
          this.pump();
        },
        Math.max(1, STALL_MS - (Date.now() - this.lastStartedAt)),
      ).unref();
    }
  }

  private mayStartBatch(): boolean {
    if (this.inFlight === 0) return true;
    if (this.inFlight >= MAX_IN_FLIGHT) return false;
    return this.queue.length >= OVERLAP_AFTER || Date.now() - this.lastStartedAt >= STALL_MS;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      const stored = await this.insert(batch.map((p) => ({ accountId: p.item.accountId, row: p.row })));
      if (stored.size) this.jobs.notify(FOLD_WAKE_TOPIC);
      // A notification delivered twice into one batch is stored once: the first of them is the stored one.
      for (const p of batch) p.resolve(stored.delete(p.row.uuid));
      return;
    } catch (error) {
      if (NOT_A_DATA_ERROR.test(sqlState(error))) {
        this.logger.error({ error: describe(error), count: batch.length }, 'could not store notifications');
        for (const p of batch) p.reject(error);
        return;
      }
      if (batch.length === 1) return this.writeFallback(batch[0]!, error);
      this.logger.warn({ error: describe(error), count: batch.length }, 'a batch of notifications was refused; writing them one by one');
    }
    for (const p of batch) await this.writeBatch([p]);
  }

  /** Last resort for one row PostgreSQL refused: store its text only, marked for quarantine. */
  private async writeFallback(p: Pending, cause: unknown): Promise<void> {
    const row = fallbackInboxRow(p.row, p.item.payloadJson, describe(cause).message);
    try {
      const stored = await this.insert([{ accountId: p.item.accountId, row }]);
      p.resolve(stored.has(row.uuid));
      if (stored.size) this.jobs.notify(FOLD_WAKE_TOPIC);
    } catch (error) {
      this.logger.error({ error: describe(error), uuid: truncateText(row.uuid, 80) }, 'could not store a notification');
      p.reject(error);
    }
  }

  /** One statement, autocommitted: the rows and nothing else (the fold claims them from the table itself). */
  private async insert(rows: { accountId: string; row: StorableInboxRow }[]): Promise<Set<string>> {
    const statement = inboxInsertStatement(rows.length);
    const values: (string | null)[] = [];
    for (const { accountId, row } of rows) values.push(row.uuid, accountId, row.telephonySessionId, row.payloadJson, row.intakeProblem);
    for (let i = rows.length; i < statement.rows; i++) values.push(null, null, null, null, null);
    const { rows: inserted } = await this.pool().query<{ uuid: string }>({ name: statement.name, text: statement.text, values });
    return new Set(inserted.map((r) => r.uuid));
  }

  /** The writer's own connections, opened on the first write, to the application's database. */
  private pool(): Pool {
    if (!this.connections) {
      const { url } = this.dataSource.options as PostgresDataSourceOptions;
      this.connections = new Pool({ connectionString: url, max: MAX_IN_FLIGHT, application_name: 'sscl-intake' });
      // An idle connection that drops (a database restart) is replaced on the next write; unhandled, it would end the process.
      this.connections.on('error', (error) => this.logger.warn({ error: describe(error) }, 'an idle intake connection failed'));
    }
    return this.connections;
  }

  /** Bookkeeping for the admin's "last event" view, after the acknowledgements: never worth delaying or failing them. */
  private touchLastEvent(batch: Pending[]): void {
    const now = Date.now();
    const due = [...new Set(batch.map((p) => p.item.rcSubscriptionId))].filter((id) => now - (this.lastEventWritten.get(id) ?? 0) >= LAST_EVENT_EVERY_MS);
    if (!due.length) return;
    for (const id of due) this.lastEventWritten.set(id, now);
    void this.subscriptions.touchLastEvent(due).catch((error: unknown) => this.logger.warn({ error: describe(error) }, 'could not record the last event time'));
  }

  /** Notifications already acknowledged are written before the data source closes (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.inFlight) await new Promise((r) => setTimeout(r, 10));
  }

  /** Ends the writer's connections; the pool stays, ended, so a write arriving after shutdown fails instead of reopening it. */
  async onApplicationShutdown(): Promise<void> {
    await this.connections?.end().catch(() => undefined);
  }
}

const statements = new Map<number, { name: string; text: string; rows: number }>();

/**
 * The INSERT of a batch of `count` rows: one VALUES row of five parameters per notification, the payload passed as
 * the text received (no escaping on either side, no parsing in PostgreSQL). A named statement is parsed and planned
 * once per connection, but its row count is part of its text, so `count` is rounded up to a power of two and the
 * statement drops the all-NULL rows that pad it: at most 10 statements per connection, up to MAX_BATCH rows.
 */
export function inboxInsertStatement(count: number): { name: string; text: string; rows: number } {
  let rows = 1;
  while (rows < count) rows *= 2;
  let statement = statements.get(rows);
  if (!statement) {
    const tuples = Array.from({ length: rows }, (_, i) => `($${5 * i + 1}, $${5 * i + 2}::uuid, $${5 * i + 3}, $${5 * i + 4}, $${5 * i + 5})`);
    const text = `INSERT INTO inbound_events (uuid, account_id, telephony_session_id, payload, intake_problem)
  SELECT * FROM (VALUES ${tuples.join(', ')}) AS r(uuid, account_id, telephony_session_id, payload, intake_problem)
   WHERE r.uuid IS NOT NULL
  ON CONFLICT (uuid) DO NOTHING
  RETURNING uuid`;
    statement = { name: `inbox-insert-${rows}`, text, rows };
    statements.set(rows, statement);
  }
  return statement;
}

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * What an error line may carry: its code and a bounded message. Never the error object itself: a failed query's
 * error holds the statement's parameters, here the whole batch of notifications (issue: 804 kB log lines).
 */
function describe(error: unknown): { code: string; message: string } {
  return { code: sqlState(error), message: truncateText(error instanceof Error ? error.message : String(error), 300) };
}
