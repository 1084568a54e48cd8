import type { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import type { ConnectionState } from './websocket-lease.repository';

/** The library's WebSocket extension (the type @ringcentral/subscriptions hands out from `newWsExtension`). */
type WsExtension = Awaited<ReturnType<Subscriptions['newWsExtension']>>;
type Installable = Parameters<Subscriptions['rc']['installExtension']>[0];
/** The socket object the extension uses (`ws` in Node): an EventEmitter that throws on an unheard 'error'. */
interface SocketLike {
  on?(event: 'error', listener: (error: Error) => void): unknown;
  addEventListener(event: 'close', listener: () => void): void;
}

export interface ConnectionListener {
  /** A notification of this connection's subscription, as the gateway sent it. */
  notification(notification: unknown): void;
  state(state: ConnectionState, details?: { rcSubscriptionId?: string; error?: string }): void;
  /** The gateway session's recovery token changed (a new session): worth keeping for whoever connects next. */
  session(wscToken: string): void;
}

/** A gateway session left by an earlier connection (possibly another process's), to resume rather than start anew. */
export interface ResumeFrom {
  wscToken: string;
  rcSubscriptionId: string;
}

/** How long closing may wait for the gateway to confirm the subscription's deletion. */
const CLOSE_TIMEOUT_MS = 5_000;
/** How long opening waits for the gateway's ConnectionDetails (the library's own register() waits as long). */
const READY_TIMEOUT_MS = 30_000;

/**
 * One account's WebSocket subscription through @ringcentral/subscriptions (which drives @rc-ex/ws): it opens the
 * socket (`/restapi/oauth/wstoken`, ConnectionDetails), creates the subscription over it, and on a dropped socket
 * reconnects with the session's `wsc` token, so the gateway replays what was sent meanwhile (or, when the recovery
 * window has passed, subscribes again). Two guards around the library, both from reading its source
 * (node_modules/@rc-ex/ws/dist/cjs/index.js): its recovery loop rethrows REST errors (a 401 or 429 on wstoken) from a
 * timer, which would be an unhandled rejection, so they are turned into ordinary recovery errors that it retries; and
 * its sockets get an 'error' listener, since a Node `ws` socket with none throws on a refused connection.
 *
 * Resuming (`open(filters, resumeFrom)`): the session of a holder that died is recovered with its `wsc` token (the
 * extension's `wscToken` option), and the subscription is taken up with the extension's `subscribe(..., cache)`,
 * which refreshes it (PUT) or, when it is gone (404), creates a new one. Within the gateway's recovery window the
 * notifications sent since the old socket died are replayed to us.
 */
export class WebsocketConnection {
  private extension?: WsExtension;
  private closed = false;
  private wscToken?: string;

  constructor(
    private readonly sdk: SDK,
    private readonly listener: ConnectionListener,
  ) {}

  get subscriptionId(): string | undefined {
    return this.extension?.subscription?.subscriptionInfo?.id;
  }

  /** Connects and subscribes; resolves with the subscription id. Throws (and leaves nothing running) on failure. */
  async open(eventFilters: string[], resumeFrom?: ResumeFrom): Promise<string> {
    const subscriptions = new Subscriptions({ sdk: this.sdk });
    const installed: WsExtension[] = [];
    const installExtension = subscriptions.rc.installExtension.bind(subscriptions.rc);
    subscriptions.rc.installExtension = async (extension: Installable) => {
      if (isWsExtension(extension)) {
        this.guard(extension);
        if (resumeFrom) extension.options.wscToken = resumeFrom.wscToken;
        installed.push(extension);
      }
      return installExtension(extension);
    };
    const deliver = (notification: unknown) => {
      if (!this.closed) this.listener.notification(notification);
    };
    try {
      if (resumeFrom) {
        await subscriptions.init();
        const extension = await subscriptions.newWsExtension();
        await ready(extension);
        // Only the id of the cached subscription is read (refresh() PUTs to it); the answer replaces it.
        await extension.subscribe(eventFilters, deliver, { id: resumeFrom.rcSubscriptionId } as Parameters<WsExtension['subscribe']>[2]);
      } else {
        const subscription = subscriptions.createSubscription().setEventFilters(eventFilters);
        subscription.on(subscription.events.notification, deliver);
        await subscription.register();
      }
    } catch (error) {
      for (const extension of installed) stop(extension);
      throw error;
    }
    this.extension = installed[0];
    if (this.closed) {
      await this.close();
      throw new Error('closed while connecting');
    }
    return this.subscriptionId!;
  }

  /**
   * Closes the socket and stops the library's recovery loop. Unless `keepSubscription`, the subscription is deleted
   * first (best effort); kept, the gateway holds the session for its recovery window, for another holder to resume.
   */
  async close(keepSubscription = false): Promise<void> {
    this.closed = true;
    const extension = this.extension;
    if (!extension) return;
    try {
      if (!keepSubscription && extension.ws?.readyState === 1) await Promise.race([extension.revoke(), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
    } catch {
      // The socket died under the DELETE: the gateway drops the subscription with the session anyway.
    } finally {
      stop(extension);
    }
  }

  private guard(extension: WsExtension): void {
    const recover = extension.recover.bind(extension);
    extension.recover = async () => {
      try {
        await recover();
      } catch (error) {
        throw new Error(`WebSocket recovery failed: ${describe(error)}`, { cause: error });
      }
    };
    const watch = (socket: SocketLike) => {
      socket.on?.('error', () => undefined);
      socket.addEventListener('close', () => {
        if (!this.closed && extension.ws === (socket as unknown)) this.listener.state('reconnecting');
      });
    };
    extension.eventEmitter.on('newWebSocketObject', watch);
    extension.eventEmitter.on('newWsc', (wsc: { token?: string }) => {
      if (wsc?.token && wsc.token !== this.wscToken) {
        this.wscToken = wsc.token;
        this.listener.session(wsc.token);
      }
    });
    extension.eventEmitter.on('autoRecoverSuccess', () => this.listener.state('connected', { rcSubscriptionId: this.subscriptionId }));
    // Recovery window missed: the library has subscribed again; notifications in between are lost to this path.
    extension.eventEmitter.on('autoRecoverFailed', () => this.listener.state('connected', { rcSubscriptionId: this.subscriptionId, error: 'recovery failed: subscribed again' }));
    extension.eventEmitter.on('autoRecoverError', (error: unknown) => this.listener.state('reconnecting', { error: describe(error) }));
  }
}

/** Resolves once the extension's socket is open (ConnectionDetails read); rejects on a recovery error or after the timeout. */
async function ready(extension: WsExtension): Promise<void> {
  if (extension.ws?.readyState === 1) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: unknown) => {
      clearTimeout(timer);
      extension.eventEmitter.off('connectionReady', onReady);
      extension.eventEmitter.off('autoRecoverError', done);
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(`WebSocket connection timeout after ${READY_TIMEOUT_MS}ms`)), READY_TIMEOUT_MS);
    extension.eventEmitter.once('connectionReady', onReady);
    extension.eventEmitter.once('autoRecoverError', done);
  });
}

function isWsExtension(extension: Installable): extension is WsExtension {
  return 'eventEmitter' in extension && 'recover' in extension;
}

function stop(extension: WsExtension): void {
  extension.disable();
  if (extension.intervalHandle) clearInterval(extension.intervalHandle);
  if (extension.pingServerHandle) clearTimeout(extension.pingServerHandle);
  extension.ws?.close();
}

function describe(error: unknown): string {
  const e = error as { message?: string; response?: { status?: number; data?: { message?: string } } };
  return [e.response?.status, e.response?.data?.message ?? e.message].filter(Boolean).join(' ') || String(error);
}
