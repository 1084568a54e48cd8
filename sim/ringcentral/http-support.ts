import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendApiError, sendInsufficientPermissions, sendNotFound, sendTokenError } from './api-errors';
import type { RateLimitGroup } from './sim-options';
import type { SimState } from './sim-state';
import { bump } from './stats';
import type { Principal } from './token-store';

/** Middleware shared by the platform routes: metering, fault injection, bearer auth, rate limits, scopes. */

export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** Counts the request under its route label and group; may fail it on purpose (apiErrorRate knob). */
export function meter(state: SimState, label: string, group: RateLimitGroup): RequestHandler {
  return (_req, res, next) => {
    const { requests } = state.stats;
    requests.total++;
    requests.byGroup[group]++;
    bump(requests.byRoute, label);
    res.locals.rateGroup = group;
    res.on('finish', () => {
      bump(state.stats.requests.byStatus, String(res.statusCode));
      const accountId = (res.locals.principal as Principal | undefined)?.accountId ?? res.locals.accountId;
      if (accountId) bump(state.stats.requests.byAccount, accountId);
      if (res.statusCode === 429) state.stats.requests.rateLimited++;
    });
    if (state.faultRng.chance(state.knobs.apiErrorRate)) {
      requests.injectedErrors++;
      sendApiError(res, state.knobs.apiErrorStatus, 'CMN-201', 'Service Temporary Unavailable');
      return;
    }
    next();
  };
}

export function authenticate(state: SimState): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return sendTokenError(res, 'missing');
    const check = state.tokens.verify(match[1], state.now(), (s) => state.scopesFor(s.accountId));
    if (!check.ok) return sendTokenError(res, check.reason);
    res.locals.principal = check.principal;
    next();
  };
}

/** Sets the X-Rate-Limit-* headers; answers 429 and returns false when the key is over its limit. */
export function applyRateLimit(state: SimState, res: Response, key: string, group: RateLimitGroup): boolean {
  const d = state.limiter.hit(key, group, state.now());
  res.setHeader('X-Rate-Limit-Group', d.group);
  res.setHeader('X-Rate-Limit-Limit', String(d.limit));
  res.setHeader('X-Rate-Limit-Remaining', String(d.remaining));
  res.setHeader('X-Rate-Limit-Window', String(d.windowSeconds));
  if (d.allowed) return true;
  res.setHeader('Retry-After', String(d.retryAfterSeconds));
  sendApiError(res, 429, 'CMN-301', 'Request rate exceeded');
  return false;
}

export function rateLimit(state: SimState): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (applyRateLimit(state, res, `${p.accountId}:${p.extensionId}`, res.locals.rateGroup as RateLimitGroup)) next();
  };
}

export function requireScope(permission: string): RequestHandler {
  return (_req, res, next) => {
    if (!principalOf(res).scopes.includes(permission)) return sendInsufficientPermissions(res, permission);
    next();
  };
}

/** `:accountId` must be `~` or the token's own account: tokens of account A never see account B. */
export function ownAccount(req: Request, res: Response, next: NextFunction): void {
  const wanted = String(req.params.accountId ?? '~');
  if (wanted !== '~' && wanted !== principalOf(res).accountId) return sendNotFound(res, 'accountId', wanted);
  next();
}

/** The standard chain for an authenticated platform route. */
export function platformRoute(state: SimState, label: string, group: RateLimitGroup, permission?: string): RequestHandler[] {
  const chain = [meter(state, label, group), authenticate(state), rateLimit(state)];
  if (permission) chain.push(requireScope(permission));
  return chain;
}

/** Resolves `~` or an id in `:extensionId` to an extension id of the token's account. */
export function extensionParam(req: Request, res: Response): string {
  const raw = String(req.params.extensionId ?? '~');
  return raw === '~' ? principalOf(res).extensionId : raw;
}
