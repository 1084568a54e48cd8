import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import type { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { PluginsModule } from './plugins/plugins.module';
import { RingCentralModule } from './ringcentral/ringcentral.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

/**
 * One flat root module. The role (api, worker, all) does not change the module graph — so a job handler is
 * registered, and checked, in every process — only what the process does with it: listen for HTTP, run workers
 * and ticks (see main.ts, JobRegistry, TickScheduler users).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        ScheduleModule.forRoot(),
        EventEmitterModule.forRoot(),
        CommonModule,
        DatabaseModule,
        JobsModule,
        HealthModule,
        HousekeepingModule,
        RingCentralModule,
        AccountsModule,
        SubscriptionsModule,
        LoggingModule,
        PluginsModule,
        AdminModule,
        ConsoleModule,
      ],
    };
  }
}
