import type { AccountRow } from '../accounts/account.types';
import type { AccountsRepository } from '../accounts/accounts.repository';
import type { ConnectorSession, ConnectorSessionService } from '../accounts/connector-session.service';
import type { ConnectorErrorDecision } from '../connectors';
import { AccountPauseService } from './account-pause.service';

function setup(settingsChanged: boolean) {
  const calls: string[] = [];
  const accounts = {
    update: async (_id: string, patch: { pausedReason: string }) => void calls.push(`pause: ${patch.pausedReason}`),
    pauseUnlessSettingsChanged: async (_id: string, reason: string) => (settingsChanged ? false : (calls.push(`pause: ${reason}`), true)),
    settingsChangedSince: async () => settingsChanged,
  } as unknown as AccountsRepository;
  const sessions = { drop: () => void calls.push('session dropped') } as unknown as ConnectorSessionService;
  return { pauses: new AccountPauseService(accounts, sessions), calls };
}

const account = { id: 'acc-1' } as AccountRow;
const session = { settingsVersion: '2026-12-06 10:00:00.123456+00' } as ConnectorSession;
const refused: ConnectorErrorDecision = { action: 'pause-account', code: 'AUTH_REVOKED', reason: 'key refused' };
const config: ConnectorErrorDecision = { action: 'pause-account', code: 'CONFIG', reason: 'no connector' };
const failed: ConnectorErrorDecision = { action: 'fail', code: 'AUTH_REVOKED', reason: 'update refused' };

describe('AccountPauseService', () => {
  it('pauses on refused credentials that are still the stored ones', async () => {
    const { pauses, calls } = setup(false);
    expect(await pauses.apply(account, refused, session)).toBe(refused);
    expect(calls).toEqual(['pause: key refused']);
  });

  it('retries at once, without pausing, when the admin replaced the credentials the request carried', async () => {
    const { pauses, calls } = setup(true);
    expect(await pauses.apply(account, refused, session)).toMatchObject({ action: 'retry', delayMs: 0, code: 'AUTH_REVOKED' });
    expect(calls).toEqual(['session dropped']);
  });

  it('pauses for other reasons, or when no session was opened, whatever the settings did', async () => {
    const { pauses, calls } = setup(true);
    expect(await pauses.apply(account, config, session)).toBe(config);
    expect(await pauses.apply(account, refused, null)).toBe(refused);
    expect(calls).toEqual(['pause: no connector', 'pause: key refused']);
  });

  it('a staged update never pauses: refused credentials retry only when replaced, otherwise the decision stands', async () => {
    expect(await setup(false).pauses.retryIfCredentialsReplaced(account, failed, session)).toBe(failed);
    const replaced = setup(true);
    expect(await replaced.pauses.retryIfCredentialsReplaced(account, failed, session)).toMatchObject({ action: 'retry' });
    expect(replaced.calls).toEqual(['session dropped']);
  });
});
