import type { RequestHandler, Response } from 'express';
import {
  PLUGIN_JWT_REFRESH_THRESHOLD_SECONDS, type PluginJwtClaims, type PluginJwtVerification, signPluginJwt, verifyPluginJwt,
} from './plugin-jwt';
import { entryOf } from './request-log';

export const REFRESHED_TOKEN_HEADER = 'x-refreshed-jwt-token';
const CLAIMS = 'pluginSimClaims';

export interface IssueOptions {
  /** Default two weeks; small or negative values make near-expiry or expired tokens for tests. */
  expiresInSeconds?: number;
  /** Default the server's own id; another id makes a token this plugin must refuse with 403. */
  pluginId?: string;
}

/** Mints and checks this plugin's bearer tokens. The pluginId claim is always the server's own id (docs/app-connect.md §2.7). */
export class PluginTokens {
  constructor(
    private readonly secret: string,
    readonly pluginId: string,
    private readonly now: () => number,
  ) {}

  issue(rcAccountId: string, options: IssueOptions = {}): string {
    return signPluginJwt({ rcAccountId, pluginId: options.pluginId ?? this.pluginId }, this.secret, {
      nowMs: this.now(),
      expiresInSeconds: options.expiresInSeconds,
    });
  }

  verify(token: string): PluginJwtVerification {
    return verifyPluginJwt(token, this.secret, this.now());
  }

  /** The template refreshes when at most seven days remain. */
  nearExpiry(claims: PluginJwtClaims): boolean {
    return claims.exp - Math.floor(this.now() / 1000) <= PLUGIN_JWT_REFRESH_THRESHOLD_SECONDS;
  }
}

/**
 * `Authorization: Bearer <jwt>`: 401 when missing, malformed, badly signed or expired; 403 when the token was issued
 * for another plugin. A token near expiry (or any token with the `refreshTokens` knob) gets a fresh one back in
 * `x-refreshed-jwt-token`, set before the handler runs, as the template does.
 */
export function requireBearer(tokens: PluginTokens, alwaysRefresh: () => boolean): RequestHandler {
  return (req, res, next) => {
    const [scheme, token, extra] = (req.headers.authorization ?? '').trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      res.status(401).type('text/plain').send('Bearer token is required');
      return;
    }
    const verified = tokens.verify(token);
    if (!verified.ok) {
      res.status(401).type('text/plain').send(verified.reason === 'expired' ? 'Bearer token expired' : 'Invalid bearer token');
      return;
    }
    const { claims } = verified;
    if (claims.pluginId !== tokens.pluginId) {
      res.status(403).type('text/plain').send('Token pluginId does not match this plugin');
      return;
    }
    res.locals[CLAIMS] = claims;
    entryOf(res).claims = claims;
    if (alwaysRefresh() || tokens.nearExpiry(claims)) res.setHeader(REFRESHED_TOKEN_HEADER, tokens.issue(claims.rcAccountId));
    next();
  };
}

export function claimsOf(res: Response): PluginJwtClaims {
  return res.locals[CLAIMS] as PluginJwtClaims;
}
