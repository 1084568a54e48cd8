import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SDK } from '@ringcentral/sdk';
import type { AppConfig } from '../config/app-config';
import { type RingCentralTokens, RingCentralCredentialsRepository, type StoredRingCentralCredentials } from './ringcentral-credentials.repository';
import { RingCentralApiError, RingCentralAuthError } from './ringcentral.errors';
import { RateLimitGate, type UsagePlanGroup } from './rate-limit.gate';

/** Refresh this long before expiry; longer than the SDK's own handicap (60 s), so the SDK never refreshes on its own. */
const REFRESH_HANDICAP_MS = 120_000;

export interface RingCentralRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  group: UsagePlanGroup;
}

export interface RingCentralExtensionInfo {
  id: number | string;
  extensionNumber?: string;
  name?: string;
  type?: string;
  contact?: { firstName?: string; lastName?: string; email?: string };
  account?: { id: number | string };
  permissions?: { admin?: { enabled?: boolean } };
}

/** A process-local token store per SDK instance, so accounts never share the SDK's default in-memory cache. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/**
 * RingCentral for one account at a time, through @ringcentral/sdk. Tokens live encrypted in the database, not in the
 * SDK's cache; a short-lived SDK instance is built per call from them, refreshed (under the account's lock) when
 * near expiry, and a new login with the stored JWT replaces a dead refresh token.
 */
@Injectable()
export class RingCentralClient {
  private readonly logger = new Logger(RingCentralClient.name);
  private requestsSent = 0;

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly credentials: RingCentralCredentialsRepository,
    private readonly gate: RateLimitGate,
  ) {}

  /** Requests sent to RingCentral by this process (for cost figures). */
  get requestCount(): number {
    return this.requestsSent;
  }

  /** Logs in with a JWT credential; returns the tokens and who they belong to. Throws RingCentralAuthError. */
  async loginWithJwt(jwt: string): Promise<{ tokens: RingCentralTokens; extension: RingCentralExtensionInfo }> {
    const sdk = this.newSdk();
    try {
      this.requestsSent++;
      await sdk.platform().login({ jwt });
    } catch (error) {
      throw new RingCentralAuthError(`RingCentral refused the JWT credential: ${describe(error)}`);
    }
    const tokens = toTokens(await sdk.platform().auth().data());
    const extension = await this.whoAmI(tokens.access_token);
    if (!extension) throw new RingCentralAuthError('RingCentral did not accept the token it just issued');
    return { tokens, extension };
  }

  /** The extension an access token belongs to (used to authenticate admins). Undefined when the token is not valid. */
  async whoAmI(accessToken: string): Promise<RingCentralExtensionInfo | undefined> {
    this.requestsSent++;
    const res = await fetch(`${this.server()}/restapi/v1.0/account/~/extension/~`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 401 || res.status === 403) return undefined;
    if (!res.ok) throw new RingCentralApiError(res.status, undefined, `RingCentral extension lookup failed with ${res.status}`);
    return (await res.json()) as RingCentralExtensionInfo;
  }

  /** Sends one API request on behalf of an account with its stored credentials. */
  async request<T>(accountId: string, request: RingCentralRequest): Promise<T> {
    this.gate.assertOpen(accountId, request.group);
    const sdk = await this.sdkFor(accountId);
    const platform = sdk.platform();
    let response: Response;
    try {
      this.requestsSent++;
      response = await platform.send({
        method: request.method,
        url: request.path,
        query: request.query,
        body: request.body,
      });
    } catch (error) {
      const failed = (error as { response?: Response }).response;
      if (!failed) throw error;
      response = failed;
    }
    this.gate.observe(accountId, request.group, response.status, response.headers);
    if (response.status === 429) this.gate.assertOpen(accountId, request.group);
    if (response.status === 401) throw new RingCentralAuthError(`RingCentral rejected the account's token (${request.method} ${request.path})`);
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { errorCode?: string; message?: string };
      throw new RingCentralApiError(response.status, body.errorCode, `${request.method} ${request.path}: ${response.status} ${body.errorCode ?? ''} ${body.message ?? ''}`.trim());
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * An SDK instance for a long-lived connection (the WebSocket transport). Its tokens must be kept fresh with
   * `refreshSdk` more often than REFRESH_HANDICAP_MS, so the SDK never spends the single-use refresh token itself.
   */
  async sdkForAccount(accountId: string): Promise<SDK> {
    return this.sdkFor(accountId);
  }

  /** Puts the account's current tokens (refreshed under the account's lock when near expiry) into a long-lived SDK. */
  async refreshSdk(accountId: string, sdk: SDK): Promise<void> {
    let stored = await this.credentials.load(accountId);
    if (!stored?.tokens || stored.tokens.expire_time - REFRESH_HANDICAP_MS < Date.now()) stored = await this.refresh(accountId);
    await sdk.platform().auth().setData(stored.tokens!);
  }

  private async sdkFor(accountId: string): Promise<SDK> {
    let stored = await this.credentials.load(accountId);
    if (!stored?.tokens && !stored?.jwt) throw new RingCentralAuthError('No RingCentral credentials stored for this account');
    if (!stored.tokens || stored.tokens.expire_time - REFRESH_HANDICAP_MS < Date.now()) {
      stored = await this.refresh(accountId);
    }
    const sdk = this.newSdk();
    await sdk.platform().auth().setData(stored.tokens!);
    // The SDK refreshes by itself after a 401; keep what it gets, or the single-use refresh token is lost.
    sdk.platform().on(sdk.platform().events.refreshSuccess, () => {
      void sdk
        .platform()
        .auth()
        .data()
        .then((data) => this.credentials.save(accountId, { ...stored, tokens: toTokens(data) }))
        .catch((error) => this.logger.warn({ err: error, accountId }, 'could not store refreshed RingCentral tokens'));
    });
    return sdk;
  }

  /** Refreshes under the account's lock; another replica may have done it already, in which case its tokens are used. */
  private async refresh(accountId: string): Promise<StoredRingCentralCredentials> {
    return this.credentials.withRefreshLock(accountId, async (manager) => {
      const current = (await this.credentials.load(accountId, manager)) ?? {};
      if (current.tokens && current.tokens.expire_time - REFRESH_HANDICAP_MS > Date.now()) return current;
      const sdk = this.newSdk();
      let tokens: RingCentralTokens | undefined;
      if (current.tokens?.refresh_token && (current.tokens.refresh_token_expire_time ?? Infinity) > Date.now()) {
        try {
          await sdk.platform().auth().setData(current.tokens);
          this.requestsSent++;
          await sdk.platform().refresh();
          tokens = toTokens(await sdk.platform().auth().data());
        } catch (error) {
          this.logger.warn({ accountId, reason: describe(error) }, 'RingCentral refresh failed; logging in again with the JWT');
        }
      }
      if (!tokens && current.jwt) {
        try {
          this.requestsSent++;
          await sdk.platform().login({ jwt: current.jwt });
          tokens = toTokens(await sdk.platform().auth().data());
        } catch (error) {
          throw new RingCentralAuthError(`RingCentral refused the stored JWT credential: ${describe(error)}`);
        }
      }
      if (!tokens) throw new RingCentralAuthError('RingCentral tokens expired and no JWT credential is stored');
      const updated = { ...current, tokens };
      await this.credentials.save(accountId, updated, manager);
      return updated;
    });
  }

  private newSdk(): SDK {
    const rc = this.config.get('ringcentral', { infer: true });
    return new SDK({
      server: rc.server,
      clientId: rc.clientId,
      clientSecret: rc.clientSecret,
      localStorage: new MemoryStorage() as never,
      handleRateLimit: false,
      appName: 'sscl',
      appVersion: '0.1.0',
    });
  }

  private server(): string {
    return this.config.get('ringcentral', { infer: true }).server;
  }
}

function toTokens(data: { access_token?: string; refresh_token?: string; expire_time?: number; refresh_token_expire_time?: number; owner_id?: string; scope?: string }): RingCentralTokens {
  if (!data.access_token || !data.expire_time) throw new RingCentralAuthError('RingCentral returned no access token');
  return {
    access_token: data.access_token,
    refresh_token: data.refresh_token,
    expire_time: data.expire_time,
    refresh_token_expire_time: data.refresh_token_expire_time,
    owner_id: data.owner_id,
    scope: data.scope,
  };
}

function describe(error: unknown): string {
  const e = error as { message?: string; response?: { status?: number } };
  return [e.response?.status, e.message].filter(Boolean).join(' ') || String(error);
}
