import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue } from '../jobs/job-queue.service';

/** The queue is healthy when pg-boss answers; the age of the oldest due job is reported as lag. */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: JobQueue,
  ) {}

  async check(key: 'queue') {
    const indicator = this.indicators.check(key);
    try {
      const lagSeconds = await this.queue.oldestWaitingSeconds();
      return indicator.up({ lagSeconds: Math.round(lagSeconds * 10) / 10 });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
