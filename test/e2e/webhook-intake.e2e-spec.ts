import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { KEEP_ALIVE_SECONDS } from '../../src/bootstrap';
import { hashVerificationToken } from '../../src/subscriptions/subscription.service';
import { fetchJson } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const FLOW = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/ringcentral/events/flow-inbound-pstn-via-ivr-to-extension-answered-hold-account-level.json'), 'utf8'),
) as { uuid: string; subscriptionId: string; body: { telephonySessionId: string } }[];
const RC_SUBSCRIPTION_ID = FLOW[0]!.subscriptionId;
const TOKEN = 'verification-token-of-the-test-subscription';

describe('POST /webhooks/ringcentral', () => {
  let t: TestApp;
  let db: DataSource;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp({ SESSION_QUIET_SECONDS: '0.5' });
    db = t.app.get(DataSource);
    [{ id: accountId }] = await db.query(`INSERT INTO accounts (rc_account_id, hashed_account_id, enabled) VALUES ('809646016', 'h', true) RETURNING id`);
    await db.query(
      `INSERT INTO subscriptions (account_id, rc_subscription_id, event_filters, status, verification_token_hash, expires_at)
       VALUES ($1, $2, '[]', 'Active', $3, now() + interval '7 days')`,
      [accountId, RC_SUBSCRIPTION_ID, hashVerificationToken(TOKEN)],
    );
    // The directory the fold consults: the IVR menu and the user of the capture (docs/ringcentral.md §3.6).
    await db.query(
      `INSERT INTO rc_extensions (account_id, extension_id, extension_number, type, name) VALUES ($1, '62242421016', '1001', 'IvrMenu', 'IVR Menu 1001'), ($1, '809646016', '101', 'User', 'TESTER Babji')`,
      [accountId],
    );
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown, headers: Record<string, string> = { 'Verification-Token': TOKEN }) =>
    fetchJson(`${t.url}/webhooks/ringcentral`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  async function storedCount(): Promise<number> {
    return (await db.query('SELECT count(*)::int AS n FROM inbound_events'))[0].n;
  }

  it('echoes the Validation-Token handshake in the same response, with a small body', async () => {
    const res = await fetch(`${t.url}/webhooks/ringcentral`, { method: 'POST', headers: { 'Validation-Token': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('validation-token')).toBe('abc-123');
    expect((await res.text()).length).toBeLessThan(100);
  });

  it('keeps idle connections longer than load balancers do (KEEP_ALIVE_SECONDS), on the webhook and on the API', async () => {
    const hints = await Promise.all(
      [
        { method: 'POST', path: '/webhooks/ringcentral', headers: { 'Validation-Token': 'abc-123' } },
        { method: 'GET', path: '/health', headers: {} },
      ].map(
        ({ method, path, headers }) =>
          new Promise<string | undefined>((resolve, reject) => {
            const agent = new Agent({ keepAlive: true });
            request(`${t.url}${path}`, { method, headers, agent }, (res) => {
              res.resume();
              res.on('end', () => (agent.destroy(), resolve(String(res.headers['keep-alive']))));
            })
              .on('error', reject)
              .end();
          }),
      ),
    );
    expect(hints).toEqual([`timeout=${KEEP_ALIVE_SECONDS}`, `timeout=${KEEP_ALIVE_SECONDS}`]);
    expect(KEEP_ALIVE_SECONDS).toBeGreaterThan(60);
  });

  it('answers 401 and stores nothing when the Verification-Token is wrong or missing', async () => {
    const before = await storedCount();
    expect((await post(FLOW[0], { 'Verification-Token': 'wrong' })).status).toBe(401);
    expect((await post(FLOW[0], {})).status).toBe(401);
    expect((await post({ ...FLOW[0], subscriptionId: 'unknown-subscription' })).status).toBe(401);
    expect(await storedCount()).toBe(before);
  });

  it('answers 400 naming the field for a body that is not a notification', async () => {
    const res = await post({ hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: expect.any(String) });
    const notJson = await post('{not json', { 'Verification-Token': TOKEN, 'X-Correlation-Id': 'rc-delivery-7' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: '$', correlationId: 'rc-delivery-7' });
    expect(notJson.headers.get('x-correlation-id')).toBe('rc-delivery-7');
  });

  it('answers GET and other paths through the application as before (404 with a code)', async () => {
    expect((await fetchJson(`${t.url}/webhooks/ringcentral`)).body.error.code).toBe('NOT_FOUND');
    expect((await post(FLOW[0], { 'Verification-Token': TOKEN, 'X-Unused': '1' })).status).toBe(200);
    expect((await fetchJson(`${t.url}/webhooks/ringcentral?probe=1`, { method: 'POST', headers: { 'Validation-Token': 'q' } })).headers.get('validation-token')).toBe('q');
  });

  it('answers 413 above 1 MiB and stores nothing', async () => {
    const before = await storedCount();
    const res = await post({ ...FLOW[0], padding: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedCount()).toBe(before);
  });

  it('replays the real IVR capture, shuffled and with duplicates: one ended leg, for the user, none for the IVR', async () => {
    const deliveries = [...FLOW, ...FLOW.slice(3, 8)].reverse();
    const answers = await Promise.all(deliveries.map((n) => post(n)));
    expect(answers.map((a) => a.status)).toEqual(deliveries.map(() => 200));
    expect(await storedCount()).toBe(FLOW.length);

    const legs = await waitFor(async () => {
      const rows = await db.query('SELECT * FROM call_logs WHERE account_id = $1', [accountId]);
      return rows.length ? rows : undefined;
    });
    // Give any wrongly scheduled second leg time to appear before asserting there is exactly one.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await db.query('SELECT * FROM call_logs WHERE account_id = $1', [accountId]);
    expect(all).toHaveLength(1);
    expect(legs[0]).toMatchObject({
      telephony_session_id: FLOW[0]!.body.telephonySessionId,
      rc_extension_id: '809646016',
      direction: 'Inbound',
      kind: 'answered',
      result: 'Accepted',
      other_number: '+14083388064',
      talk_seconds: 12,
    });
    // Due for logging: the log job may already have claimed it (this account has no CRM set up, so it goes no further).
    expect(['pending', 'logging']).toContain(legs[0].status);
    const sub = (await db.query('SELECT last_event_at FROM subscriptions WHERE account_id = $1', [accountId]))[0];
    expect(sub.last_event_at).not.toBeNull();
  });
});
