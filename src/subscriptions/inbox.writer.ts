import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import { SubscriptionRepository } from './subscription.repository';

export interface InboundNotification {
  uuid: string;
  accountId: string;
  rcSubscriptionId: string;
  telephonySessionId?: string;
  /** The notification as received (JSON text): stored as is, not serialised again. */
  payloadJson: string;
}

interface Pending {
  item: InboundNotification;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;
/** A subscription's "last event" time is refreshed at most this often (it is bookkeeping for the admin's view). */
const LAST_EVENT_EVERY_MS = 5_000;

/**
 * The durable inbox. Notifications that arrive together are written together: while one transaction commits, the
 * next requests queue up and go into the following one (group commit), so a burst costs a few transactions instead
 * of one per request. Each transaction inserts the rows (unique on uuid: duplicates are dropped) and enqueues one
 * fold job for the new ids; a request is answered only after its row is committed.
 */
@Injectable()
export class InboxWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(InboxWriter.name);
  private queue: Pending[] = [];
  private flushing = false;
  private readonly lastEventWritten = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  /** Resolves true when stored, false when it was a duplicate, once committed. */
  write(item: InboundNotification): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const storedUuids = await this.commit(batch.map((p) => p.item));
          for (const p of batch) p.resolve(storedUuids.has(p.item.uuid));
          this.touchLastEvent(batch);
        } catch (error) {
          this.logger.error({ err: error, count: batch.length }, 'could not store notifications');
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(items: InboundNotification[]): Promise<Set<string>> {
    const stored = await this.dataSource.transaction(async (tx) => {
      // One JSON array parameter: the payloads go in as received, with no per-element array escaping.
      const rows: { id: string; uuid: string }[] = await tx.query(
        `INSERT INTO inbound_events (uuid, account_id, telephony_session_id, payload)
         SELECT r.uuid, r.account_id, r.telephony_session_id, r.payload
           FROM jsonb_to_recordset($1::jsonb) AS r(uuid text, account_id uuid, telephony_session_id text, payload jsonb)
         ON CONFLICT (uuid) DO NOTHING
         RETURNING id, uuid`,
        [toJsonArray(items)],
      );
      if (rows.length) await this.jobs.enqueue('events.fold', { inboundEventIds: rows.map((r) => String(r.id)) }, { transaction: tx, retryLimit: 10, retryDelay: 2, retryBackoff: true });
      return rows;
    });
    if (stored.length) this.jobs.notify('events.fold');
    return new Set(stored.map((r) => r.uuid));
  }

  /** Bookkeeping for the admin's "last event" view, after the acknowledgements: never worth delaying or failing them. */
  private touchLastEvent(batch: Pending[]): void {
    const now = Date.now();
    const due = [...new Set(batch.map((p) => p.item.rcSubscriptionId))].filter((id) => now - (this.lastEventWritten.get(id) ?? 0) >= LAST_EVENT_EVERY_MS);
    if (!due.length) return;
    for (const id of due) this.lastEventWritten.set(id, now);
    void this.subscriptions.touchLastEvent(due).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record the last event time'));
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 10));
  }
}

/** `[{uuid, account_id, telephony_session_id, payload}, ...]` with each payload's JSON text spliced in unchanged. */
function toJsonArray(items: InboundNotification[]): string {
  const rows = items.map(
    (i) => `{"uuid":${JSON.stringify(i.uuid)},"account_id":${JSON.stringify(i.accountId)},"telephony_session_id":${JSON.stringify(i.telephonySessionId ?? null)},"payload":${i.payloadJson}}`,
  );
  return `[${rows.join(',')}]`;
}
