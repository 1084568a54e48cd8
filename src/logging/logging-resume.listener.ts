import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccountEvents, type AccountEvent } from '../accounts/account.events';
import { AccountsRepository } from '../accounts/accounts.repository';
import { JobQueue } from '../jobs/job-queue.service';
import { CallLogRepository } from './call-log.repository';

/** When the admin changes anything, a paused account resumes: the calls parked meanwhile are logged now. */
@Injectable()
export class LoggingResumeListener {
  private readonly logger = new Logger(LoggingResumeListener.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly callLogs: CallLogRepository,
    private readonly queue: JobQueue,
  ) {}

  @OnEvent(AccountEvents.settingsChanged, { suppressErrors: false })
  async onSettingsChanged({ accountId }: AccountEvent): Promise<void> {
    const account = await this.accounts.findById(accountId);
    if (!account?.pausedReason) return;
    await this.accounts.update(accountId, { pausedReason: null });
    const parked = await this.callLogs.findParked(accountId);
    for (const callLogId of parked) await this.queue.enqueue('call.log', { callLogId });
    this.logger.log({ accountId, resumed: parked.length }, 'account resumed');
  }
}
