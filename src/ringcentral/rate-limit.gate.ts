import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RingCentralRateLimitedError } from './ringcentral.errors';

export type UsagePlanGroup = 'light' | 'medium' | 'heavy' | 'auth';

/**
 * Per (account, usage-plan group) gate. RingCentral restarts the penalty window on every request sent during it, so
 * once a 429 (or `X-Rate-Limit-Remaining: 0`) is seen, nothing more is sent in that group until the window is over:
 * callers get a RingCentralRateLimitedError at once and reschedule their job instead.
 */
@Injectable()
export class RateLimitGate {
  private readonly closedUntil = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

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
    if (waitSeconds !== undefined) this.closedUntil.set(`${accountKey}:${group}`, this.clock.nowMs() + waitSeconds * 1000);
    return waitSeconds;
  }
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}
