import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JWTs as the App Connect plugin template mints them (claims `rcAccountId`, `pluginId`, two weeks), written
 * with node:crypto because the project carries no JWT library. Only HS256 is accepted: a token announcing any other
 * algorithm (`none` included) is rejected before its signature is looked at.
 */

export const PLUGIN_JWT_TTL_SECONDS = 14 * 24 * 60 * 60;
/** The template refreshes a token whose remaining life is at most this long. */
export const PLUGIN_JWT_REFRESH_THRESHOLD_SECONDS = 7 * 24 * 60 * 60;

export interface PluginJwtClaims {
  rcAccountId: string;
  pluginId: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  /** Unique per token, so a token refreshed within the same second still differs from the old one. */
  jti: string;
}

export type PluginJwtVerification =
  | { ok: true; claims: PluginJwtClaims }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' | 'claims' | 'expired' };

export interface SignOptions {
  /** Default PLUGIN_JWT_TTL_SECONDS; negative values mint an already expired token (for tests). */
  expiresInSeconds?: number;
  nowMs?: number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signPluginJwt(subject: { rcAccountId: string; pluginId: string }, secret: string, options: SignOptions = {}): string {
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const claims: PluginJwtClaims = {
    rcAccountId: subject.rcAccountId,
    pluginId: subject.pluginId,
    iat,
    exp: iat + (options.expiresInSeconds ?? PLUGIN_JWT_TTL_SECONDS),
    jti: randomUUID(),
  };
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, secret)}`;
}

export function verifyPluginJwt(token: string, secret: string, nowMs = Date.now()): PluginJwtVerification {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, sig] = parts;
  const decodedHeader = parseSegment(header);
  if (!decodedHeader) return { ok: false, reason: 'malformed' };
  if (decodedHeader.alg !== 'HS256') return { ok: false, reason: 'algorithm' };
  const expected = Buffer.from(signature(`${header}.${payload}`, secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
  const claims = parseSegment(payload);
  if (!claims || typeof claims.rcAccountId !== 'string' || typeof claims.pluginId !== 'string' || typeof claims.exp !== 'number') {
    return { ok: false, reason: 'claims' };
  }
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims as unknown as PluginJwtClaims };
}

/** Reads the claims without checking anything: for tests and diagnostics only. */
export function decodePluginJwt(token: string): Partial<PluginJwtClaims> | undefined {
  const payload = token.split('.')[1];
  return payload === undefined ? undefined : (parseSegment(payload) as Partial<PluginJwtClaims> | undefined);
}

function signature(signingInput: string, secret: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
