import { createHmac, timingSafeEqual } from 'node:crypto';

/** What App Connect puts in its user-session JWT (packages/core/lib/jwt.ts): the user row id and the CRM platform. */
export interface AppConnectJwtPayload {
  id: string;
  platform: string;
  iat: number;
  exp: number;
  /** Makes two tokens minted in the same second differ (jsonwebtoken output differs by iat only). */
  jti?: string;
}

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** HS256, like App Connect's `jwt.generateJwt` (jsonwebtoken with APP_SERVER_SECRET_KEY). */
export function signJwt(payload: AppConnectJwtPayload, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}

/** The payload of a token signed with `secret` that has not expired; undefined otherwise (as App Connect's decodeJwt). */
export function verifyJwt(token: string, secret: string, nowSeconds: number): AppConnectJwtPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: Partial<AppConnectJwtPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<AppConnectJwtPayload>;
  } catch {
    return undefined;
  }
  if (typeof payload.id !== 'string' || typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return undefined;
  return payload as AppConnectJwtPayload;
}
