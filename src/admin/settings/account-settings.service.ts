import { Injectable } from '@nestjs/common';
import { AccountsRepository } from '../../accounts/accounts.repository';
import type { AccountRow } from '../../accounts/account.types';
import { resolveLoggingSettings } from '../../accounts/logging-settings';
import { AppError } from '../../common/errors/app-error';
import { ConnectorRegistry } from '../../connectors';
import { AccountOnboardingService } from '../account-onboarding.service';
import { asAdminErrors } from '../common/upstream-failure';
import { maskSecrets, restoreMaskedSecrets } from './secret-mask';
import type { PatchSettingsDto, SettingsDto } from './settings.dto';

/** The nested groups of the stored settings document, merged field by field on PATCH. */
const GROUPS = ['filters', 'contactPolicy', 'logDetails'] as const;
/** Plain values of the stored settings document, replaced on PATCH. */
const VALUES = ['ownerPolicy', 'adminCrmUserId', 'logMode'] as const;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** GET/PATCH /admin/settings: the account's switch, mode, connector choice and logging choices. */
@Injectable()
export class AccountSettingsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly onboarding: AccountOnboardingService,
    private readonly registry: ConnectorRegistry,
  ) {}

  async get(accountId: string): Promise<SettingsDto> {
    const account = await this.require(accountId);
    const resolved = resolveLoggingSettings(account.settings);
    return {
      enabled: account.enabled,
      mode: account.mode,
      paused: account.pausedReason !== null,
      pausedReason: account.pausedReason,
      ringCentral: { connected: account.hasRingCentralCredentials, adminExtensionId: account.adminExtensionId },
      connector: account.connectorId ? { id: account.connectorId, displayName: this.displayName(account), config: maskSecrets(account.connectorConfig ?? {}) as Record<string, unknown> } : null,
      availableConnectors: this.registry.ids(),
      ownerPolicy: resolved.ownerPolicy,
      adminCrmUserId: resolved.adminCrmUserId ?? null,
      filters: resolved.filters,
      contactPolicy: resolved.contactPolicy,
      logMode: resolved.logMode,
      logDetails: resolved.logDetails,
    };
  }

  /**
   * Applies a partial update: the connector first (checked by the connector), then the logging choices and the
   * mode, the `enabled` switch last, so `{connector, enabled: true}` in one request works. What `enabled: true` needs
   * is checked before anything is written; only RingCentral refusing the subscription can fail after the rest saved.
   */
  async patch(accountId: string, patch: PatchSettingsDto): Promise<SettingsDto> {
    let account = await this.require(accountId);
    if (patch.enabled === true && !account.enabled) {
      if (!account.hasRingCentralCredentials) throw new AppError('CONFLICT', 'Connect RingCentral first (PUT /admin/ringcentral/credentials)', 'enabled');
      if (!account.connectorId && !patch.connector) throw new AppError('CONFLICT', 'Choose a connector first (connector.id)', 'enabled');
    }
    if (patch.connector) {
      const { id, config } = patch.connector;
      const sameConnector = id === account.connectorId;
      const next = config === undefined ? (sameConnector ? (account.connectorConfig ?? {}) : {}) : sameConnector ? restoreMaskedSecrets(config, account.connectorConfig ?? {}) : config;
      await this.onboarding.setConnector(account.id, id, next as Record<string, unknown>);
    }
    const stored = { ...account.settings };
    let settingsChanged = false;
    for (const key of VALUES) {
      const value = patch[key];
      if (value === undefined) continue;
      if (value === null) delete stored[key];
      else stored[key] = value;
      settingsChanged = true;
    }
    for (const key of GROUPS) {
      const group = patch[key];
      if (group === undefined) continue;
      stored[key] = { ...((stored[key] as Record<string, unknown> | undefined) ?? {}), ...defined(group) };
      settingsChanged = true;
    }
    const modeChanged = patch.mode !== undefined && patch.mode !== account.mode;
    if (settingsChanged || modeChanged) {
      await this.onboarding.updateLoggingSettings(account.id, { ...(settingsChanged && { settings: stored }), ...(modeChanged && { mode: patch.mode }) });
    }
    if (patch.enabled !== undefined) {
      account = await this.require(accountId);
      if (patch.enabled !== account.enabled) {
        await asAdminErrors(() => this.onboarding.setEnabled(account, patch.enabled!));
        // Switching logging back on is the admin's answer to whatever paused it, like any other change.
        if (!settingsChanged && !modeChanged && !patch.connector) await this.onboarding.announceSettingsChanged(account.id);
      }
    }
    return this.get(accountId);
  }

  private async require(accountId: string): Promise<AccountRow> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw AppError.notFound('Account');
    return account;
  }

  private displayName(account: AccountRow): string {
    try {
      return this.registry.get(account.connectorId!).manifest(account.connectorConfig ?? {}).displayName;
    } catch {
      return account.connectorId!;
    }
  }
}
