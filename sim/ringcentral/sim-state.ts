import { AccountStore } from './account-store';
import { CallLogStore } from './call-log-store';
import { JwtCredentials } from './jwt-credentials';
import { type DeliveryListener, NotificationDispatcher } from './notification-dispatcher';
import { IdFactory, Rng } from './random';
import { RateLimiter } from './rate-limiter';
import { type RingCentralSimOptions, type SimKnobs, knobsOf } from './sim-options';
import { emptyStats, type SimStats } from './stats';
import { SubscriptionStore } from './subscription-store';
import { TokenStore } from './token-store';
import { WsGateway } from './ws-gateway';

/** Everything the simulator knows, shared by the HTTP routes and the scenario engine. */
export class SimState {
  readonly knobs: SimKnobs;
  readonly accounts: AccountStore;
  readonly jwts = new JwtCredentials();
  readonly tokens: TokenStore;
  readonly subscriptions = new SubscriptionStore();
  readonly callLogs = new CallLogStore();
  readonly limiter: RateLimiter;
  readonly dispatcher: NotificationDispatcher;
  /** The WebSocket gateway (listening once RingCentralSim.listen attaches it to the HTTP server). */
  readonly websockets: WsGateway;
  /** Scenario randomness (ids, timelines); separate from delivery randomness so knobs don't change call ids. */
  readonly rng: Rng;
  readonly ids: IdFactory;
  readonly deliveryRng: Rng;
  readonly faultRng: Rng;
  /** Aborted on close: pending deliveries and handshakes stop. */
  readonly stop = new AbortController();
  /** Observers of webhook POSTs (RingCentralSim.onDelivery). */
  readonly deliveryListeners = new Set<DeliveryListener>();
  stats: SimStats = emptyStats();

  constructor(readonly options: RingCentralSimOptions) {
    this.knobs = knobsOf(options);
    this.rng = Rng.derive(options.seed, 'scenarios');
    this.ids = new IdFactory(this.rng);
    this.deliveryRng = Rng.derive(options.seed, 'delivery');
    this.faultRng = Rng.derive(options.seed, 'faults');
    this.accounts = new AccountStore(new IdFactory(Rng.derive(options.seed, 'accounts')));
    this.tokens = new TokenStore(() => options.maxSessionsPerUser);
    this.limiter = new RateLimiter(() => this.knobs.rateLimits);
    this.websockets = new WsGateway(this);
    this.dispatcher = new NotificationDispatcher({
      subscriptions: this.subscriptions,
      knobs: this.knobs,
      // A function: resetStats() swaps the object.
      stats: () => this.stats,
      rng: this.deliveryRng,
      ids: new IdFactory(this.deliveryRng),
      clock: options.clock,
      stop: this.stop.signal,
      listeners: this.deliveryListeners,
      websockets: this.websockets,
    });
  }

  now(): number {
    return this.options.clock.now();
  }

  /** App permissions of tokens for this account. */
  scopesFor(accountId: string): string[] {
    return this.accounts.get(accountId)?.scopes ?? this.options.scopes;
  }

  resetStats(): void {
    this.stats = emptyStats();
  }
}
