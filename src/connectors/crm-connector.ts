import type {
  ConnectorConfig,
  ConnectorContext,
  ConnectorManifest,
  ContactMatch,
  CreateCallLogArgs,
  CreateCallLogResult,
  CreateContactArgs,
  CallLogInfo,
  CrmUserSummary,
  FindContactArgs,
  GetCallLogArgs,
  GetLicenseStatusArgs,
  GetUserListArgs,
  LicenseStatus,
  ServerLoggingSettingsUpdateResult,
  UpdateCallLogArgs,
  UpdateCallLogResult,
} from './connector.types';

export type * from './connector.types';

/**
 * One CRM, as the logging pipeline sees it (ARCHITECTURE.md §7). Also the DI token: the registry holds one instance
 * per connector id. Implementations are stateless singletons: everything about an account (config, credentials,
 * cancellation) arrives in `ctx` with each call and is never kept on the instance.
 *
 * Failures are thrown as ConnectorError (a code the ConnectorErrorPolicy acts on) or ConnectorConfigError (the
 * admin has to fix config or settings). Return values carry only success.
 */
export abstract class CrmConnector {
  /** Stable id stored with each account: 'sample-crm' | 'proxy' | 'app-connect'. */
  abstract readonly id: string;

  /** The manifest for an account's config (a proxy connector's manifest depends on its config; most do not). */
  abstract manifest(config: ConnectorConfig): ConnectorManifest;

  /** Throws ConnectorConfigError whose `path` names the first thing wrong with `config`. */
  abstract validateConfig(config: unknown): void;

  /** The service-account credentials to log with; by default what the service stored for the account. */
  async getServerLoggingSettings(ctx: ConnectorContext): Promise<Record<string, string>> {
    return { ...ctx.serverLoggingSettings };
  }

  /**
   * Checks values an admin submits for the manifest's additionalFields: required fields present, every value a
   * string, no fields the manifest does not declare. Storing them is the caller's job; override to also test the
   * credentials against the CRM.
   */
  async updateServerLoggingSettings(
    ctx: ConnectorContext,
    additionalFieldValues: Record<string, unknown>,
  ): Promise<ServerLoggingSettingsUpdateResult> {
    const fields = this.manifest(ctx.config).serverSideLogging.additionalFields;
    const known = new Set(fields.map((f) => f.const));
    const unknown = Object.keys(additionalFieldValues).find((key) => !known.has(key));
    if (unknown !== undefined) return { successful: false, returnMessage: `Unknown field: ${unknown}` };
    for (const field of fields) {
      const value = additionalFieldValues[field.const];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        return { successful: false, returnMessage: `${field.title} must be text` };
      }
      if (field.required && (typeof value !== 'string' || value.trim() === '')) {
        return { successful: false, returnMessage: `${field.title} is required` };
      }
    }
    return { successful: true, returnMessage: 'Server logging settings saved' };
  }

  /** The `Authorization` header value for the settings getServerLoggingSettings returned. */
  abstract getAuthHeader(ctx: ConnectorContext, settings: Record<string, string>): string;

  /** Every contact with this number (none: `[]`), in the CRM's order. No synthetic "create new contact" entries. */
  abstract findContact(args: FindContactArgs): Promise<ContactMatch[]>;

  createContact?(args: CreateContactArgs): Promise<ContactMatch>;

  abstract createCallLog(args: CreateCallLogArgs): Promise<CreateCallLogResult>;

  abstract updateCallLog(args: UpdateCallLogArgs): Promise<UpdateCallLogResult>;

  /** The log's current content, when the CRM can tell (undefined: it cannot); a staged update composes onto it. */
  getCallLog?(args: GetCallLogArgs): Promise<CallLogInfo | undefined>;

  /** CRM users who can own records, for user mapping. */
  abstract getUserList(args: GetUserListArgs): Promise<CrmUserSummary[]>;

  getLicenseStatus?(args: GetLicenseStatusArgs): Promise<LicenseStatus>;
}
