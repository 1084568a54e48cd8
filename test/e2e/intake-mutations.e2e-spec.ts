import { DEMO_NUMBERS } from '../../sim/crm';
import { Rng } from '../../sim/ringcentral/random';
import type { ExpectedLeg, PlayResult, SimAccount } from '../../sim/ringcentral/sim-types';
import { AdminClient, rcAccessToken } from '../support/admin-api';
import { fetchJson } from '../support/http';
import { callBuilder, type BuiltNotification } from '../support/notification-builder';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

const SEED = 14_014;
const CALLS = Number(process.env.MUTATION_CALLS ?? 200);
const MUTANTS = Number(process.env.MUTANTS ?? 1000);
const EXTERNAL_NUMBERS = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.london, DEMO_NUMBERS.unknown];

type Json = Record<string, any>;

/** Paths a mutation may touch: every field of a notification but the envelope's `uuid` and `subscriptionId`. */
const PATHS = [
  ['event'], ['timestamp'], ['ownerId'], ['body'], ['body', 'sequence'], ['body', 'sessionId'], ['body', 'telephonySessionId'],
  ['body', 'serverId'], ['body', 'eventTime'], ['body', 'origin'], ['body', 'origin', 'type'], ['body', 'parties'],
  ['body', 'parties', 0], ['body', 'parties', 0, 'id'], ['body', 'parties', 0, 'accountId'], ['body', 'parties', 0, 'extensionId'],
  ['body', 'parties', 0, 'direction'], ['body', 'parties', 0, 'from'], ['body', 'parties', 0, 'from', 'phoneNumber'],
  ['body', 'parties', 0, 'to'], ['body', 'parties', 0, 'to', 'name'], ['body', 'parties', 0, 'status'],
  ['body', 'parties', 0, 'status', 'code'], ['body', 'parties', 0, 'status', 'reason'], ['body', 'parties', 0, 'missedCall'],
  ['body', 'parties', 0, 'recordings'],
] as const;
const WRONG_TYPES = [42, -1, 2 ** 40, 1.5, true, null, [], ['x'], {}, { a: 1 }, '', 'text'];
const UNKNOWN_CODES = ['Screening', 'Ringing', 'Transferring', 'Queued', 'voicemailscreening', 'DISCONNECTED'];

/** Mutates a copy of `n` with 1 to 3 random changes (fields removed, wrong types, unknown codes and kinds, huge strings). */
function mutate(n: BuiltNotification, rng: Rng, i: number): Json {
  const copy: Json = structuredClone(n);
  copy.uuid = `mutant-${SEED}-${i}`;
  const changes = rng.int(1, 3);
  for (let c = 0; c < changes; c++) {
    const path = rng.pick(PATHS);
    const parent = path.slice(0, -1).reduce<Json | undefined>((o, k) => (o && typeof o === 'object' ? (o as Json)[k as string] : undefined), copy);
    if (!parent || typeof parent !== 'object') continue;
    const key = path[path.length - 1] as string;
    switch (rng.int(0, 5)) {
      case 0:
        delete parent[key];
        break;
      case 1:
        parent[key] = rng.pick(WRONG_TYPES);
        break;
      case 2: {
        const party = copy.body?.parties?.[0];
        if (party && typeof party === 'object') party.status = { ...(typeof party.status === 'object' ? party.status : {}), code: rng.pick(UNKNOWN_CODES) };
        break;
      }
      case 3:
        copy.event = rng.pick(['/restapi/v1.0/account/~/presence', '/restapi/v1.0/account/~/extension/~/message-store', '/restapi/v1.0/account/~/telephony/sessions/unknown-kind']);
        if (copy.body && typeof copy.body === 'object') copy.body.newKind = { unknown: true };
        break;
      case 4:
        parent[key] = 'x'.repeat(rng.pick([300, 5_000, 100_000]));
        break;
      default:
        parent[`unknown${rng.int(1, 99)}`] = { nested: [1, 'two', { three: 3 }] };
    }
  }
  if (rng.chance(0.02)) copy.uuid = `${copy.uuid}-${'u'.repeat(10_000)}`;
  return copy;
}

/**
 * Issue 14's "done when": a 200-call simulator run with 1,000 extra verified notifications whose bodies are mutated
 * at random (fixed seed). Every verified notification is answered 2xx, every good call is logged exactly once, the
 * broken ones are quarantined with a reason and listed for the admin, and nothing stays in the fold queue.
 */
describe('intake under 1,000 randomly mutated verified notifications (simulator e2e)', () => {
  let stack: Stack;
  let simAccount: SimAccount;
  let accountId: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ accountId, simAccount } = await onboard(stack));
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers every verified notification 2xx, logs every good call once, quarantines the broken ones with a reason', async () => {
    const subscription = stack.sim.subscriptions(simAccount.id)[0]!;
    const rng = new Rng(SEED);
    const templates = Array.from({ length: Math.ceil(MUTANTS / 5) }, () =>
      callBuilder(simAccount, subscription.id, { customerNumber: rng.pick(EXTERNAL_NUMBERS), agentId: rng.pick(simAccount.extensions.filter((e) => e.type === 'User')).id })
        .emit('customer', 'Setup').emit('agent', 'Proceeding').emit('agent', 'Answered').emit('agent', 'Disconnected').emit('customer', 'Disconnected')
        .notifications(),
    ).flat();
    const mutants = templates.slice(0, MUTANTS).map((n, i) => mutate(n, rng, i));

    const statuses: number[] = [];
    const sendMutants = async () => {
      let next = 0;
      const lane = async () => {
        while (next < mutants.length) {
          const body = mutants[next++]!;
          const res = await fetchJson(`${stack.app.url}/webhooks/ringcentral`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'Verification-Token': subscription.verificationToken! },
            body: JSON.stringify(body),
          });
          statuses.push(res.status);
        }
      };
      await Promise.all(Array.from({ length: 16 }, lane));
    };
    const [plays] = await Promise.all([stack.sim.playRandom(simAccount.id, CALLS, { rate: 50, externalNumbers: EXTERNAL_NUMBERS }), sendMutants()]);

    // Every verified notification answered 2xx: the mutants, and the simulator's deliveries.
    expect(statuses.filter((s) => s < 200 || s > 299)).toEqual([]);
    expect(statuses).toHaveLength(MUTANTS);
    const after = stack.sim.subscriptions(simAccount.id)[0]!;
    expect({ failed: after.failed, status: after.status }).toEqual({ failed: 0, status: 'Active' });

    // Every good call logged exactly once.
    await loggedOnce(plays as PlayResult[]);

    // Nothing left in the fold queue; the broken ones quarantined with a reason; none retried forever.
    const rows = await waitFor(async () => {
      const r = await stack.db.query(`SELECT uuid, folded_at, quarantined_at, quarantine_reason, fold_attempts FROM inbound_events WHERE account_id = $1 AND (uuid LIKE 'mutant-%' OR uuid LIKE 'sha256:%')`, [accountId]);
      return r.length === MUTANTS && r.every((x: { folded_at: Date | null; quarantined_at: Date | null }) => x.folded_at || x.quarantined_at) ? r : undefined;
    }, 60_000, 'every mutant folded or quarantined');
    const quarantined = rows.filter((r: { quarantined_at: Date | null }) => r.quarantined_at);
    if (process.env.DEBUG_MUTATIONS) console.log(JSON.stringify({ mutants: rows.length, quarantined: quarantined.length }));
    expect(quarantined.length).toBeGreaterThan(MUTANTS / 10);
    expect(rows.length - quarantined.length).toBeGreaterThan(MUTANTS / 10);
    expect(quarantined.filter((r: { quarantine_reason: string | null }) => !r.quarantine_reason)).toEqual([]);
    expect(Math.max(...rows.map((r: { fold_attempts: number }) => r.fold_attempts))).toBeLessThanOrEqual(5);
    const [{ n: unfolded }] = await stack.db.query('SELECT count(*)::int AS n FROM inbound_events WHERE folded_at IS NULL AND quarantined_at IS NULL');
    expect(unfolded).toBe(0);

    // Listed for the admin: every quarantined row of the account, page by page.
    const admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
    const listed: { uuid: string; reason: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin.get(`/admin/events/quarantined?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const [{ n: allQuarantined }] = await stack.db.query('SELECT count(*)::int AS n FROM inbound_events WHERE account_id = $1 AND quarantined_at IS NOT NULL', [accountId]);
    expect(listed).toHaveLength(allQuarantined);
    expect(new Set(listed.map((l) => l.uuid))).toEqual(new Set(quarantined.map((q: { uuid: string }) => q.uuid)));
    expect((await admin.get('/admin/subscription')).body.quarantinedEvents).toBe(allQuarantined);
  });

  async function loggedOnce(plays: PlayResult[]): Promise<void> {
    const legs: ExpectedLeg[] = plays.flatMap((p) => p.legs);
    const sessions = [...new Set(legs.map((l) => l.telephonySessionId))];
    const rows = await waitFor(async () => {
      const r = await stack.db.query('SELECT status, telephony_session_id, rc_extension_id, internal FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, sessions]);
      return r.length >= legs.length && r.every((x: { status: string }) => x.status === 'logged' || x.status === 'skipped' || x.status === 'failed') ? r : undefined;
    }, 120_000, `${legs.length} legs logged or skipped`);
    expect(rows).toHaveLength(legs.length);
    expect(rows.filter((r: { status: string }) => r.status === 'failed')).toEqual([]);
    const ids = new Set(legs.map((l) => `${l.telephonySessionId}:${l.extensionId}`));
    const activities = stack.crm.activities().filter((a) => ids.has(a.externalId)).map((a) => a.externalId).sort();
    const admitted = legs.filter((l) => !l.internal).map((l) => `${l.telephonySessionId}:${l.extensionId}`).sort();
    expect(activities).toEqual(admitted);
  }
});
