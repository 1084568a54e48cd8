import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../health/metrics.service';
import { JOB_NAMES } from './job-names';
import { deadLetterQueueOf } from './job-options';
import { JobQueue } from './job-queue.service';

/** `sscl_jobs_dead_letters{queue}`: jobs that exhausted their retries (job-options.ts), read from the queue on scrape. */
@Injectable()
export class DeadLetterMetrics {
  private readonly logger = new Logger(DeadLetterMetrics.name);

  constructor(metrics: MetricsService, queue: JobQueue) {
    const logger = this.logger;
    new Gauge({
      name: 'sscl_jobs_dead_letters',
      help: 'Jobs that exhausted their retries and wait in their dead-letter queue, by queue.',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      async collect() {
        try {
          const counts = await queue.deadLetterCounts();
          for (const name of JOB_NAMES) this.set({ queue: name }, counts[deadLetterQueueOf(name)] ?? 0);
        } catch (error) {
          logger.warn({ error: (error as Error).message }, 'could not count dead letters');
        }
      },
    });
  }
}
