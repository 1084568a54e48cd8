import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { FOLD_WAKE_TOPIC } from '../jobs/job-names';
import { JobQueue } from '../jobs/job-queue.service';
import { EventFoldingJob } from './event-folding.job';

/**
 * Folds running at once in one process, each claiming up to CLAIM_LIMIT rows. Two: consecutive notifications of one
 * call sit next to each other in the inbox, so more lanes mostly wait on each other's session locks and skip each
 * other's locked rows (4 lanes × 32: 90 logs/s in the benchmark's burst; 2 × 64: 115; 1 × 128: 120). Two keep one slow
 * fold (a directory refresh) from holding up the rest.
 */
const LANES = 2;
const CLAIM_LIMIT = 64;
/** An idle lane looks again after this long even without a wake-up (rows whose retry time came, a lost NOTIFY). */
const IDLE_POLL_MS = 1000;
/** After an error that is not a row's (the database is down), a lane waits this long. */
const ERROR_PAUSE_MS = 2000;

/**
 * The fold workers of a worker process: LANES loops that claim unfolded inbox rows until none are left, then sleep
 * until the inbox writer's wake-up (`events.fold`, sent through PostgreSQL NOTIFY to every replica) or IDLE_POLL_MS.
 * Nothing is handed over in a message: the rows are the queue, so a wake-up that is lost only costs a poll interval.
 */
@Injectable()
export class InboxFoldLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxFoldLoop.name);
  private stopped = false;
  private lanes: Promise<void>[] = [];
  private sleepers = new Set<() => void>();
  /** Counts wake-ups, so one that comes while a lane is claiming is not slept through. */
  private wakeUps = 0;

  constructor(
    private readonly folding: EventFoldingJob,
    private readonly queue: JobQueue,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config.get('app', { infer: true }).role)) return;
    await this.queue.onWake(FOLD_WAKE_TOPIC, () => this.wake());
    this.lanes = Array.from({ length: LANES }, () => this.lane());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.lanes);
  }

  private async lane(): Promise<void> {
    while (!this.stopped) {
      let claimed: number;
      const seen = this.wakeUps;
      try {
        claimed = await this.folding.foldNext(CLAIM_LIMIT);
      } catch (error) {
        this.logger.warn({ error: (error as Error).message?.slice(0, 300) }, 'inbox fold failed; trying again shortly');
        await this.sleep(ERROR_PAUSE_MS);
        continue;
      }
      if (claimed === 0 && seen === this.wakeUps) await this.sleep(IDLE_POLL_MS);
    }
  }

  private wake(): void {
    this.wakeUps++;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.sleepers.add(done);
    });
  }
}
