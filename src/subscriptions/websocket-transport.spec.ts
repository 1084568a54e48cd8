import { Logger } from '@nestjs/common';
import { SDK } from '@ringcentral/sdk';
import { startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import { MetricsService } from '../health/metrics.service';
import type { InboundNotification } from './inbox.writer';
import type { ConnectionState } from './websocket-lease.repository';
import { WebsocketTransport } from './websocket-transport.service';

/** The lease table's rules in memory (the SQL itself is tested on PostgreSQL in test/integration/websocket-lease.int-spec.ts). */
class MemoryLeases {
  rows = new Map<string, { holderId: string; expiresAt: number; state: ConnectionState; lastError: string | null; rcSubscriptionId: string | null; wscToken: string | null }>();
  async tryAcquire(accountId: string, holderId: string, ttlMs: number): Promise<boolean> {
    const row = this.rows.get(accountId);
    if (row && row.holderId !== holderId && row.expiresAt >= Date.now()) return false;
    const same = row?.holderId === holderId;
    this.rows.set(accountId, {
      holderId,
      expiresAt: Date.now() + ttlMs,
      state: same ? row!.state : 'connecting',
      lastError: same ? row!.lastError : null,
      rcSubscriptionId: row?.rcSubscriptionId ?? null,
      wscToken: row?.wscToken ?? null,
    });
    return true;
  }
  async handOver(accountId: string, holderId: string): Promise<void> {
    const row = this.rows.get(accountId);
    if (row?.holderId === holderId) Object.assign(row, { expiresAt: Date.now() - 1, state: 'reconnecting' });
  }
  async recordSession(accountId: string, holderId: string, wscToken: string): Promise<void> {
    const row = this.rows.get(accountId);
    if (row?.holderId === holderId) row.wscToken = wscToken;
  }
  async findByAccount(accountId: string) {
    return this.rows.get(accountId);
  }
  reconnectRequested = new Set<string>();
  async renew(accountId: string, holderId: string, ttlMs: number): Promise<{ held: boolean; reconnectRequested: boolean }> {
    const row = this.rows.get(accountId);
    if (row?.holderId !== holderId) return { held: false, reconnectRequested: false };
    row.expiresAt = Date.now() + ttlMs;
    return { held: true, reconnectRequested: this.reconnectRequested.delete(accountId) };
  }
  async requestReconnect(accountId: string): Promise<void> {
    if (this.rows.has(accountId)) this.reconnectRequested.add(accountId);
  }
  async release(accountId: string, holderId: string): Promise<void> {
    if (this.rows.get(accountId)?.holderId === holderId) this.rows.delete(accountId);
  }
  async recordState(accountId: string, holderId: string, state: ConnectionState, details: { rcSubscriptionId?: string; error?: string } = {}): Promise<void> {
    const row = this.rows.get(accountId);
    if (row?.holderId !== holderId) return;
    Object.assign(row, { state, lastError: details.error ?? null, rcSubscriptionId: details.rcSubscriptionId ?? row.rcSubscriptionId });
  }
}

async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WebsocketTransport: one connection per account under a lease', () => {
  let sim: RingCentralSim;
  let simAccountId: string;
  const ACCOUNT = '00000000-0000-4000-8000-000000000001';
  let leases: MemoryLeases;
  let enabled: string[];
  let stored: InboundNotification[];
  let sdkFailures: number;
  const transports: WebsocketTransport[] = [];

  function transport(): WebsocketTransport {
    const sdkForAccount = async () => {
      if (sdkFailures > 0) {
        sdkFailures--;
        throw new Error('RingCentral refused the stored JWT credential');
      }
      const sdk = new SDK({ server: sim.url, clientId: sim.options.clientId, clientSecret: sim.options.clientSecret });
      await sdk.platform().login({ jwt: sim.issueJwt(simAccountId) });
      return sdk;
    };
    const config = { get: (ns: string) => (ns === 'ringcentral' ? { transport: 'websocket', websocketLeaseMs: 30_000 } : { role: 'all' }) };
    const t = new WebsocketTransport(
      { sdkForAccount, refreshSdk: async () => undefined } as never,
      leases as never,
      { findEnabledIds: async () => enabled } as never,
      { saveWebSocket: async () => undefined } as never,
      { write: async (item: InboundNotification) => stored.push(item) > 0 } as never,
      config as never,
      new MetricsService(),
    );
    transports.push(t);
    return t;
  }

  const open = () => sim.stats().websockets.openByAccount[simAccountId] ?? 0;
  const liveSubscriptions = () => sim.subscriptions(simAccountId).filter((s) => !s.deleted);

  beforeAll(() => Logger.overrideLogger(process.env.DEBUG_WS ? ["log", "warn", "error"] : false));

  beforeEach(async () => {
    sim = await startRingCentralSim({ seed: 5, defaultPaceMs: 1 });
    simAccountId = sim.addAccount().id;
    leases = new MemoryLeases();
    enabled = [ACCOUNT];
    stored = [];
    sdkFailures = 0;
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.beforeApplicationShutdown()));
    await sim.close();
  });

  it('two processes: one takes the lease and the socket, and its notifications reach the inbox as the webhook stores them', async () => {
    const [a, b] = [transport(), transport()];
    await Promise.all([a.tick(), b.tick()]);
    await until(() => open() === 1 && leases.rows.get(ACCOUNT)?.state === 'connected', 'a connection');
    const holder = a.holds(ACCOUNT) ? a : b;
    expect([a.holds(ACCOUNT), b.holds(ACCOUNT)].filter(Boolean)).toHaveLength(1);
    expect(leases.rows.get(ACCOUNT)?.holderId).toBe(holder.holderId);
    await Promise.all([a.tick(), b.tick()]);
    expect(open()).toBe(1);

    const played = await sim.play(simAccountId, 'inbound-answered');
    await until(() => stored.length === played.delivered.length, 'the notifications');
    const [subscription] = liveSubscriptions();
    expect(stored.map((s) => s.uuid).sort()).toEqual(played.delivered.map((e) => e.uuid).sort());
    for (const item of stored) {
      const envelope = played.delivered.find((e) => e.uuid === item.uuid)!;
      expect(item).toEqual({ uuid: envelope.uuid, accountId: ACCOUNT, rcSubscriptionId: subscription!.id, telephonySessionId: envelope.body.telephonySessionId, payloadJson: expect.any(String) });
      expect(JSON.parse(item.payloadJson)).toEqual(envelope);
    }
    const metrics = await (holder as unknown as { notifications: { get(): Promise<{ values: { value: number; labels: { outcome: string } }[] }> } }).notifications.get();
    expect(metrics.values).toEqual([{ value: played.delivered.length, labels: { outcome: 'stored' } }]);
  });

  it('an expired lease is taken over (with the subscription); the old holder finds it gone on its next pass and closes its socket', async () => {
    const [a, b] = [transport(), transport()];
    await a.tick();
    await until(() => open() === 1 && leases.rows.get(ACCOUNT)?.state === 'connected', 'a connection');
    const [subscription] = liveSubscriptions();
    // The holder stalled past its lease (its socket still open): the session cannot be recovered, the subscription can.
    leases.rows.get(ACCOUNT)!.expiresAt = Date.now() - 1;
    await b.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'connected' && leases.rows.get(ACCOUNT)?.holderId === b.holderId, 'the takeover');
    await a.tick();
    expect(a.holds(ACCOUNT)).toBe(false);
    expect(b.holds(ACCOUNT)).toBe(true);
    await until(() => open() === 1, 'one socket again');
    expect(liveSubscriptions().map((s) => s.id)).toEqual([subscription!.id]);
    const played = await sim.play(simAccountId, 'inbound-answered');
    await until(() => stored.length === played.delivered.length, 'the notifications on the new holder');
  });

  it('a disabled account: the socket is closed, its subscription deleted and the lease released', async () => {
    const a = transport();
    await a.tick();
    await until(() => open() === 1, 'a connection');
    enabled = [];
    await a.tick();
    expect(a.holds(ACCOUNT)).toBe(false);
    expect(liveSubscriptions()).toEqual([]);
    await until(() => open() === 0, 'the socket closed');
    expect(leases.rows.has(ACCOUNT)).toBe(false);
  });

  it('a connection that cannot open is recorded as failed with its reason and tried again on the next pass', async () => {
    sdkFailures = 1;
    const a = transport();
    await a.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'failed', 'the failure recorded');
    expect(leases.rows.get(ACCOUNT)).toMatchObject({ holderId: a.holderId, lastError: 'RingCentral refused the stored JWT credential' });
    expect(a.holds(ACCOUNT)).toBe(false);
    await a.tick();
    await until(() => open() === 1 && leases.rows.get(ACCOUNT)?.state === 'connected', 'the retry');
  });

  it('shutdown hands over: another process takes the lease at once, resumes the session and gets what was sent in between', async () => {
    const [a, b] = [transport(), transport()];
    await a.tick();
    await until(() => open() === 1 && leases.rows.get(ACCOUNT)?.state === 'connected', 'a connection');
    const [subscription] = liveSubscriptions();
    expect(leases.rows.get(ACCOUNT)).toMatchObject({ rcSubscriptionId: subscription!.id, wscToken: sim.webSockets()[0]!.wsc });
    await a.beforeApplicationShutdown();
    expect(a.holds(ACCOUNT)).toBe(false);
    await until(() => open() === 0, 'the socket closed');
    expect(liveSubscriptions().map((s) => s.id)).toEqual([subscription!.id]);

    const meanwhile = await sim.play(simAccountId, 'outbound-answered');
    expect(sim.stats().websockets.buffered).toBe(meanwhile.delivered.length);
    await b.tick();
    await until(() => b.holds(ACCOUNT) && leases.rows.get(ACCOUNT)?.state === 'connected', 'the other process connected');
    await until(() => stored.length === meanwhile.delivered.length, 'the replayed notifications');
    expect(stored.map((n) => n.uuid).sort()).toEqual(meanwhile.delivered.map((e) => e.uuid).sort());
    expect(sim.stats().websockets).toMatchObject({ recovered: 1, openByAccount: { [simAccountId]: 1 } });
    expect(liveSubscriptions().map((s) => s.id)).toEqual([subscription!.id]);
  });

  it('a recorded session that can no longer be recovered: a new subscription, and the dead one is gone', async () => {
    const a = transport();
    await a.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'connected', 'a connection');
    const [old] = liveSubscriptions();
    await a.beforeApplicationShutdown();
    sim.setKnobs({ wsRecoveryTimeoutSeconds: 0 });
    await until(() => open() === 0, 'the socket closed');
    await new Promise((r) => setTimeout(r, 5));
    const b = transport();
    await b.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'connected' && b.holds(ACCOUNT), 'the other process connected');
    const live = liveSubscriptions();
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(old!.id);
    expect(sim.stats().websockets.recoveryFailed).toBe(1);
    const played = await sim.play(simAccountId, 'inbound-answered');
    await until(() => stored.length === played.delivered.length, 'the notifications');
    expect(stored.every((n) => n.rcSubscriptionId === live[0]!.id)).toBe(true);
  });

  it('a new subscription asked for on another process: the holder reconnects on its next pass', async () => {
    const [a, b] = [transport(), transport()];
    await a.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'connected', 'a connection');
    const [old] = liveSubscriptions();
    await b.reconnect(ACCOUNT);
    expect(b.holds(ACCOUNT)).toBe(false);
    await a.tick();
    await until(() => leases.rows.get(ACCOUNT)?.state === 'connected' && liveSubscriptions().length === 1 && liveSubscriptions()[0]!.id !== old!.id, 'the new subscription');
    expect(a.holds(ACCOUNT)).toBe(true);
    await until(() => open() === 1, 'one socket');
    const played = await sim.play(simAccountId, 'inbound-answered');
    await until(() => stored.length === played.delivered.length, 'the notifications');
    expect(stored.every((n) => n.rcSubscriptionId === liveSubscriptions()[0]!.id)).toBe(true);
  });

  it('does nothing with the webhook transport or in an api-only process', async () => {
    for (const [transportName, role] of [['webhook', 'all'], ['websocket', 'api']]) {
      const config = { get: (ns: string) => (ns === 'ringcentral' ? { transport: transportName, websocketLeaseMs: 30_000 } : { role }) };
      const t = new WebsocketTransport({} as never, leases as never, {} as never, {} as never, {} as never, config as never, new MetricsService());
      expect(t.active).toBe(false);
      t.onApplicationBootstrap();
    }
    expect(leases.rows.size).toBe(0);
  });
});
