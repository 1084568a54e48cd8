import { Injectable } from '@nestjs/common';
import { AccountsRepository } from '../../accounts/accounts.repository';
import type { AccountRow } from '../../accounts/account.types';
import { ServerLoggingSettingsRepository } from '../../accounts/server-logging-settings.repository';
import { AppError } from '../../common/errors/app-error';
import { type AdditionalField, ConnectorRegistry } from '../../connectors';
import { AccountOnboardingService } from '../account-onboarding.service';
import { asAdminErrors } from '../common/upstream-failure';
import { SECRET_KEY } from '../settings/secret-mask';
import type { ServerLoggingSettingsDto } from './server-logging-settings.dto';

const isSecret = (field: AdditionalField) => field.type === 'password' || SECRET_KEY.test(field.const);

/** The connector's `additionalFields` (service-account credentials): which are set, never the secret values. */
@Injectable()
export class ServerLoggingSettingsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly registry: ConnectorRegistry,
    private readonly settings: ServerLoggingSettingsRepository,
    private readonly onboarding: AccountOnboardingService,
  ) {}

  async get(accountId: string): Promise<ServerLoggingSettingsDto> {
    const account = await this.require(accountId);
    if (!account.connectorId) return { connectorId: null, fields: [] };
    const fields = this.fieldsOf(account);
    const setNames = new Set(await this.settings.fieldNames(account.id, account.connectorId));
    const visible = fields.some((f) => !isSecret(f) && setNames.has(f.const)) ? await this.settings.read(account.id, account.connectorId) : {};
    return {
      connectorId: account.connectorId,
      fields: fields.map((f) => ({
        name: f.const,
        title: f.title,
        type: f.type,
        required: f.required,
        ...(f.description !== undefined && { description: f.description }),
        set: setNames.has(f.const),
        secret: isSecret(f),
        ...(!isSecret(f) && visible[f.const] !== undefined && { value: visible[f.const] }),
      })),
    };
  }

  /** Replaces the values, after checking them against the connector's fields (each problem names its field). */
  async put(accountId: string, values: Record<string, unknown>): Promise<ServerLoggingSettingsDto> {
    const account = await this.require(accountId);
    if (!account.connectorId) throw new AppError('CONFLICT', 'Choose a connector first (PATCH /admin/settings connector.id)', 'connector.id');
    const fields = this.fieldsOf(account);
    // A connector that lists no fields (the app-connect bridge without `additionalFields`) checks the values itself.
    if (fields.length) checkValues(fields, values);
    await asAdminErrors(() => this.onboarding.setServerLoggingSettings(account, values));
    return this.get(accountId);
  }

  private fieldsOf(account: AccountRow): AdditionalField[] {
    return this.registry.get(account.connectorId!).manifest(account.connectorConfig ?? {}).serverSideLogging.additionalFields;
  }

  private async require(accountId: string): Promise<AccountRow> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw AppError.notFound('Account');
    return account;
  }
}

function checkValues(fields: AdditionalField[], values: Record<string, unknown>): void {
  const known = new Map(fields.map((f) => [f.const, f]));
  for (const [name, value] of Object.entries(values)) {
    const field = known.get(name);
    if (!field) throw AppError.validation(`additionalFieldValues.${name}`, `additionalFieldValues.${name} is not a field of this connector; its fields: ${[...known.keys()].join(', ')}`);
    if (typeof value !== 'string') throw AppError.validation(`additionalFieldValues.${name}`, `additionalFieldValues.${name} (${field.title}) must be text`);
  }
  for (const field of fields) {
    const value = values[field.const];
    if (field.required && (typeof value !== 'string' || value.trim() === '')) {
      throw AppError.validation(`additionalFieldValues.${field.const}`, `additionalFieldValues.${field.const} (${field.title}) is required`);
    }
  }
}
