import { Module } from '@nestjs/common';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { CallLogRepository } from './call-log.repository';
import { CallLoggingJob } from './call-logging.job';
import { ContactResolver } from './contact-resolver.service';
import { LoggingMetrics } from './logging.metrics';
import { LoggingResumeListener } from './logging-resume.listener';
import { OwnerResolver } from './owner-resolver';

/** The call-logging pipeline: an ended leg -> filters, contact, owner, composition -> createCallLog, exactly once. */
@Module({
  providers: [LoggingResumeListener, CallLogRepository, CallLoggingJob, ContactResolver, OwnerResolver, AccountConcurrencyLimiter, LoggingMetrics],
  exports: [CallLogRepository],
})
export class LoggingModule {}
