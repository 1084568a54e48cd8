import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetterMetrics } from './dead-letter.metrics';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry';
import { TickScheduler } from './tick-scheduler';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [JobQueue, JobRegistry, TickScheduler, DeadLetterMetrics],
  exports: [JobQueue, TickScheduler],
})
export class JobsModule {}
