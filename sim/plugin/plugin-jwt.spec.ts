import { createHmac } from 'node:crypto';
import { PLUGIN_JWT_TTL_SECONDS, decodePluginJwt, signPluginJwt, verifyPluginJwt } from './plugin-jwt';

const SECRET = 'test-secret';
const NOW = Date.UTC(2025, 5, 24, 10, 30);

function forge(header: object, payload: object, secret = SECRET): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}

describe('plugin JWT (HS256)', () => {
  it('signs the template claims with a two-week expiry and verifies them', () => {
    const token = signPluginJwt({ rcAccountId: '37439510', pluginId: 'p1' }, SECRET, { nowMs: NOW });
    const result = verifyPluginJwt(token, SECRET, NOW);
    expect(result).toEqual({
      ok: true,
      claims: { rcAccountId: '37439510', pluginId: 'p1', iat: NOW / 1000, exp: NOW / 1000 + PLUGIN_JWT_TTL_SECONDS, jti: expect.any(String) },
    });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('matches a signature computed independently (standard HS256 over header.payload)', () => {
    const token = signPluginJwt({ rcAccountId: '1', pluginId: 'p' }, SECRET, { nowMs: NOW });
    const [h, p, s] = token.split('.');
    expect(s).toBe(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
  });

  it('rejects another key, a tampered payload, alg none, expiry and garbage', () => {
    const token = signPluginJwt({ rcAccountId: '1', pluginId: 'p' }, SECRET, { nowMs: NOW });
    expect(verifyPluginJwt(token, 'other-secret', NOW)).toEqual({ ok: false, reason: 'signature' });

    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodePluginJwt(token), rcAccountId: '2' })).toString('base64url')}.${s}`;
    expect(verifyPluginJwt(tampered, SECRET, NOW)).toEqual({ ok: false, reason: 'signature' });

    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${token.split('.')[1]}.`;
    expect(verifyPluginJwt(none, SECRET, NOW)).toEqual({ ok: false, reason: 'algorithm' });
    expect(verifyPluginJwt(forge({ alg: 'HS512' }, { rcAccountId: '1', pluginId: 'p', exp: NOW / 1000 + 60 }), SECRET, NOW)).toEqual({ ok: false, reason: 'algorithm' });

    expect(verifyPluginJwt(token, SECRET, NOW + PLUGIN_JWT_TTL_SECONDS * 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyPluginJwt(token, SECRET, NOW + PLUGIN_JWT_TTL_SECONDS * 1000 - 1000).ok).toBe(true);

    expect(verifyPluginJwt('not-a-jwt', SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPluginJwt(forge({ alg: 'HS256' }, { pluginId: 'p', exp: NOW / 1000 + 60 }), SECRET, NOW)).toEqual({ ok: false, reason: 'claims' });
  });

  it('gives every token a distinct id, so a refresh within the same second is a new token', () => {
    const a = signPluginJwt({ rcAccountId: '1', pluginId: 'p' }, SECRET, { nowMs: NOW });
    const b = signPluginJwt({ rcAccountId: '1', pluginId: 'p' }, SECRET, { nowMs: NOW });
    expect(a).not.toBe(b);
  });
});
