import { Global, Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module';
import { AccountsRepository } from './accounts.repository';
import { ConnectorSessionService } from './connector-session.service';
import { DirectorySyncService } from './directory-sync.service';
import { ExtensionDirectoryRepository } from './extension-directory.repository';
import { ServerLoggingSettingsRepository } from './server-logging-settings.repository';
import { UserMappingRepository } from './user-mapping.repository';

/** The shared account records (settings, connector choice, directory): read by every feature, written by admin. */
@Global()
@Module({
  imports: [ConnectorsModule],
  providers: [ConnectorSessionService, AccountsRepository, ExtensionDirectoryRepository, DirectorySyncService, ServerLoggingSettingsRepository, UserMappingRepository],
  exports: [ConnectorSessionService, ConnectorsModule, AccountsRepository, ExtensionDirectoryRepository, DirectorySyncService, ServerLoggingSettingsRepository, UserMappingRepository],
})
export class AccountsModule {}
