import { Global, Module } from '@nestjs/common';
import { APP_CONNECT_TOKEN_SINK } from '../connectors/app-connect/app-connect-token.sink';
import { ConnectorsModule } from '../connectors/connectors.module';
import { AppConnectTokenStore } from './app-connect-token.store';
import { AccountCacheSync } from './account-cache.sync';
import { AccountsRepository } from './accounts.repository';
import { ConnectorSessionService } from './connector-session.service';
import { DirectorySyncService } from './directory-sync.service';
import { ExtensionDirectoryCache } from './extension-directory.cache';
import { ExtensionDirectoryRepository } from './extension-directory.repository';
import { ServerLoggingSettingsRepository } from './server-logging-settings.repository';
import { UserMappingRepository } from './user-mapping.repository';

/** The shared account records (settings, connector choice, directory): read by every feature, written by admin. */
@Global()
@Module({
  imports: [ConnectorsModule],
  providers: [{ provide: APP_CONNECT_TOKEN_SINK, useClass: AppConnectTokenStore }, AccountCacheSync, ConnectorSessionService, AccountsRepository, ExtensionDirectoryRepository, ExtensionDirectoryCache, DirectorySyncService, ServerLoggingSettingsRepository, UserMappingRepository],
  exports: [APP_CONNECT_TOKEN_SINK, ConnectorSessionService, ConnectorsModule, AccountsRepository, ExtensionDirectoryRepository, ExtensionDirectoryCache, DirectorySyncService, ServerLoggingSettingsRepository, UserMappingRepository],
})
export class AccountsModule {}
