import { Controller, Get, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { CryptoService } from '../common/crypto/crypto.service';
import { AppError } from '../common/errors/app-error';
import type { AppConfig } from '../config/app-config';
import { RingCentralClient } from '../ringcentral/ringcentral.client';
import { clearCookie, CSRF_HEADER, LOGIN_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './console-cookies';
import { ConsoleSessionService } from './console-session.service';
import { RingCentralOAuthClient } from './ringcentral-oauth.client';

/** A sign-in must come back from RingCentral within this time. */
const LOGIN_TTL_SECONDS = 600;

interface PendingLogin {
  state: string;
  verifier: string;
  expiresAt: number;
}

/**
 * "Sign in with RingCentral" for the console: authorization code with PKCE (RFC 7636, S256). The state and the
 * code verifier travel in an encrypted HttpOnly cookie scoped to /console/oauth, so any replica can finish a sign-in
 * another one started; the code is exchanged here and the browser only ever gets the session cookie.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleOAuthController {
  private readonly logger = new Logger(ConsoleOAuthController.name);

  constructor(
    private readonly oauth: RingCentralOAuthClient,
    private readonly sessions: ConsoleSessionService,
    private readonly rc: RingCentralClient,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  private get secure(): boolean {
    return this.config.get('app', { infer: true }).publicBaseUrl.startsWith('https:');
  }

  @Get('oauth/login')
  login(@Res() res: Response): void {
    if (!this.oauth.clientId) return res.redirect(302, '/console/?signin_error=not_configured');
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pending: PendingLogin = { state, verifier, expiresAt: this.clock.nowMs() + LOGIN_TTL_SECONDS * 1000 };
    res.setHeader('Set-Cookie', setCookie(LOGIN_COOKIE, this.crypto.encryptJson(pending), { secure: this.secure, path: '/console/oauth', maxAgeSeconds: LOGIN_TTL_SECONDS }));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, this.oauth.authorizeUrl(state, challenge));
  }

  @Get('oauth/callback')
  async callback(@Req() req: Request, @Res() res: Response, @Query('code') code?: unknown, @Query('state') state?: unknown, @Query('error') error?: unknown): Promise<void> {
    const cookies: string[] = [clearCookie(LOGIN_COOKIE, { secure: this.secure, path: '/console/oauth' })];
    const fail = (reason: string) => {
      res.setHeader('Set-Cookie', cookies);
      res.redirect(302, `/console/?signin_error=${encodeURIComponent(reason)}`);
    };
    if (typeof error === 'string') return fail(error === 'access_denied' ? 'denied' : 'refused');
    const pending = this.pendingLogin(readCookie(req.headers.cookie, LOGIN_COOKIE));
    if (!pending || typeof state !== 'string' || !sameText(state, pending.state)) return fail('state');
    if (typeof code !== 'string' || !code) return fail('refused');
    let tokens;
    try {
      tokens = await this.oauth.exchangeCode(code, pending.verifier);
    } catch (err) {
      this.logger.warn({ err }, 'console sign-in: code exchange failed');
      return fail('refused');
    }
    const extension = await this.rc.whoAmI(tokens.access_token).catch(() => undefined);
    if (!extension?.account?.id) return fail('refused');
    const session = await this.sessions.create(tokens, extension);
    cookies.push(setCookie(SESSION_COOKIE, session.cookieValue, { secure: this.secure, path: '/', maxAgeSeconds: session.maxAgeSeconds }));
    res.setHeader('Set-Cookie', cookies);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, '/console/');
  }

  /** Who is signed in, and the CSRF token the console sends back in `X-CSRF-Token` on every change. */
  @Get('session')
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    res.setHeader('Cache-Control', 'no-store');
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = cookie ? await this.sessions.resolve(cookie).catch(() => undefined) : undefined;
    const signInConfigured = Boolean(this.oauth.clientId);
    if (!cookie || !session) {
      if (cookie) res.setHeader('Set-Cookie', clearCookie(SESSION_COOKIE, { secure: this.secure, path: '/' }));
      return { signedIn: false, signInConfigured };
    }
    const { row } = session;
    // The cookie follows the session: a refresh moved its end, so the browser's copy is renewed to match.
    const maxAgeSeconds = (row.expiresAt.getTime() - this.clock.nowMs()) / 1000;
    res.setHeader('Set-Cookie', setCookie(SESSION_COOKIE, cookie, { secure: this.secure, path: '/', maxAgeSeconds }));
    return {
      signedIn: true,
      signInConfigured,
      user: { name: row.userName, extensionId: row.rcExtensionId },
      rcAccountId: row.rcAccountId,
      admin: row.isAdmin,
      expiresAt: row.expiresAt.toISOString(),
      csrfToken: this.sessions.csrfTokenOf(cookie),
    };
  }

  @Post('oauth/logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!cookie) return;
    const header = req.headers[CSRF_HEADER];
    if (!this.sessions.csrfMatches(cookie, typeof header === 'string' ? header : undefined)) {
      throw new AppError('FORBIDDEN', `Send the session's CSRF token (GET /console/session) in the ${CSRF_HEADER} header`);
    }
    await this.sessions.end(cookie);
    res.setHeader('Set-Cookie', clearCookie(SESSION_COOKIE, { secure: this.secure, path: '/' }));
  }

  private pendingLogin(value: string | undefined): PendingLogin | undefined {
    if (!value) return undefined;
    try {
      const pending = this.crypto.decryptJson<PendingLogin>(value);
      return pending.expiresAt > this.clock.nowMs() ? pending : undefined;
    } catch {
      return undefined;
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
