import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import { WebSocket } from 'ws';
import { startRingCentralSim, type RingCentralSim } from './index';
import type { NotificationEnvelope } from './sim-types';
import { ACCOUNT_SESSIONS_FILTER, api, login, manualClock } from './testing/sim-client';
import { connectionDetailsFrame, parseClientFrame, serverNotificationFrame, clientResponseFrame } from './ws-frames';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'ringcentral', 'subscriptions');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as [Record<string, any>, any];

/** A raw gateway client: every frame it received, in order. */
class RawClient {
  readonly frames: [Record<string, any>, any][] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string): Promise<RawClient> {
    const client = new RawClient(new WebSocket(url));
    await client.next((m) => m.type === 'ConnectionDetails' || m.type === 'Error');
    return client;
  }
  of(type: string) {
    return this.frames.filter(([m]) => m.type === type);
  }
  async next(match: (meta: Record<string, any>) => boolean, count = 1): Promise<[Record<string, any>, any][]> {
    for (;;) {
      const found = this.frames.filter(([m]) => match(m));
      if (found.length >= count) return found;
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        this.ws.once('close', () => reject(new Error('socket closed')));
      });
    }
  }
  request(messageId: string, method: string, path: string, body?: unknown) {
    this.ws.send(JSON.stringify(body === undefined ? [{ type: 'ClientRequest', messageId, method, path }] : [{ type: 'ClientRequest', messageId, method, path }, body]));
    return this.next((m) => m.messageId === messageId && m.type === 'ClientRequest').then((f) => f[0]);
  }
  close() {
    this.ws.terminate();
  }
}

describe('RingCentral sim: WebSocket gateway frames', () => {
  it('builds ConnectionDetails, ServerNotification and ClientRequest answers with the real frames’ fields', () => {
    const [cdMeta, cdBody] = fixture('ws-frame-connection-details.json');
    const [meta, body] = connectionDetailsFrame({ token: 't', sequence: 1 }, { recoveryBufferSize: 100, recoveryTimeout: 180, idleTimeout: 1800, absoluteTimeout: 86400, maxConnectionsPerSession: 50, maxActiveRequests: 10 }, Date.parse('2020-09-07T21:50:02.737Z'));
    expect(Object.keys(meta).sort()).toEqual(Object.keys(cdMeta).sort());
    expect(body).toEqual(cdBody);

    const [snMeta, snBody] = fixture('ws-frame-server-notification-message-store.json');
    const [nMeta, nBody] = serverNotificationFrame(snBody as NotificationEnvelope, { token: 't', sequence: 2 });
    expect(nMeta).toMatchObject({ type: 'ServerNotification', messageId: snMeta.messageId, status: 200, headers: { RCRequestId: expect.any(String) } });
    expect(nBody).toBe(snBody);

    const [crMeta] = fixture('ws-frame-subscription-created-response-with-rate-limit-headers.json');
    const [rMeta] = clientResponseFrame('m-1', 200, { 'X-Rate-Limit-Group': 'medium' }, {});
    expect(rMeta).toMatchObject({ type: crMeta.type, messageId: 'm-1', status: 200, headers: { 'Content-Type': 'application/json', 'X-Rate-Limit-Group': 'medium', RCRequestId: expect.any(String) } });
  });

  it('parses the real ClientRequest frame and refuses what is not a frame', () => {
    const text = readFileSync(join(FIXTURES, 'ws-frame-client-request-create-subscription.json'), 'utf8');
    expect(parseClientFrame(text)).toMatchObject({ type: 'ClientRequest', method: 'POST', path: '/restapi/v1.0/subscription/', body: { deliveryMode: { transportType: 'WebSocket' } } });
    expect(parseClientFrame('{"type":"ClientRequest"}')).toBeUndefined();
    expect(parseClientFrame('[{"type":"ClientRequest"}]')).toBeUndefined();
    expect(parseClientFrame('not json')).toBeUndefined();
  });
});

describe('RingCentral sim: WebSocket gateway', () => {
  const clock = manualClock();
  let sim: RingCentralSim;
  let accountId: string;
  let token: string;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    clock.set(Date.now());
    sim = await startRingCentralSim({ seed: 7, defaultPaceMs: 1, clock });
    accountId = sim.addAccount().id;
    token = (await login(sim, accountId)).access_token;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim.close();
  });

  async function wsToken(): Promise<{ uri: string; ws_access_token: string; expires_in: number }> {
    const res = await api(sim, token, 'POST', '/restapi/oauth/wstoken');
    expect(res.status).toBe(200);
    return res.body;
  }

  async function connect(wsc?: string, issued?: { uri: string; ws_access_token: string }): Promise<RawClient> {
    const t = issued ?? (await wsToken());
    const client = await RawClient.open(`${t.uri}?access_token=${t.ws_access_token}${wsc ? `&wsc=${wsc}` : ''}`);
    clients.push(client);
    return client;
  }

  async function subscribeOver(client: RawClient): Promise<string> {
    const [meta, body] = await client.request('sub-1', 'POST', '/restapi/v1.0/subscription/', { eventFilters: [ACCOUNT_SESSIONS_FILTER], deliveryMode: { transportType: 'WebSocket' } });
    expect(meta.status).toBe(200);
    return body.id;
  }

  it('issues ws tokens, then a socket opens with ConnectionDetails, creates a subscription and receives notifications', async () => {
    const issued = await wsToken();
    expect(issued.uri).toBe(`${sim.url.replace('http', 'ws')}/ws`);
    expect(issued.expires_in).toBe(600);
    const client = await connect(undefined, issued);
    const [[details, limits]] = client.of('ConnectionDetails');
    expect(details).toMatchObject({ status: 200, wsc: { token: expect.any(String), sequence: 1 } });
    expect(limits).toMatchObject({ recoveryBufferSize: 100, recoveryTimeout: 180 });
    expect(limits.recoveryState).toBeUndefined();

    const [meta, info] = await client.request('m-1', 'POST', '/restapi/v1.0/subscription', { eventFilters: [ACCOUNT_SESSIONS_FILTER], deliveryMode: { transportType: 'WebSocket' } });
    expect(meta.headers).toMatchObject({ 'WSG-SubscriptionId': info.id, 'X-Rate-Limit-Group': 'medium', 'X-Rate-Limit-Limit': expect.any(String) });
    expect(info).toMatchObject({ status: 'Active', expiresIn: 86399, deliveryMode: { transportType: 'WebSocket', encryption: false } });
    expect(info.eventFilters[0]).toMatch(/\/restapi\/v1\.0\/account\/\d+\/telephony\/sessions$/);

    const played = await sim.play(accountId, 'inbound-answered');
    const notes = await client.next((m) => m.type === 'ServerNotification', played.events.length);
    expect(notes.map(([m, body]) => [m.messageId, body.subscriptionId])).toEqual(played.delivered.map((e) => [e.uuid, info.id]));
    expect(notes.map(([, body]) => body)).toEqual(played.delivered);
    // Sequences grow with every frame of the session, as @rc-ex/ws expects of `wsc`.
    expect(notes.map(([m]) => m.wsc.sequence)).toEqual(notes.map((_, i) => i + 2));

    client.ws.send(JSON.stringify([{ type: 'Heartbeat', messageId: 'hb-1' }]));
    expect((await client.next((m) => m.messageId === 'hb-1'))[0][0]).toMatchObject({ type: 'Heartbeat', status: 200 });

    const renewed = await client.request('m-2', 'POST', `/restapi/v1.0/subscription/${info.id}/renew`);
    expect(renewed[0].status).toBe(200);
    expect((await client.request('m-3', 'DELETE', `/restapi/v1.0/subscription/${info.id}`))[0].status).toBe(204);
    expect((await client.request('m-4', 'GET', `/restapi/v1.0/subscription/${info.id}`))[0].status).toBe(404);
    expect(sim.stats().requests.byRoute['POST /restapi/v1.0/subscription']).toBe(1);
  });

  it('refuses a socket with an unknown or expired ws token, and a wstoken without the WebSocket permission', async () => {
    const issued = await wsToken();
    const bad = await connect(undefined, { ...issued, ws_access_token: 'nope' });
    expect(bad.frames[0][0]).toMatchObject({ type: 'Error', status: 401 });
    clock.advance(601_000);
    const expired = await connect(undefined, issued);
    expect(expired.frames[0][0]).toMatchObject({ type: 'Error', status: 401 });
    expect(sim.stats().websockets.refused).toBe(2);

    const narrow = sim.addAccount({ scopes: ['ReadAccounts', 'CallControl'] }).id;
    const narrowToken = (await login(sim, narrow)).access_token;
    const res = await api(sim, narrowToken, 'POST', '/restapi/oauth/wstoken');
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatchObject({ errorCode: 'CMN-401', permissionName: 'WebSocketsSubscription' });
  });

  it('recovers a dropped session with its wsc token: the notifications sent meanwhile arrive, in order, once', async () => {
    const first = await connect();
    const subscriptionId = await subscribeOver(first);
    const wsc = first.of('ConnectionDetails')[0][0].wsc.token;
    expect(sim.dropWebSockets(accountId)).toBe(1);
    expect(sim.stats().websockets.openByAccount).toEqual({});

    const played = await sim.play(accountId, 'outbound-answered');
    expect(sim.stats().websockets.buffered).toBe(played.delivered.length);

    const second = await connect(wsc);
    expect(second.of('ConnectionDetails')[0][1].recoveryState).toBe('Successful');
    const notes = await second.next((m) => m.type === 'ServerNotification', played.delivered.length);
    expect(notes.map(([, b]) => b.uuid)).toEqual(played.delivered.map((e) => e.uuid));
    expect(notes.every(([, b]) => b.subscriptionId === subscriptionId)).toBe(true);
    expect(sim.stats().websockets).toMatchObject({ recovered: 1, replayed: played.delivered.length, openByAccount: { [accountId]: 1 } });

    // Live again: the next call goes straight out on the recovered socket.
    const next = await sim.play(accountId, 'inbound-answered');
    await second.next((m) => m.type === 'ServerNotification', played.delivered.length + next.delivered.length);
  });

  it('keeps only the newest notifications beyond the recovery buffer, and fails recovery after the window', async () => {
    sim.setKnobs({ wsRecoveryBufferSize: 3 });
    const first = await connect();
    const subscriptionId = await subscribeOver(first);
    const wsc = first.of('ConnectionDetails')[0][0].wsc.token;
    sim.dropWebSockets();
    const played = await sim.play(accountId, 'inbound-answered');
    expect(played.delivered.length).toBeGreaterThan(3);
    const second = await connect(wsc);
    const notes = await second.next((m) => m.type === 'ServerNotification', 3);
    expect(notes.map(([, b]) => b.uuid)).toEqual(played.delivered.slice(-3).map((e) => e.uuid));
    expect(sim.stats().websockets.overflowed).toBe(played.delivered.length - 3);

    const wsc2 = second.of('ConnectionDetails')[0][0].wsc.token;
    sim.dropWebSockets();
    clock.advance(181_000);
    const third = await connect(wsc2);
    const [[details, limits]] = third.of('ConnectionDetails');
    expect(limits.recoveryState).toBe('Failed');
    expect(details.wsc.token).not.toBe(wsc2);
    // The old session's subscription died with it.
    expect(sim.subscriptions(accountId).find((s) => s.id === subscriptionId)?.deleted).toBe(true);
    expect((await third.request('g', 'GET', `/restapi/v1.0/subscription/${subscriptionId}`))[0].status).toBe(404);
  });

  it('applies the duplicate knob to WebSocket deliveries too', async () => {
    const client = await connect();
    await subscribeOver(client);
    sim.setKnobs({ duplicateRate: 1 });
    const played = await sim.play(accountId, 'inbound-answered');
    const notes = await client.next((m) => m.type === 'ServerNotification', played.events.length * 2);
    expect(new Set(notes.map(([, b]) => b.uuid)).size).toBe(played.events.length);
    expect(sim.stats().deliveries.duplicated).toBe(played.events.length);
  });
});

describe('RingCentral sim: WebSocket gateway with @ringcentral/subscriptions', () => {
  it('the real client subscribes, and after a dropped socket auto-recovers and gets what it missed', async () => {
    const sim = await startRingCentralSim({ seed: 9, defaultPaceMs: 1 });
    const accountId = sim.addAccount().id;
    const sdk = new SDK({ server: sim.url, clientId: sim.options.clientId, clientSecret: sim.options.clientSecret });
    const received: NotificationEnvelope[] = [];
    let revoke: (() => Promise<void>) | undefined;
    try {
      await sdk.platform().login({ jwt: sim.issueJwt(accountId) });
      const subscription = new Subscriptions({ sdk }).createSubscription().setEventFilters([ACCOUNT_SESSIONS_FILTER]);
      subscription.on(subscription.events.notification, (n: NotificationEnvelope) => received.push(n));
      // register() types the extension by its interface; it is the library's WebSocketExtension.
      const wse = (await subscription.register()).wse as unknown as Awaited<ReturnType<Subscriptions['newWsExtension']>>;
      revoke = () => wse.revoke();
      const recovered = new Promise((resolve) => wse.eventEmitter.once('autoRecoverSuccess', resolve));

      const before = await sim.play(accountId, 'inbound-answered');
      sim.dropWebSockets(accountId);
      const during = await sim.play(accountId, 'outbound-answered');
      await recovered;
      const after = await sim.play(accountId, 'missed');
      const expected = [...before.delivered, ...during.delivered, ...after.delivered].map((e) => e.uuid);
      for (let i = 0; i < 100 && received.length < expected.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received.map((n) => n.uuid)).toEqual(expected);
      expect(sim.stats().websockets).toMatchObject({ recovered: 1, openByAccount: { [accountId]: 1 } });
    } finally {
      await revoke?.();
      await sim.close();
    }
  });
});
