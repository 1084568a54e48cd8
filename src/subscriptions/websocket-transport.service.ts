import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OnEvent } from '@nestjs/event-emitter';
import type { SDK } from '@ringcentral/sdk';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AccountEvents } from '../accounts/account.events';
import { AccountsRepository } from '../accounts/accounts.repository';
import { Counter, Gauge } from 'prom-client';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { RingCentralClient } from '../ringcentral/ringcentral.client';
import { InboxWriter, type InboundNotification } from './inbox.writer';
import { SubscriptionRepository } from './subscription.repository';
import { TELEPHONY_SESSIONS_FILTER } from './telephony-filter';
import { type ResumeFrom, WebsocketConnection } from './websocket-connection';
import { type ConnectionState, WebsocketLeaseRepository } from './websocket-lease.repository';

interface Held {
  sdk?: SDK;
  connection?: WebsocketConnection;
}

/** A notification the inbox could not take (database down) is tried again this many times, backing off. */
const STORE_ATTEMPTS = 8;

/**
 * RINGCENTRAL_TRANSPORT=websocket: the WebSocket connections of this process. Each enabled account has exactly one
 * connection across all replicas: the process holding the account's row in `websocket_leases` (worker and all roles
 * compete for it) keeps the socket and renews the lease every third of its lifetime; a replica that dies stops
 * renewing, and another takes the account over once the lease has expired. A holder that finds its lease taken
 * (it stalled past expiry) closes its socket at once. Notifications go into the same inbox as webhooks, so a
 * notification replayed after a recovery, or delivered twice, is stored once (unique uuid).
 */
@Injectable()
export class WebsocketTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebsocketTransport.name);
  /** Names this process in the lease table (and on the admin's view). */
  readonly holderId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly held = new Map<string, Held>();
  private readonly storing = new Set<Promise<void>>();
  private readonly connecting = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly notifications: Counter<'outcome'>;

  constructor(
    private readonly rc: RingCentralClient,
    private readonly leases: WebsocketLeaseRepository,
    private readonly accounts: AccountsRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly inbox: InboxWriter,
    private readonly config: ConfigService<AppConfig, true>,
    metrics: MetricsService,
  ) {
    // Registered here rather than in MetricsService: they exist only with this transport's provider.
    this.notifications = new Counter({
      name: 'sscl_websocket_notifications_total',
      help: 'RingCentral notifications received over WebSocket, by outcome (stored, duplicate, failed).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    const held = this.held;
    new Gauge({
      name: 'sscl_websocket_connections',
      help: 'RingCentral WebSocket connections (accounts) this process holds the lease of.',
      registers: [metrics.registry],
      collect() {
        this.set(held.size);
      },
    });
  }

  /** This process competes for connections: WebSocket transport, and a role that runs workers. */
  get active(): boolean {
    return this.config.get('ringcentral', { infer: true }).transport === 'websocket' && runsWorkers(this.config.get('app', { infer: true }).role);
  }

  private get leaseMs(): number {
    return this.config.get('ringcentral', { infer: true }).websocketLeaseMs;
  }

  onApplicationBootstrap(): void {
    if (!this.active) return;
    this.timer = setInterval(() => void this.tick(), Math.max(1000, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    void this.tick();
  }

  /**
   * Closes every socket and hands the leases over: another replica takes the accounts at once and resumes their
   * gateway sessions, so what is sent in between is replayed to it (as it is to this process if it restarts in time).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.connecting);
    await Promise.all([...this.held.keys()].map((accountId) => this.letGo(accountId, 'hand-over')));
    await Promise.all(this.storing);
  }

  /**
   * Logging turned on or off here: a pass soon after, rather than at the next interval. Soon, not now: the admin's
   * flow announces "enabled" before it stores the switch (account-onboarding.service.ts), and a pass reads the switch.
   */
  @OnEvent(AccountEvents.enabled)
  @OnEvent(AccountEvents.disabled)
  onAccountChanged(): void {
    if (this.active && !this.stopped) setTimeout(() => void this.tick(), 250).unref();
  }

  /** Whether this process holds the account's connection. */
  holds(accountId: string): boolean {
    return this.held.has(accountId);
  }

  /**
   * Closes the account's connection and opens a new one with a new subscription. When another process holds it,
   * the request goes through the lease row and that process reconnects on its next pass.
   */
  async reconnect(accountId: string): Promise<void> {
    const held = this.held.get(accountId);
    if (!held) return this.leases.requestReconnect(accountId);
    this.held.delete(accountId);
    await held.connection?.close();
    await this.connect(accountId, false);
  }

  /** One pass: renew or drop what is held, let go of disabled accounts, try to take the free or expired ones. */
  tick(): Promise<void> {
    if (this.ticking) {
      // A pass already under way may have read the accounts before the change that asked for this one.
      this.again = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.stopped);
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let enabled: Set<string>;
    try {
      enabled = new Set(await this.accounts.findEnabledIds());
    } catch (error) {
      this.logger.warn({ err: error }, 'could not list accounts; leases not renewed this time');
      return;
    }
    for (const [accountId, held] of [...this.held]) {
      try {
        if (!enabled.has(accountId)) {
          await this.letGo(accountId, 'release');
          continue;
        }
        const lease = await this.leases.renew(accountId, this.holderId, this.leaseMs);
        if (!lease.held) {
          this.logger.warn({ accountId }, 'WebSocket lease taken over by another process; closing this connection');
          await this.letGo(accountId, 'taken-over');
          continue;
        }
        if (held.sdk) await this.rc.refreshSdk(accountId, held.sdk);
        if (lease.reconnectRequested && held.connection) {
          this.logger.log({ accountId }, 'reconnecting with a new WebSocket subscription, as asked');
          await this.reconnect(accountId);
        }
      } catch (error) {
        this.logger.warn({ err: error, accountId }, 'could not renew the WebSocket lease');
      }
    }
    for (const accountId of enabled) {
      if (this.held.has(accountId) || this.stopped) continue;
      try {
        // Not awaited: opening can take a while, and the other accounts' leases must be renewed meanwhile.
        if (await this.leases.tryAcquire(accountId, this.holderId, this.leaseMs)) {
          const connecting = this.connect(accountId, true).finally(() => this.connecting.delete(connecting));
          this.connecting.add(connecting);
        }
      } catch (error) {
        this.logger.warn({ err: error, accountId }, 'could not take the WebSocket lease');
      }
    }
  }

  /**
   * Opens the account's connection; on failure the lease is kept and the next pass tries again. With `resume`, a
   * gateway session recorded on the lease (a holder that died) is recovered, so what was sent since it died arrives.
   */
  private async connect(accountId: string, resume: boolean): Promise<void> {
    const held: Held = {};
    this.held.set(accountId, held);
    await this.record(accountId, 'connecting');
    try {
      const lease = resume ? await this.leases.findByAccount(accountId) : undefined;
      const resumeFrom: ResumeFrom | undefined = lease?.wscToken && lease.rcSubscriptionId ? { wscToken: lease.wscToken, rcSubscriptionId: lease.rcSubscriptionId } : undefined;
      held.sdk = await this.rc.sdkForAccount(accountId);
      const connection: WebsocketConnection = new WebsocketConnection(held.sdk, {
        notification: (n) => this.receive(accountId, connection, n),
        state: (state, details) => void this.onState(accountId, state, details),
        session: (wscToken) => void this.leases.recordSession(accountId, this.holderId, wscToken).catch((error: unknown) => this.logger.warn({ err: error, accountId }, 'could not record the WebSocket session')),
      });
      held.connection = connection;
      const rcSubscriptionId = await connection.open([TELEPHONY_SESSIONS_FILTER], resumeFrom);
      if (this.held.get(accountId) !== held) return void (await connection.close());
      await this.subscriptions.saveWebSocket(accountId, rcSubscriptionId, [TELEPHONY_SESSIONS_FILTER]);
      await this.record(accountId, 'connected', { rcSubscriptionId });
      this.logger.log({ accountId, subscriptionId: rcSubscriptionId, resumed: resumeFrom?.rcSubscriptionId === rcSubscriptionId }, 'WebSocket subscription connected');
    } catch (error) {
      await held.connection?.close();
      if (this.held.get(accountId) !== held) return;
      this.held.delete(accountId);
      const reason = (error as Error).message;
      this.logger.warn({ accountId, reason }, 'WebSocket connection failed; retrying on the next lease pass');
      await this.record(accountId, 'failed', { error: reason });
    }
  }

  private async onState(accountId: string, state: ConnectionState, details?: { rcSubscriptionId?: string; error?: string }): Promise<void> {
    if (!this.held.has(accountId)) return;
    if (details?.error) this.logger.warn({ accountId, state, reason: details.error }, 'WebSocket connection');
    try {
      // A failed recovery subscribed again: the new id is what the inbox rows and the admin's view name.
      if (details?.rcSubscriptionId) await this.subscriptions.saveWebSocket(accountId, details.rcSubscriptionId, [TELEPHONY_SESSIONS_FILTER]);
    } catch (error) {
      this.logger.warn({ err: error, accountId }, 'could not record the WebSocket subscription');
    }
    await this.record(accountId, state, details);
  }

  /**
   * Closes the account's connection. `release` (logging turned off): the subscription is deleted and the lease row
   * too. `hand-over` (shutdown): the subscription stays, and the lease expires now for another process to take over
   * and resume. `taken-over` (another process holds the lease, and may have resumed this very subscription): the
   * socket is closed and nothing else is touched.
   */
  private async letGo(accountId: string, how: 'release' | 'hand-over' | 'taken-over'): Promise<void> {
    const held = this.held.get(accountId);
    this.held.delete(accountId);
    await held?.connection?.close(how !== 'release');
    try {
      if (how === 'release') await this.leases.release(accountId, this.holderId);
      if (how === 'hand-over') await this.leases.handOver(accountId, this.holderId);
    } catch (error) {
      this.logger.warn({ err: error, accountId }, 'could not give the WebSocket lease up; it expires by itself');
    }
  }

  /** The gateway sent it on our authenticated socket for our subscription: it is ours, and is stored as it came. */
  private receive(accountId: string, connection: WebsocketConnection, notification: unknown): void {
    const envelope = notification as { uuid?: unknown; subscriptionId?: unknown; body?: { telephonySessionId?: unknown } } | null;
    if (!envelope || typeof envelope.uuid !== 'string' || !envelope.uuid) {
      this.logger.warn({ accountId }, 'WebSocket notification without a uuid: not stored');
      return;
    }
    const sessionId = envelope.body?.telephonySessionId;
    const item: InboundNotification = {
      uuid: envelope.uuid,
      accountId,
      rcSubscriptionId: typeof envelope.subscriptionId === 'string' ? envelope.subscriptionId : (connection.subscriptionId ?? ''),
      telephonySessionId: typeof sessionId === 'string' ? sessionId : undefined,
      payloadJson: JSON.stringify(notification),
    };
    const storing = this.store(item).finally(() => this.storing.delete(storing));
    this.storing.add(storing);
  }

  private async store(item: InboundNotification): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.notifications.inc({ outcome: (await this.inbox.write(item)) ? 'stored' : 'duplicate' });
        return;
      } catch (error) {
        if (attempt >= STORE_ATTEMPTS) {
          this.notifications.inc({ outcome: 'failed' });
          this.logger.error({ err: error, accountId: item.accountId, uuid: item.uuid }, 'could not store a WebSocket notification; the call-log sync has to cover it');
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async record(accountId: string, state: ConnectionState, details?: { rcSubscriptionId?: string; error?: string }): Promise<void> {
    await this.leases.recordState(accountId, this.holderId, state, details).catch((error: unknown) => this.logger.warn({ err: error, accountId }, 'could not record the WebSocket state'));
  }
}
