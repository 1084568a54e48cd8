import { Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { PgNotifications } from '../database/pg-notifications';
import { RingCentralRateLimitedError } from './ringcentral.errors';

export type UsagePlanGroup = 'light' | 'medium' | 'heavy' | 'auth';

/**
 * Per (account, usage-plan group) gate. RingCentral restarts the penalty window on every request sent during it, so
 * once a 429 (or `X-Rate-Limit-Remaining: 0`) is seen, nothing more is sent in that group until the window is over:
 * callers get a RingCentralRateLimitedError at once and reschedule their job instead.
 *
 * The penalty is the account's, not this process's: every replica must hold back. A penalty seen here is stored in
 * `rate_limit_penalties` (read by replicas that start later) and sent to the running ones with NOTIFY, so `assertOpen`
 * stays a synchronous look-up in memory.
 */
const CHANNEL = 'sscl_rate_limit';

@Injectable()
export class RateLimitGate implements OnApplicationBootstrap {
  private readonly logger = new Logger(RateLimitGate.name);
  private readonly closedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    @Optional() @InjectDataSource() private readonly dataSource?: DataSource,
    @Optional() private readonly notifications?: PgNotifications,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.dataSource || !this.notifications) return;
    await this.notifications.listen(CHANNEL, (payload) => this.receive(payload));
    const rows: { account_key: string; usage_group: string; until_ms: string }[] = await this.dataSource.query(
      `SELECT account_key, usage_group, (EXTRACT(EPOCH FROM closed_until) * 1000)::bigint AS until_ms FROM rate_limit_penalties WHERE closed_until > now()`,
    );
    for (const row of rows) this.close(`${row.account_key}:${row.usage_group}`, Number(row.until_ms));
  }

  assertOpen(accountKey: string, group: UsagePlanGroup): void {
    const until = this.closedUntil.get(`${accountKey}:${group}`);
    const now = this.clock.nowMs();
    if (until !== undefined && until > now) throw new RingCentralRateLimitedError(group, Math.ceil((until - now) / 1000));
  }

  /** Reads a response's rate-limit headers; returns the seconds to wait when the window is now closed. */
  observe(accountKey: string, group: UsagePlanGroup, status: number, headers: Headers): number | undefined {
    let waitSeconds: number | undefined;
    if (status === 429) {
      waitSeconds = parseRetryAfter(headers.get('retry-after')) ?? 60;
    } else if (headers.get('x-rate-limit-remaining') === '0') {
      waitSeconds = Number(headers.get('x-rate-limit-window')) || 60;
    }
    if (waitSeconds !== undefined) {
      const until = this.clock.nowMs() + waitSeconds * 1000;
      this.close(`${accountKey}:${group}`, until);
      void this.share(accountKey, group, until);
    }
    return waitSeconds;
  }

  private close(key: string, until: number): void {
    if ((this.closedUntil.get(key) ?? 0) < until) this.closedUntil.set(key, until);
  }

  /** Stores the penalty and tells the other replicas; a failure only costs them the shared view (logged). */
  private async share(accountKey: string, group: UsagePlanGroup, until: number): Promise<void> {
    if (!this.dataSource || !this.notifications) return;
    try {
      await this.dataSource.query(
        `INSERT INTO rate_limit_penalties (account_key, usage_group, closed_until) VALUES ($1, $2, to_timestamp($3 / 1000.0))
         ON CONFLICT (account_key, usage_group) DO UPDATE SET closed_until = GREATEST(rate_limit_penalties.closed_until, EXCLUDED.closed_until)`,
        [accountKey, group, until],
      );
      await this.notifications.notify(CHANNEL, JSON.stringify([accountKey, group, until]));
    } catch (error) {
      this.logger.warn({ err: error, group }, 'could not share a RingCentral rate-limit penalty with the other replicas');
    }
  }

  private receive(payload: string): void {
    try {
      const [accountKey, group, until] = JSON.parse(payload) as [string, string, number];
      if (typeof accountKey === 'string' && typeof group === 'string' && Number.isFinite(until)) this.close(`${accountKey}:${group}`, until);
    } catch {
      // Not ours: ignored.
    }
  }
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}
