import { startRingCentralSim, type RingCentralSim } from './index';
import { RateLimiter } from './rate-limiter';
import { api, login, manualClock } from './testing/sim-client';

describe('RateLimiter', () => {
  const rules = { light: { limit: 2, windowSeconds: 60, penaltySeconds: 10 }, medium: { limit: 1, windowSeconds: 60, penaltySeconds: 10 }, heavy: { limit: 1, windowSeconds: 60, penaltySeconds: 10 }, auth: { limit: 1, windowSeconds: 60, penaltySeconds: 10 } };

  it('counts per key and group, and opens a new window when the old one elapsed', () => {
    const limiter = new RateLimiter(() => rules);
    expect(limiter.hit('a', 'light', 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.hit('b', 'light', 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.hit('a', 'heavy', 0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.hit('a', 'light', 1000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.hit('a', 'light', 59_000)).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    // The penalty (10 s) is served; a request after it starts a fresh window.
    expect(limiter.hit('a', 'light', 69_001)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('restarts the penalty on every request made during it', () => {
    const limiter = new RateLimiter(() => rules);
    limiter.hit('k', 'heavy', 0);
    expect(limiter.hit('k', 'heavy', 1000).allowed).toBe(false); // penalty until 11 s
    expect(limiter.hit('k', 'heavy', 9000).allowed).toBe(false); // restarted: until 19 s
    expect(limiter.hit('k', 'heavy', 18_000).allowed).toBe(false); // restarted: until 28 s
    expect(limiter.hit('k', 'heavy', 28_001).allowed).toBe(true);
  });
});

describe('RingCentral sim: rate limits over HTTP', () => {
  const clock = manualClock();
  let sim: RingCentralSim;
  let accountId: string;
  let token: string;

  beforeAll(async () => {
    sim = await startRingCentralSim({ clock, rateLimits: { heavy: { limit: 2, windowSeconds: 60, penaltySeconds: 30 }, auth: { limit: 3 } } });
    accountId = sim.addAccount().id;
    token = (await login(sim, accountId)).access_token;
  });
  afterAll(() => sim.close());

  it('sends the X-Rate-Limit headers on every response', async () => {
    const res = await api(sim, token, 'GET', '/restapi/v1.0/subscription');
    expect(res.headers.get('x-rate-limit-group')).toBe('light');
    expect(res.headers.get('x-rate-limit-limit')).toBe('100000');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('99999');
    expect(res.headers.get('x-rate-limit-window')).toBe('60');
  });

  it('answers 429 with Retry-After and CMN-301 over the limit, and keeps the penalty while clients retry', async () => {
    const path = '/restapi/v1.0/account/~/call-log';
    const first = await api(sim, token, 'GET', path);
    expect(first.headers.get('x-rate-limit-remaining')).toBe('1');
    expect((await api(sim, token, 'GET', path)).status).toBe(200);
    const limited = await api(sim, token, 'GET', path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(limited.body).toEqual({ errorCode: 'CMN-301', message: 'Request rate exceeded', errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }] });

    // Other groups of the same user are not affected.
    expect((await api(sim, token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(200);

    clock.advance(20_000);
    expect((await api(sim, token, 'GET', path)).status).toBe(429); // retry inside the penalty restarts it
    clock.advance(20_000); // 40 s after the first 429, but only 20 s after the retry
    expect((await api(sim, token, 'GET', path)).status).toBe(429);
    clock.advance(31_000);
    expect((await api(sim, token, 'GET', path)).status).toBe(200);
    expect(sim.stats().requests.rateLimited).toBe(3);
  });

  it('limits the token endpoint per user (Auth group)', async () => {
    const other = sim.addAccount().id;
    await login(sim, other);
    await login(sim, other);
    await login(sim, other);
    await expect(login(sim, other)).rejects.toThrow(/429/);
    // Another account's user has its own budget.
    await expect(login(sim, sim.addAccount().id)).resolves.toMatchObject({ token_type: 'bearer' });
  });
});
