import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { ServerLoggingSettingsRepository } from '../../src/accounts/server-logging-settings.repository';
import { CryptoService } from '../../src/common/crypto/crypto.service';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_ENCRYPTION_KEY, TEST_HASH_KEY } from '../support/test-app';

/**
 * A request that carried the old CRM key fails after the admin stored a new one: the account must not be paused for
 * it (the new key serves), while a refusal of the current key still pauses. Real PostgreSQL, real repositories.
 */
describe('pausing on refused credentials, against the stored settings version (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let accounts: AccountsRepository;
  let settings: ServerLoggingSettingsRepository;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    const crypto = new CryptoService(new ConfigService({ security: { encryptionKey: TEST_ENCRYPTION_KEY, hashKey: TEST_HASH_KEY } }) as never);
    accounts = new AccountsRepository(dataSource, crypto);
    settings = new ServerLoggingSettingsRepository(dataSource, crypto);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function newAccount(): Promise<string> {
    const [{ id }] = await dataSource.query(
      `INSERT INTO accounts (rc_account_id, hashed_account_id, enabled, connector_id) VALUES ($1, 'h', true, 'sample-crm') RETURNING id`,
      [`77001${n++}`],
    );
    return id;
  }

  const pausedReason = async (id: string) => (await accounts.findById(id))!.pausedReason;

  it('pauses when the refused credentials are the stored ones', async () => {
    const id = await newAccount();
    await settings.write(id, 'sample-crm', { apiKey: 'k1' });
    const { version, values } = await settings.readVersioned(id, 'sample-crm');
    expect(values).toEqual({ apiKey: 'k1' });
    expect(await accounts.pauseUnlessSettingsChanged(id, 'key refused', version)).toBe(true);
    expect(await pausedReason(id)).toBe('key refused');
  });

  it('does not pause when the admin stored new credentials after the request read its own, even within a millisecond', async () => {
    const id = await newAccount();
    await settings.write(id, 'sample-crm', { apiKey: 'k1' });
    const before = await settings.readVersioned(id, 'sample-crm');
    await settings.write(id, 'sample-crm', { apiKey: 'k2' });
    const after = await settings.readVersioned(id, 'sample-crm');
    expect(after.version).not.toBe(before.version);
    expect(await accounts.settingsChangedSince(id, before.version)).toBe(true);
    expect(await accounts.settingsChangedSince(id, after.version)).toBe(false);
    expect(await accounts.pauseUnlessSettingsChanged(id, 'old key refused', before.version)).toBe(false);
    expect(await pausedReason(id)).toBeNull();
    // The new key refused as well: that one pauses.
    expect(await accounts.pauseUnlessSettingsChanged(id, 'new key refused', after.version)).toBe(true);
    expect(await pausedReason(id)).toBe('new key refused');
  });

  it('a request made with no stored credentials: pauses while there are none, not once some were stored', async () => {
    const id = await newAccount();
    const none = await settings.readVersioned(id, 'sample-crm');
    expect(none).toEqual({ values: {}, version: null });
    await settings.write(id, 'sample-crm', { apiKey: 'k1' });
    expect(await accounts.pauseUnlessSettingsChanged(id, 'refused', none.version)).toBe(false);
    const other = await newAccount();
    expect(await accounts.pauseUnlessSettingsChanged(other, 'refused', null)).toBe(true);
  });

  it('settings stored for another connector of the account do not count', async () => {
    const id = await newAccount();
    await settings.write(id, 'sample-crm', { apiKey: 'k1' });
    const { version } = await settings.readVersioned(id, 'sample-crm');
    await settings.write(id, 'proxy', { token: 't' });
    expect(await accounts.pauseUnlessSettingsChanged(id, 'refused', version)).toBe(true);
  });
});
