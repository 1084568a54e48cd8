import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue } from '../jobs/job-queue.service';

/**
 * The queue is healthy when pg-boss answers; the age of the oldest due job is reported as lag, and the jobs that
 * exhausted their retries as `deadLetters` (per queue). Dead letters are reported, not failed on: the service still
 * works, and an orchestrator restarting it would not bring them back.
 */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: JobQueue,
  ) {}

  async check(key: 'queue') {
    const indicator = this.indicators.check(key);
    try {
      const [lagSeconds, deadLetters] = await Promise.all([this.queue.oldestWaitingSeconds(), this.queue.deadLetterCounts()]);
      const total = Object.values(deadLetters).reduce((sum, n) => sum + n, 0);
      return indicator.up({ lagSeconds: Math.round(lagSeconds * 10) / 10, deadLetters: total, ...(total ? { deadLettersByQueue: deadLetters } : {}) });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
