import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccountEvents, type AccountEvent } from '../accounts/account.events';
import { DirectorySyncService } from '../accounts/directory-sync.service';
import { SubscriptionService } from './subscription.service';

/** Subscriptions follow the account's enabled switch. Errors propagate to the admin request that emitted the event. */
@Injectable()
export class AccountActivationListener {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly directory: DirectorySyncService,
  ) {}

  @OnEvent(AccountEvents.enabled, { suppressErrors: false })
  async onEnabled({ accountId }: AccountEvent): Promise<void> {
    // The directory first: the first calls are classified with it (user vs IVR/queue extensions).
    await this.directory.sync(accountId);
    await this.subscriptions.create(accountId);
  }

  @OnEvent(AccountEvents.resubscribe, { suppressErrors: false })
  async onResubscribe({ accountId }: AccountEvent): Promise<void> {
    await this.subscriptions.create(accountId);
  }

  @OnEvent(AccountEvents.disabled, { suppressErrors: false })
  async onDisabled({ accountId }: AccountEvent): Promise<void> {
    await this.subscriptions.remove(accountId);
  }
}
