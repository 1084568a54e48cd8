import { Module } from '@nestjs/common';
import { HttpFastPath } from '../common/http/http-fast-path';
import { AccountActivationListener } from './account-activation.listener';
import { CallPartyRepository } from './call-party.repository';
import { EndedLegRepository } from './ended-leg.repository';
import { EventFoldingJob } from './event-folding.job';
import { InboxFoldLoop } from './inbox-fold.loop';
import { InboxRepository } from './inbox.repository';
import { InboxWriter } from './inbox.writer';
import { SubscriptionWatchJob } from './subscription-watch.job';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionService } from './subscription.service';
import { WebhookIntake } from './webhook-intake';
import { WebhookVerifier } from './webhook-verifier';
import { WebsocketLeaseRepository } from './websocket-lease.repository';
import { WebsocketTransport } from './websocket-transport.service';

/** RingCentral in: subscription lifecycle, webhook intake or WebSocket connections (inbox), call-state folding into ended legs. */
@Module({
  providers: [
    AccountActivationListener,
    SubscriptionRepository,
    SubscriptionService,
    SubscriptionWatchJob,
    WebhookVerifier,
    WebhookIntake,
    { provide: HttpFastPath, useExisting: WebhookIntake },
    InboxWriter,
    InboxRepository,
    InboxFoldLoop,
    CallPartyRepository,
    EndedLegRepository,
    EventFoldingJob,
    WebsocketLeaseRepository,
    WebsocketTransport,
  ],
  exports: [SubscriptionService],
})
export class SubscriptionsModule {}
