import { Module } from '@nestjs/common';
import { PluginsModule } from '../plugins';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { CallLogRepository } from './call-log.repository';
import { CallLoggingJob } from './call-logging.job';
import { ContactResolver } from './contact-resolver.service';
import { LogSteps } from './log-steps';
import { LoggingMetrics } from './logging.metrics';
import { LoggingResumeListener } from './logging-resume.listener';
import { OwnerResolver } from './owner-resolver';
import { PluginTasksJob } from './plugin-tasks.job';

/** The call-logging pipeline: an ended leg -> filters, contact, owner, sync plugins, composition -> createCallLog, exactly once. */
@Module({
  imports: [PluginsModule],
  providers: [LoggingResumeListener, CallLogRepository, CallLoggingJob, LogSteps, PluginTasksJob, ContactResolver, OwnerResolver, AccountConcurrencyLimiter, LoggingMetrics],
  exports: [CallLogRepository],
})
export class LoggingModule {}
