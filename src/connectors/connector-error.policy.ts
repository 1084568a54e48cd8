import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConnectorConfigError } from './connector-config.error';
import { ConnectorError, type ConnectorErrorCode, scrub } from './connector.error';

export type ConnectorErrorDecision =
  | { action: 'retry'; delayMs: number; reason: string; code: ConnectorErrorCode }
  | { action: 'pause-account'; reason: string; code: ConnectorErrorCode | 'CONFIG' }
  | { action: 'fail'; reason: string; code: ConnectorErrorCode };

export interface ConnectorRetryLimits {
  /** Attempts in all before a TEMPORARY failure is final (default 8). */
  maxAttempts?: number;
  /** Same, for UNKNOWN failures and errors that are not ConnectorErrors (default 3). */
  maxUnknownAttempts?: number;
  /** Same, for RATE_LIMITED: the CRM says when, but not forever (default 20). */
  maxRateLimitedAttempts?: number;
  /** Backoff ceiling of the first retry (default 2 s); doubles per attempt. */
  baseDelayMs?: number;
  /** Backoff ceiling cap (default 5 min). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY_LIMITS: Required<ConnectorRetryLimits> = {
  maxAttempts: 8,
  maxUnknownAttempts: 3,
  maxRateLimitedAttempts: 20,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
};

/** A source of uniform numbers in [0, 1); Math.random unless a test provides one. */
export const CONNECTOR_POLICY_RANDOM = Symbol('CONNECTOR_POLICY_RANDOM');

/**
 * The one place that decides what a connector failure means for the call being logged (STYLE.md habit 4):
 * - RATE_LIMITED: retry after exactly the CRM's Retry-After, never sooner (and without jitter, which could only
 *   move it earlier or stretch it for nothing);
 * - TEMPORARY: exponential backoff with full jitter (random in [0, min(cap, base * 2^(attempt-1))]), then fail;
 * - AUTH_REVOKED and broken config/settings: pause the account, since every call would fail the same way until an
 *   admin acts, and failing each one would bury the report;
 * - VALIDATION, NOT_FOUND: fail now, retrying the same request cannot succeed;
 * - UNKNOWN and anything that is not a ConnectorError: like TEMPORARY, but fewer attempts.
 */
@Injectable()
export class ConnectorErrorPolicy {
  private readonly random: () => number;

  constructor(@Optional() @Inject(CONNECTOR_POLICY_RANDOM) random?: () => number) {
    this.random = random ?? Math.random;
  }

  /** @param attempt 1-based number of the attempt that just failed. */
  decide(error: unknown, attempt: number, limits: ConnectorRetryLimits = {}): ConnectorErrorDecision {
    const l = { ...DEFAULT_RETRY_LIMITS, ...limits };
    const n = Math.max(1, Math.floor(attempt));
    if (error instanceof ConnectorConfigError) {
      return { action: 'pause-account', code: 'CONFIG', reason: `Connector settings need attention: ${error.message}` };
    }
    if (!(error instanceof ConnectorError)) {
      return this.backoff('UNKNOWN', `Unexpected error: ${describe(error)}`, n, l.maxUnknownAttempts, l);
    }
    switch (error.code) {
      case 'RATE_LIMITED': {
        if (n >= l.maxRateLimitedAttempts) {
          return { action: 'fail', code: error.code, reason: `${error.message}; still rate limited after ${n} attempts` };
        }
        const seconds = error.retryAfterSeconds ?? 0;
        return { action: 'retry', code: error.code, delayMs: seconds * 1000, reason: error.message };
      }
      case 'TEMPORARY':
        return this.backoff(error.code, error.message, n, l.maxAttempts, l);
      case 'AUTH_REVOKED':
        return {
          action: 'pause-account',
          code: error.code,
          reason: `${error.message}; logging is paused until an admin updates the server-logging settings`,
        };
      case 'VALIDATION':
      case 'NOT_FOUND':
        return { action: 'fail', code: error.code, reason: error.message };
      case 'UNKNOWN':
      default:
        return this.backoff('UNKNOWN', error.message, n, l.maxUnknownAttempts, l);
    }
  }

  /** The jitter-free ceiling of the delay after `attempt`: base * 2^(attempt-1), capped. */
  static backoffCeilingMs(attempt: number, limits: ConnectorRetryLimits = {}): number {
    const { baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY_LIMITS, ...limits };
    // Math.min before the power would still overflow to Infinity for huge attempts; the cap handles that.
    return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(Math.max(0, attempt - 1), 52));
  }

  private backoff(
    code: ConnectorErrorCode,
    message: string,
    attempt: number,
    maxAttempts: number,
    limits: Required<ConnectorRetryLimits>,
  ): ConnectorErrorDecision {
    if (attempt >= maxAttempts) {
      return { action: 'fail', code, reason: `${message}; gave up after ${attempt} attempts` };
    }
    const ceiling = ConnectorErrorPolicy.backoffCeilingMs(attempt, limits);
    const r = Math.min(Math.max(this.random(), 0), 1);
    return { action: 'retry', code, delayMs: Math.floor(r * ceiling), reason: message };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${scrub(error.message).slice(0, 200)}`;
  return String(typeof error);
}
