import { describe, expect, it, jest } from '@jest/globals';
import { DEFAULT_LOGGING_SETTINGS, type LoggingSettings } from '../accounts/logging-settings';
import type { AccountRow } from '../accounts/account.types';
import type { ConnectorSession } from '../accounts/connector-session.service';
import type { CallLogRecord } from './call-log.types';
import { callValues } from './call-values';
import { composeInputOf, type LegContext, LogSteps, toRcCallLog } from './log-steps';

const leg = (overrides: Partial<CallLogRecord> = {}): CallLogRecord => ({
  id: 'leg-1',
  accountId: 'acc-1',
  telephonySessionId: 's-1',
  sessionId: '100',
  rcExtensionId: '501',
  partyId: 'p-1',
  direction: 'Inbound',
  kind: 'answered',
  result: 'Accepted',
  internal: false,
  otherNumber: '+16505550101',
  otherName: 'Jane',
  agentNumber: '+16505550100',
  startedAt: new Date('2026-01-01T10:00:00Z'),
  answeredAt: new Date('2026-01-01T10:00:05Z'),
  callEndedAt: new Date('2026-01-01T10:01:05Z'),
  talkSeconds: 60,
  recorded: false,
  queueCall: false,
  status: 'logging',
  reason: null,
  attempts: 1,
  lastError: null,
  nextAttemptAt: null,
  crmLogId: null,
  contactId: null,
  crmUserId: null,
  ownerSource: null,
  loggedAt: null,
  createdAt: new Date(),
  source: 'events',
  recordState: 'waiting',
  recordId: null,
  recordDuration: null,
  recordResult: null,
  recordingState: 'none',
  recordingLink: null,
  voicemailLink: null,
  recordMergedAt: null,
  updateState: null,
  crmUpdatedAt: null,
  ...overrides,
});

const account: AccountRow = {
  id: 'acc-1',
  rcAccountId: '37439510',
  hashedAccountId: 'h',
  enabled: true,
  mode: 'account',
  settings: {},
  connectorId: 'sample-crm',
  connectorConfig: {},
  adminExtensionId: '501',
  pausedReason: null,
  hasRingCentralCredentials: true,
};

function setup(settings: Partial<LoggingSettings> = {}) {
  const callLogs = { markSkipped: jest.fn(), markFailed: jest.fn(), markLogged: jest.fn(), markUpdated: jest.fn() };
  const directory = { entry: jest.fn<(...a: unknown[]) => Promise<unknown>>().mockResolvedValue({ extensionId: '501', extensionNumber: '101', type: 'User', name: 'Ada' }) };
  const contacts = { resolve: jest.fn<(...a: unknown[]) => Promise<unknown>>() };
  const owners = { resolve: jest.fn<(...a: unknown[]) => Promise<unknown>>() };
  const counter = () => ({ inc: jest.fn() });
  const metrics = {
    logsSkipped: counter(), logsFailed: counter(), logsCreated: counter(), logsReconciled: counter(), logsUpdated: counter(), crmRequests: counter(),
    pluginInvocations: counter(), crmLatency: { observe: jest.fn() }, callEndToLog: { observe: jest.fn() },
  };
  const pluginChain = { run: jest.fn<(...a: unknown[]) => Promise<unknown>>() };
  const asyncPlugins = { schedule: jest.fn<(...a: unknown[]) => Promise<unknown>>().mockResolvedValue([]) };
  const steps = new LogSteps(callLogs as never, directory as never, contacts as never, owners as never, metrics as never, pluginChain as never, asyncPlugins as never);
  const ctx = (l: CallLogRecord = leg()): LegContext => ({ leg: l, account, settings: { ...DEFAULT_LOGGING_SETTINGS, ...settings }, timeline: [], crmRequests: 0 });
  return { steps, ctx, callLogs, contacts, owners, metrics, pluginChain, asyncPlugins };
}

const session = { connector: { id: 'sample-crm', createCallLog: jest.fn<(...a: unknown[]) => Promise<unknown>>().mockResolvedValue({ logId: 'act_1' }), updateCallLog: jest.fn<(...a: unknown[]) => Promise<unknown>>().mockResolvedValue({}) }, ctx: {}, authHeader: 'Basic x', manifest: { logFormat: 'text/plain' } } as unknown as ConnectorSession;

describe('LogSteps', () => {
  it('filter admits a leg the filters allow and notes it on the timeline', async () => {
    const { steps, ctx, callLogs } = setup();
    const c = ctx();
    expect(await steps.filter(c)).toBeNull();
    expect(c.timeline).toEqual([{ kind: 'filters', detail: { admitted: true } }]);
    expect(c.agent?.extensionNumber).toBe('101');
    expect(callLogs.markSkipped).not.toHaveBeenCalled();
  });

  it('filter skips a leg the filters refuse and marks the row skipped', async () => {
    const { steps, ctx, callLogs } = setup({ filters: { ...DEFAULT_LOGGING_SETTINGS.filters, inbound: false } });
    const c = ctx();
    const reason = await steps.filter(c);
    expect(reason).toEqual(expect.any(String));
    expect(callLogs.markSkipped).toHaveBeenCalledWith('leg-1', reason, c.timeline);
    expect(c.timeline[0].kind).toBe('skipped');
  });

  it('contact: an internal call gets no lookup', async () => {
    const { steps, ctx, contacts } = setup();
    const c = ctx(leg({ internal: true, otherNumber: '102' }));
    expect(await steps.contact(c, session)).toEqual({ phoneNumber: undefined });
    expect(contacts.resolve).not.toHaveBeenCalled();
  });

  it('contact: a skip decision marks the row skipped and counts the CRM requests', async () => {
    const { steps, ctx, contacts, callLogs } = setup();
    contacts.resolve.mockResolvedValue({ skip: 'no-contact', decision: 'no match', crmRequests: 1 });
    const c = ctx();
    expect(await steps.contact(c, session)).toEqual({ skip: 'no-contact', decision: 'no match' });
    expect(c.crmRequests).toBe(1);
    expect(callLogs.markSkipped).toHaveBeenCalledWith('leg-1', 'no-contact', c.timeline);
  });

  it('owner: no owner fails the row with the reason', async () => {
    const { steps, ctx, owners, callLogs } = setup();
    owners.resolve.mockResolvedValue({ error: 'nobody' });
    const c = ctx();
    expect(await steps.owner(c)).toEqual({ error: 'nobody' });
    expect(callLogs.markFailed).toHaveBeenCalledWith('leg-1', 'nobody', 'no-owner', c.timeline);
  });

  it('plugins: one timeline entry per run and a warning for a run the skip policy ignored', async () => {
    const { steps, ctx, pluginChain } = setup();
    pluginChain.run.mockResolvedValue({ outcome: 'passed', payload: {}, runs: [{ pluginId: 'p1', outcome: 'error', action: 'ignored', policy: 'skip', ms: 3, reason: 'down' }] });
    const c = ctx();
    await steps.plugins(c, 'updateCallLog', { note: '' }, 'hx');
    expect(pluginChain.run).toHaveBeenCalledWith(expect.objectContaining({ operation: 'updateCallLog', hashedExtensionId: 'hx' }));
    expect(c.timeline.map((e) => e.kind)).toEqual(['plugin', 'plugin-warning']);
  });

  it('create then record: the CRM id is stored, a reconciled row is counted as reconciled', async () => {
    const { steps, ctx, callLogs, metrics } = setup();
    const c = ctx(leg({ source: 'call-log' }));
    const logId = await steps.create(c, session, {} as never);
    expect(logId).toBe('act_1');
    const owner = { owner: { id: 'usr_1' }, source: 'admin' as const, decision: '' };
    await steps.recordCreated(c, session, { logId, owner, chain: { outcome: 'passed', payload: {}, runs: [] }, hashedExtensionId: 'hx', updateState: 'not-needed' });
    // The row and the decisions that made it logged are written together (the timeline goes with the state).
    expect(callLogs.markLogged).toHaveBeenCalledWith('leg-1', expect.objectContaining({ crmLogId: 'act_1', crmUserId: 'usr_1', updateState: 'not-needed' }), c.timeline);
    expect(metrics.logsReconciled.inc).toHaveBeenCalled();
    expect(c.timeline.map((e) => e.kind)).toEqual(['crm', 'logged']);
  });
});

describe('LogSteps (update path)', () => {
  it('update writes through the connector with the CRM log id, record marks the one update done', async () => {
    const { steps, ctx, callLogs, metrics } = setup();
    const c = ctx(leg({ status: 'logged', crmLogId: 'act_9', recordState: 'merged', recordDuration: 61, recordingState: 'missing' }));
    await steps.update(c, session, { thirdPartyLogId: 'act_9', user: { id: 'usr_1' }, duration: 61, result: 'Accepted', composedLogDetails: '- Duration: 1 minute, 1 second' });
    expect(session.connector.updateCallLog).toHaveBeenCalledWith(expect.objectContaining({ thirdPartyLogId: 'act_9', duration: 61, authHeader: 'Basic x' }));
    expect(c.timeline).toEqual([{ kind: 'crm', detail: expect.objectContaining({ operation: 'updateCallLog', outcome: 'updated', recording: 'missing' }) }]);
    await steps.recordUpdated(c, session);
    expect(callLogs.markUpdated).toHaveBeenCalledWith('leg-1', c.timeline);
    expect(metrics.logsUpdated.inc).toHaveBeenCalled();
    expect(c.crmRequests).toBe(1);
  });
});

describe('call values', () => {
  it('are the events\' until a final record is merged, then the record\'s', () => {
    expect(callValues(leg())).toEqual({ durationSeconds: 60, result: 'Accepted', from: 'events' });
    const merged = leg({ recordState: 'merged', recordDuration: 63, recordResult: 'Call connected', recordingLink: 'https://media/rec/1', recordingState: 'ready' });
    expect(callValues(merged)).toEqual({ durationSeconds: 63, result: 'Call connected', recordingLink: 'https://media/rec/1', from: 'call-log' });
    expect(toRcCallLog(merged)).toMatchObject({ duration: 63, result: 'Call connected', recording: { link: 'https://media/rec/1' } });
    expect(composeInputOf(merged, undefined, undefined, undefined)).toMatchObject({ durationSeconds: 63, recordingLink: 'https://media/rec/1' });
  });
});
