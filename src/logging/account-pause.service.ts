import { Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import type { AccountRow } from '../accounts/account.types';
import { type ConnectorSession, ConnectorSessionService } from '../accounts/connector-session.service';
import type { ConnectorErrorDecision } from '../connectors';

/**
 * Carries out the error policy's "pause the account" for the logging job (a staged update only ever fails or
 * retries: `retryIfCredentialsReplaced`). One exception: the CRM refused credentials that the admin has replaced
 * since the request left (a key rotated while calls were being logged). Pausing then would stop logging that the new
 * key serves, so the decision becomes an immediate retry with the new credentials.
 */
@Injectable()
export class AccountPauseService {
  private readonly logger = new Logger(AccountPauseService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: ConnectorSessionService,
  ) {}

  /**
   * For work that must not pause the account (a staged update: a CRM may refuse updates to a service account that may
   * create): a refusal of credentials the admin has replaced since becomes an immediate retry; any other decision
   * stands as it is.
   */
  async retryIfCredentialsReplaced(account: AccountRow, decision: ConnectorErrorDecision, session: ConnectorSession | null): Promise<ConnectorErrorDecision> {
    if (!refusedCredentials(decision, session) || !(await this.accounts.settingsChangedSince(account.id, session.settingsVersion))) return decision;
    this.sessions.drop(account.id);
    return CREDENTIALS_REPLACED;
  }

  /** `session` is what the failed request used (null when opening it failed); returns the decision as carried out. */
  async apply(account: AccountRow, decision: ConnectorErrorDecision, session: ConnectorSession | null): Promise<ConnectorErrorDecision> {
    if (decision.action !== 'pause-account') return decision;
    if (!refusedCredentials(decision, session)) {
      await this.accounts.update(account.id, { pausedReason: decision.reason });
    } else if (!(await this.accounts.pauseUnlessSettingsChanged(account.id, decision.reason, session.settingsVersion))) {
      this.sessions.drop(account.id);
      return CREDENTIALS_REPLACED;
    }
    this.logger.warn({ accountId: account.id, reason: decision.reason }, 'pausing the account: logging waits for the admin');
    return decision;
  }
}

/** The CRM refused the credentials of a request whose session (and so their version) is known. */
function refusedCredentials(decision: ConnectorErrorDecision, session: ConnectorSession | null): session is ConnectorSession {
  return decision.code === 'AUTH_REVOKED' && session !== null;
}

const CREDENTIALS_REPLACED: ConnectorErrorDecision = {
  action: 'retry',
  code: 'AUTH_REVOKED',
  delayMs: 0,
  reason: 'the CRM refused the credentials this request carried, but the admin has changed them since: retrying with the new ones',
};
