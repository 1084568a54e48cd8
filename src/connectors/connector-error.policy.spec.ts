import { ConnectorConfigError } from './connector-config.error';
import { ConnectorErrorPolicy } from './connector-error.policy';
import { ConnectorError, type ConnectorErrorCode } from './connector.error';

const err = (code: ConnectorErrorCode, extra: { retryAfterSeconds?: number; status?: number } = {}): ConnectorError =>
  new ConnectorError(code, `createCallLog: ${code}`, { operation: 'createCallLog', ...extra });

/** A policy whose jitter always draws `r`. */
const policyDrawing = (r: number): ConnectorErrorPolicy => new ConnectorErrorPolicy(() => r);
const MAX = 0.999999;

describe('ConnectorErrorPolicy', () => {
  describe('RATE_LIMITED', () => {
    it('retries after exactly Retry-After, whatever the jitter draws', () => {
      for (const r of [0, 0.5, MAX]) {
        expect(policyDrawing(r).decide(err('RATE_LIMITED', { retryAfterSeconds: 7 }), 1)).toEqual({
          action: 'retry',
          code: 'RATE_LIMITED',
          delayMs: 7000,
          reason: 'createCallLog: RATE_LIMITED',
        });
      }
    });

    it('honours a long Retry-After beyond the backoff cap', () => {
      const decision = policyDrawing(0).decide(err('RATE_LIMITED', { retryAfterSeconds: 3600 }), 3);
      expect(decision).toMatchObject({ action: 'retry', delayMs: 3_600_000 });
    });

    it('gives up when rate limited on every one of its attempts', () => {
      const policy = policyDrawing(0.5);
      expect(policy.decide(err('RATE_LIMITED', { retryAfterSeconds: 1 }), 19).action).toBe('retry');
      expect(policy.decide(err('RATE_LIMITED', { retryAfterSeconds: 1 }), 20)).toMatchObject({ action: 'fail', code: 'RATE_LIMITED' });
      expect(policy.decide(err('RATE_LIMITED', { retryAfterSeconds: 1 }), 3, { maxRateLimitedAttempts: 3 }).action).toBe('fail');
    });
  });

  describe('TEMPORARY', () => {
    it('backs off exponentially from 2 s: the ceiling doubles per attempt', () => {
      const policy = policyDrawing(MAX);
      const delays = [1, 2, 3, 4, 5].map((attempt) => {
        const d = policy.decide(err('TEMPORARY', { status: 503 }), attempt);
        if (d.action !== 'retry') throw new Error(`expected a retry at attempt ${attempt}, got ${d.action}`);
        return d.delayMs;
      });
      expect(delays).toEqual([1999, 3999, 7999, 15999, 31999]);
      expect(ConnectorErrorPolicy.backoffCeilingMs(1)).toBe(2000);
      expect(ConnectorErrorPolicy.backoffCeilingMs(4)).toBe(16000);
    });

    it('caps the delay at 5 minutes', () => {
      expect(ConnectorErrorPolicy.backoffCeilingMs(9)).toBe(300_000);
      expect(ConnectorErrorPolicy.backoffCeilingMs(10_000)).toBe(300_000);
      const decision = policyDrawing(MAX).decide(err('TEMPORARY'), 9, { maxAttempts: 100 });
      expect(decision).toMatchObject({ action: 'retry' });
      expect((decision as { delayMs: number }).delayMs).toBeLessThanOrEqual(300_000);
      expect((decision as { delayMs: number }).delayMs).toBeGreaterThan(299_000);
    });

    it('uses full jitter: anywhere from 0 to the ceiling', () => {
      expect(policyDrawing(0).decide(err('TEMPORARY'), 3)).toMatchObject({ action: 'retry', delayMs: 0 });
      expect(policyDrawing(0.25).decide(err('TEMPORARY'), 3)).toMatchObject({ action: 'retry', delayMs: 2000 });
      // A misbehaving random source cannot push the delay outside [0, ceiling].
      expect(policyDrawing(7).decide(err('TEMPORARY'), 1)).toMatchObject({ delayMs: 2000 });
      expect(policyDrawing(-1).decide(err('TEMPORARY'), 1)).toMatchObject({ delayMs: 0 });
    });

    it('stays within bounds with the real random source', () => {
      const policy = new ConnectorErrorPolicy();
      for (let i = 0; i < 200; i++) {
        const d = policy.decide(err('TEMPORARY'), 4) as { action: string; delayMs: number };
        expect(d.action).toBe('retry');
        expect(d.delayMs).toBeGreaterThanOrEqual(0);
        expect(d.delayMs).toBeLessThanOrEqual(16000);
      }
    });

    it('gives up at the 8th attempt by default, or at the given limit', () => {
      const policy = policyDrawing(0.5);
      expect(policy.decide(err('TEMPORARY'), 7).action).toBe('retry');
      const last = policy.decide(err('TEMPORARY'), 8);
      expect(last).toMatchObject({ action: 'fail', code: 'TEMPORARY' });
      expect(last.reason).toContain('gave up after 8 attempts');
      expect(policy.decide(err('TEMPORARY'), 2, { maxAttempts: 2 }).action).toBe('fail');
    });

    it('honours a different base delay', () => {
      expect(policyDrawing(MAX).decide(err('TEMPORARY'), 2, { baseDelayMs: 100 })).toMatchObject({ delayMs: 199 });
    });
  });

  it('pauses the account when the CRM revokes the credentials', () => {
    const decision = policyDrawing(0.5).decide(err('AUTH_REVOKED', { status: 401 }), 1);
    expect(decision).toMatchObject({ action: 'pause-account', code: 'AUTH_REVOKED' });
    expect(decision.reason).toContain('server-logging settings');
  });

  it('pauses the account when its connector config or settings are unusable', () => {
    const decision = policyDrawing(0.5).decide(new ConnectorConfigError('serverLoggingSettings.apiKey', 'the API key is not set'), 1);
    expect(decision).toMatchObject({ action: 'pause-account', code: 'CONFIG' });
    expect(decision.reason).toContain('serverLoggingSettings.apiKey');
  });

  it.each(['VALIDATION', 'NOT_FOUND'] as const)('fails %s at once', (code) => {
    expect(policyDrawing(0.5).decide(err(code), 1)).toEqual({ action: 'fail', code, reason: `createCallLog: ${code}` });
  });

  it('treats UNKNOWN and foreign errors like TEMPORARY with fewer attempts', () => {
    const policy = policyDrawing(MAX);
    expect(policy.decide(err('UNKNOWN'), 1)).toMatchObject({ action: 'retry', code: 'UNKNOWN', delayMs: 1999 });
    expect(policy.decide(err('UNKNOWN'), 2)).toMatchObject({ action: 'retry', delayMs: 3999 });
    expect(policy.decide(err('UNKNOWN'), 3)).toMatchObject({ action: 'fail', code: 'UNKNOWN' });
    expect(policy.decide(new Error('boom'), 1)).toMatchObject({ action: 'retry', code: 'UNKNOWN' });
    expect(policy.decide(new Error('boom'), 3)).toMatchObject({ action: 'fail', code: 'UNKNOWN' });
    expect(policy.decide('weird', 1)).toMatchObject({ action: 'retry', code: 'UNKNOWN' });
    expect(policy.decide(new Error('boom'), 2, { maxUnknownAttempts: 2 }).action).toBe('fail');
  });
});
