import type { CryptoService } from '../common/crypto/crypto.service';
import type { ConnectorContext, ConnectorRegistry, CrmConnector } from '../connectors';
import type { AccountRow } from './account.types';
import { ConnectorSessionService } from './connector-session.service';
import type { ServerLoggingSettingsRepository } from './server-logging-settings.repository';

function setup() {
  const stored = { apiKey: 'old-key' };
  const reads: Array<() => void> = [];
  let holdReads = false;
  const settings = {
    readVersioned: async () => {
      const snapshot = { ...stored };
      if (holdReads) await new Promise<void>((resolve) => reads.push(resolve));
      return { values: snapshot, version: snapshot.apiKey };
    },
  } as unknown as ServerLoggingSettingsRepository;
  const connector = {
    manifest: () => ({}),
    getServerLoggingSettings: async (ctx: ConnectorContext) => ({ ...ctx.serverLoggingSettings }),
    getAuthHeader: (_ctx: ConnectorContext, values: Record<string, string>) => `Bearer ${values.apiKey}`,
  } as unknown as CrmConnector;
  const registry = { get: () => connector } as unknown as ConnectorRegistry;
  const sessions = new ConnectorSessionService(registry, settings, {} as CryptoService);
  const account = { id: 'acc-1', rcAccountId: 'rc-1', hashedAccountId: 'h', connectorId: 'sample-crm', connectorConfig: {} } as unknown as AccountRow;
  return {
    sessions,
    account,
    stored,
    hold: () => (holdReads = true),
    release: () => {
      holdReads = false;
      reads.splice(0).forEach((resolve) => resolve());
    },
  };
}

describe('ConnectorSessionService', () => {
  it('reads the credentials once and serves them from memory until invalidated', async () => {
    const { sessions, account, stored } = setup();
    expect((await sessions.open(account)).authHeader).toBe('Bearer old-key');
    stored.apiKey = 'new-key';
    expect((await sessions.open(account)).authHeader).toBe('Bearer old-key');
    sessions.invalidate(account.id);
    expect((await sessions.open(account)).authHeader).toBe('Bearer new-key');
  });

  it('does not keep credentials that were being read when the admin changed them', async () => {
    const { sessions, account, stored, hold, release } = setup();
    hold();
    const before = sessions.open(account);
    await new Promise((resolve) => setImmediate(resolve));
    // The admin rotates the key while the read above is in flight.
    stored.apiKey = 'new-key';
    sessions.invalidate(account.id);
    release();
    expect((await before).authHeader).toBe('Bearer old-key');
    // The next job must not be served the old key from the cache.
    expect((await sessions.open(account)).authHeader).toBe('Bearer new-key');
  });
});
