import type { RequestHandler, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { CrmHttpError } from './crm-http.error';
import type { SeededRandom } from './seeded-random';

export interface RateLimitKnob {
  /** Admit at most this many API requests in any rolling second; the rest get 429. */
  perSecond?: number;
  /** Answer the next N API requests with 429 regardless of rate, then admit again (counts down). */
  rejectNext?: number;
  /** Retry-After seconds sent with `rejectNext` rejections (default 1); `perSecond` computes its own. */
  retryAfterSeconds?: number;
}

export interface CrmKnobs {
  /** Added before every API response, errors included. */
  latencyMs: number;
  /** Up to this much more, drawn from the seeded RNG. */
  latencyJitterMs: number;
  /** Probability (0..1) that an API request gets 503. */
  errorRate: number;
  rateLimit: RateLimitKnob | null;
  /** Every API request gets 503 while true. */
  outage: boolean;
  /**
   * Probability (0..1) that a successful POST/PATCH is applied but its connection is cut before the response:
   * the case Idempotency-Key exists for.
   */
  lostResponseRate: number;
  /** POST/PATCH /api/activities get 422 while true: a CRM that refuses call logs (the service's VALIDATION). */
  rejectActivities: boolean;
}

export const DEFAULT_KNOBS: CrmKnobs = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  rateLimit: null,
  outage: false,
  lostResponseRate: 0,
  rejectActivities: false,
};

/**
 * Makes the CRM slow, flaky, rate limited or down on demand. Order per request: latency, outage, rate limit,
 * random error; authentication comes after, as at a real API gateway that sheds load before looking at keys.
 */
export class FaultInjector {
  private knobs: CrmKnobs;
  /** Times (ms) of requests admitted by the per-second limit within the last second. */
  private admitted: number[] = [];

  constructor(
    initial: Partial<CrmKnobs>,
    private readonly random: SeededRandom,
    private readonly clock: () => number = Date.now,
  ) {
    this.knobs = checked({ ...DEFAULT_KNOBS, ...definedOnly(initial) });
  }

  current(): CrmKnobs {
    return structuredClone(this.knobs);
  }

  set(partial: Partial<CrmKnobs>): void {
    this.knobs = checked({ ...this.knobs, ...definedOnly(partial) });
    if ('rateLimit' in partial) this.admitted = [];
  }

  reset(initial: Partial<CrmKnobs>): void {
    this.knobs = checked({ ...DEFAULT_KNOBS, ...definedOnly(initial) });
    this.admitted = [];
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      const { latencyMs, latencyJitterMs } = this.knobs;
      // Draw only when jitter is on: without it, a seed alone decides which requests errorRate fails.
      const delay = latencyMs + (latencyJitterMs > 0 ? Math.floor(this.random.next() * latencyJitterMs) : 0);
      if (delay > 0) await sleep(delay);
      this.rejectIfFaulty();
      if (this.knobs.rejectActivities && (req.method === 'POST' || req.method === 'PATCH') && req.path.startsWith('/activities')) {
        throw new CrmHttpError(422, 'validation_failed', { message: 'Activity rejected (rejectActivities knob)' });
      }
      if (req.method === 'POST' || req.method === 'PATCH') this.maybeLoseResponse(res);
      next();
    };
  }

  private rejectIfFaulty(): void {
    const unavailable = new CrmHttpError(503, 'unavailable');
    if (this.knobs.outage) throw unavailable;
    const retryAfter = this.rateLimitRetryAfter();
    if (retryAfter !== null) {
      throw new CrmHttpError(429, 'rate_limited', { headers: { 'Retry-After': String(retryAfter) } });
    }
    if (this.knobs.errorRate > 0 && this.random.next() < this.knobs.errorRate) throw unavailable;
  }

  /** Seconds the client should wait, or null to admit the request. */
  private rateLimitRetryAfter(): number | null {
    const limit = this.knobs.rateLimit;
    if (!limit) return null;
    if (limit.rejectNext && limit.rejectNext > 0) {
      limit.rejectNext--;
      return limit.retryAfterSeconds ?? 1;
    }
    if (limit.perSecond === undefined) return null;
    const now = this.clock();
    this.admitted = this.admitted.filter((t) => now - t < 1000);
    if (this.admitted.length >= limit.perSecond) return Math.max(1, Math.ceil((this.admitted[0] + 1000 - now) / 1000));
    this.admitted.push(now);
    return null;
  }

  private maybeLoseResponse(res: Response): void {
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const lost = res.statusCode < 300 && this.knobs.lostResponseRate > 0 && this.random.next() < this.knobs.lostResponseRate;
      if (!lost) return send(body);
      res.socket?.destroy();
      return res;
    };
  }
}

/** A copy without `undefined` values, so `{latencyMs: undefined}` keeps the current latency instead of NaN. */
function definedOnly(partial: Partial<CrmKnobs>): Partial<CrmKnobs> {
  return structuredClone(Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)));
}

function checked(knobs: CrmKnobs): CrmKnobs {
  const { latencyMs, latencyJitterMs, errorRate, lostResponseRate, rateLimit } = knobs;
  const nonNegative = (name: string, v: number | undefined, integer = false): void => {
    if (v !== undefined && (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))) {
      throw new RangeError(`knob ${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${v}`);
    }
  };
  nonNegative('latencyMs', latencyMs);
  nonNegative('latencyJitterMs', latencyJitterMs);
  for (const [name, p] of [['errorRate', errorRate], ['lostResponseRate', lostResponseRate]] as const) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`knob ${name} must be between 0 and 1, got ${p}`);
  }
  if (rateLimit) {
    nonNegative('rateLimit.perSecond', rateLimit.perSecond, true);
    nonNegative('rateLimit.rejectNext', rateLimit.rejectNext, true);
    nonNegative('rateLimit.retryAfterSeconds', rateLimit.retryAfterSeconds, true);
  }
  return knobs;
}
