import { Injectable } from '@nestjs/common';
import { CryptoService } from '../common/crypto/crypto.service';
import { ConnectorConfigError, type ConnectorContext, type ConnectorManifest, ConnectorRegistry, type CrmConnector } from '../connectors';
import type { AccountRow } from './account.types';
import { ServerLoggingSettingsRepository } from './server-logging-settings.repository';

export interface ConnectorSession {
  connector: CrmConnector;
  manifest: ConnectorManifest;
  ctx: ConnectorContext;
  authHeader: string;
}

const CACHE_MS = 30_000;

/**
 * An account's connector, ready to call: its config, the decrypted server-logging settings (read through the
 * connector's getServerLoggingSettings, cached briefly) and the auth header made from them.
 */
@Injectable()
export class ConnectorSessionService {
  private readonly cache = new Map<string, { at: number; settings: Record<string, string> }>();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly settings: ServerLoggingSettingsRepository,
    private readonly crypto: CryptoService,
  ) {}

  async open(account: AccountRow): Promise<ConnectorSession> {
    // A config error, so the policy pauses the account (nothing is dropped) until the admin picks a connector.
    if (!account.connectorId) throw new ConnectorConfigError('connector.id', 'No connector is configured for this account');
    const connector = this.registry.get(account.connectorId);
    const config = account.connectorConfig ?? {};
    const key = `${account.id}|${account.connectorId}`;
    let stored = this.cache.get(key);
    if (!stored || Date.now() - stored.at > CACHE_MS) {
      stored = { at: Date.now(), settings: await this.settings.read(account.id, account.connectorId) };
      this.cache.set(key, stored);
    }
    const base: ConnectorContext = { accountId: account.rcAccountId, hashedAccountId: account.hashedAccountId, config, serverLoggingSettings: stored.settings };
    const values = await connector.getServerLoggingSettings(base);
    return { connector, manifest: connector.manifest(config), ctx: base, authHeader: connector.getAuthHeader(base, values) };
  }

  invalidate(accountId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${accountId}|`)) this.cache.delete(key);
  }

  hashedId(value: string): string {
    return this.crypto.hashId(value);
  }
}
