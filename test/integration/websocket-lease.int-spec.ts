import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { WebsocketLeaseRepository } from '../../src/subscriptions/websocket-lease.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The WebSocket connection lease on the real PostgreSQL: one holder per account, takeover only after expiry. */
describe('WebsocketLeaseRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let leases: WebsocketLeaseRepository;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    leases = new WebsocketLeaseRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function newAccount(): Promise<string> {
    const [{ id }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id, enabled) VALUES ($1, 'h', true) RETURNING id`, [`80964${n++}`]);
    return id;
  }

  /** Moves the lease's expiry into the past, as if its holder had stopped renewing long ago. */
  async function expire(accountId: string): Promise<void> {
    await dataSource.query(`UPDATE websocket_leases SET expires_at = now() - interval '1 second' WHERE account_id = $1`, [accountId]);
  }

  it('two holders racing for one account: exactly one wins, many times over', async () => {
    for (let round = 0; round < 20; round++) {
      const accountId = await newAccount();
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => leases.tryAcquire(accountId, holder, 30_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const lease = await leases.findByAccount(accountId);
      expect(lease?.holderId).toBe(['a', 'b', 'c', 'd'][results.indexOf(true)]);
    }
  });

  it('the holder renews and re-acquires its own lease; another cannot take it before expiry', async () => {
    const accountId = await newAccount();
    expect(await leases.tryAcquire(accountId, 'a', 30_000)).toBe(true);
    const first = (await leases.findByAccount(accountId))!;
    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(false);
    expect(await leases.renew(accountId, 'b', 30_000)).toEqual({ held: false, reconnectRequested: false });
    expect(await leases.renew(accountId, 'a', 60_000)).toEqual({ held: true, reconnectRequested: false });
    expect(await leases.tryAcquire(accountId, 'a', 60_000)).toBe(true);
    const renewed = (await leases.findByAccount(accountId))!;
    expect(renewed).toMatchObject({ holderId: 'a', expired: false });
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
    expect(renewed.acquiredAt).toEqual(first.acquiredAt);
  });

  it('after expiry another holder takes over; the old holder can no longer renew and must let go', async () => {
    const accountId = await newAccount();
    expect(await leases.tryAcquire(accountId, 'a', 30_000)).toBe(true);
    await leases.recordState(accountId, 'a', 'connected', { rcSubscriptionId: 'sub-1' });
    await expire(accountId);
    expect((await leases.findByAccount(accountId))!.expired).toBe(true);

    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(true);
    expect(await leases.findByAccount(accountId)).toMatchObject({ holderId: 'b', state: 'connecting', expired: false });
    expect((await leases.renew(accountId, 'a', 30_000)).held).toBe(false);
    // A state written by the old holder after losing the lease is ignored.
    await leases.recordState(accountId, 'a', 'failed', { error: 'late' });
    expect(await leases.findByAccount(accountId)).toMatchObject({ holderId: 'b', state: 'connecting', lastError: null });
  });

  it('a reconnection asked for by any process reaches the holder once, at its next renewal', async () => {
    const accountId = await newAccount();
    await leases.requestReconnect(accountId);
    expect(await leases.tryAcquire(accountId, 'a', 30_000)).toBe(true);
    expect(await leases.renew(accountId, 'a', 30_000)).toEqual({ held: true, reconnectRequested: false });
    await leases.requestReconnect(accountId);
    expect(await leases.renew(accountId, 'b', 30_000)).toEqual({ held: false, reconnectRequested: false });
    expect(await leases.renew(accountId, 'a', 30_000)).toEqual({ held: true, reconnectRequested: true });
    expect(await leases.renew(accountId, 'a', 30_000)).toEqual({ held: true, reconnectRequested: false });
  });

  it('a released lease is free at once; only its holder can release it', async () => {
    const accountId = await newAccount();
    expect(await leases.tryAcquire(accountId, 'a', 30_000)).toBe(true);
    await leases.release(accountId, 'b');
    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(false);
    await leases.release(accountId, 'a');
    expect(await leases.findByAccount(accountId)).toBeUndefined();
    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(true);
  });

  it('a handed-over lease (shutdown) is free at once and keeps the gateway session for the next holder', async () => {
    const accountId = await newAccount();
    expect(await leases.tryAcquire(accountId, 'a', 30_000)).toBe(true);
    await leases.recordState(accountId, 'a', 'connected', { rcSubscriptionId: 'sub-9' });
    await leases.recordSession(accountId, 'a', 'wsc-1');
    await leases.recordSession(accountId, 'b', 'not-the-holder');
    await leases.handOver(accountId, 'b');
    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(false);
    await leases.handOver(accountId, 'a');
    expect(await leases.findByAccount(accountId)).toMatchObject({ holderId: 'a', expired: true, state: 'reconnecting', wscToken: 'wsc-1' });
    expect(await leases.tryAcquire(accountId, 'b', 30_000)).toBe(true);
    expect(await leases.findByAccount(accountId)).toMatchObject({ holderId: 'b', expired: false, state: 'connecting', wscToken: 'wsc-1', rcSubscriptionId: 'sub-9' });
  });

  it('records the connection state for the admin, and goes with its account', async () => {
    const accountId = await newAccount();
    await leases.tryAcquire(accountId, 'a', 30_000);
    await leases.recordState(accountId, 'a', 'reconnecting', { error: 'socket closed' });
    expect(await leases.findByAccount(accountId)).toMatchObject({ state: 'reconnecting', lastError: 'socket closed', rcSubscriptionId: null });
    await leases.recordState(accountId, 'a', 'connected', { rcSubscriptionId: 'sub-2' });
    expect(await leases.findByAccount(accountId)).toMatchObject({ state: 'connected', lastError: null, rcSubscriptionId: 'sub-2' });
    await dataSource.query('DELETE FROM accounts WHERE id = $1', [accountId]);
    expect(await leases.findByAccount(accountId)).toBeUndefined();
  });
});
