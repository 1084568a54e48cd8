import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AccountEvents } from '../accounts/account.events';
import { AccountsRepository } from '../accounts/accounts.repository';
import type { AccountMode, AccountRow } from '../accounts/account.types';
import { ConnectorSessionService } from '../accounts/connector-session.service';
import { ServerLoggingSettingsRepository } from '../accounts/server-logging-settings.repository';
import { CryptoService } from '../common/crypto/crypto.service';
import { AppError } from '../common/errors/app-error';
import { OutboundGuard } from '../common/net/outbound-guard';
import { ConnectorConfigError, ConnectorRegistry } from '../connectors';
import { RingCentralCredentialsRepository } from '../ringcentral/ringcentral-credentials.repository';
import { RingCentralAuthError } from '../ringcentral/ringcentral.errors';
import { RingCentralClient } from '../ringcentral/ringcentral.client';

/**
 * What an admin does to get logging going: connect RingCentral, choose and configure the connector, enter its
 * server-logging settings, switch logging on. Each step is checked when it is taken, so a bad value is refused with
 * the field at fault rather than failing calls later.
 */
@Injectable()
export class AccountOnboardingService {
  constructor(
    private readonly rc: RingCentralClient,
    private readonly accounts: AccountsRepository,
    private readonly credentials: RingCentralCredentialsRepository,
    private readonly registry: ConnectorRegistry,
    private readonly settings: ServerLoggingSettingsRepository,
    private readonly sessions: ConnectorSessionService,
    private readonly crypto: CryptoService,
    private readonly events: EventEmitter2,
    @Optional() private readonly outbound: OutboundGuard = new OutboundGuard({ allowPrivate: false, allowHosts: [] }),
  ) {}

  /** Logs in with the admin's JWT credential and stores it with the tokens, encrypted. */
  async connectRingCentral(jwt: string, expectedRcAccountId?: string): Promise<{ account: AccountRow; extensionId: string }> {
    let login;
    try {
      login = await this.rc.loginWithJwt(jwt);
    } catch (error) {
      if (error instanceof RingCentralAuthError) throw AppError.validation('jwt', error.message);
      throw error;
    }
    const rcAccountId = String(login.extension.account?.id ?? '');
    if (!rcAccountId) throw AppError.validation('jwt', 'RingCentral did not say which account the JWT belongs to');
    if (expectedRcAccountId && rcAccountId !== expectedRcAccountId) {
      // Not a malformed value but an attempt to act on another tenant: refused like any other cross-account access.
      throw new AppError('FORBIDDEN', 'The JWT credential belongs to another RingCentral account', 'jwt');
    }
    const account = await this.accounts.findOrCreate(rcAccountId, this.crypto.hashId(rcAccountId));
    const extensionId = String(login.extension.id);
    await this.credentials.save(account.id, { jwt, tokens: login.tokens });
    await this.accounts.setAdminExtension(account.id, extensionId);
    await this.events.emitAsync(AccountEvents.settingsChanged, { accountId: account.id });
    return { account: (await this.accounts.findById(account.id))!, extensionId };
  }

  async setConnector(accountId: string, connectorId: string, config: Record<string, unknown>): Promise<void> {
    if (!this.registry.has(connectorId)) {
      throw AppError.validation('connector.id', `Unknown connector "${connectorId}"; one of: ${this.registry.ids().join(', ')}`);
    }
    try {
      this.registry.get(connectorId).validateConfig(config);
    } catch (error) {
      if (error instanceof ConnectorConfigError) throw AppError.validation(`connector.config.${error.path}`, error.message);
      throw error;
    }
    // Every URL the config names (CRM base URL, App Connect bridge, proxy operations) must point at an allowed address.
    await this.outbound.assertAllowedUrlsIn(config, 'connector.config');
    await this.accounts.update(accountId, { connectorId, connectorConfig: config });
    this.sessions.invalidate(accountId);
    await this.events.emitAsync(AccountEvents.settingsChanged, { accountId });
  }

  async setServerLoggingSettings(account: AccountRow, values: Record<string, unknown>): Promise<void> {
    if (!account.connectorId) throw new AppError('CONFLICT', 'Choose a connector first (PATCH /admin/settings connector.id)', 'connector.id');
    // A URL among the values (a proxy config's {{baseUrl}}) must point at an allowed address, checked before any request.
    await this.outbound.assertAllowedUrlsIn(values, 'additionalFieldValues');
    const connector = this.registry.get(account.connectorId);
    const ctx = { accountId: account.rcAccountId, hashedAccountId: account.hashedAccountId, config: account.connectorConfig ?? {}, serverLoggingSettings: {} };
    const result = await connector.updateServerLoggingSettings(ctx, values);
    if (!result.successful) {
      const field = connector.manifest(ctx.config).serverSideLogging.additionalFields.find((f) => result.returnMessage?.includes(f.title) || result.returnMessage?.includes(f.const));
      throw AppError.validation(`additionalFieldValues${field ? `.${field.const}` : ''}`, result.returnMessage ?? 'Invalid server logging settings');
    }
    await this.settings.write(account.id, account.connectorId, values as Record<string, string>);
    this.sessions.invalidate(account.id);
    await this.events.emitAsync(AccountEvents.settingsChanged, { accountId: account.id });
  }

  /** Stores the admin's logging choices (the whole `settings` document) and/or the mode; resumes a paused account. */
  async updateLoggingSettings(accountId: string, patch: { settings?: Record<string, unknown>; mode?: AccountMode }): Promise<void> {
    await this.accounts.update(accountId, patch);
    await this.announceSettingsChanged(accountId);
  }

  /** Tells the other features an admin changed something: logging paused for the admin resumes. */
  async announceSettingsChanged(accountId: string): Promise<void> {
    await this.events.emitAsync(AccountEvents.settingsChanged, { accountId });
  }

  /** Turns logging on or off; on creates the subscription (409 naming what is missing), off deletes it. */
  async setEnabled(account: AccountRow, enabled: boolean): Promise<void> {
    if (enabled === account.enabled) return;
    if (enabled) {
      if (!account.hasRingCentralCredentials) throw new AppError('CONFLICT', 'Connect RingCentral first (PUT /admin/ringcentral/credentials)', 'enabled');
      if (!account.connectorId) throw new AppError('CONFLICT', 'Choose a connector first (connector.id)', 'enabled');
      try {
        await this.events.emitAsync(AccountEvents.enabled, { accountId: account.id });
      } catch (error) {
        throw new AppError('CONFLICT', `Could not subscribe to RingCentral call events: ${(error as Error).message}`, 'enabled');
      }
      await this.accounts.update(account.id, { enabled: true });
    } else {
      await this.accounts.update(account.id, { enabled: false });
      await this.events.emitAsync(AccountEvents.disabled, { accountId: account.id });
    }
  }
}
