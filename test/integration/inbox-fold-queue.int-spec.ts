import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { InboxRepository } from '../../src/subscriptions/inbox.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * inbound_events as the fold queue, on the real database: a claimed row is invisible to other workers while its
 * transaction lives, and back in the queue when the worker's connection dies (nothing acknowledged is lost); a row
 * whose fold keeps failing is quarantined after the last attempt, not retried forever.
 */
describe('inbox fold queue (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let inbox: InboxRepository;
  let accountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    inbox = new InboxRepository(dataSource);
    [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('q-1', 'h') RETURNING id`);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function addRows(n: number, prefix: string): Promise<string[]> {
    const rows: { id: string }[] = await dataSource.query(
      `INSERT INTO inbound_events (uuid, account_id, payload) SELECT $2 || g, $1, '{}'::jsonb FROM generate_series(1, $3) g RETURNING id`,
      [accountId, prefix, n],
    );
    return rows.map((r) => String(r.id));
  }

  /** Rows of ~1 KB whose places in the table are in random order of their ids. */
  async function addScatteredRows(n: number, prefix: string, folded: boolean): Promise<string[]> {
    const rows: { id: string }[] = await dataSource.query(
      `INSERT INTO inbound_events (id, uuid, account_id, payload, folded_at)
         SELECT id, $2 || id, $1, jsonb_build_object('pad', repeat('x', 1000)), CASE WHEN $4 THEN now() END
           FROM (SELECT nextval('inbound_events_id_seq') AS id FROM generate_series(1, $3)) s ORDER BY random()
       RETURNING id`,
      [accountId, prefix, n, folded],
    );
    return rows.map((r) => String(r.id));
  }

  async function unfoldedIds(): Promise<string[]> {
    const rows: { id: string }[] = await dataSource.query('SELECT id FROM inbound_events WHERE folded_at IS NULL AND quarantined_at IS NULL ORDER BY id');
    return rows.map((r) => String(r.id));
  }

  it('hides claimed rows from other workers, and gives them back when the claiming worker dies', async () => {
    const ids = await addRows(4, 'crash-');
    // Worker A claims two rows on its own connection and "dies" before committing.
    const workerA = new Client({ connectionString: db.url });
    await workerA.connect();
    workerA.on('error', () => undefined);
    await workerA.query('BEGIN');
    const { rows: claimedByA } = await workerA.query(
      `SELECT id FROM inbound_events WHERE folded_at IS NULL AND quarantined_at IS NULL ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED`,
    );
    expect(claimedByA.map((r) => String(r.id))).toEqual(ids.slice(0, 2));

    const seenByB = await dataSource.transaction((tx) => inbox.claim(tx, 10));
    expect(seenByB.map((r) => r.id)).toEqual(ids.slice(2));

    const [{ pid }] = (await workerA.query('SELECT pg_backend_pid() AS pid')).rows;
    await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await workerA.end().catch(() => undefined);

    const afterCrash = await dataSource.transaction(async (tx) => {
      const rows = await inbox.claim(tx, 10);
      await inbox.markFolded(tx, rows.map((r) => r.id));
      return rows;
    });
    expect(afterCrash.map((r) => r.id)).toEqual(ids);
    expect(await dataSource.transaction((tx) => inbox.claim(tx, 10))).toEqual([]);
  });

  it('backs off a row whose fold fails, and quarantines it at the last attempt', async () => {
    const [id] = await addRows(1, 'failing-');
    for (let attempt = 1; attempt < 3; attempt++) {
      expect(await inbox.recordFailure(id!, 'TypeError: boom', 3)).toEqual({ attempts: attempt, quarantined: false });
      // Not claimable during its backoff.
      expect(await dataSource.transaction((tx) => inbox.claim(tx, 10, id))).toEqual([]);
      await dataSource.query('UPDATE inbound_events SET fold_after = now() WHERE id = $1', [id]);
      expect((await dataSource.transaction((tx) => inbox.claim(tx, 10, id))).map((r) => r.id)).toEqual([id]);
    }
    expect(await inbox.recordFailure(id!, 'TypeError: boom', 3)).toEqual({ attempts: 3, quarantined: true });
    const [row] = await dataSource.query('SELECT quarantined_at, quarantine_reason FROM inbound_events WHERE id = $1', [id]);
    expect(row).toMatchObject({ quarantined_at: expect.any(Date), quarantine_reason: 'fold failed 3 times: TypeError: boom' });
    await dataSource.query('UPDATE inbound_events SET fold_after = now() WHERE id = $1', [id]);
    expect(await dataSource.transaction((tx) => inbox.claim(tx, 10, id))).toEqual([]);
  });

  it('claims from a backlog the statistics have not seen by reading only the rows it claims, oldest first', async () => {
    // The state a burst (or the catch-up after an outage) meets: the last ANALYZE saw an inbox with a handful of rows
    // to fold, and folding has scattered the rows' versions over the table (each fold is an UPDATE), so the planner
    // expects few unfolded rows and sees no order between id and the rows' places.
    await addScatteredRows(3000, 'seen-folded-', true);
    await addScatteredRows(5, 'seen-unfolded-', false);
    await dataSource.query('ANALYZE inbound_events');
    const backlog = await addScatteredRows(6000, 'backlog-', false);
    const oldest = [...(await unfoldedIds())].slice(0, 64);

    // Rows this backend has read from the table (counted until its statistics are next flushed): before and after.
    const rowsReadSoFar = async (tx: EntityManager): Promise<number> => {
      const [reads] = await tx.query(`SELECT seq_tup_read + idx_tup_fetch AS n FROM pg_stat_xact_user_tables WHERE relname = 'inbound_events'`);
      return Number(reads.n);
    };
    const { claimed, rowsRead } = await dataSource.transaction(async (tx) => {
      const before = await rowsReadSoFar(tx);
      const claimed = await inbox.claim(tx, 64);
      return { claimed, rowsRead: (await rowsReadSoFar(tx)) - before };
    });
    expect(claimed.map((r) => r.id)).toEqual(oldest);
    // An ordered walk of the unfolded rows' index that stops at the limit, not every unfolded row read and sorted.
    expect(rowsRead).toBeLessThan(200);
    await dataSource.query('UPDATE inbound_events SET folded_at = now() WHERE id = ANY($1::bigint[]) OR uuid LIKE $2', [backlog, 'seen-unfolded-%']);
  });

  it('quarantines rows with their reasons, bounded in length', async () => {
    const [a, b] = await addRows(2, 'reasons-');
    await dataSource.transaction((tx) => inbox.quarantine(tx, [{ id: a!, reason: 'body.sequence: must be an integer' }, { id: b!, reason: 'x'.repeat(5000) }]));
    const rows = await dataSource.query('SELECT id, quarantine_reason FROM inbound_events WHERE id = ANY($1::bigint[]) ORDER BY id', [[a, b]]);
    expect(rows[0].quarantine_reason).toBe('body.sequence: must be an integer');
    expect(rows[1].quarantine_reason.length).toBeLessThan(1100);
  });
});
