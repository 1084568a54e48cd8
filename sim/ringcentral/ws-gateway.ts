import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { NotificationEnvelope } from './sim-types';
import type { SimState } from './sim-state';
import type { Principal } from './token-store';
import { handleClientRequest } from './ws-client-requests';
import {
  type ConnectionLimits,
  type Frame,
  type RecoveryState,
  connectionDetailsFrame,
  errorFrame,
  heartbeatFrame,
  parseClientFrame,
  serverNotificationFrame,
} from './ws-frames';
import type { SimSubscription } from './subscription-store';

/**
 * RingCentral's WebSocket gateway (docs/ringcentral.md §2.4, the frames in test/fixtures/ringcentral/subscriptions/):
 * `POST /restapi/oauth/wstoken` issues a short-lived ws token; `GET /ws?access_token=...` upgrades; the first frame is
 * `ConnectionDetails` with the session's `wsc` token; `ClientRequest` frames carry REST calls (subscriptions);
 * notifications go out as `ServerNotification` frames. A session whose socket drops keeps its subscription and buffers
 * its notifications (at most `wsRecoveryBufferSize`, the oldest dropped) for `wsRecoveryTimeoutSeconds`; a client
 * reconnecting with `&wsc=<token>` in that window gets `recoveryState: "Successful"` and the buffered notifications.
 */

export const WS_PATH = '/ws';
/** What the real ConnectionDetails says (fixture ws-frame-connection-details.json), except the two knobs. */
const FIXED_LIMITS = { idleTimeout: 1800, absoluteTimeout: 86400, maxConnectionsPerSession: 50, maxActiveRequests: 10 };
/**
 * Replayed notifications go out this long after the recovery's ConnectionDetails: @rc-ex/ws re-attaches its
 * subscription listener only once it has read that frame, so notifications in the same TCP read would be lost.
 */
const REPLAY_DELAY_MS = 50;

export type SocketDelivery = 'sent' | 'buffered' | 'gone';

interface WsToken {
  principal: Principal;
  expiresAt: number;
}

export interface WsSession {
  /** The `wsc` token: names the session across reconnections. */
  token: string;
  principal: Principal;
  sequence: number;
  createdAt: number;
  socket?: WebSocket;
  disconnectedAt?: number;
  /** Notifications held while the socket is down, or until the replay after a recovery has gone out. */
  buffer: NotificationEnvelope[];
  replaying: boolean;
  ended: boolean;
}

export interface WebSocketSnapshot {
  wsc: string;
  accountId: string;
  extensionId: string;
  open: boolean;
  subscriptionIds: string[];
  buffered: number;
}

export class WsGateway {
  private readonly tokens = new Map<string, WsToken>();
  private readonly sessions = new Map<string, WsSession>();
  private readonly server = new WebSocketServer({ noServer: true });
  private pingTimer?: NodeJS.Timeout;
  private baseUrl = '';

  constructor(private readonly state: SimState) {}

  /** Takes over `upgrade` requests to `/ws` on the simulator's HTTP server. */
  attach(http: Server, baseUrl: string): void {
    this.baseUrl = baseUrl;
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname !== WS_PATH) return socket.destroy();
      this.server.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
    });
    this.pingTimer = setInterval(() => this.sweep(), this.state.options.wsPingIntervalMs);
    this.pingTimer.unref();
  }

  close(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const ws of this.server.clients) ws.terminate();
    this.server.close();
  }

  issueToken(principal: Principal, now: number): { token: string; expiresIn: number } {
    const token = randomBytes(32).toString('base64url');
    const expiresIn = this.state.options.wsTokenTtlSeconds;
    this.tokens.set(token, { principal, expiresAt: now + expiresIn * 1000 });
    return { token, expiresIn };
  }

  /** Sends a notification on the subscription's socket, or buffers it while the session can still be recovered. */
  deliver(sub: SimSubscription, envelope: NotificationEnvelope): SocketDelivery {
    const session = sub.wsSession ? this.sessions.get(sub.wsSession) : undefined;
    if (!session || !this.alive(session)) return 'gone';
    const stats = this.state.stats.websockets;
    if (session.socket?.readyState === WebSocket.OPEN && !session.replaying) {
      this.sendNotification(session, envelope);
      return 'sent';
    }
    session.buffer.push(envelope);
    stats.buffered++;
    while (session.buffer.length > this.state.knobs.wsRecoveryBufferSize) {
      session.buffer.shift();
      stats.overflowed++;
    }
    return 'buffered';
  }

  /** Cuts sockets abruptly (as a network failure would); their sessions stay recoverable. Returns how many. */
  drop(accountId?: string): number {
    let dropped = 0;
    for (const session of this.sessions.values()) {
      if (!session.socket || (accountId && session.principal.accountId !== accountId)) continue;
      session.socket.terminate();
      this.disconnected(session, session.socket);
      dropped++;
    }
    this.state.stats.websockets.dropped += dropped;
    return dropped;
  }

  /** Open sockets per account (the one-connection-per-account check). */
  openByAccount(): Record<string, number> {
    const open: Record<string, number> = {};
    for (const s of this.sessions.values()) if (s.socket?.readyState === WebSocket.OPEN) open[s.principal.accountId] = (open[s.principal.accountId] ?? 0) + 1;
    return open;
  }

  snapshot(): WebSocketSnapshot[] {
    const subs = this.state.subscriptions.all();
    return [...this.sessions.values()].map((s) => ({
      wsc: s.token,
      accountId: s.principal.accountId,
      extensionId: s.principal.extensionId,
      open: s.socket?.readyState === WebSocket.OPEN,
      subscriptionIds: subs.filter((sub) => sub.wsSession === s.token && !sub.deleted).map((sub) => sub.id),
      buffered: s.buffer.length,
    }));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const now = this.state.now();
    const stats = this.state.stats.websockets;
    const token = this.tokens.get(url.searchParams.get('access_token') ?? '');
    if (!token || token.expiresAt <= now) {
      stats.refused++;
      send(ws, errorFrame(401, 'WSG-401', token ? 'Access token expired' : 'Access token is not valid'));
      ws.close(1008);
      return;
    }
    const wsc = url.searchParams.get('wsc');
    let session: WsSession | undefined;
    let recoveryState: RecoveryState | undefined;
    if (wsc) {
      const previous = this.sessions.get(wsc);
      if (previous && this.recoverable(previous, token.principal)) {
        session = previous;
        recoveryState = 'Successful';
        stats.recovered++;
      } else {
        recoveryState = 'Failed';
        stats.recoveryFailed++;
        if (previous && !previous.socket) this.end(previous);
      }
    }
    if (!session) {
      session = { token: randomBytes(24).toString('base64url'), principal: token.principal, sequence: 0, createdAt: now, buffer: [], replaying: false, ended: false };
      this.sessions.set(session.token, session);
    }
    const current = session;
    current.socket = ws;
    current.disconnectedAt = undefined;
    stats.connections++;
    current.sequence++;
    send(ws, connectionDetailsFrame({ token: current.token, sequence: current.sequence }, this.limits(), current.createdAt, recoveryState));
    if (recoveryState === 'Successful' && current.buffer.length) {
      current.replaying = true;
      setTimeout(() => this.replay(current, ws), REPLAY_DELAY_MS).unref();
    }
    let alive = true;
    ws.on('pong', () => (alive = true));
    ws.on('message', (data) => this.onMessage(current, ws, String(data)));
    ws.on('close', () => this.disconnected(current, ws));
    ws.on('error', () => ws.terminate());
    // Server pings (docs/ringcentral.md §2.4); a client that stops answering is cut like a dead network.
    const ping = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return clearInterval(ping);
      if (!alive) {
        ws.terminate();
        return clearInterval(ping);
      }
      alive = false;
      ws.ping();
    }, this.state.options.wsPingIntervalMs);
    ping.unref();
  }

  private onMessage(session: WsSession, ws: WebSocket, text: string): void {
    const frame = parseClientFrame(text);
    if (!frame) return;
    if (frame.type === 'Heartbeat') return send(ws, heartbeatFrame(frame.messageId));
    if (frame.type === 'ClientRequest') send(ws, handleClientRequest(this.state, session, frame, this.baseUrl));
  }

  private replay(session: WsSession, ws: WebSocket): void {
    if (session.socket !== ws || ws.readyState !== WebSocket.OPEN) {
      session.replaying = false;
      return;
    }
    const pending = session.buffer.splice(0);
    this.state.stats.websockets.replayed += pending.length;
    for (const envelope of pending) this.sendNotification(session, envelope);
    session.replaying = false;
  }

  private sendNotification(session: WsSession, envelope: NotificationEnvelope): void {
    session.sequence++;
    this.state.stats.websockets.notifications++;
    send(session.socket!, serverNotificationFrame(envelope, { token: session.token, sequence: session.sequence }));
  }

  private disconnected(session: WsSession, ws: WebSocket): void {
    if (session.socket !== ws) return;
    session.socket = undefined;
    session.replaying = false;
    session.disconnectedAt = this.state.now();
  }

  private recoverable(session: WsSession, principal: Principal): boolean {
    const same = session.principal.accountId === principal.accountId && session.principal.extensionId === principal.extensionId && session.principal.clientId === principal.clientId;
    return same && !session.socket && this.alive(session);
  }

  /** False (and the session ended) once its socket has been down longer than the recovery window. */
  private alive(session: WsSession): boolean {
    if (session.ended) return false;
    if (session.socket || session.disconnectedAt === undefined) return true;
    if (this.state.now() - session.disconnectedAt <= this.state.knobs.wsRecoveryTimeoutSeconds * 1000) return true;
    this.end(session);
    return false;
  }

  /** A session past recovery: its subscriptions die with it, as WebSocket subscriptions do. */
  private end(session: WsSession): void {
    session.ended = true;
    session.buffer = [];
    this.sessions.delete(session.token);
    for (const sub of this.state.subscriptions.all()) if (sub.wsSession === session.token) sub.deleted = true;
  }

  private sweep(): void {
    const now = this.state.now();
    for (const session of [...this.sessions.values()]) this.alive(session);
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
  }

  private limits(): ConnectionLimits {
    return { recoveryBufferSize: this.state.knobs.wsRecoveryBufferSize, recoveryTimeout: this.state.knobs.wsRecoveryTimeoutSeconds, ...FIXED_LIMITS };
  }
}

function send(ws: WebSocket, frame: Frame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}
