import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AccountEvents } from '../../accounts/account.events';
import { AccountsRepository } from '../../accounts/accounts.repository';
import { AppError } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app-config';
import { toAdminError } from '../common/upstream-failure';
import { AdminQuarantineRepository } from '../events/admin-quarantine.repository';
import { AdminSubscriptionRepository } from './admin-subscription.repository';
import type { SubscriptionDto } from './subscription.dto';

/** The account's RingCentral subscription as admins see it, and a forced re-create. */
@Injectable()
export class AdminSubscriptionService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly subscriptions: AdminSubscriptionRepository,
    private readonly events: EventEmitter2,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly quarantine: AdminQuarantineRepository,
  ) {}

  async get(accountId: string): Promise<SubscriptionDto> {
    const subscription = await this.subscriptions.findByAccount(accountId);
    if (!subscription) throw new AppError('NOT_FOUND', 'No subscription: logging is off (PATCH /admin/settings {"enabled": true})');
    const transport = this.config.get('ringcentral', { infer: true }).transport;
    return {
      ...subscription,
      quarantinedEvents: await this.quarantine.countByAccount(accountId),
      callLogSync: await this.subscriptions.callLogSync(accountId),
      transport,
      connection: transport === 'websocket' ? await this.subscriptions.findConnection(accountId) : null,
    };
  }

  /** Deletes the subscription at RingCentral and creates a new one (the subscriptions feature does it on the event). */
  async recreate(accountId: string): Promise<SubscriptionDto> {
    const account = await this.accounts.findById(accountId);
    if (!account?.enabled) throw new AppError('CONFLICT', 'Logging is off: turn it on instead (PATCH /admin/settings {"enabled": true})', 'enabled');
    try {
      await this.events.emitAsync(AccountEvents.resubscribe, { accountId });
    } catch (error) {
      // Like turning logging on: RingCentral's reason, as a 409 the admin can act on.
      const mapped = toAdminError(error);
      const reason = mapped instanceof AppError ? mapped.message : (error as Error).message;
      throw new AppError('CONFLICT', `Could not subscribe to RingCentral call events: ${reason}`);
    }
    return this.get(accountId);
  }
}
