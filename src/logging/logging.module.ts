import { Module } from '@nestjs/common';
import { PluginsModule } from '../plugins';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { AccountPauseService } from './account-pause.service';
import { CallLogRepository } from './call-log.repository';
import { CallLogSyncJob } from './call-log-sync.job';
import { CallLogSyncRepository } from './call-log-sync.repository';
import { CallLoggingJob } from './call-logging.job';
import { CallUpdateJob } from './call-update.job';
import { ContactResolver } from './contact-resolver.service';
import { LogSteps } from './log-steps';
import { LoggingMetrics } from './logging.metrics';
import { LoggingResumeListener } from './logging-resume.listener';
import { OwnerResolver } from './owner-resolver';
import { PluginTasksJob } from './plugin-tasks.job';

/**
 * The call-logging pipeline: an ended leg -> filters, contact, owner, sync plugins, composition -> createCallLog, exactly
 * once; the call-log sync merges RingCentral's records (staged update, single-mode create, reconciliation).
 */
@Module({
  imports: [PluginsModule],
  providers: [AccountPauseService, LoggingResumeListener, CallLogRepository, CallLoggingJob, CallUpdateJob, CallLogSyncJob, CallLogSyncRepository, LogSteps, PluginTasksJob, ContactResolver, OwnerResolver, AccountConcurrencyLimiter, LoggingMetrics],
  exports: [CallLogRepository],
})
export class LoggingModule {}
