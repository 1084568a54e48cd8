import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { JobName } from './job-names';
import { JobQueue } from './job-queue.service';

/**
 * Periodic work, the replica-safe way: every replica's timer fires on the same epoch-aligned instants and only
 * enqueues a job whose id is derived from (job, instant), so N replicas produce one job per tick and pg-boss hands
 * it to one worker.
 */
@Injectable()
export class TickScheduler implements OnModuleDestroy {
  private readonly logger = new Logger(TickScheduler.name);
  private stopped = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly queue: JobQueue,
  ) {}

  every(seconds: number, job: JobName): void {
    const periodMs = seconds * 1000;
    const schedule = () => {
      if (this.stopped) return;
      const next = Math.floor(Date.now() / periodMs) * periodMs + periodMs;
      const timer = setTimeout(() => {
        this.registry.deleteTimeout(key);
        void this.fire(job, new Date(next));
        schedule();
      }, next - Date.now());
      timer.unref();
      this.registry.addTimeout(key, timer);
    };
    const key = `tick:${job}`;
    schedule();
  }

  /** Enqueues one tick (public so tests can fire a given instant on several replicas). */
  async fire(job: JobName, tickAt: Date): Promise<void> {
    try {
      await this.queue.enqueueTick(job, tickAt);
    } catch (error) {
      this.logger.warn({ err: error, job }, 'could not enqueue tick');
    }
  }

  /** First of all shutdown hooks: no tick is enqueued while the queue stops. */
  onModuleDestroy(): void {
    this.stopped = true;
    for (const name of this.registry.getTimeouts()) {
      if (name.startsWith('tick:')) this.registry.deleteTimeout(name);
    }
  }
}
