import { createHash, randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { sendOAuthError } from './api-errors';
import { applyRateLimit, meter } from './http-support';
import type { SimState } from './sim-state';
import type { SimExtension } from './sim-types';

/**
 * The browser sign-in of RingCentral's authorization-code flow with PKCE (RFC 6749 §4.1, RFC 7636):
 * `GET /restapi/oauth/authorize` shows a page where one picks a simulated user (no password: it is a simulator),
 * `POST /restapi/oauth/authorize` redirects back with `code` and `state`, and `grant_type=authorization_code` at
 * `POST /restapi/oauth/token` exchanges the code once, checking client, redirect_uri and `code_verifier`.
 * Mounted before the JWT/refresh token route, which it leaves every other grant to.
 */

const CODE_TTL_MS = 60_000;

interface PendingCode {
  accountId: string;
  extensionId: string;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method: 'S256' | 'plain';
  expiresAt: number;
}

type Params = Record<string, string | undefined>;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]);

function isHttpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** What is wrong with an authorize request, or undefined. Errors before redirect_uri is trusted are shown, not redirected. */
function authorizeProblem(state: SimState, p: Params): string | undefined {
  if (p.response_type !== 'code') return 'response_type must be "code"';
  if (p.client_id !== state.options.clientId) return `Unknown client_id "${p.client_id ?? ''}"`;
  if (!isHttpUrl(p.redirect_uri)) return 'redirect_uri must be an absolute http(s) URL';
  if (p.code_challenge !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(p.code_challenge)) return 'code_challenge must be 43-128 URL-safe characters';
  if (p.code_challenge_method !== undefined && !['S256', 'plain'].includes(p.code_challenge_method)) return 'code_challenge_method must be S256 or plain';
  return undefined;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1d2733;margin:0;padding:32px 16px}
main{max-width:560px;margin:0 auto;background:#fff;border:1px solid #dde3ea;border-radius:12px;padding:28px}
h1{font-size:1.3rem;margin:0 0 6px}p{color:#4a5968;margin:0 0 18px}.acct{margin:18px 0 8px;font-weight:600;font-size:.9rem;color:#4a5968}
form{margin:0 0 8px}button{width:100%;text-align:left;font:inherit;padding:12px 14px;border:1px solid #cfd8e3;border-radius:8px;background:#fff;cursor:pointer;display:flex;justify-content:space-between;gap:12px}
button:hover,button:focus-visible{border-color:#0a6ed1;outline:2px solid #0a6ed1;outline-offset:1px}.tag{font-size:.8rem;padding:2px 8px;border-radius:99px;background:#e6f0fb;color:#0a4f95}
.tag.user{background:#eef1f4;color:#4a5968}.err{color:#a4161a}
</style></head><body><main>${body}</main></body></html>`;
}

export function authorizationCodeRoutes(state: SimState): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });
  const codes = new Map<string, PendingCode>();

  const params = (source: unknown): Params => {
    const out: Params = {};
    for (const [k, v] of Object.entries((source ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  };

  router.get('/restapi/oauth/authorize', meter(state, 'GET /restapi/oauth/authorize', 'auth'), (req, res) => {
    const p = params(req.query);
    const problem = authorizeProblem(state, p);
    res.setHeader('Cache-Control', 'no-store');
    if (problem) return res.status(400).type('html').send(page('Sign-in error', `<h1>Cannot sign in</h1><p class="err">${esc(problem)}</p>`));
    const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
      .filter((k) => p[k] !== undefined)
      .map((k) => `<input type="hidden" name="${k}" value="${esc(p[k])}">`)
      .join('');
    const accounts = state.accounts.list();
    const sections = accounts.map((account) => {
      const users = account.extensions.filter((e: SimExtension) => e.type === 'User' && e.status === 'Enabled');
      const buttons = users
        .map(
          (u) => `<form method="post" action="/restapi/oauth/authorize">${hidden}<input type="hidden" name="account_id" value="${esc(account.id)}"><input type="hidden" name="extension_id" value="${esc(u.id)}">
<button type="submit" aria-label="Sign in as ${esc(u.name)} (${u.admin ? 'admin' : 'not an admin'}) of account ${esc(account.id)}"><span>${esc(u.name)} · ext. ${esc(u.extensionNumber)}<br><small>${esc(u.email)}</small></span><span class="tag${u.admin ? '' : ' user'}">${u.admin ? 'admin' : 'user'}</span></button></form>`,
        )
        .join('');
      return `<div class="acct">Account ${esc(account.id)}</div>${buttons}`;
    });
    res.type('html').send(
      page(
        'Sign in – RingCentral simulator',
        `<h1>Sign in to RingCentral</h1><p>Simulator: pick the user to sign in as. An app is asking to act for them.</p>${sections.join('') || '<p>No accounts yet.</p>'}`,
      ),
    );
  });

  router.post('/restapi/oauth/authorize', meter(state, 'POST /restapi/oauth/authorize', 'auth'), form, (req, res) => {
    const p = params(req.body);
    const problem = authorizeProblem(state, p);
    if (problem) return res.status(400).type('html').send(page('Sign-in error', `<h1>Cannot sign in</h1><p class="err">${esc(problem)}</p>`));
    const ext = p.account_id && p.extension_id ? state.accounts.extension(p.account_id, p.extension_id) : undefined;
    if (!ext || ext.type !== 'User' || ext.status !== 'Enabled') {
      return res.status(400).type('html').send(page('Sign-in error', '<h1>Cannot sign in</h1><p class="err">Unknown or disabled user</p>'));
    }
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      accountId: p.account_id!,
      extensionId: ext.id,
      clientId: p.client_id!,
      redirectUri: p.redirect_uri!,
      challenge: p.code_challenge,
      method: p.code_challenge_method === 'S256' ? 'S256' : 'plain',
      expiresAt: state.now() + CODE_TTL_MS,
    });
    const target = new URL(p.redirect_uri!);
    target.searchParams.set('code', code);
    if (p.state !== undefined) target.searchParams.set('state', p.state);
    res.redirect(302, target.toString());
  });

  router.post('/restapi/oauth/token', form, (req: Request, res: Response, next: NextFunction) => {
    const body = params(req.body);
    if (body.grant_type !== 'authorization_code') return next();
    meter(state, 'POST /restapi/oauth/token', 'auth')(req, res, () => exchange(req, res, body));
  });

  function exchange(req: Request, res: Response, body: Params): void {
    res.setHeader('Cache-Control', 'no-store');
    const clientId = clientOf(state, req, res, body);
    if (!clientId) return;
    if (!applyRateLimit(state, res, `client:${clientId}`, 'auth')) return;
    if (!body.code) return sendOAuthError(res, 400, 'invalid_request', 'OAU-121', 'Required parameter [code] is missing', [{ parameterName: 'code' }]);
    const pending = codes.get(body.code);
    // A code is single-use whatever the outcome (RFC 6749 §4.1.2).
    codes.delete(body.code);
    const now = state.now();
    if (!pending || pending.expiresAt <= now) return sendOAuthError(res, 400, 'invalid_grant', 'OAU-109', 'Authorization code is invalid or expired');
    if (pending.clientId !== clientId) return sendOAuthError(res, 400, 'invalid_grant', 'OAU-109', 'Authorization code was issued to another client');
    if (body.redirect_uri !== pending.redirectUri) return sendOAuthError(res, 400, 'invalid_grant', 'OAU-109', 'redirect_uri does not match the authorization request');
    if (pending.challenge !== undefined) {
      const verifier = body.code_verifier ?? '';
      const derived = pending.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || derived !== pending.challenge) return sendOAuthError(res, 400, 'invalid_grant', 'OAU-109', 'code_verifier does not match the code_challenge');
    }
    const ext = state.accounts.extension(pending.accountId, pending.extensionId);
    if (!ext || ext.status !== 'Enabled') return sendOAuthError(res, 400, 'invalid_grant', 'OAU-140', 'Invalid resource owner credentials');
    res.locals.accountId = pending.accountId;
    const tokens = state.tokens.login(
      { accountId: pending.accountId, extensionId: ext.id, clientId, scope: state.scopesFor(pending.accountId).join(' ') },
      { accessTokenTtlSeconds: state.options.accessTokenTtlSeconds, refreshTokenTtlSeconds: state.options.refreshTokenTtlSeconds },
      now,
    );
    res.json(tokens);
  }

  return router;
}

/** Basic client auth (or client_id/client_secret in the body), like the JWT grant. */
function clientOf(state: SimState, req: Request, res: Response, body: Params): string | undefined {
  const { clientId, clientSecret } = state.options;
  const header = req.get('authorization');
  let id = body.client_id;
  let secret = body.client_secret;
  if (header && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = colon >= 0 ? decoded.slice(0, colon) : decoded;
    secret = colon >= 0 ? decoded.slice(colon + 1) : '';
  }
  if (!id || id !== clientId || (secret !== undefined && secret !== clientSecret)) {
    sendOAuthError(res, 401, 'invalid_client', 'OAU-153', `Invalid client: ${id ?? ''}`);
    return undefined;
  }
  return id;
}
