import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';
import { CryptoService } from '../common/crypto/crypto.service';
import type { AppConfig } from '../config/app-config';
import type { RingCentralExtensionInfo } from '../ringcentral/ringcentral.client';
import { type ConsoleSessionRow, ConsoleSessionRepository } from './console-session.repository';
import { type OAuthTokenSet, RingCentralOAuthClient } from './ringcentral-oauth.client';

/** Refresh the access token when it has less than this left, so a request never carries one about to die. */
const REFRESH_MARGIN_MS = 60_000;

interface StoredTokens {
  accessToken: string;
  refreshToken: string;
}

export interface ResolvedSession {
  row: ConsoleSessionRow;
  accessToken: string;
}

/**
 * Console sessions: the RingCentral token set of a signed-in user stays on the server, encrypted; the browser holds
 * only a random cookie value whose SHA-256 is the row's key. The access token is refreshed while the session is in
 * use (under a row lock, so concurrent requests spend the single-use refresh token once); the session ends with the
 * refresh token, or at sign-out, which revokes it at RingCentral.
 */
@Injectable()
export class ConsoleSessionService {
  private readonly logger = new Logger(ConsoleSessionService.name);

  constructor(
    private readonly repository: ConsoleSessionRepository,
    private readonly oauth: RingCentralOAuthClient,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  static idOf(cookieValue: string): string {
    return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
  }

  /** Creates a session for a token set RingCentral just issued; returns the cookie value and its lifetime. */
  async create(tokens: OAuthTokenSet, extension: RingCentralExtensionInfo): Promise<{ cookieValue: string; maxAgeSeconds: number }> {
    await this.repository.deleteExpired();
    const cookieValue = randomBytes(32).toString('base64url');
    const now = this.clock.nowMs();
    const name = extension.name ?? [extension.contact?.firstName, extension.contact?.lastName].filter(Boolean).join(' ');
    await this.repository.insert({
      id: ConsoleSessionService.idOf(cookieValue),
      rcAccountId: String(extension.account?.id ?? ''),
      rcExtensionId: String(extension.id),
      userName: name || null,
      isAdmin: extension.permissions?.admin?.enabled === true,
      tokensEncrypted: this.seal(tokens),
      accessExpiresAt: new Date(now + tokens.expires_in * 1000),
      expiresAt: new Date(now + tokens.refresh_token_expires_in * 1000),
    });
    return { cookieValue, maxAgeSeconds: tokens.refresh_token_expires_in };
  }

  /** The session of a cookie value with a usable access token, or undefined (unknown, expired, refresh refused). */
  async resolve(cookieValue: string): Promise<ResolvedSession | undefined> {
    const id = ConsoleSessionService.idOf(cookieValue);
    const row = await this.repository.find(id);
    if (!row) return undefined;
    if (row.accessExpiresAt.getTime() - REFRESH_MARGIN_MS > this.clock.nowMs()) return { row, accessToken: this.open(row).accessToken };
    return this.refresh(id);
  }

  /** Ends the session here and at RingCentral. RingCentral being unreachable does not keep the session alive here. */
  async end(cookieValue: string): Promise<void> {
    const row = await this.repository.delete(ConsoleSessionService.idOf(cookieValue));
    if (!row) return;
    try {
      await this.oauth.revoke(this.open(row).refreshToken);
    } catch (error) {
      this.logger.warn({ err: error }, 'RingCentral did not confirm the revocation of a console session');
    }
  }

  /** The CSRF token of a session: an HMAC of its id, so it needs no storage and cannot be derived from the cookie alone. */
  csrfTokenOf(cookieValue: string): string {
    const key = this.config.get('security', { infer: true }).hashKey;
    return createHmac('sha256', key).update(`console-csrf:${ConsoleSessionService.idOf(cookieValue)}`).digest('base64url');
  }

  csrfMatches(cookieValue: string, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(this.csrfTokenOf(cookieValue));
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private async refresh(id: string): Promise<ResolvedSession | undefined> {
    const outcome = await this.repository.transaction(async (manager) => {
      const row = await this.repository.find(id, manager, true);
      if (!row) return undefined;
      // Another request refreshed while this one waited for the lock.
      if (row.accessExpiresAt.getTime() - REFRESH_MARGIN_MS > this.clock.nowMs()) return { row, accessToken: this.open(row).accessToken };
      let tokens: OAuthTokenSet;
      try {
        tokens = await this.oauth.refresh(this.open(row).refreshToken);
      } catch (error) {
        this.logger.warn({ err: error }, 'RingCentral refused to refresh a console session; it ends');
        return 'ended' as const;
      }
      const now = this.clock.nowMs();
      const accessExpiresAt = new Date(now + tokens.expires_in * 1000);
      const expiresAt = new Date(now + tokens.refresh_token_expires_in * 1000);
      await this.repository.updateTokens(id, this.seal(tokens), accessExpiresAt, expiresAt, manager);
      return { row: { ...row, accessExpiresAt, expiresAt }, accessToken: tokens.access_token };
    });
    if (outcome === 'ended') {
      await this.repository.delete(id);
      return undefined;
    }
    return outcome;
  }

  private seal(tokens: OAuthTokenSet): string {
    return this.crypto.encryptJson({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token } satisfies StoredTokens);
  }

  private open(row: ConsoleSessionRow): StoredTokens {
    return this.crypto.decryptJson<StoredTokens>(row.tokensEncrypted);
  }
}
