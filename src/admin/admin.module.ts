import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module';
import { PluginsModule } from '../plugins/plugins.module';
import { AccountOnboardingService } from './account-onboarding.service';
import { AdminAuthGuard } from './auth/admin-auth.guard';
import { AdminTokenCache } from './auth/admin-token.cache';
import { AdminCallLogRepository } from './call-logs/admin-call-log.repository';
import { CallLogReportService } from './call-logs/call-log-report.service';
import { CallLogsController } from './call-logs/call-logs.controller';
import { OverviewController } from './overview/overview.controller';
import { OverviewRepository } from './overview/overview.repository';
import { AdminQuarantineRepository } from './events/admin-quarantine.repository';
import { QuarantinedEventsController } from './events/quarantined-events.controller';
import { QuarantinedEventsService } from './events/quarantined-events.service';
import { PluginsController } from './plugins/plugins.controller';
import { RingCentralCredentialsController } from './credentials/ringcentral-credentials.controller';
import { ServerLoggingSettingsController } from './server-logging-settings/server-logging-settings.controller';
import { ServerLoggingSettingsService } from './server-logging-settings/server-logging-settings.service';
import { AccountSettingsService } from './settings/account-settings.service';
import { SettingsController } from './settings/settings.controller';
import { AdminSubscriptionRepository } from './subscription/admin-subscription.repository';
import { AdminSubscriptionService } from './subscription/admin-subscription.service';
import { SubscriptionController } from './subscription/subscription.controller';
import { UserMappingsController } from './user-mappings/user-mappings.controller';
import { UserMappingsService } from './user-mappings/user-mappings.service';

/**
 * The admin API (issue 5): enabling, configuring and watching server-side logging, for the account of the
 * RingCentral admin token on each request. Subscriptions and logging are reached only through AccountEvents and
 * jobs; their tables are read through this module's own read models.
 */
@Module({
  imports: [PluginsModule, ConsoleModule],
  controllers: [
    RingCentralCredentialsController,
    SettingsController,
    ServerLoggingSettingsController,
    UserMappingsController,
    SubscriptionController,
    CallLogsController,
    PluginsController,
    OverviewController,
    QuarantinedEventsController,
  ],
  providers: [
    AccountOnboardingService,
    AdminTokenCache,
    AdminAuthGuard,
    AccountSettingsService,
    ServerLoggingSettingsService,
    UserMappingsService,
    AdminSubscriptionRepository,
    AdminSubscriptionService,
    AdminCallLogRepository,
    CallLogReportService,
    OverviewRepository,
    AdminQuarantineRepository,
    QuarantinedEventsService,
  ],
  exports: [AccountOnboardingService],
})
export class AdminModule {}
