import { Injectable, Optional } from '@nestjs/common';
import { CryptoService } from '../common/crypto/crypto.service';
import { ConnectorConfigError, type ConnectorContext, type ConnectorManifest, ConnectorRegistry, type CrmConnector } from '../connectors';
import { AccountCacheSync } from './account-cache.sync';
import { AccountEpochs } from './account-epochs';
import type { AccountRow } from './account.types';
import { ServerLoggingSettingsRepository } from './server-logging-settings.repository';

export interface ConnectorSession {
  connector: CrmConnector;
  manifest: ConnectorManifest;
  ctx: ConnectorContext;
  authHeader: string;
  /** The version of the stored credentials this session was made from (ServerLoggingSettingsRepository). */
  settingsVersion: string | null;
}

const CACHE_MS = 30_000;

/**
 * An account's connector, ready to call: its config, the decrypted server-logging settings (read through the
 * connector's getServerLoggingSettings, cached briefly) and the auth header made from them.
 */
@Injectable()
export class ConnectorSessionService {
  private readonly cache = new Map<string, { at: number; session: ConnectorSession }>();
  private readonly epochs = new AccountEpochs();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly settings: ServerLoggingSettingsRepository,
    private readonly crypto: CryptoService,
    @Optional() private readonly sync?: AccountCacheSync,
  ) {
    sync?.onDrop('session', (accountId) => this.drop(accountId));
  }

  async open(account: AccountRow): Promise<ConnectorSession> {
    // A config error, so the policy pauses the account (nothing is dropped) until the admin picks a connector.
    if (!account.connectorId) throw new ConnectorConfigError('connector.id', 'No connector is configured for this account');
    const key = `${account.id}|${account.connectorId}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.session;
    const epoch = this.epochs.of(account.id);
    const connector = this.registry.get(account.connectorId);
    const config = account.connectorConfig ?? {};
    const { values: stored, version } = await this.settings.readVersioned(account.id, account.connectorId);
    const ctx: ConnectorContext = { accountId: account.rcAccountId, hashedAccountId: account.hashedAccountId, config, serverLoggingSettings: stored };
    // Read through the connector (a bridge fetches them from its server), then cached with the rest of the session.
    const values = await connector.getServerLoggingSettings(ctx);
    const session = { connector, manifest: connector.manifest(config), ctx, authHeader: connector.getAuthHeader(ctx, values), settingsVersion: version };
    // Settings changed while they were read: this session serves the request at hand but is not kept.
    if (this.epochs.of(account.id) === epoch) this.cache.set(key, { at: Date.now(), session });
    return session;
  }

  /** After the account's connector, config or credentials changed: dropped here and in every other replica. */
  invalidate(accountId: string): void {
    this.drop(accountId);
    this.sync?.changed('session', accountId);
  }

  /** Drops this process's copy only (when the change that made it stale was already announced to the others). */
  drop(accountId: string): void {
    this.epochs.advance(accountId);
    for (const key of this.cache.keys()) if (key.startsWith(`${accountId}|`)) this.cache.delete(key);
  }

  hashedId(value: string): string {
    return this.crypto.hashId(value);
  }
}
