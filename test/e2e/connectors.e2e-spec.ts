import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAppConnectServer, type AppConnectServer } from '../../sim/app-connect';
import { DEMO_NUMBERS } from '../../sim/crm';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { AppError } from '../../src/common/errors/app-error';
import { admittedLegs, durationMatches, legKey } from '../support/leg-expectations';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

const PROXY_CONFIG = JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/sample-crm.proxy-config.json'), 'utf8'));

/**
 * Issue 9: the pipeline's 200-call day through the connectors for real CRMs — a proxy config (App Connect's
 * declarative format) pointed at the sample CRM, and the app-connect bridge pointed at an App Connect server that
 * validates every request and response against App Connect's OpenAPI document.
 */
describe('connectors for real CRMs (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function onboardWith(connectorId: string, config: Record<string, unknown>, settingsValues: Record<string, string> | undefined, settings: Record<string, unknown>) {
    const simAccount = stack.sim.addAccount({ users: DEMO_PEOPLE, ivrMenus: 1, queues: 1 });
    const onboarding = stack.app.app.get(AccountOnboardingService);
    const accounts = stack.app.app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(stack.sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, connectorId, config);
    await accounts.update(account.id, { settings });
    if (settingsValues) await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, settingsValues);
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    return { accountId: account.id, simAccount };
  }

  async function allSettled(accountId: string, sessions: string[], expected: number) {
    return waitFor(async () => {
      const rows = await stack.db.query(`SELECT status, reason, last_error FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)`, [accountId, sessions]);
      return rows.length >= expected && rows.every((r: { status: string }) => ['logged', 'skipped', 'failed'].includes(r.status)) ? rows : undefined;
    }, 150_000, `${expected} legs settled`);
  }

  it('proxy: a 200-call day through the sample CRM proxy config, one activity per admitted leg', async () => {
    const { accountId, simAccount } = await onboardWith('proxy', PROXY_CONFIG, { baseUrl: stack.crm.apiUrl, apiKey: stack.crm.issueApiKey() }, { adminCrmUserId: 'usr_1001' });
    const numbers = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.duplicate, DEMO_NUMBERS.unknown];
    const plays = await stack.sim.playRandom(simAccount.id, 200, { rate: 50, externalNumbers: numbers });
    const rows = await allSettled(accountId, plays.flatMap((p) => p.telephonySessionIds), plays.flatMap((p) => p.legs).length);
    expect(rows.filter((r: { status: string }) => r.status === 'failed')).toEqual([]);
    const legs = admittedLegs(plays);
    const activities = stack.crm.activities().filter((a) => legs.some((l) => legKey(l) === a.externalId));
    expect(activities.map((a) => a.externalId).sort()).toEqual(legs.map(legKey).sort());
    const contactOf: Record<string, string | null> = { [DEMO_NUMBERS.jane]: 'con_2001', [DEMO_NUMBERS.john]: 'con_2002', [DEMO_NUMBERS.acmeMain]: 'con_2003', [DEMO_NUMBERS.duplicate]: 'con_2004', [DEMO_NUMBERS.unknown]: null };
    for (const leg of legs) {
      const activity = activities.find((a) => a.externalId === legKey(leg))!;
      expect({ contactId: activity.contactId, direction: activity.direction, duration: durationMatches(plays, leg, activity.duration) }).toEqual({
        contactId: contactOf[leg.otherPartyNumber],
        direction: leg.direction,
        duration: true,
      });
    }
  });

  describe('app-connect bridge', () => {
    let server: AppConnectServer;

    beforeAll(async () => {
      server = await startAppConnectServer({ refreshJwt: true });
    });

    afterAll(async () => {
      await server.close();
    });

    it('logs a 200-call day through an OpenAPI-validating App Connect server with no request failing validation, and keeps its refreshed JWT', async () => {
      const firstJwt = server.issueJwt({ expiresInSeconds: 3 * 24 * 3600 });
      const { accountId, simAccount } = await onboardWith('app-connect', { serverUrl: server.url, jwtToken: firstJwt }, undefined, { adminCrmUserId: '88101' });
      const numbers = ['+16505550101', '+16505550102', '+16505550105', '+16505550188'];
      const plays = await stack.sim.playRandom(simAccount.id, 200, { rate: 50, externalNumbers: numbers });
      const rows = await allSettled(accountId, plays.flatMap((p) => p.telephonySessionIds), plays.flatMap((p) => p.legs).length);
      expect(rows.filter((r: { status: string }) => r.status === 'failed')).toEqual([]);

      const legs = admittedLegs(plays);
      const logged = server.callLogs().map((l) => `${l.telephonySessionId}:${l.rcExtensionId}`).sort();
      expect(logged).toEqual(legs.map(legKey).sort());
      expect(server.callLogs().every((l) => l.isFromSSCL)).toBe(true);
      expect(server.validationFailures()).toEqual([]);

      // x-refreshed-jwt-token answers were stored into the account's (encrypted) connector config.
      const account = await stack.app.app.get(AccountsRepository).findById(accountId);
      expect(account!.connectorConfig!.jwtToken).not.toBe(firstJwt);
    });
  });

  describe('a proxy config is checked when it is saved', () => {
    let accountId: string;

    beforeAll(async () => {
      const simAccount = stack.sim.addAccount({ users: 1 });
      ({ account: { id: accountId } } = await stack.app.app.get(AccountOnboardingService).connectRingCentral(stack.sim.issueJwt(simAccount.id)));
    });

    async function refusal(config: unknown): Promise<AppError> {
      try {
        await stack.app.app.get(AccountOnboardingService).setConnector(accountId, 'proxy', config as Record<string, unknown>);
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
      throw new Error('the config was accepted');
    }

    it('refuses a missing operation, naming it', async () => {
      const { createCallLog: _omitted, ...operations } = PROXY_CONFIG.operations;
      const error = await refusal({ ...PROXY_CONFIG, operations });
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'connector.config.operations.createCallLog' });
    });

    it('refuses a broken response mapping, naming its path', async () => {
      const broken = structuredClone(PROXY_CONFIG);
      broken.operations.findContact.responseMapping.item.idPath = 42;
      const error = await refusal(broken);
      expect(error.field).toBe('connector.config.operations.findContact.responseMapping.item.idPath');
      expect(error.message.length).toBeGreaterThan(10);
    });

    it('refuses an unterminated template, naming where it is', async () => {
      const broken = structuredClone(PROXY_CONFIG);
      broken.operations.createCallLog.body.subject = '{{subject';
      expect((await refusal(broken)).field).toBe('connector.config.operations.createCallLog.body.subject');
    });
  });
});
