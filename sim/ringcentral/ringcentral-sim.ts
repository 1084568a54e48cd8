import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendApiError } from './api-errors';
import { authorizationCodeRoutes } from './authorization-code.routes';
import { callLogRoutes } from './call-log.routes';
import { absolutize } from './call-log-store';
import { controlRoutes } from './control.routes';
import type { DeliveryListener } from './notification-dispatcher';
import { extensionRoutes } from './extension.routes';
import { oauthRoutes } from './oauth.routes';
import { type PlayRandomOptions, type ReplayOptions, ScenarioEngine } from './scenario-engine';
import { applyKnobs, type RingCentralSimOptionsInput, resolveOptions, type RingCentralSimOptions, type SimKnobs, type SimKnobsPatch } from './sim-options';
import { SimState } from './sim-state';
import type { AccountSpec, CallLogRecord, ExpectedLeg, NotificationEnvelope, PlayOptions, PlayResult, ScenarioName, SimAccount } from './sim-types';
import type { SimStats } from './stats';
import { subscriptionRoutes } from './subscription.routes';
import type { WebSocketSnapshot } from './ws-gateway';
import { wstokenRoutes } from './wstoken.routes';

/** A subscription as the simulator sees it, including what the platform API hides (token, expiry, failures). */
export interface SubscriptionSnapshot {
  id: string;
  accountId: string;
  ownerId: string;
  clientId: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  disabledFilters: { filter: string; reason: string; message: string }[];
  address: string;
  verificationToken?: string;
  transport: 'WebHook' | 'WebSocket';
  creationTime: string;
  expirationTime: string;
  expired: boolean;
  deleted: boolean;
  blacklistedData?: { reason: string; blacklistedAt: string };
  consecutiveFailures: number;
  delivered: number;
  failed: number;
}

export class RingCentralSim {
  readonly engine: ScenarioEngine;
  private server?: Server;
  private baseUrl = '';

  constructor(readonly state: SimState) {
    this.engine = new ScenarioEngine(state);
  }

  get url(): string {
    return this.baseUrl;
  }

  get options(): RingCentralSimOptions {
    return this.state.options;
  }

  /** Builds the express app (exposed for tests that want to mount it elsewhere). */
  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(authorizationCodeRoutes(this.state));
    app.use(oauthRoutes(this.state));
    app.use(wstokenRoutes(this.state));
    app.use(extensionRoutes(this.state));
    app.use(subscriptionRoutes(this.state));
    app.use(callLogRoutes(this.state));
    app.use('/sim', controlRoutes(this));
    app.use((_req: Request, res: Response) => sendApiError(res, 404, 'CMN-102', 'Resource not found'));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number }).status;
      if (status && status >= 400 && status < 500) return sendApiError(res, status, 'CMN-101', 'Request body is invalid');
      console.error('sim: unhandled error', err);
      sendApiError(res, 500, 'CMN-500', 'Internal Server Error');
    });
    return app;
  }

  async listen(): Promise<void> {
    const server = createServer(this.app());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.state.options.port, this.state.options.host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://${this.state.options.host}:${port}`;
    this.state.websockets.attach(server, this.baseUrl);
  }

  async close(): Promise<void> {
    this.state.stop.abort();
    this.state.websockets.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  addAccount(spec: AccountSpec = {}): SimAccount {
    return structuredClone(this.state.accounts.add(spec));
  }

  account(accountId: string): SimAccount {
    return structuredClone(this.state.accounts.require(accountId));
  }

  accounts(): SimAccount[] {
    return structuredClone(this.state.accounts.list());
  }

  /** A JWT credential for the user (default: the account's admin) that the token endpoint accepts. */
  issueJwt(accountId: string, extensionId?: string, opts: { clientId?: string; expiresInSeconds?: number } = {}): string {
    const account = this.state.accounts.require(accountId);
    const ext = extensionId ? account.extensions.find((e) => e.id === extensionId) : account.extensions.find((e) => e.admin);
    if (!ext) throw new Error(`unknown extension ${extensionId ?? '(admin)'} in account ${accountId}`);
    return this.state.jwts.issue(accountId, ext.id, this.state.now(), opts);
  }

  /** Revokes JWT credentials (one by value, or all of an account/extension); returns how many. */
  revokeJwt(match: { jwt?: string; accountId?: string; extensionId?: string }): number {
    return this.state.jwts.revoke(match);
  }

  /** Ends OAuth sessions: their access and refresh tokens stop working. */
  revokeSessions(accountId: string, extensionId?: string): number {
    return this.state.tokens.revokeSessions({ accountId, extensionId });
  }

  /** Makes live access tokens expire now (the next API call gets 401 "Access token expired"). */
  expireAccessTokens(accountId?: string): number {
    return this.state.tokens.expireAccessTokens(accountId, this.state.now());
  }

  play(accountId: string, scenario: ScenarioName, opts?: PlayOptions): Promise<PlayResult> {
    return this.engine.play(accountId, scenario, opts);
  }

  /** Ends a call played with `leaveOpen` (its final record is filed now); returns the legs it should give. */
  endCall(accountId: string, telephonySessionId: string): ExpectedLeg[] {
    return this.engine.endCall(accountId, telephonySessionId);
  }

  playRandom(accountId: string, count: number, opts?: PlayRandomOptions): Promise<PlayResult[]> {
    return this.engine.playRandom(accountId, count, opts);
  }

  replay(accountId: string, notifications: NotificationEnvelope[], subscriptionId?: string, opts?: ReplayOptions): Promise<PlayResult> {
    return this.engine.replay(accountId, notifications, subscriptionId, opts);
  }

  stats(): SimStats {
    const stats = structuredClone(this.state.stats);
    stats.websockets.openByAccount = this.state.websockets.openByAccount();
    return stats;
  }

  /** WebSocket gateway sessions: who is connected, with which `wsc` token and subscription. */
  webSockets(): WebSocketSnapshot[] {
    return this.state.websockets.snapshot();
  }

  /**
   * Cuts WebSocket connections abruptly (all, or one account's), as a network failure would. Their sessions stay
   * recoverable with the `wsc` token for `wsRecoveryTimeoutSeconds`; notifications meanwhile are buffered. Returns how many.
   */
  dropWebSockets(accountId?: string): number {
    return this.state.websockets.drop(accountId);
  }

  /**
   * Calls `listener` after every webhook POST (notifications, duplicates included; not handshakes) with the envelope
   * and when it was sent and answered, e.g. to time a pipeline from the delivery of a call's last notification.
   * Returns the function that removes the listener.
   */
  onDelivery(listener: DeliveryListener): () => void {
    this.state.deliveryListeners.add(listener);
    return () => this.state.deliveryListeners.delete(listener);
  }

  resetStats(): void {
    this.state.resetStats();
    this.state.limiter.reset();
  }

  knobs(): SimKnobs {
    return structuredClone(this.state.knobs);
  }

  setKnobs(patch: SimKnobsPatch): SimKnobs {
    applyKnobs(this.state.knobs, patch);
    return this.knobs();
  }

  blacklist(subscriptionId: string, reason = 'Webhook responses with code: [404], reason: [Not Found]'): void {
    const sub = this.state.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`unknown subscription ${subscriptionId}`);
    this.state.subscriptions.blacklist(sub, reason, this.state.now());
  }

  /** Ends the subscription's lifetime now: deliveries stop silently and the API answers 404. */
  expire(subscriptionId: string): void {
    const sub = this.state.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`unknown subscription ${subscriptionId}`);
    sub.expiresAt = Math.min(sub.expiresAt, this.state.now());
  }

  /** Moves the subscription's expiry to `secondsFromNow` (e.g. to make it due for renewal). */
  expireIn(subscriptionId: string, secondsFromNow: number): void {
    const sub = this.state.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`unknown subscription ${subscriptionId}`);
    sub.expiresAt = this.state.now() + secondsFromNow * 1000;
  }

  subscriptions(accountId?: string): SubscriptionSnapshot[] {
    const now = this.state.now();
    return this.state.subscriptions
      .all()
      .filter((s) => !accountId || s.accountId === accountId)
      .map((s) => ({
        id: s.id,
        accountId: s.accountId,
        ownerId: s.extensionId,
        clientId: s.clientId,
        status: s.status,
        eventFilters: s.filters.map((f) => f.expanded),
        disabledFilters: structuredClone(s.disabledFilters),
        address: s.address,
        verificationToken: s.verificationToken,
        transport: s.transport ?? 'WebHook',
        creationTime: new Date(s.creationTime).toISOString(),
        expirationTime: new Date(s.expiresAt).toISOString(),
        expired: s.expiresAt <= now,
        deleted: s.deleted,
        blacklistedData: s.blacklistedData && { ...s.blacklistedData },
        consecutiveFailures: s.consecutiveFailures,
        delivered: s.delivered,
        failed: s.failed,
      }));
  }

  /** Every call-log record of the account (Detailed view, final form), regardless of the visibility delay. */
  callLogRecords(accountId: string): CallLogRecord[] {
    return this.state.callLogs.all(accountId).map((r) => absolutize(r, this.baseUrl, 'Detailed'));
  }
}

export async function startRingCentralSim(options: RingCentralSimOptionsInput = {}): Promise<RingCentralSim> {
  const sim = new RingCentralSim(new SimState(resolveOptions(options)));
  await sim.listen();
  return sim;
}
