import { Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../../accounts/accounts.repository';
import type { AccountRow } from '../../accounts/account.types';
import { ConnectorSessionService } from '../../accounts/connector-session.service';
import { DirectorySyncService } from '../../accounts/directory-sync.service';
import { type DirectoryEntry, ExtensionDirectoryRepository } from '../../accounts/extension-directory.repository';
import { type UserMapping, UserMappingRepository } from '../../accounts/user-mapping.repository';
import { AppError } from '../../common/errors/app-error';
import type { CrmUserSummary } from '../../connectors';
import { asAdminErrors, toAdminError } from '../common/upstream-failure';
import { autoMatch } from './auto-match';
import type { AutoMatchResultDto, ManualMappingDto, RcExtensionDto, UserMappingsDto } from './user-mappings.dto';

const toExtensionDto = (e: DirectoryEntry): RcExtensionDto => ({
  id: e.extensionId,
  ...(e.extensionNumber !== undefined && { extensionNumber: e.extensionNumber }),
  ...(e.name !== undefined && { name: e.name }),
  ...(e.firstName !== undefined && { firstName: e.firstName }),
  ...(e.lastName !== undefined && { lastName: e.lastName }),
  ...(e.email !== undefined && { email: e.email }),
  ...(e.status !== undefined && { status: e.status }),
});

const toMappingDto = (m: UserMapping) => ({
  rcExtensionId: m.rcExtensionId,
  crmUserId: m.crmUserId,
  ...(m.crmUserName !== undefined && { crmUserName: m.crmUserName }),
  ...(m.crmUserEmail !== undefined && { crmUserEmail: m.crmUserEmail }),
  source: m.source,
});

const message = (error: unknown) => {
  const e = toAdminError(error);
  return e instanceof AppError ? e.message : 'unexpected error (see the service logs)';
};

/**
 * RingCentral user extensions x CRM users: who owns each agent's records. RingCentral users come from the synced
 * directory (synced here when empty: onboarding maps users before logging is switched on), CRM users from the
 * connector's getUserList.
 */
@Injectable()
export class UserMappingsService {
  private readonly logger = new Logger(UserMappingsService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly directory: ExtensionDirectoryRepository,
    private readonly directorySync: DirectorySyncService,
    private readonly mappings: UserMappingRepository,
    private readonly sessions: ConnectorSessionService,
  ) {}

  /** The mappings with both sides listed; a side that cannot be loaded is reported, not fatal. */
  async list(accountId: string): Promise<UserMappingsDto> {
    const account = await this.require(accountId);
    let rcExtensionsError: string | undefined;
    let crmUsersError: string | undefined;
    const users = await this.rcUsers(account).catch((error: unknown) => {
      rcExtensionsError = message(error);
      return [] as DirectoryEntry[];
    });
    const crmUsers = await this.crmUsers(account).catch((error: unknown) => {
      crmUsersError = message(error);
      return [] as CrmUserSummary[];
    });
    return { ...(await this.view(account.id, users, crmUsers)), ...(rcExtensionsError && { rcExtensionsError }), ...(crmUsersError && { crmUsersError }) };
  }

  /** Sets manual mappings (null removes one). Extensions must be this account's users, CRM users the connector's. */
  async setManual(accountId: string, entries: ManualMappingDto[]): Promise<UserMappingsDto> {
    const account = await this.require(accountId);
    const users = await asAdminErrors(() => this.rcUsers(account));
    const known = new Set(users.map((u) => u.extensionId));
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      if (!known.has(entry.rcExtensionId)) {
        throw new AppError('NOT_FOUND', `RingCentral user extension ${entry.rcExtensionId} not found in this account`, `mappings.${i}.rcExtensionId`);
      }
      if (seen.has(entry.rcExtensionId)) throw AppError.validation(`mappings.${i}.rcExtensionId`, `mappings.${i}.rcExtensionId appears twice`);
      seen.add(entry.rcExtensionId);
    });
    const assigned = entries.filter((e): e is ManualMappingDto & { crmUserId: string } => e.crmUserId !== null);
    const crmUsers = assigned.length ? await asAdminErrors(() => this.crmUsers(account)) : [];
    const byId = new Map(crmUsers.map((u) => [u.id, u]));
    const rows: UserMapping[] = assigned.map((entry) => {
      const user = byId.get(entry.crmUserId);
      if (!user) {
        const i = entries.indexOf(entry);
        throw AppError.validation(`mappings.${i}.crmUserId`, `mappings.${i}.crmUserId: the CRM has no user ${entry.crmUserId}`);
      }
      return { rcExtensionId: entry.rcExtensionId, crmUserId: user.id, crmUserName: user.name, crmUserEmail: user.email, source: 'manual' };
    });
    await this.mappings.deleteForExtensions(
      account.id,
      entries.filter((e) => e.crmUserId === null).map((e) => e.rcExtensionId),
    );
    await this.mappings.upsert(account.id, rows);
    return this.view(account.id, users, crmUsers.length ? crmUsers : await this.crmUsers(account).catch(() => []));
  }

  /** Maps the user extensions that have no mapping yet (manual and earlier automatic ones are kept). */
  async autoMatch(accountId: string): Promise<AutoMatchResultDto> {
    const account = await this.require(accountId);
    const [users, crmUsers] = await asAdminErrors(() => Promise.all([this.rcUsers(account), this.crmUsers(account)]));
    const mapped = new Set((await this.mappings.list(account.id)).map((m) => m.rcExtensionId));
    return this.match(account, users, crmUsers, users.filter((u) => !mapped.has(u.extensionId)), ['auto'], false);
  }

  /** Drops automatic mappings (and manual ones with `includeManual`) and matches again, on a freshly synced directory. */
  async reinitialize(accountId: string, includeManual: boolean): Promise<AutoMatchResultDto> {
    const account = await this.require(accountId);
    const [users, crmUsers] = await asAdminErrors(() => Promise.all([this.rcUsers(account, true), this.crmUsers(account)]));
    const manual = includeManual ? new Set<string>() : new Set((await this.mappings.list(account.id)).filter((m) => m.source === 'manual').map((m) => m.rcExtensionId));
    return this.match(account, users, crmUsers, users.filter((u) => !manual.has(u.extensionId)), includeManual ? ['auto', 'manual'] : ['auto'], true);
  }

  private async match(
    account: AccountRow,
    users: DirectoryEntry[],
    crmUsers: CrmUserSummary[],
    candidates: DirectoryEntry[],
    dropSources: ('auto' | 'manual')[],
    replace: boolean,
  ): Promise<AutoMatchResultDto> {
    const result = autoMatch(candidates, crmUsers);
    const byId = new Map(crmUsers.map((u) => [u.id, u]));
    const rows: UserMapping[] = result.matched.map((m) => ({
      rcExtensionId: m.rcExtensionId,
      crmUserId: m.crmUserId,
      crmUserName: byId.get(m.crmUserId)?.name,
      crmUserEmail: byId.get(m.crmUserId)?.email,
      source: 'auto',
    }));
    if (replace) await this.mappings.replaceBySource(account.id, dropSources, rows);
    else await this.mappings.upsert(account.id, rows);
    this.logger.log({ accountId: account.id, matched: result.matched.length, ambiguous: result.ambiguous.length, unmatched: result.unmatched.length }, 'user auto-match');
    return { ...(await this.view(account.id, users, crmUsers)), matched: result.matched, ambiguous: result.ambiguous };
  }

  private async view(accountId: string, users: DirectoryEntry[], crmUsers: CrmUserSummary[]): Promise<UserMappingsDto> {
    const mappings = await this.mappings.list(accountId);
    const mapped = new Set(mappings.map((m) => m.rcExtensionId));
    return {
      mappings: mappings.map(toMappingDto),
      rcExtensions: users.map(toExtensionDto),
      crmUsers: crmUsers.map((u) => ({ id: u.id, name: u.name, ...(u.email && { email: u.email }) })),
      unmapped: users.filter((u) => !mapped.has(u.extensionId)).map(toExtensionDto),
    };
  }

  /** The account's user extensions; the directory is loaded from RingCentral when empty (or when `fresh`). */
  private async rcUsers(account: AccountRow, fresh = false): Promise<DirectoryEntry[]> {
    let entries = fresh ? [] : await this.directory.list(account.id);
    if (!entries.length) {
      if (!account.hasRingCentralCredentials) throw new AppError('CONFLICT', 'Connect RingCentral first (PUT /admin/ringcentral/credentials)', 'jwt');
      await this.directorySync.sync(account.id);
      entries = await this.directory.list(account.id);
    }
    return entries.filter((e) => e.type === 'User');
  }

  private async crmUsers(account: AccountRow): Promise<CrmUserSummary[]> {
    if (!account.connectorId) throw new AppError('CONFLICT', 'Choose a connector first (PATCH /admin/settings connector.id)', 'connector.id');
    const session = await this.sessions.open(account);
    return session.connector.getUserList({ ctx: session.ctx, authHeader: session.authHeader });
  }

  private async require(accountId: string): Promise<AccountRow> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw AppError.notFound('Account');
    return account;
  }
}
