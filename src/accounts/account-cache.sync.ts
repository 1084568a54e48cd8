import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PgNotifications } from '../database/pg-notifications';

const CHANNEL = 'sscl_account_cache';

export type AccountCacheKind = 'session' | 'directory';

/**
 * Tells every replica that an account's cached settings and credentials (ConnectorSessionService) or its extension
 * directory (ExtensionDirectoryCache) changed, so none keeps using the old ones: an admin's credential fix is used by
 * every worker within milliseconds instead of after the cache's 30 s. Caches register what to drop; `changed` is
 * called where the change is made (and reaches this process too).
 */
@Injectable()
export class AccountCacheSync implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountCacheSync.name);
  private readonly droppers = new Map<AccountCacheKind, ((accountId: string) => void)[]>();

  constructor(private readonly notifications: PgNotifications) {}

  onDrop(kind: AccountCacheKind, drop: (accountId: string) => void): void {
    this.droppers.set(kind, [...(this.droppers.get(kind) ?? []), drop]);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.listen(CHANNEL, (payload) => {
      const [kind, accountId] = payload.split('|') as [AccountCacheKind, string | undefined];
      if (accountId) for (const drop of this.droppers.get(kind) ?? []) drop(accountId);
    });
  }

  /** Drops the account's `kind` cache in every process; a failure to tell the others is logged, not thrown. */
  changed(kind: AccountCacheKind, accountId: string): void {
    for (const drop of this.droppers.get(kind) ?? []) drop(accountId);
    this.notifications.notify(CHANNEL, `${kind}|${accountId}`).catch((error: unknown) => {
      this.logger.warn({ err: error, accountId, kind }, 'could not tell the other replicas that cached account data changed');
    });
  }
}
