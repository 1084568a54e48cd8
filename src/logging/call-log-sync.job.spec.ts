import { describe, expect, it, jest } from '@jest/globals';
import { RingCentralRateLimitedError } from '../ringcentral/ringcentral.errors';
import { CallLogSyncJob } from './call-log-sync.job';

type Fn = (...a: any[]) => Promise<any>;

function setup(pages: Record<string, unknown>[] | Error, watermarkAgoMs = 60_000, then?: Record<string, unknown>, open: { due?: { telephonySessionId: string; startTime: Date }[]; dropped?: Date; users?: string[] } = {}) {
  const tx = {};
  const repository = {
    state: jest.fn<Fn>().mockResolvedValue({ watermark: new Date(Date.now() - watermarkAgoMs) }),
    oldestOpenStart: jest.fn<Fn>().mockResolvedValue(undefined),
    saveRun: jest.fn<Fn>().mockResolvedValue(undefined),
    merge: jest.fn<Fn>().mockResolvedValue([]),
    decided: jest.fn<Fn>().mockResolvedValue(new Set()),
    unfoldedSessions: jest.fn<Fn>().mockResolvedValue(new Set()),
    insertReconciled: jest.fn<Fn>().mockResolvedValue([]),
    appendTimelines: jest.fn<Fn>().mockResolvedValue(undefined),
    markRecordsNotFound: jest.fn<Fn>().mockResolvedValue([]),
    markRecordingsMissing: jest.fn<Fn>().mockResolvedValue([]),
    takeStagedUpdates: jest.fn<Fn>().mockResolvedValue(['row-1']),
    takeReadySingles: jest.fn<Fn>().mockResolvedValue([]),
    rememberInProgress: jest.fn<Fn>().mockResolvedValue(undefined),
    forgetInProgress: jest.fn<Fn>().mockResolvedValue(undefined),
    dueInProgress: jest.fn<Fn>().mockResolvedValue(open.due ?? []),
    markInProgressChecked: jest.fn<Fn>().mockResolvedValue(undefined),
    dropInProgressBefore: jest.fn<Fn>().mockResolvedValue(open.dropped),
  };
  const request = jest.fn<Fn>();
  if (pages instanceof Error) request.mockRejectedValue(pages);
  else for (const page of pages) request.mockResolvedValueOnce(page);
  if (then) request.mockResolvedValue(then);
  const queue = { enqueue: jest.fn<Fn>(), enqueueMany: jest.fn<Fn>(), notify: jest.fn() };
  const gauge = { set: jest.fn() };
  const counter = () => ({ inc: jest.fn() });
  const metrics = { syncLag: gauge, syncRequests: counter(), recordsMerged: counter() };
  const config = { get: () => ({ role: 'all', callLogSyncIntervalSeconds: 60, callLogBackfillMaxHours: 24, callLogRecordWaitSeconds: 900, sessionQuietMs: 1000 }) };
  const job = new CallLogSyncJob(
    { transaction: (fn: (m: unknown) => Promise<unknown>) => fn(tx) } as never,
    { findById: jest.fn<Fn>().mockResolvedValue({ id: 'acc-1', enabled: true, hasRingCentralCredentials: true, settings: {} }) } as never,
    { entries: jest.fn<Fn>().mockResolvedValue(new Map((open.users ?? []).map((id) => [id, { type: 'User' }]))) } as never,
    repository as never,
    { request } as never,
    queue as never,
    {} as never,
    metrics as never,
    config as never,
  );
  return { job, repository, request, queue };
}

describe('CallLogSyncJob.sync', () => {
  it('follows navigation.nextPage through the Heavy group, then moves the watermark and queues the staged updates', async () => {
    const { job, repository, request, queue } = setup([
      { records: [{}], navigation: { nextPage: { uri: 'https://platform.example/restapi/v1.0/account/~/call-log?view=Detailed&dateFrom=x&page=2&perPage=1000' } } },
      { records: [{}], navigation: {} },
    ]);
    await job.sync({ accountId: 'acc-1' });
    expect(request).toHaveBeenCalledTimes(2);
    expect(request.mock.calls[0][1]).toMatchObject({ method: 'GET', path: '/restapi/v1.0/account/~/call-log', group: 'heavy', query: { view: 'Detailed', perPage: 1000 } });
    expect(request.mock.calls[1][1]).toMatchObject({ query: { page: '2', view: 'Detailed' } });
    expect(repository.saveRun).toHaveBeenCalledWith('acc-1', expect.objectContaining({ success: true, error: null, requests: 2, recordsRead: 2, watermark: expect.any(Date) }));
    expect(queue.enqueueMany).toHaveBeenCalledWith('call.update', [{ callLogId: 'row-1' }], expect.objectContaining({ transaction: expect.anything() }));
  });

  it('a backlog longer than one run\'s page budget: hour slices oldest first, the watermark moves past the slices read whole', async () => {
    const endless = { records: [{}], navigation: { nextPage: { uri: 'https://platform.example/restapi/v1.0/account/~/call-log?page=2' } } };
    const { job, repository, request } = setup([{ records: [{}], navigation: {} }], 5 * 3600_000, endless);
    const before = Date.now();
    await job.sync({ accountId: 'acc-1' });
    const first = request.mock.calls[0][1] as { query: { dateFrom: string; dateTo: string } };
    expect(Date.parse(first.query.dateTo) - Date.parse(first.query.dateFrom)).toBe(3600_000);
    expect(request).toHaveBeenCalledTimes(200);
    const run = (repository.saveRun.mock.calls[0] as unknown[])[1] as { watermark: Date; success: boolean };
    expect(run.success).toBe(true);
    expect(run.watermark.getTime()).toBe(Date.parse(first.query.dateTo));
    expect(run.watermark.getTime()).toBeLessThan(before - 3 * 3600_000);
  });

  it('rate limited: nothing more is sent, the watermark stays, the admin sees why, and the waits are still decided', async () => {
    const { job, repository, request } = setup(new RingCentralRateLimitedError('heavy', 60));
    await job.sync({ accountId: 'acc-1' });
    expect(request).toHaveBeenCalledTimes(1);
    expect(repository.saveRun).toHaveBeenCalledWith('acc-1', expect.objectContaining({ success: false, watermark: undefined, error: 'rate limited: RingCentral asks to wait 60s' }));
    expect(repository.markRecordsNotFound).toHaveBeenCalled();
    expect(repository.takeStagedUpdates).toHaveBeenCalled();
  });

  it('calls seen in progress whose start is behind the window: one narrow read around each start, then marked read', async () => {
    const start = new Date(Date.now() - 40 * 60_000);
    const due = [{ telephonySessionId: 's-long', startTime: start }];
    const { job, repository, request } = setup([{ records: [], navigation: {} }, { records: [], navigation: {} }], 60_000, undefined, { due });
    await job.sync({ accountId: 'acc-1' });
    expect(request).toHaveBeenCalledTimes(2);
    const narrow = (request.mock.calls[1][1] as { query: { dateFrom: string; dateTo: string } }).query;
    expect(Date.parse(narrow.dateFrom)).toBe(start.getTime() - 1000);
    expect(Date.parse(narrow.dateTo)).toBe(start.getTime() + 1000);
    const [, before, floor, limit] = repository.dueInProgress.mock.calls[0] as [string, Date, Date, number];
    expect(before.getTime()).toBeGreaterThan(start.getTime());
    expect(floor.getTime()).toBeLessThan(start.getTime());
    expect(limit).toBe(4);
    expect(repository.markInProgressChecked).toHaveBeenCalledWith('acc-1', ['s-long']);
  });

  it('a call still in progress after CALL_LOG_BACKFILL_MAX_HOURS is dropped and shown as left out, not read', async () => {
    const dropped = new Date(Date.now() - 30 * 3600_000);
    const { job, repository, request } = setup([{ records: [], navigation: {} }], 60_000, undefined, { dropped });
    await job.sync({ accountId: 'acc-1' });
    expect(request).toHaveBeenCalledTimes(1);
    const run = (repository.saveRun.mock.calls[0] as unknown[])[1] as { leftOut: { from: Date; to: Date } };
    expect(run.leftOut.from).toEqual(dropped);
    expect(Date.now() - run.leftOut.to.getTime()).toBeGreaterThanOrEqual(24 * 3600_000);
  });

  it('remembers a call listed "In Progress" with an agent leg, and forgets it when its final record is read', async () => {
    const going = { telephonySessionId: 's-1', startTime: new Date(Date.now() - 60_000).toISOString(), result: 'In Progress', extension: { id: 101 }, legs: [] };
    const ivr = { ...going, telephonySessionId: 's-2', extension: { id: 900 } };
    const { job, repository } = setup([{ records: [going, ivr], navigation: {} }], 60_000, undefined, { users: ['101'] });
    await job.sync({ accountId: 'acc-1' });
    expect(repository.rememberInProgress).toHaveBeenCalledWith(expect.anything(), 'acc-1', [{ telephonySessionId: 's-1', startTime: new Date(going.startTime), extensionIds: ['101'] }]);

    const ended = { ...going, result: 'Accepted', duration: 1800 };
    const again = setup([{ records: [ended], navigation: {} }], 60_000, undefined, { users: ['101'] });
    again.repository.decided.mockResolvedValue(new Set(['s-1|101']));
    await again.job.sync({ accountId: 'acc-1' });
    expect(again.repository.forgetInProgress).toHaveBeenCalledWith(expect.anything(), 'acc-1', ['s-1']);
    expect(again.repository.rememberInProgress).toHaveBeenCalledWith(expect.anything(), 'acc-1', []);
  });
});
