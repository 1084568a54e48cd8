import { randomBytes, randomUUID } from 'node:crypto';

/**
 * OAuth sessions and tokens with RingCentral's refresh semantics (docs/ringcentral.md §1.2): refresh tokens are
 * single-use (optionally with a grace window that returns the same new tokens), refreshing kills the previous access
 * token, a refresh keeps the session id, and a user may hold only N sessions per app (the next login ends the oldest).
 */

export interface OAuthSession {
  id: string;
  accountId: string;
  extensionId: string;
  clientId: string;
  scope: string;
  endpointId: string;
  createdAt: number;
  ended: boolean;
}

export interface TokenSet {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  scope: string;
  owner_id: string;
  endpoint_id: string;
  session_id: string;
}

export interface Principal {
  accountId: string;
  extensionId: string;
  clientId: string;
  sessionId: string;
  scopes: string[];
}

interface AccessToken {
  sessionId: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshToken {
  sessionId: string;
  expiresAt: number;
  usedAt?: number;
  issued?: TokenSet;
}

export interface TokenTtls {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export type RefreshOutcome =
  | { ok: true; tokens: TokenSet; session: OAuthSession }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'revoked' | 'client' };

export type AccessCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'expired' };

const newToken = (): string => Buffer.from(`SIM01P01PAS00|${randomBytes(24).toString('base64url')}`).toString('base64');

export class TokenStore {
  private readonly sessions = new Map<string, OAuthSession>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(private readonly maxSessionsPerUser: () => number) {}

  login(principal: Omit<OAuthSession, 'id' | 'createdAt' | 'ended' | 'endpointId'> & { endpointId?: string }, ttls: TokenTtls, now: number): TokenSet {
    const live = [...this.sessions.values()]
      .filter((s) => !s.ended && s.accountId === principal.accountId && s.extensionId === principal.extensionId && s.clientId === principal.clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
    while (live.length >= this.maxSessionsPerUser()) this.endSession(live.shift()!.id);
    const session: OAuthSession = {
      ...principal,
      endpointId: principal.endpointId ?? randomBytes(16).toString('base64url').slice(0, 22),
      id: randomUUID().replace(/-/g, '').slice(0, 20),
      createdAt: now,
      ended: false,
    };
    this.sessions.set(session.id, session);
    return this.issue(session, ttls, now);
  }

  refresh(refreshToken: string, clientId: string, ttls: TokenTtls, graceMs: number, now: number): RefreshOutcome {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry) return { ok: false, reason: 'unknown' };
    const session = this.sessions.get(entry.sessionId)!;
    if (session.ended) return { ok: false, reason: 'revoked' };
    if (session.clientId !== clientId) return { ok: false, reason: 'client' };
    if (now >= entry.expiresAt) return { ok: false, reason: 'expired' };
    if (entry.usedAt !== undefined) {
      if (entry.issued && now - entry.usedAt < graceMs) return { ok: true, tokens: entry.issued, session };
      return { ok: false, reason: 'reused' };
    }
    // The previous access token dies the moment the session is refreshed.
    for (const token of this.accessTokens.values()) if (token.sessionId === session.id) token.revoked = true;
    const tokens = this.issue(session, ttls, now);
    entry.usedAt = now;
    entry.issued = tokens;
    return { ok: true, tokens, session };
  }

  verify(accessToken: string, now: number, scopesFor: (session: OAuthSession) => string[]): AccessCheck {
    const entry = this.accessTokens.get(accessToken);
    if (!entry || entry.revoked) return { ok: false, reason: 'unknown' };
    const session = this.sessions.get(entry.sessionId)!;
    if (session.ended) return { ok: false, reason: 'unknown' };
    if (now >= entry.expiresAt) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      principal: {
        accountId: session.accountId,
        extensionId: session.extensionId,
        clientId: session.clientId,
        sessionId: session.id,
        scopes: scopesFor(session),
      },
    };
  }

  /** `POST /restapi/oauth/revoke`: either token kills its whole session. */
  revokeToken(token: string): boolean {
    const sessionId = this.accessTokens.get(token)?.sessionId ?? this.refreshTokens.get(token)?.sessionId;
    if (!sessionId) return false;
    this.endSession(sessionId);
    return true;
  }

  /** Ends sessions (e.g. password change, admin action); returns how many. */
  revokeSessions(match: { accountId?: string; extensionId?: string }): number {
    let count = 0;
    for (const s of this.sessions.values()) {
      if (s.ended) continue;
      if (match.accountId && s.accountId !== match.accountId) continue;
      if (match.extensionId && s.extensionId !== match.extensionId) continue;
      this.endSession(s.id);
      count++;
    }
    return count;
  }

  /** Makes every live access token of the account expire now, so the next API call gets 401 "expired". */
  expireAccessTokens(accountId: string | undefined, now: number): number {
    let count = 0;
    for (const token of this.accessTokens.values()) {
      const session = this.sessions.get(token.sessionId)!;
      if (token.revoked || session.ended || (accountId && session.accountId !== accountId)) continue;
      if (token.expiresAt > now) {
        token.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  activeSessions(accountId?: string): OAuthSession[] {
    return [...this.sessions.values()].filter((s) => !s.ended && (!accountId || s.accountId === accountId));
  }

  sessionOfRefreshToken(refreshToken: string): OAuthSession | undefined {
    const entry = this.refreshTokens.get(refreshToken);
    return entry ? this.sessions.get(entry.sessionId) : undefined;
  }

  private endSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.ended = true;
  }

  private issue(session: OAuthSession, ttls: TokenTtls, now: number): TokenSet {
    const access = newToken();
    const refresh = newToken();
    this.accessTokens.set(access, { sessionId: session.id, expiresAt: now + ttls.accessTokenTtlSeconds * 1000, revoked: false });
    this.refreshTokens.set(refresh, { sessionId: session.id, expiresAt: now + ttls.refreshTokenTtlSeconds * 1000 });
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: ttls.accessTokenTtlSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: ttls.refreshTokenTtlSeconds,
      scope: session.scope,
      owner_id: session.extensionId,
      endpoint_id: session.endpointId,
      session_id: session.id,
    };
  }
}
