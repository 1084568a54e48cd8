import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * JWT credentials as minted in the Developer Console: a signed JWT naming the user, presented only to the token
 * endpoint. The simulator signs with its own secret and keeps a registry so credentials can be revoked.
 */
export interface JwtCredential {
  jti: string;
  accountId: string;
  extensionId: string;
  /** When set, only this client id may exchange the credential. */
  clientId?: string;
  expiresAt?: number;
  revoked: boolean;
}

export type JwtCheck = { ok: true; credential: JwtCredential } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' | 'client' };

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

export class JwtCredentials {
  private readonly secret = randomBytes(32);
  private readonly byJti = new Map<string, JwtCredential>();

  issue(accountId: string, extensionId: string, now: number, opts: { clientId?: string; expiresInSeconds?: number } = {}): string {
    const jti = randomUUID();
    const credential: JwtCredential = {
      jti,
      accountId,
      extensionId,
      clientId: opts.clientId,
      expiresAt: opts.expiresInSeconds ? now + opts.expiresInSeconds * 1000 : undefined,
      revoked: false,
    };
    this.byJti.set(jti, credential);
    const header = b64url(JSON.stringify({ kid: 'sim', typ: 'JWT', alg: 'HS256' }));
    const payload = b64url(
      JSON.stringify({
        aud: 'https://platform.ringcentral.com/restapi/oauth/token',
        sub: extensionId,
        iss: 'https://platform.ringcentral.com',
        iat: Math.floor(now / 1000),
        ...(credential.expiresAt ? { exp: Math.floor(credential.expiresAt / 1000) } : {}),
        jti,
      }),
    );
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  check(jwt: string, clientId: string, now: number): JwtCheck {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'unknown' };
    let jti: unknown;
    try {
      jti = (JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const credential = typeof jti === 'string' ? this.byJti.get(jti) : undefined;
    if (!credential) return { ok: false, reason: 'unknown' };
    if (credential.revoked) return { ok: false, reason: 'revoked' };
    if (credential.expiresAt !== undefined && now >= credential.expiresAt) return { ok: false, reason: 'expired' };
    if (credential.clientId && credential.clientId !== clientId) return { ok: false, reason: 'client' };
    return { ok: true, credential };
  }

  /** Revokes one credential (by its JWT string) or, without it, every credential of the account/extension. */
  revoke(match: { jwt?: string; accountId?: string; extensionId?: string }): number {
    let count = 0;
    const jti = match.jwt ? this.jtiOf(match.jwt) : undefined;
    for (const credential of this.byJti.values()) {
      const hit = jti
        ? credential.jti === jti
        : (!match.accountId || credential.accountId === match.accountId) &&
          (!match.extensionId || credential.extensionId === match.extensionId);
      if (hit && !credential.revoked) {
        credential.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Reads the subject of a JWT without verifying it, to key the auth rate limit per user. */
  peek(jwt: string): { accountId: string; extensionId: string } | undefined {
    const jti = this.jtiOf(jwt);
    const credential = jti ? this.byJti.get(jti) : undefined;
    return credential ? { accountId: credential.accountId, extensionId: credential.extensionId } : undefined;
  }

  private jtiOf(jwt: string): string | undefined {
    try {
      const jti = (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: unknown }).jti;
      return typeof jti === 'string' ? jti : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}
