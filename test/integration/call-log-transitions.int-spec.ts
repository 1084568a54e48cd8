import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { CallLogRepository, type TimelineEntry } from '../../src/logging/call-log.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A call's state and the timeline entries that explain it are written in one statement, on the real schema: the
 * admin never sees a call logged, skipped or failed without the decisions behind it, even if the process dies right
 * after, and a state whose explanation could not be written is not written either.
 */
describe('call_logs transitions carry their timeline (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let callLogs: CallLogRepository;
  let accountId: string;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    callLogs = new CallLogRepository(dataSource);
    [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('t-1', 'h') RETURNING id`);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function leg(): Promise<string> {
    n++;
    const [{ id }] = await dataSource.query(
      `INSERT INTO call_logs (account_id, telephony_session_id, rc_extension_id, party_id, direction, kind, result, started_at, call_ended_at, status)
       VALUES ($1, $2, '101', 'p-1', 'Inbound', 'answered', 'Accepted', now() - interval '1 minute', now(), 'logging') RETURNING id`,
      [accountId, `s-${n}`],
    );
    return id;
  }

  async function stored(id: string): Promise<{ status: string; kinds: string[] }> {
    const [{ status }] = await dataSource.query('SELECT status FROM call_logs WHERE id = $1', [id]);
    const events: { kind: string }[] = await dataSource.query('SELECT kind FROM call_log_events WHERE call_log_id = $1 ORDER BY id', [id]);
    return { status, kinds: events.map((e) => e.kind) };
  }

  it('writes the entries gathered so far with the state, takes them out of the attempt, and later ones follow in order', async () => {
    const id = await leg();
    const timeline: TimelineEntry[] = [{ kind: 'attempt', detail: { attempt: 1 } }, { kind: 'contact' }, { kind: 'logged', detail: { crmLogId: 'act_1' } }];
    await callLogs.markLogged(id, { crmLogId: 'act_1', crmUserId: 'usr_1', ownerSource: 'admin' }, timeline);
    expect(timeline).toEqual([]);
    expect(await stored(id)).toEqual({ status: 'logged', kinds: ['attempt', 'contact', 'logged'] });

    timeline.push({ kind: 'plugin-async' });
    await callLogs.appendTimeline(id, timeline);
    expect((await stored(id)).kinds).toEqual(['attempt', 'contact', 'logged', 'plugin-async']);
  });

  it.each([
    ['skipped', (id: string, t: TimelineEntry[]) => callLogs.markSkipped(id, 'filtered', t)],
    ['failed', (id: string, t: TimelineEntry[]) => callLogs.markFailed(id, 'boom', 'no-owner', t)],
    ['pending', (id: string, t: TimelineEntry[]) => callLogs.markWaiting(id, 'CRM down', new Date(Date.now() + 60_000), undefined, t)],
  ])('a call %s carries the entries that explain it', async (status, transition) => {
    const id = await leg();
    const timeline: TimelineEntry[] = [{ kind: 'decision', detail: { why: status } }];
    await transition(id, timeline);
    expect(await stored(id)).toEqual({ status, kinds: ['decision'] });
  });

  it('changes nothing when the entries cannot be written, and keeps them for the attempt', async () => {
    const id = await leg();
    const timeline: TimelineEntry[] = [{ kind: 'contact' }, { kind: 'logged', at: new Date(Number.NaN) }];
    await expect(callLogs.markLogged(id, { crmLogId: 'act_2', crmUserId: 'usr_1', ownerSource: 'admin' }, timeline)).rejects.toThrow();
    expect(await stored(id)).toEqual({ status: 'logging', kinds: [] });
    expect(timeline.map((e) => e.kind)).toEqual(['contact', 'logged']);
  });
});
