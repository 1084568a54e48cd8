import { DEMO_NUMBERS } from '../../sim/crm';
import type { SimAccount } from '../../sim/ringcentral/sim-types';
import { AdminClient, rcAccessToken } from '../support/admin-api';
import { fetchJson } from '../support/http';
import { callBuilder } from '../support/notification-builder';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

/**
 * Issue 14 (intake) and the webhook part of issue 16: a verified notification is stored and acknowledged whatever
 * its body holds; what cannot be folded is quarantined with its reason, listed for the admin and can be folded again;
 * hostile bodies never get a 5xx and never hold up the innocent notifications sent with them.
 */
describe('intake: accept what is verified, quarantine what cannot be folded (simulator e2e)', () => {
  let stack: Stack;
  let simAccount: SimAccount;
  let accountId: string;
  let subscriptionId: string;
  let token: string;
  let admin: AdminClient;

  beforeAll(async () => {
    stack = await startStack();
    ({ accountId, simAccount } = await onboard(stack));
    const subscription = stack.sim.subscriptions(simAccount.id)[0]!;
    subscriptionId = subscription.id;
    token = subscription.verificationToken!;
    admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
  });

  afterAll(async () => {
    await stack.close();
  });

  const post = (body: unknown, verificationToken: string | null = token) =>
    fetchJson(`${stack.app.url}/webhooks/ringcentral`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(verificationToken ? { 'Verification-Token': verificationToken } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** The inbox rows of these uuids once every one is folded or quarantined. */
  async function settledRows(uuids: string[]) {
    return waitFor(async () => {
      const rows = await stack.db.query(
        'SELECT uuid, folded_at, quarantined_at, quarantine_reason, fold_attempts FROM inbound_events WHERE account_id = $1 AND uuid = ANY($2)',
        [accountId, uuids],
      );
      return rows.length === uuids.length && rows.every((r: { folded_at: Date | null; quarantined_at: Date | null }) => r.folded_at || r.quarantined_at) ? rows : undefined;
    }, 30_000, `${uuids.length} notifications folded or quarantined`);
  }

  const legsOf = (telephonySessionId: string) => stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2', [accountId, telephonySessionId]);

  it('(a) stores an unknown status code (Screening) with 200, folds it, and logs the call only once a known final status arrives', async () => {
    const call = callBuilder(simAccount, subscriptionId, { customerNumber: DEMO_NUMBERS.jane });
    call.emit('customer', 'Setup').emit('agent', 'Proceeding').emit('agent', 'Screening');
    const first = call.notifications();
    const answers = await Promise.all(first.map((n) => post(n)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const rows = await settledRows(first.map((n) => n.uuid));
    expect(rows.every((r: { folded_at: Date | null }) => r.folded_at !== null)).toBe(true);
    const [party] = await stack.db.query(`SELECT status_code FROM call_parties WHERE account_id = $1 AND telephony_session_id = $2 AND extension_id IS NOT NULL`, [accountId, call.telephonySessionId]);
    expect(party.status_code).toBe('Screening');
    // Folded, and the leg is not there: the fold that would record it has committed.
    expect(await legsOf(call.telephonySessionId)).toHaveLength(0);

    call.emit('agent', 'Answered').emit('agent', 'Disconnected').emit('customer', 'Disconnected');
    const rest = call.notifications().slice(3);
    expect((await Promise.all(rest.map((n) => post(n)))).map((a) => a.status)).toEqual([200, 200, 200]);
    const [leg] = await waitFor(async () => {
      const legs = await legsOf(call.telephonySessionId);
      return legs.length && legs[0].status === 'logged' ? legs : undefined;
    }, 30_000, 'the call logged');
    expect(leg).toMatchObject({ kind: 'answered', rc_extension_id: call.agent.id });
    expect(await legsOf(call.telephonySessionId)).toHaveLength(1);
  });

  it('(b) stores a notification whose party has no from/to with 200 and folds it without error', async () => {
    const call = callBuilder(simAccount, subscriptionId);
    call.emit('agent', 'Proceeding', { from: undefined, to: undefined }).emit('agent', 'Disconnected', { from: undefined, to: undefined });
    const notifications = call.notifications().map((n) => ({ ...n, body: { ...n.body, parties: n.body.parties.map(({ from: _f, to: _t, ...p }) => p) } }));
    expect((await Promise.all(notifications.map((n) => post(n)))).map((a) => a.status)).toEqual([200, 200]);
    const rows = await settledRows(notifications.map((n) => n.uuid));
    expect(rows.map((r: { quarantined_at: Date | null }) => r.quarantined_at)).toEqual([null, null]);
    const legs = await waitFor(async () => ((await legsOf(call.telephonySessionId)).length ? legsOf(call.telephonySessionId) : undefined));
    expect(legs[0]).toMatchObject({ kind: 'missed', other_number: null });
  });

  it('(c) quarantines what cannot be folded, with the reason, lists it for the admin, folds the rest; refold folds it again', async () => {
    const good = callBuilder(simAccount, subscriptionId, { customerNumber: DEMO_NUMBERS.john });
    good.emit('customer', 'Setup').emit('agent', 'Proceeding').emit('agent', 'Answered').emit('agent', 'Disconnected').emit('customer', 'Disconnected');
    const other = callBuilder(simAccount, subscriptionId);
    other.emit('customer', 'Setup').emit('agent', 'Proceeding');
    const [setup, proceeding] = other.notifications();
    const broken = [
      { ...setup!, body: { ...setup!.body, parties: [{ ...setup!.body.parties[0], direction: 'Sideways' }] } },
      { ...proceeding!, body: { ...proceeding!.body, sequence: 'three' } },
      { ...proceeding!, uuid: `${proceeding!.uuid}-no-session`, body: { ...proceeding!.body, telephonySessionId: undefined } },
    ];
    const all = [...good.notifications(), ...broken];
    const answers = await Promise.all(all.map((n) => post(n)));
    expect(answers.map((a) => a.status)).toEqual(all.map(() => 200));
    const rows = await settledRows(all.map((n) => n.uuid));
    const quarantined = rows.filter((r: { quarantined_at: Date | null }) => r.quarantined_at);
    expect(quarantined.map((r: { quarantine_reason: string }) => r.quarantine_reason).sort()).toEqual([
      'body.parties[0].direction: must be Inbound or Outbound',
      'body.sequence: must be an integer from 0 to 2147483647',
      'body.telephonySessionId: must be a non-empty string',
    ]);
    await waitFor(async () => ((await legsOf(good.telephonySessionId))[0]?.status === 'logged' ? true : undefined), 30_000, 'the good call logged');

    const subscription = await admin.get('/admin/subscription');
    expect(subscription.body.quarantinedEvents).toBeGreaterThanOrEqual(3);
    const page = await admin.get('/admin/events/quarantined?limit=200');
    expect(page.status).toBe(200);
    const listed = page.body.items.filter((i: { uuid: string }) => broken.some((b) => b.uuid === i.uuid));
    expect(listed).toHaveLength(3);
    expect(listed.find((i: { uuid: string }) => i.uuid === broken[0]!.uuid)).toEqual({
      id: expect.any(String),
      uuid: broken[0]!.uuid,
      telephonySessionId: other.telephonySessionId,
      reason: expect.stringContaining(': '),
      receivedAt: expect.any(String),
      quarantinedAt: expect.any(String),
      foldAttempts: 0,
    });
    const first = await admin.get('/admin/events/quarantined?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await admin.get(`/admin/events/quarantined?limit=1&cursor=${first.body.nextCursor}`);
    expect(Number(second.body.items[0].id)).toBeLessThan(Number(first.body.items[0].id));
    expect((await admin.get('/admin/events/quarantined?limit=1000')).status).toBe(400);
    expect((await admin.get('/admin/events/quarantined?cursor=abc')).body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });

    // "After an upgrade": the row is now readable (here: repaired in place); refold folds it, the others come back.
    await stack.db.query(`UPDATE inbound_events SET payload = jsonb_set(payload::jsonb, '{body,parties,0,direction}', '"Outbound"')::text WHERE uuid = $1`, [broken[0]!.uuid]);
    const refold = await admin.post('/admin/events/quarantined/refold');
    expect(refold.status).toBe(200);
    expect(refold.body.requeued).toBeGreaterThanOrEqual(3);
    const after = await settledRows(broken.map((b) => b.uuid));
    const byUuid = new Map(after.map((r: { uuid: string }) => [r.uuid, r]));
    expect(byUuid.get(broken[0]!.uuid)).toMatchObject({ quarantined_at: null, folded_at: expect.any(Date) });
    expect(byUuid.get(broken[1]!.uuid)).toMatchObject({ quarantined_at: expect.any(Date), quarantine_reason: expect.stringContaining('body.sequence') });
  });

  it('(d) hostile bodies never get a 5xx; the 99 innocent notifications sent with them are all stored and folded', async () => {
    const base = callBuilder(simAccount, subscriptionId).emit('agent', 'Proceeding').notifications()[0]!;
    const party = base.body.parties[0]!;
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const hostile: { body: string | object; verified: boolean }[] = [];
    for (const verified of [true, false]) {
      const tag = verified ? 'v' : 'u';
      hostile.push(
        { verified, body: { ...base, uuid: `${tag}-nul-sub`, subscriptionId: `${subscriptionId}\u0000` } },
        { verified, body: { ...base, uuid: `${tag}-nul-body`, body: { ...base.body, parties: [{ ...party, to: { name: 'a\u0000b' } }] } } },
        { verified, body: { ...base, uuid: `${tag}-surrogate`, body: { ...base.body, parties: [{ ...party, to: { name: 'x\ud800' } }] } } },
        { verified, body: { ...base, uuid: `${tag}-surrogate-key\udc00` } },
        { verified, body: `{"uuid":"${tag}-deep","subscriptionId":"${subscriptionId}","body":${deep(20_000)}}` },
        { verified, body: deep(20_000) },
        { verified, body: { ...base, uuid: `${tag}-${'u'.repeat(10_000)}` } },
        { verified, body: { ...base, uuid: `${tag}-long-session`, body: { ...base.body, telephonySessionId: `s-${'x'.repeat(4_000)}` } } },
        { verified, body: { ...base, uuid: `${tag}-long-party`, body: { ...base.body, parties: [{ ...party, id: `p-${'x'.repeat(4_000)}` }] } } },
        { verified, body: `{"uuid":"${tag}-big-number","subscriptionId":"${subscriptionId}","n":1e999999}` },
        { verified, body: { uuid: `${tag}-no-body`, subscriptionId } },
        // A number JavaScript reads as 0 but PostgreSQL's numeric refuses (more than 16,383 fractional digits):
        // it fails the batch statement, whose rows are then written one by one.
        { verified, body: `{"uuid":"${tag}-long-fraction","subscriptionId":"${subscriptionId}","n":0.${'0'.repeat(20_000)}1}` },
      );
    }
    const innocent = Array.from({ length: 33 }, () => callBuilder(simAccount, subscriptionId).emit('customer', 'Setup').emit('agent', 'Proceeding').emit('agent', 'Disconnected'))
      .flatMap((c) => c.notifications());
    expect(innocent).toHaveLength(99);
    const requests = [...hostile.map((h) => ({ ...h, innocent: false })), ...innocent.map((body) => ({ body, verified: true, innocent: true }))].sort(() => 0.5 - Math.random());
    const answers = await Promise.all(requests.map((r) => post(r.body, r.verified ? token : null).then((res) => ({ ...r, status: res.status, error: res.body?.error }))));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.innocent && a.status !== 200)).toEqual([]);
    for (const a of answers.filter((x) => !x.innocent)) {
      // Not an envelope: 400 whoever sends it. An envelope: 200 with the token, 401 without (unknown/unstorable subscription: 401 too).
      const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const envelope = !text.startsWith('[');
      const knownSubscription = !text.includes(`${subscriptionId}\\u0000`);
      const expected = !envelope ? 400 : a.verified && knownSubscription ? 200 : 401;
      expect({ body: text.slice(0, 60), status: a.status }).toEqual({ body: text.slice(0, 60), status: expected });
    }
    const innocentRows = await settledRows(innocent.map((n) => n.uuid));
    expect(innocentRows.filter((r: { folded_at: Date | null }) => !r.folded_at)).toEqual([]);
    // The verified hostile ones were stored, and quarantined when folded, with a reason.
    const stored = await waitFor(async () => {
      const rows = await stack.db.query(`SELECT uuid, folded_at, quarantined_at, quarantine_reason FROM inbound_events WHERE account_id = $1 AND (uuid LIKE 'v-%' OR uuid LIKE 'sha256:%')`, [accountId]);
      return rows.length >= 10 && rows.every((r: { folded_at: Date | null; quarantined_at: Date | null }) => r.folded_at || r.quarantined_at) ? rows : undefined;
    }, 30_000, 'the verified hostile notifications stored and judged');
    expect(stored.filter((r: { quarantined_at: Date | null }) => !r.quarantined_at)).toEqual([]);
    expect(stored.every((r: { quarantine_reason: string }) => r.quarantine_reason.length > 0)).toBe(true);
    expect((await fetchJson(`${stack.app.url}/health`)).status).toBe(200);
  });

  it('(e) folds the stored text as received; a stored row that is not JSON (written by other means) is quarantined alone', async () => {
    const call = callBuilder(simAccount, subscriptionId, { customerNumber: DEMO_NUMBERS.jane });
    call.emit('customer', 'Setup').emit('agent', 'Proceeding');
    const [setup, proceeding] = call.notifications();
    // Spacing and key order as a sender may have them: stored as sent, folded from that text.
    const spaced = JSON.stringify(Object.fromEntries(Object.entries(proceeding!).reverse()), null, 3);
    expect((await post(setup)).status).toBe(200);
    expect((await post(spaced)).status).toBe(200);
    await stack.db.query(`INSERT INTO inbound_events (uuid, account_id, payload) VALUES ('not-json-1', $1, '{"body": ')`, [accountId]);
    const rows = await settledRows([setup!.uuid, proceeding!.uuid, 'not-json-1']);
    const byUuid = new Map(rows.map((r: { uuid: string }) => [r.uuid, r]));
    expect(byUuid.get('not-json-1')).toMatchObject({ quarantined_at: expect.any(Date), quarantine_reason: 'the stored notification is not JSON' });
    expect(byUuid.get(proceeding!.uuid)).toMatchObject({ folded_at: expect.any(Date), quarantined_at: null });
    const [{ payload }] = await stack.db.query('SELECT payload FROM inbound_events WHERE uuid = $1', [proceeding!.uuid]);
    expect(payload).toBe(spaced);
    const parties = await stack.db.query('SELECT status_code FROM call_parties WHERE account_id = $1 AND telephony_session_id = $2 ORDER BY status_code', [accountId, call.telephonySessionId]);
    expect(parties.map((p: { status_code: string }) => p.status_code)).toEqual(['Proceeding', 'Setup']);
  });
});
