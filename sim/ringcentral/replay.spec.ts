import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRingCentralSim, type RingCentralSim } from './index';
import type { NotificationEnvelope } from './sim-types';
import { login, subscribe } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const FLOW: NotificationEnvelope[] = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/ringcentral/events/flow-inbound-pstn-via-ivr-to-extension-answered-hold-account-level.json'), 'utf8'),
);

describe('RingCentral sim: replaying the captured IVR flow', () => {
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    sim = await startRingCentralSim();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('delivers the fixture verbatim except for subscriptionId, ownerId and shifted times', async () => {
    // An account with the fixture's own ids, so nothing else needs rewriting.
    sim.addAccount({ id: '809646016', users: [{ id: '809646016', admin: true }], ivrMenus: [{ id: '62242421016' }] });
    const token = (await login(sim, '809646016')).access_token;
    const sub = (await subscribe(sim, token, receiver.url)).body;
    const before = Date.now();
    const result = await sim.replay('809646016', FLOW, sub.id);

    const got = receiver.notifications();
    expect(got).toHaveLength(11);
    expect(got.map((n) => n.uuid)).toEqual(FLOW.map((n) => n.uuid));
    expect(got.map((n) => n.event)).toEqual(FLOW.map((n) => n.event));
    expect(got.every((n) => n.subscriptionId === sub.id && n.ownerId === '809646016')).toBe(true);
    expect(got.map((n) => n.body.sequence)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(got.map((n) => n.body.parties)).toEqual(FLOW.map((n) => n.body.parties));
    // Times moved as one block: the gaps between events are unchanged and the flow ends about now.
    const gaps = (list: NotificationEnvelope[]) => list.map((n) => Date.parse(n.body.eventTime) - Date.parse(list[0].body.eventTime));
    expect(gaps(got)).toEqual(gaps(FLOW));
    expect(Date.parse(result.endTime)).toBeGreaterThanOrEqual(before);
  });

  it('rewrites ids into another account when asked', async () => {
    const account = sim.addAccount();
    const [user] = account.extensions.filter((e) => e.type === 'User');
    const ivr = account.extensions.find((e) => e.type === 'IvrMenu')!;
    const token = (await login(sim, account.id)).access_token;
    await subscribe(sim, token, receiver.url);
    const result = await sim.replay(account.id, FLOW, undefined, {
      rewriteIds: true,
      extensionMap: { '809646016': user.id, '62242421016': ivr.id },
    });

    const got = receiver.notifications();
    expect(got).toHaveLength(11);
    expect(got.some((n) => FLOW.some((f) => f.uuid === n.uuid))).toBe(false);
    const tsid = result.telephonySessionIds[0];
    expect(tsid).not.toBe(FLOW[0].body.telephonySessionId);
    expect(result.telephonySessionIds).toHaveLength(1);
    for (const n of got) {
      const p = n.body.parties[0];
      expect(n.body.telephonySessionId).toBe(tsid);
      expect(p.accountId).toBe(account.id);
      expect(p.id.startsWith(`p-${tsid.slice(2)}-`)).toBe(true);
      expect([undefined, user.id, ivr.id]).toContain(p.extensionId);
      expect(n.event).toBe(p.extensionId ? `/restapi/v1.0/account/${account.id}/extension/${p.extensionId}/telephony/sessions` : `/restapi/v1.0/account/${account.id}/telephony/sessions`);
    }
    expect(got.filter((n) => n.body.parties[0].extensionId === user.id).map((n) => n.body.parties[0].status.code)).toEqual([
      'Setup', 'Proceeding', 'Answered', 'Hold', 'Answered', 'Disconnected',
    ]);
  });
});
