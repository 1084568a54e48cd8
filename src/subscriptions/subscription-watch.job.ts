import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AccountsRepository } from '../accounts/accounts.repository';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import type { TickPayload } from '../jobs/job-names';
import { deterministicUuid, JobQueue } from '../jobs/job-queue.service';
import { TickScheduler } from '../jobs/tick-scheduler';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionService } from './subscription.service';

/** Every few minutes, one check job per enabled account (spread over the workers). */
@Injectable()
export class SubscriptionWatchJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubscriptionWatchJob.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly subscriptions: SubscriptionService,
    private readonly repository: SubscriptionRepository,
    private readonly queue: JobQueue,
    private readonly ticks: TickScheduler,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const app = this.config.get('app', { infer: true });
    if (runsWorkers(app.role)) this.ticks.every(app.subscriptionCheckIntervalSeconds, 'subscriptions.watch');
  }

  @JobHandler('subscriptions.watch')
  async watch({ tickAt }: TickPayload): Promise<void> {
    for (const accountId of await this.accounts.findEnabledIds()) {
      // One check per (account, tick), even if this job is retried after a partial run.
      await this.queue.enqueue('subscriptions.check', { accountId }, { id: deterministicUuid(`subscriptions.check:${accountId}@${tickAt}`) });
    }
  }

  @JobHandler('subscriptions.check')
  async check({ accountId }: { accountId: string }): Promise<void> {
    const account = await this.accounts.findById(accountId);
    if (!account?.enabled) return;
    try {
      const outcome = await this.subscriptions.check(accountId);
      if (outcome !== 'ok') this.logger.log({ accountId, outcome }, 'subscription checked');
    } catch (error) {
      await this.repository.markProblem(accountId, 'Failed', (error as Error).message);
      throw error;
    }
  }
}
