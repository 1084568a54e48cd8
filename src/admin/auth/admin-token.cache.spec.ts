import type { Clock } from '../../common/clock';
import { AdminTokenCache } from './admin-token.cache';

describe('AdminTokenCache', () => {
  let now = 1_000_000;
  const clock = { nowMs: () => now, now: () => new Date(now) } as Clock;
  const extension = { id: 101, account: { id: 'acc-1' }, permissions: { admin: { enabled: true } } };

  it('answers for a minute, then asks again', () => {
    const cache = new AdminTokenCache(clock);
    cache.set('token-a', extension);
    now += 59_000;
    expect(cache.get('token-a')).toEqual(extension);
    expect(cache.get('token-b')).toBeUndefined();
    now += 2_000;
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('keys entries by a SHA-256 of the token, never the token', () => {
    const cache = new AdminTokenCache(clock);
    cache.set('U0pDMTFQMDFQQVMwMHxBQUJf-secret-token', extension);
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toEqual([AdminTokenCache.keyOf('U0pDMTFQMDFQQVMwMHxBQUJf-secret-token')]);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.join()).not.toContain('secret-token');
  });
});
