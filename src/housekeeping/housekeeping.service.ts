import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import type { TickPayload } from '../jobs/job-names';
import { TickScheduler } from '../jobs/tick-scheduler';
import { HousekeepingRun } from './housekeeping-run.entity';
import { RetentionService } from './retention.service';

export const INSTANCE_ID = `${hostname()}:${process.pid}`;

/**
 * The periodic maintenance tick. Each handled tick leaves a row (which replica, when), so operators — and the
 * replica test — can see that a tick ran once. Each tick also purges data past RETENTION_DAYS (RetentionService).
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HousekeepingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ticks: TickScheduler,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    const app = this.config.get('app', { infer: true });
    if (runsWorkers(app.role)) this.ticks.every(app.housekeepingIntervalSeconds, 'system.housekeeping');
  }

  @JobHandler('system.housekeeping')
  async run(payload: TickPayload): Promise<void> {
    await this.dataSource.getRepository(HousekeepingRun).insert({ tickAt: new Date(payload.tickAt), handledBy: INSTANCE_ID });
    await this.retention.purge(new Date(payload.tickAt));
    this.logger.debug({ tickAt: payload.tickAt }, 'housekeeping tick handled');
  }
}
