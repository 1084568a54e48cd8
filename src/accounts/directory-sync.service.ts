import { Injectable, Logger, Optional } from '@nestjs/common';
import { JobHandler } from '../jobs/job-handler.decorator';
import { RingCentralClient } from '../ringcentral/ringcentral.client';
import { AccountCacheSync } from './account-cache.sync';
import { ExtensionDirectoryCache } from './extension-directory.cache';
import { type DirectoryEntry, ExtensionDirectoryRepository } from './extension-directory.repository';

interface RcExtensionRecord {
  id: number | string;
  extensionNumber?: string;
  type: string;
  status?: string;
  name?: string;
  contact?: { firstName?: string; lastName?: string; email?: string };
}

interface RcExtensionPage {
  records: RcExtensionRecord[];
  navigation?: { nextPage?: { uri: string } };
  paging?: { page?: number; totalPages?: number };
}

/** Copies the account's extension list (users, IVR menus, queues...) from RingCentral: a Medium-group call, kept rare. */
@Injectable()
export class DirectorySyncService {
  private readonly logger = new Logger(DirectorySyncService.name);

  constructor(
    private readonly rc: RingCentralClient,
    private readonly directory: ExtensionDirectoryRepository,
    private readonly cache: ExtensionDirectoryCache,
    @Optional() private readonly cacheSync?: AccountCacheSync,
  ) {}

  @JobHandler('directory.sync')
  async handle({ accountId }: { accountId: string }): Promise<void> {
    await this.sync(accountId);
  }

  async sync(accountId: string): Promise<number> {
    const entries: DirectoryEntry[] = [];
    for (let page = 1; page <= 100; page++) {
      const result = await this.rc.request<RcExtensionPage>(accountId, {
        method: 'GET',
        path: '/restapi/v1.0/account/~/extension',
        query: { perPage: 1000, page },
        group: 'medium',
      });
      for (const r of result.records) {
        entries.push({
          extensionId: String(r.id),
          extensionNumber: r.extensionNumber,
          type: r.type,
          status: r.status,
          name: r.name,
          firstName: r.contact?.firstName,
          lastName: r.contact?.lastName,
          email: r.contact?.email,
        });
      }
      if (!result.navigation?.nextPage) break;
    }
    await this.directory.replaceAll(accountId, entries);
    this.cache.invalidate(accountId);
    this.cacheSync?.changed('directory', accountId);
    this.logger.log({ accountId, extensions: entries.length }, 'extension directory synced');
    return entries.length;
  }
}
