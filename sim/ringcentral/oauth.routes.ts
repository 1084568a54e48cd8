import express, { type Request, type Response, Router } from 'express';
import { sendOAuthError } from './api-errors';
import { applyRateLimit, meter } from './http-support';
import type { SimState } from './sim-state';
import type { TokenTtls } from './token-store';

/** `POST /restapi/oauth/token` (JWT bearer and refresh grants) and `POST /restapi/oauth/revoke` (docs/ringcentral.md §1). */

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

type Body = Record<string, string | undefined>;

/** Basic auth or client_id (+ optional client_secret) in the body. Returns the client id or answers 401. */
function authenticateClient(state: SimState, req: Request, res: Response, body: Body): string | undefined {
  const { clientId, clientSecret } = state.options;
  const header = req.get('authorization');
  let id: string | undefined;
  let secret: string | undefined;
  if (header && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = colon >= 0 ? decoded.slice(0, colon) : decoded;
    secret = colon >= 0 ? decoded.slice(colon + 1) : '';
  } else {
    id = body.client_id;
    secret = body.client_secret;
  }
  if (!id || id !== clientId || (secret !== undefined && secret !== clientSecret)) {
    sendOAuthError(res, 401, 'invalid_client', 'OAU-153', `Invalid client: ${id ?? ''}`);
    return undefined;
  }
  return id;
}

function ttls(state: SimState, body: Body): TokenTtls {
  const clamp = (raw: string | undefined, fallback: number, min: number, max: number): number => {
    const n = Number(raw);
    if (raw === undefined || !Number.isFinite(n)) return fallback;
    return n > max ? fallback : Math.max(min, Math.floor(n));
  };
  return {
    accessTokenTtlSeconds: clamp(body.access_token_ttl, state.options.accessTokenTtlSeconds, 600, 3600),
    refreshTokenTtlSeconds: clamp(body.refresh_token_ttl, state.options.refreshTokenTtlSeconds, 1, 604800),
  };
}

export function oauthRoutes(state: SimState): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });

  router.post('/restapi/oauth/token', meter(state, 'POST /restapi/oauth/token', 'auth'), form, (req, res) => {
    const body = (req.body ?? {}) as Body;
    const clientId = authenticateClient(state, req, res, body);
    if (!clientId) return;
    const grant = body.grant_type;
    const owner =
      grant === JWT_GRANT && body.assertion
        ? state.jwts.peek(body.assertion)
        : grant === 'refresh_token' && body.refresh_token
          ? state.tokens.sessionOfRefreshToken(body.refresh_token)
          : undefined;
    if (owner) res.locals.accountId = owner.accountId;
    const key = owner ? `${owner.accountId}:${owner.extensionId}` : `client:${clientId}`;
    if (!applyRateLimit(state, res, key, 'auth')) return;
    res.setHeader('Cache-Control', 'no-store');
    const now = state.now();

    if (grant === JWT_GRANT) {
      if (!body.assertion) return sendOAuthError(res, 400, 'invalid_request', 'OAU-121', 'Required parameter [assertion] is missing', [{ parameterName: 'assertion' }]);
      const check = state.jwts.check(body.assertion, clientId, now);
      if (!check.ok) {
        return check.reason === 'malformed'
          ? sendOAuthError(res, 400, 'invalid_grant', 'OAU-149', 'Unparsable access token')
          : sendOAuthError(res, 400, 'invalid_grant', 'OAU-213', `Invalid assertion: ${check.reason}`);
      }
      const { accountId, extensionId } = check.credential;
      const ext = state.accounts.extension(accountId, extensionId);
      if (!ext || ext.status !== 'Enabled') return sendOAuthError(res, 400, 'invalid_grant', 'OAU-140', 'Invalid resource owner credentials');
      const tokens = state.tokens.login(
        { accountId, extensionId, clientId, scope: state.scopesFor(accountId).join(' '), endpointId: body.endpoint_id },
        ttls(state, body),
        now,
      );
      return res.json(tokens);
    }

    if (grant === 'refresh_token') {
      if (!body.refresh_token) return sendOAuthError(res, 400, 'invalid_request', 'OAU-121', 'Required parameter [refresh_token] is missing', [{ parameterName: 'refresh_token' }]);
      const outcome = state.tokens.refresh(body.refresh_token, clientId, ttls(state, body), state.options.refreshGraceSeconds * 1000, now);
      if (!outcome.ok) {
        const text = { unknown: 'Token not found', expired: 'Token is expired', reused: 'Token is revoked', revoked: 'Token is revoked', client: 'Token belongs to another client' }[outcome.reason];
        return sendOAuthError(res, 400, 'invalid_grant', outcome.reason === 'unknown' ? 'OAU-213' : 'OAU-211', text);
      }
      return res.json(outcome.tokens);
    }

    if (!grant) return sendOAuthError(res, 400, 'invalid_request', 'OAU-121', 'Required parameter [grant_type] is missing', [{ parameterName: 'grant_type' }]);
    return sendOAuthError(res, 400, 'unauthorized_client', 'OAU-251', 'Unauthorized for this grant type');
  });

  router.post('/restapi/oauth/revoke', meter(state, 'POST /restapi/oauth/revoke', 'auth'), form, (req, res) => {
    const body = (req.body ?? {}) as Body;
    if (!authenticateClient(state, req, res, body)) return;
    if (body.token) state.tokens.revokeToken(body.token);
    // Like the platform, revoking an unknown token is not an error.
    res.status(200).end();
  });

  return router;
}
