import { Global, Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';
import { DirectorySyncService } from './directory-sync.service';
import { ExtensionDirectoryRepository } from './extension-directory.repository';

/** The shared account records (settings, connector choice, directory): read by every feature, written by admin. */
@Global()
@Module({
  providers: [AccountsRepository, ExtensionDirectoryRepository, DirectorySyncService],
  exports: [AccountsRepository, ExtensionDirectoryRepository, DirectorySyncService],
})
export class AccountsModule {}
