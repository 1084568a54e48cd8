import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';

/** This process's share of an account's slots, and who waits for one. */
interface LocalSlots {
  active: number;
  background: number;
  waiting: (() => void)[];
  waitingBackground: (() => void)[];
}

/** One of the account's numbered slots, held by this process (for a conversation, or kept for the next one). */
interface HeldSlot {
  slot: number;
  heldSince: number;
  renew: NodeJS.Timeout;
  /** Set while the slot waits, unused, for this process's next conversation of the account. */
  idleTimer?: NodeJS.Timeout;
}

/** A slot is held under a lease renewed while this process holds it; a process that dies loses it when it runs out. */
const LEASE_SECONDS = 30;
const RENEW_EVERY_MS = 10_000;
/** Waiting for a slot another replica holds: poll, backing off to this (a slot freed here wakes a waiter at once). */
const MAX_POLL_MS = 250;
/**
 * A slot whose conversation ended is kept this long for the process's next conversation of the account, so a busy
 * process takes and frees slots in PostgreSQL a few times a second instead of twice per CRM conversation (in the
 * benchmark's burst those two statements were a quarter of the pipeline's). Kept, it still counts as taken: the
 * limit can only be stricter for that moment, never looser.
 */
const KEEP_IDLE_MS = 25;
/** Held longer than this (across conversations), a slot goes back to PostgreSQL, where other replicas can take it. */
const MAX_HOLD_MS = 2_000;

/**
 * At most CRM_CONCURRENCY_PER_ACCOUNT CRM conversations per account at once across every replica, so one busy account
 * cannot exceed the CRM's own per-tenant limit (or take all the workers) while others wait.
 *
 * Two stages: a queue in this process (so waiters here cost no database round trips), then one of the account's
 * numbered slots in `crm_concurrency_slots`, taken with a single INSERT … ON CONFLICT that succeeds only for a free or
 * expired slot, and freed by ending its lease. A slot whose conversation ended passes to the process's next
 * conversation of the account when one comes within KEEP_IDLE_MS, for up to MAX_HOLD_MS. Leases rather than session
 * advisory locks: pooled connections are shared by unrelated queries, and a lease survives a connection drop yet
 * still ends for a process that crashed.
 */
@Injectable()
export class AccountConcurrencyLimiter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AccountConcurrencyLimiter.name);
  private readonly local = new Map<string, LocalSlots>();
  private readonly perAccount: number;
  /** Identifies this process's leases (a restarted process never releases its predecessor's). */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly freed = new Map<string, Set<() => void>>();
  /** Per account, while every slot was taken at the last try: no take in PostgreSQL before `until` (doubling to MAX_POLL_MS). */
  private readonly backoff = new Map<string, { until: number; ms: number }>();
  /** Slots this process holds unused, per account, for its next conversation (at most KEEP_IDLE_MS). */
  private readonly idle = new Map<string, HeldSlot[]>();
  /** Once the application stops, a conversation's slot is freed when it ends, not kept. */
  private stopping = false;

  constructor(
    config: ConfigService<AppConfig, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.perAccount = config.get('app', { infer: true }).crmConcurrencyPerAccount;
  }

  /**
   * Runs `fn` holding one of the account's slots. `background` work (staged updates: catch-up work nobody waits for)
   * takes a free slot only while no call waits to be logged here, and at most half of them, so when the CRM cannot
   * keep up with both, new calls are logged first and the updates follow.
   */
  async run<T>(accountId: string, fn: () => Promise<T>, priority: 'normal' | 'background' = 'normal'): Promise<T> {
    const slot = this.local.get(accountId) ?? { active: 0, background: 0, waiting: [], waitingBackground: [] };
    this.local.set(accountId, slot);
    const background = priority === 'background';
    if (background ? !this.admitsBackground(slot) : slot.active >= this.perAccount) {
      await new Promise<void>((resolve) => (background ? slot.waitingBackground : slot.waiting).push(resolve));
    }
    slot.active++;
    if (background) slot.background++;
    try {
      const held = await this.acquire(accountId);
      try {
        return await fn();
      } finally {
        this.done(accountId, held);
      }
    } finally {
      slot.active--;
      if (background) slot.background--;
      this.admitNext(accountId, slot);
    }
  }

  private admitsBackground(slot: LocalSlots): boolean {
    return slot.active < this.perAccount && slot.waiting.length === 0 && slot.background < Math.max(1, Math.floor(this.perAccount / 2));
  }

  /** A freed local slot goes to a waiting call first, then to background work if it may run. */
  private admitNext(accountId: string, slot: LocalSlots): void {
    const next = slot.waiting.shift();
    if (next) return next();
    if (slot.waitingBackground.length && this.admitsBackground(slot)) return slot.waitingBackground.shift()!();
    if (slot.active === 0 && !slot.waitingBackground.length) this.local.delete(accountId);
  }

  /**
   * A slot this process kept from a finished conversation, or a free (or expired) one of the account, waiting until one
   * is. While every slot is taken (other replicas hold them), the process's conversations of the account share one
   * backoff: after a failed take none of them asks PostgreSQL again before it ends (or a slot is freed here). Each
   * polling on its own made ~270 failed takes a second in the benchmark's two-process burst, its largest statement.
   */
  private async acquire(accountId: string): Promise<HeldSlot> {
    for (;;) {
      const kept = this.takeIdle(accountId);
      if (kept) return kept;
      const backoff = this.backoff.get(accountId);
      const wait = backoff ? backoff.until - Date.now() : 0;
      if (wait > 0) {
        await this.waitForFree(accountId, wait);
        continue;
      }
      const taken = await this.take(accountId);
      if (taken) {
        this.backoff.delete(accountId);
        return taken;
      }
      const ms = Math.min(MAX_POLL_MS, (this.backoff.get(accountId)?.ms ?? 10) * 2);
      this.backoff.set(accountId, { until: Date.now() + ms, ms });
    }
  }

  /** One free (or expired) slot of the account, taken in PostgreSQL; undefined when every one is held. */
  private async take(accountId: string): Promise<HeldSlot | undefined> {
    const rows: { slot: number }[] = await this.dataSource.query(
      `WITH free AS (
         SELECT s AS slot FROM generate_series(0, $3::int - 1) s
         WHERE NOT EXISTS (SELECT 1 FROM crm_concurrency_slots c WHERE c.account_id = $1 AND c.slot = s AND c.lease_until > now())
         ORDER BY random() LIMIT 1
       )
       INSERT INTO crm_concurrency_slots (account_id, slot, holder, lease_until)
       SELECT $1, slot, $2, now() + make_interval(secs => $4) FROM free
       ON CONFLICT (account_id, slot) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
         WHERE crm_concurrency_slots.lease_until <= now()
       RETURNING slot`,
      [accountId, this.holder, this.perAccount, LEASE_SECONDS],
    );
    if (!rows[0]) return undefined;
    const slot = rows[0].slot;
    return { slot, heldSince: Date.now(), renew: setInterval(() => void this.renew(accountId, slot), RENEW_EVERY_MS) };
  }

  private takeIdle(accountId: string): HeldSlot | undefined {
    const kept = this.idle.get(accountId);
    const held = kept?.pop();
    if (!held) return undefined;
    if (!kept!.length) this.idle.delete(accountId);
    clearTimeout(held.idleTimer);
    held.idleTimer = undefined;
    return held;
  }

  /**
   * A conversation ended: its slot is kept for this process's next conversation of the account (KEEP_IDLE_MS), or
   * freed in PostgreSQL once it has been held MAX_HOLD_MS. Not awaited: the caller's own follow-up (its timeline)
   * should not wait on the slot's bookkeeping.
   */
  private done(accountId: string, held: HeldSlot): void {
    if (this.stopping || Date.now() - held.heldSince >= MAX_HOLD_MS) return void this.release(accountId, held);
    held.idleTimer = setTimeout(() => {
      const kept = this.idle.get(accountId);
      const at = kept?.indexOf(held) ?? -1;
      if (at === -1) return;
      kept!.splice(at, 1);
      if (!kept!.length) this.idle.delete(accountId);
      void this.release(accountId, held);
    }, KEEP_IDLE_MS);
    this.idle.set(accountId, [...(this.idle.get(accountId) ?? []), held]);
    // A conversation of this process polling for a slot (every one taken) can have this one now.
    for (const wake of this.freed.get(accountId) ?? []) wake();
  }

  /** Slots kept for a next conversation go back before the process stops (else other replicas wait out their lease). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const kept = [...this.idle].flatMap(([accountId, slots]) => slots.map((held) => ({ accountId, held })));
    this.idle.clear();
    await Promise.all(kept.map(({ accountId, held }) => (clearTimeout(held.idleTimer), this.release(accountId, held))));
  }

  private async release(accountId: string, held: HeldSlot): Promise<void> {
    clearInterval(held.renew);
    const { slot } = held;
    try {
      // Freed in place (its lease ends now), not deleted: the next acquire updates the same row. An update of these
      // unindexed columns stays on its page (HOT), where an insert and delete per CRM conversation left dead entries in
      // the key's index that every later probe walked (~1 ms per acquire in the benchmark's burst).
      await this.dataSource.query(
        `UPDATE crm_concurrency_slots SET lease_until = '-infinity' WHERE account_id = $1 AND slot = $2 AND holder = $3`,
        [accountId, slot, this.holder],
      );
    } catch (error) {
      // The lease runs out by itself (LEASE_SECONDS).
      this.logger.warn({ err: error, accountId }, 'could not release a CRM concurrency slot; its lease will expire');
    } finally {
      for (const wake of this.freed.get(accountId) ?? []) wake();
    }
  }

  private async renew(accountId: string, slot: number): Promise<void> {
    await this.dataSource
      .query('UPDATE crm_concurrency_slots SET lease_until = now() + make_interval(secs => $4) WHERE account_id = $1 AND slot = $2 AND holder = $3', [accountId, slot, this.holder, LEASE_SECONDS])
      .catch(() => undefined);
  }

  /** Resolves after `ms`, or earlier when this process frees a slot of the account. */
  private waitForFree(accountId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.freed.get(accountId) ?? new Set<() => void>();
      this.freed.set(accountId, waiters);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.freed.delete(accountId);
        resolve();
      };
      const timer = setTimeout(done, ms + Math.floor(Math.random() * ms));
      waiters.add(done);
    });
  }
}
