import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import type { RecordLeg } from '../../src/logging/call-record-legs';
import { CallLogSyncRepository } from '../../src/logging/call-log-sync.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * What the call-log sync asks the database before it reconciles a record's leg, on the real schema: has the events
 * path decided this leg (a row, or the person's party went Gone into another session), and is any of the session's
 * notifications still waiting to be folded (then it is too early to tell).
 */
describe('call-log sync: decided legs and unfolded sessions (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repository: CallLogSyncRepository;
  let accountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    repository = new CallLogSyncRepository(dataSource);
    [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('s-1', 'h1') RETURNING id`);
    [{ id: otherAccountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('s-2', 'h2') RETURNING id`);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const leg = (telephonySessionId: string, extensionId: string) => ({ telephonySessionId, extensionId }) as RecordLeg;

  async function party(account: string, tsid: string, partyId: string, extensionId: string, statusCode: string): Promise<void> {
    await dataSource.query(
      `INSERT INTO call_parties (account_id, telephony_session_id, party_id, extension_id, last_sequence, status_code, state) VALUES ($1, $2, $3, $4, 1, $5, '{}')`,
      [account, tsid, partyId, extensionId, statusCode],
    );
  }

  it("counts a person whose party went Gone as decided, in that session and account only", async () => {
    await party(accountId, 'conf-origin', 'p-1', '101', 'Gone');
    await party(accountId, 'conf-origin', 'p-2', '102', 'Disconnected');
    await party(otherAccountId, 'other-account', 'p-1', '101', 'Gone');
    const decided = await repository.decided(dataSource.manager, accountId, [leg('conf-origin', '101'), leg('conf-origin', '102'), leg('other-account', '101'), leg('elsewhere', '101')]);
    expect([...decided]).toEqual(['conf-origin|101']);
  });

  it('names the sessions with a notification not yet folded (neither folded nor quarantined), in that account only', async () => {
    await dataSource.query(
      `INSERT INTO inbound_events (uuid, account_id, telephony_session_id, payload, folded_at, quarantined_at) VALUES
         ('u-1', $1, 'waiting', '{}', NULL, NULL),
         ('u-2', $1, 'folded', '{}', now(), NULL),
         ('u-3', $1, 'quarantined', '{}', NULL, now()),
         ('u-4', $2, 'other-account', '{}', NULL, NULL)`,
      [accountId, otherAccountId],
    );
    const unfolded = await repository.unfoldedSessions(dataSource.manager, accountId, ['waiting', 'folded', 'quarantined', 'other-account', 'never-seen']);
    expect([...unfolded]).toEqual(['waiting']);
    expect(await repository.unfoldedSessions(dataSource.manager, accountId, [])).toEqual(new Set());
  });
});
