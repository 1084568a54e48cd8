import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { RingCentralApiError } from '../ringcentral/ringcentral.errors';
import { RingCentralClient } from '../ringcentral/ringcentral.client';
import { SubscriptionRepository, type SubscriptionRow } from './subscription.repository';
import { TELEPHONY_SESSIONS_FILTER } from './telephony-filter';
import { WebsocketTransport } from './websocket-transport.service';

export { TELEPHONY_SESSIONS_FILTER };
/** What App Connect sends; the check job renews well before it runs out. */
const EXPIRES_IN_SECONDS = 7 * 24 * 3600;
/** Renew when less than this is left. */
const RENEW_BEFORE_MS = 2 * 24 * 3600 * 1000;

interface RcSubscriptionInfo {
  id: string;
  status: string;
  expirationTime?: string;
  expiresIn?: number;
  eventFilters?: string[];
  disabledFilters?: { filter: string; reason?: string }[];
  blacklistedData?: { reason?: string; blacklistedAt?: string };
}

export type CheckOutcome = 'ok' | 'renewed' | 'recreated';

export function hashVerificationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * One account-level WebHook subscription to telephony sessions per enabled account: created with a random
 * verification token (only its hash is stored), renewed before expiry, re-created when RingCentral blacklisted it,
 * lost it or let it expire, deleted on disable. With RINGCENTRAL_TRANSPORT=websocket the subscription lives on the
 * WebSocket connection of whichever process holds the account's lease (WebsocketTransport); here only the row is
 * kept and a WebHook left from before the switch is deleted.
 */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger(SubscriptionService.name);

  constructor(
    private readonly rc: RingCentralClient,
    private readonly repository: SubscriptionRepository,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly websockets: WebsocketTransport,
  ) {}

  private get overWebSocket(): boolean {
    return this.config.get('ringcentral', { infer: true }).transport === 'websocket';
  }

  webhookAddress(): string {
    return `${this.config.get('app', { infer: true }).publicBaseUrl}/webhooks/ringcentral`;
  }

  async create(accountId: string): Promise<SubscriptionRow> {
    if (this.overWebSocket) return this.createOverWebSocket(accountId);
    const existing = await this.repository.findByAccount(accountId);
    if (existing?.rcSubscriptionId) await this.deleteRemote(accountId, existing.rcSubscriptionId);
    const verificationToken = randomBytes(24).toString('hex');
    const address = this.webhookAddress();
    const info = await this.rc.request<RcSubscriptionInfo>(accountId, {
      method: 'POST',
      path: '/restapi/v1.0/subscription',
      group: 'medium',
      body: {
        eventFilters: [TELEPHONY_SESSIONS_FILTER],
        deliveryMode: { transportType: 'WebHook', address, verificationToken },
        expiresIn: EXPIRES_IN_SECONDS,
      },
    });
    if (info.disabledFilters?.length) {
      const reasons = info.disabledFilters.map((f) => `${f.filter}: ${f.reason ?? 'disabled'}`).join('; ');
      await this.deleteRemote(accountId, info.id);
      throw new Error(`RingCentral disabled the telephony filter (${reasons}); the app needs the CallControl permission`);
    }
    await this.repository.saveCreated(accountId, {
      rcSubscriptionId: info.id,
      eventFilters: info.eventFilters ?? [TELEPHONY_SESSIONS_FILTER],
      deliveryMode: 'WebHook',
      address,
      verificationTokenHash: hashVerificationToken(verificationToken),
      expiresAt: expiryOf(info),
    });
    this.logger.log({ accountId, subscriptionId: info.id }, 'subscription created');
    return (await this.repository.findByAccount(accountId))!;
  }

  /** Renews, or re-creates, the account's subscription as needed. */
  async check(accountId: string): Promise<CheckOutcome> {
    const row = await this.repository.findByAccount(accountId);
    if (this.overWebSocket) {
      // The connection's holder keeps the subscription alive; only a WebHook left from before the switch is handled here.
      if (row && row.deliveryMode === 'WebSocket') return 'ok';
      await this.createOverWebSocket(accountId);
      return 'recreated';
    }
    if (!row?.rcSubscriptionId) {
      await this.create(accountId);
      return 'recreated';
    }
    let info: RcSubscriptionInfo | undefined;
    try {
      info = await this.rc.request<RcSubscriptionInfo>(accountId, { method: 'GET', path: `/restapi/v1.0/subscription/${row.rcSubscriptionId}`, group: 'light' });
    } catch (error) {
      if (!(error instanceof RingCentralApiError && error.status === 404)) throw error;
    }
    const expiresAt = info ? expiryOf(info) : undefined;
    if (!info || info.status !== 'Active' || !expiresAt || expiresAt.getTime() <= Date.now()) {
      const why = !info ? 'missing (404)' : info.status !== 'Active' ? `${info.status}${info.blacklistedData?.reason ? `: ${info.blacklistedData.reason}` : ''}` : 'expired';
      await this.repository.markProblem(accountId, info?.status === 'Blacklisted' ? 'Blacklisted' : info ? 'Expired' : 'Missing', why);
      this.logger.warn({ accountId, subscriptionId: row.rcSubscriptionId, why }, 're-creating subscription');
      await this.create(accountId);
      return 'recreated';
    }
    if (expiresAt.getTime() - Date.now() < RENEW_BEFORE_MS) {
      const renewed = await this.rc.request<RcSubscriptionInfo>(accountId, { method: 'POST', path: `/restapi/v1.0/subscription/${row.rcSubscriptionId}/renew`, group: 'light' });
      await this.repository.markRenewed(accountId, expiryOf(renewed));
      return 'renewed';
    }
    return 'ok';
  }

  async remove(accountId: string): Promise<void> {
    const row = await this.repository.findByAccount(accountId);
    // A WebSocket subscription is deleted by its connection's holder when it lets go (at once here, or on its next pass).
    if (row?.rcSubscriptionId && row.deliveryMode !== 'WebSocket') await this.deleteRemote(accountId, row.rcSubscriptionId);
    await this.repository.delete(accountId);
    if (this.websockets.holds(accountId)) await this.websockets.tick();
  }

  /**
   * WebSocket transport: the row says so; the lease's holder connects on its next pass, or, holding a connection
   * already (a forced re-create), reconnects with a new subscription (here, or on its next pass if it runs elsewhere).
   */
  private async createOverWebSocket(accountId: string): Promise<SubscriptionRow> {
    const existing = await this.repository.findByAccount(accountId);
    if (existing?.rcSubscriptionId && existing.deliveryMode !== 'WebSocket') await this.deleteRemote(accountId, existing.rcSubscriptionId);
    if (existing?.deliveryMode !== 'WebSocket') await this.repository.saveWebSocket(accountId, null, [TELEPHONY_SESSIONS_FILTER]);
    await this.websockets.reconnect(accountId);
    return (await this.repository.findByAccount(accountId))!;
  }

  private async deleteRemote(accountId: string, rcSubscriptionId: string): Promise<void> {
    try {
      await this.rc.request(accountId, { method: 'DELETE', path: `/restapi/v1.0/subscription/${rcSubscriptionId}`, group: 'medium' });
    } catch (error) {
      if (!(error instanceof RingCentralApiError && error.status === 404)) throw error;
    }
  }
}

function expiryOf(info: RcSubscriptionInfo): Date {
  if (info.expirationTime) return new Date(info.expirationTime);
  return new Date(Date.now() + (info.expiresIn ?? EXPIRES_IN_SECONDS) * 1000);
}
