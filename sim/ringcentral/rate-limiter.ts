import type { RateLimitGroup, RateLimitRule } from './sim-options';

/**
 * Per (account, user, group) request counters with RingCentral's penalty rule (docs/ringcentral.md §5): past the
 * limit the key is blocked for `penaltySeconds`, and every request made while blocked restarts the penalty, so a
 * client that retries blindly never gets out.
 */

export interface RateDecision {
  allowed: boolean;
  group: RateLimitGroup;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds to wait, when not allowed. */
  retryAfterSeconds?: number;
}

interface Counter {
  windowStart: number;
  count: number;
  penaltyUntil: number;
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private throttled = 0;

  constructor(private readonly rules: () => Record<RateLimitGroup, RateLimitRule>) {}

  hit(key: string, group: RateLimitGroup, now: number): RateDecision {
    const rule = this.rules()[group];
    const id = `${group}|${key}`;
    let c = this.counters.get(id);
    if (!c) {
      c = { windowStart: now, count: 0, penaltyUntil: 0 };
      this.counters.set(id, c);
    }
    const base = { group, limit: rule.limit, windowSeconds: rule.windowSeconds };
    if (c.penaltyUntil > now) {
      c.penaltyUntil = now + rule.penaltySeconds * 1000;
      this.throttled++;
      return { ...base, allowed: false, remaining: 0, retryAfterSeconds: rule.penaltySeconds };
    }
    if (c.penaltyUntil > 0 || now - c.windowStart >= rule.windowSeconds * 1000) {
      // A served penalty starts a fresh window, as does an elapsed one.
      c.windowStart = now;
      c.count = 0;
      c.penaltyUntil = 0;
    }
    c.count++;
    if (c.count > rule.limit) {
      c.penaltyUntil = now + rule.penaltySeconds * 1000;
      this.throttled++;
      return { ...base, allowed: false, remaining: 0, retryAfterSeconds: rule.penaltySeconds };
    }
    return { ...base, allowed: true, remaining: rule.limit - c.count };
  }

  throttledCount(): number {
    return this.throttled;
  }

  reset(): void {
    this.counters.clear();
    this.throttled = 0;
  }
}
