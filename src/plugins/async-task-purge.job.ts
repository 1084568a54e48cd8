import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import type { TickPayload } from '../jobs/job-names';
import { TickScheduler } from '../jobs/tick-scheduler';
import { AsyncPluginTaskRepository } from './async-plugin-task.repository';

const PURGE_EVERY_SECONDS = 3600;
const BATCH = 5_000;

/** Hourly: expired async plugin tasks are deleted (their callback capability is dead; App Connect's clearExpiredCache). */
@Injectable()
export class AsyncTaskPurgeJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(AsyncTaskPurgeJob.name);

  constructor(
    private readonly tasks: AsyncPluginTaskRepository,
    private readonly ticks: TickScheduler,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    if (runsWorkers(this.config.get('app', { infer: true }).role)) this.ticks.every(PURGE_EVERY_SECONDS, 'plugins.purge');
  }

  @JobHandler('plugins.purge')
  async purge(_tick: TickPayload): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.tasks.deleteExpired(BATCH);
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total) this.logger.log({ deleted: total }, 'expired async plugin tasks purged');
    return total;
  }
}
