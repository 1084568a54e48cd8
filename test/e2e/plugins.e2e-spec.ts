import { randomUUID } from 'node:crypto';
import { DEMO_NUMBERS } from '../../sim/crm';
import { ringCentralTokenVerifier, startPluginServer, type PluginServer, type PluginServerOptions } from '../../sim/plugin';
import { login } from '../../sim/ringcentral/testing/sim-client';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { AppError } from '../../src/common/errors/app-error';
import { CryptoService } from '../../src/common/crypto/crypto.service';
import { PluginAdminService } from '../../src/plugins';
import { AsyncTaskPurgeJob } from '../../src/plugins/async-task-purge.job';
import { fetchJson } from '../support/http';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

interface Account {
  id: string;
  rcAccountId: string;
  simAccountId: string;
  /** The admin's RingCentral access token, as the admin API would have it. */
  rcAccessToken: string;
}

type Row = Record<string, any>;
type TimelineEntry = { kind: string; detail: Record<string, any> };

/**
 * Issue 6 end to end: plugin servers from sim/plugin (each checks every request, answer and callback against the App
 * Connect plugin contract), the RingCentral simulator, the service and the sample CRM, all over real HTTP.
 */
describe('plugins (sim/plugin + simulator + sample CRM e2e)', () => {
  let stack: Stack;
  let admin: PluginAdminService;
  const servers: PluginServer[] = [];

  async function plugin(pluginId: string, options: PluginServerOptions = {}): Promise<PluginServer> {
    const server = await startPluginServer({ pluginId, verifyRcToken: ringCentralTokenVerifier(stack.sim.url), ...options });
    servers.push(server);
    return server;
  }

  async function newAccount(): Promise<Account> {
    const { accountId, simAccount } = await onboard(stack);
    const account = (await stack.app.app.get(AccountsRepository).findById(accountId))!;
    const { access_token } = await login(stack.sim, simAccount.id);
    return { id: accountId, rcAccountId: account.rcAccountId, simAccountId: simAccount.id, rcAccessToken: access_token };
  }

  function install(account: Account, server: PluginServer, settings: Record<string, unknown> = {}) {
    return admin.install({ id: account.id, rcAccountId: account.rcAccountId }, { manifest: server.manifest(), rcAccessToken: account.rcAccessToken, pluginId: server.pluginId, ...settings });
  }

  async function timelineOf(callLogId: string): Promise<TimelineEntry[]> {
    return stack.db.query('SELECT kind, detail FROM call_log_events WHERE call_log_id = $1 ORDER BY id', [callLogId]);
  }

  /** Plays one answered inbound call from a known contact and waits until its row is final. */
  async function playCall(account: Account) {
    const play = await stack.sim.play(account.simAccountId, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane, talkSeconds: 30 });
    const leg = play.legs.find((l) => !l.internal)!;
    const row: Row = await waitFor(
      async () => {
        const [r] = await stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2 AND rc_extension_id = $3', [account.id, leg.telephonySessionId, leg.extensionId]);
        return r && ['logged', 'skipped', 'failed'].includes(r.status) ? r : undefined;
      },
      30_000,
      'the call to be logged, skipped or failed',
    );
    const externalId = `${leg.telephonySessionId}:${leg.extensionId}`;
    // An attempt's timeline entries are written in one insert just after its final status: wait for the last
    // attempt's (an earlier attempt's are there already when the row was retried).
    const timeline = await waitFor(async () => {
      const entries = await timelineOf(row.id);
      return entries.some((e) => e.kind === 'attempt' && e.detail?.attempt === row.attempts) ? entries : undefined;
    }, 10_000, 'the last attempt in the call timeline');
    return { row, timeline, activity: () => stack.crm.activities().find((a) => a.externalId === externalId) };
  }

  /** What the plugin received for this account (by the bearer token's claims: held requests are not authenticated yet). */
  const invocationsFor = (server: PluginServer, account: Account) =>
    server.invocations().filter((i) => {
      const verified = i.authorization?.startsWith('Bearer ') ? server.verifyToken(i.authorization.slice(7)) : undefined;
      return verified?.ok === true && verified.claims.rcAccountId === account.rcAccountId;
    });
  const pluginRuns = (timeline: TimelineEntry[]) => timeline.filter((t) => t.kind === 'plugin').map((t) => [t.detail.plugin, t.detail.outcome, t.detail.action]);

  beforeAll(async () => {
    stack = await startStack();
    admin = stack.app.app.get(PluginAdminService);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await stack?.close();
  });

  describe('an account with two sync plugins, an unlicensed one, a token-rotating one and an async one', () => {
    let account: Account;
    let stampA: PluginServer;
    let stampB: PluginServer;
    let paid: PluginServer;
    let rotating: PluginServer;
    let enricher: PluginServer;

    beforeAll(async () => {
      [stampA, stampB, paid, rotating, enricher] = await Promise.all([
        plugin('stamp-a'),
        plugin('stamp-b'),
        plugin('paid', { licensed: false }),
        plugin('rotating'),
        plugin('enricher', { mode: 'async', async: { delayMs: 50, note: 'Transcript summary: customer wants a quote' } }),
      ]);
      account = await newAccount();
      // Installed B first, then A at position 1: the chain follows the admin's order, not the installation order.
      await install(account, stampB);
      await install(account, paid);
      await install(account, stampA, { position: 1 });
      await install(account, rotating);
      await install(account, enricher);
    });

    it('keeps the explicit order the admin set', async () => {
      const listed = await admin.list(account.id);
      expect(listed.map((p) => [p.pluginId, p.position, p.isAsync])).toEqual([
        ['stamp-a', 1, false],
        ['stamp-b', 2, false],
        ['paid', 3, false],
        ['rotating', 4, false],
        ['enricher', 5, true],
      ]);
      expect(JSON.stringify(listed)).not.toMatch(/jwt|eyJ/i);
    });

    it('runs the sync plugins in that order: the CRM body shows both markers in order', async () => {
      const { row, timeline, activity } = await playCall(account);
      expect(row).toMatchObject({ status: 'logged', reason: null });
      expect(activity()!.body).toContain('- Note: [plugin:stamp-a] [plugin:stamp-b] [plugin:rotating]\n');
      // Each plugin got the payload the previous one returned, with its bearer token.
      const [toB] = invocationsFor(stampB, account).slice(-1);
      expect((toB!.body as { data: { note: string } }).data.note).toBe('[plugin:stamp-a]');
      expect(toB!.authorization).toMatch(/^Bearer ey/);
      expect(pluginRuns(timeline)).toEqual([
        ['stamp-a', 'ok', 'applied'],
        ['stamp-b', 'ok', 'applied'],
        ['paid', 'unlicensed', 'not-invoked'],
        ['rotating', 'ok', 'applied'],
      ]);
      expect(timeline.find((t) => t.kind === 'plugin')!.detail).toMatchObject({ ms: expect.any(Number), changed: ['note'] });
    });

    it('does not invoke an unlicensed plugin, and shows the admin why', async () => {
      await playCall(account);
      expect(invocationsFor(paid, account)).toEqual([]);
      expect(paid.requests().some((r) => r.method === 'GET' && r.path === '/license')).toBe(true);
      const report = await admin.licenseStatus(account.id, 'paid');
      expect(report).toMatchObject({ pluginId: 'paid', licenseStatus: false, state: 'unlicensed', licenseStatusDescription: expect.any(String) });
      expect((await admin.get(account.id, 'paid')).license.state).toBe('unlicensed');
      expect((await admin.licenseStatus(account.id, 'stamp-a')).licenseStatus).toBe(true);
    });

    it('appends the async plugin\'s callback note to the CRM activity, and the call\'s timeline says so', async () => {
      const { row, activity } = await playCall(account);
      const noted = await waitFor(async () => (activity()?.note.includes('Transcript summary') ? activity() : undefined), 15_000, 'the callback note in the CRM');
      expect(noted!.note).toBe('Transcript summary: customer wants a quote');
      const [task] = await stack.db.query('SELECT status, message, data FROM async_plugin_tasks WHERE call_log_id = $1', [row.id]);
      expect(task).toEqual({ status: 'completed', message: null, data: null });
      const sent = invocationsFor(enricher, account).find((i) => (i.body as { data: { logInfo: { telephonySessionId: string } } }).data.logInfo.telephonySessionId === row.telephony_session_id)!;
      const body = sent.body as Record<string, any>;
      expect(body).toMatchObject({ asyncTaskId: expect.any(String), callbackUrl: `${stack.app.config.app.publicBaseUrl}/plugins/async-callback/${body.asyncTaskId}`, hashedExtensionId: expect.any(String) });
      // Async plugins get the payload the sync chain produced.
      expect(body.data.note).toBe('[plugin:stamp-a] [plugin:stamp-b] [plugin:rotating]');
      // Token sync comes first, with the stored token.
      const calls = enricher.requests().filter((r) => r.path === '/token/sync' || r.path === '/plugin/async').map((r) => r.path);
      expect(calls.slice(-2)).toEqual(['/token/sync', '/plugin/async']);
      const asyncTimeline = (await timelineOf(row.id)).filter((t) => t.kind === 'plugin-async').map((t) => t.detail.outcome);
      expect(asyncTimeline).toEqual(['scheduled', 'dispatched', 'note-appended']);
      expect(JSON.stringify(await timelineOf(row.id))).not.toContain(body.asyncTaskId);
    });

    it('merges a refreshed token into the stored record, keeps the manifest, and uses the new token next', async () => {
      const crypto = stack.app.app.get(CryptoService);
      const storedRow = async () => (await stack.db.query(`SELECT * FROM plugins WHERE account_id = $1 AND plugin_id = 'rotating'`, [account.id]))[0];
      const before = await storedRow();
      const original = crypto.decrypt(before.jwt_encrypted);
      rotating.setKnobs({ refreshTokens: true });
      try {
        await playCall(account);
        const after = await storedRow();
        const refreshed = crypto.decrypt(after.jwt_encrypted);
        expect(refreshed).not.toBe(original);
        expect(rotating.verifyToken(refreshed)).toMatchObject({ ok: true, claims: { rcAccountId: account.rcAccountId, pluginId: 'rotating' } });
        expect(after.manifest).toEqual(before.manifest);
        expect(after.manifest).toEqual(JSON.parse(JSON.stringify(rotating.manifest())));
        expect({ config: after.config, position: after.position, policy: after.failure_policy }).toEqual({ config: before.config, position: before.position, policy: before.failure_policy });
        expect(after.token_refreshed_at).not.toBeNull();
        rotating.setKnobs({ refreshTokens: false });
        const { row } = await playCall(account);
        expect(row.status).toBe('logged');
        expect(invocationsFor(rotating, account).slice(-1)[0]!.authorization).toBe(`Bearer ${refreshed}`);
      } finally {
        rotating.setKnobs({ refreshTokens: false });
      }
    });

    it('lets the admin reorder, configure, disable and uninstall; the chain follows, config reaches the plugin as App Connect passes it', async () => {
      const other = await newAccount();
      await install(other, stampA);
      await install(other, stampB);
      await install(other, rotating);
      await admin.update(other.id, 'rotating', { position: 1 });
      await admin.update(other.id, 'stamp-a', { config: { suffix: { value: '[configured-a]' } } });
      await admin.update(other.id, 'stamp-b', { enabled: false });
      const order = async () => (await admin.list(other.id)).map((p) => [p.pluginId, p.position, p.enabled]);
      expect(await order()).toEqual([
        ['rotating', 1, true],
        ['stamp-a', 2, true],
        ['stamp-b', 3, false],
      ]);
      const { activity } = await playCall(other);
      expect(activity()!.body).toContain('- Note: [plugin:rotating] [configured-a]\n');
      expect((invocationsFor(stampA, other).slice(-1)[0]!.body as { config: unknown }).config).toEqual({ suffix: { value: '[configured-a]' } });
      expect(invocationsFor(stampB, other)).toEqual([]);

      await admin.uninstall(other.id, 'rotating');
      expect(await order()).toEqual([
        ['stamp-a', 1, true],
        ['stamp-b', 2, false],
      ]);
      await expect(admin.uninstall(other.id, 'rotating')).rejects.toMatchObject({ status: 404 });
      await expect(admin.update(other.id, 'stamp-a', { manifest: {} })).rejects.toMatchObject({ status: 400, field: 'manifest' });
      // Another account's plugins are out of reach.
      await expect(admin.get(other.id, 'enricher')).rejects.toMatchObject({ status: 404 });
    });

    describe('the async callback', () => {
      /** A call whose async task was dispatched but not called back (the plugin keeps quiet). */
      async function quietTask() {
        enricher.setKnobs({ callbackMode: 'none' });
        try {
          const { row, activity } = await playCall(account);
          const task: Row = await waitFor(async () => {
            const [t] = await stack.db.query('SELECT * FROM async_plugin_tasks WHERE call_log_id = $1', [row.id]);
            return t?.dispatched_at ? t : undefined;
          }, 15_000, 'the task dispatched');
          return { row, task, activity, url: `${stack.app.url}/plugins/async-callback/${task.id}` };
        } finally {
          enricher.setKnobs({ callbackMode: 'success' });
        }
      }

      const post = (url: string, body: unknown) => fetchJson(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const taskRow = async (id: string) => (await stack.db.query('SELECT status, message, callback_at, callback_note, expires_at FROM async_plugin_tasks WHERE id = $1', [id]))[0];

      it('404 for an unknown, a reused or an expired task id; 400 naming the field for a bad body; nothing changes', async () => {
        // Unknown.
        expect(await post(`${stack.app.url}/plugins/async-callback/${randomUUID()}`, { successful: true, note: 'x' })).toMatchObject({ status: 404, body: { successful: false, message: 'Async task not found' } });
        expect((await post(`${stack.app.url}/plugins/async-callback/not-a-task`, { successful: true })).status).toBe(404);

        // Reused: the plugin's callback completed the task; the same URL again is refused and the note stays once.
        const used = enricher.callbacksSent().find((c) => c.status === 200 && c.body.successful)!;
        const [usedTask] = await stack.db.query('SELECT call_log_id FROM async_plugin_tasks WHERE id = $1', [used.asyncTaskId]);
        const [usedRow] = await stack.db.query('SELECT telephony_session_id, rc_extension_id FROM call_logs WHERE id = $1', [usedTask.call_log_id]);
        const usedActivity = () => stack.crm.activities().find((a) => a.externalId === `${usedRow.telephony_session_id}:${usedRow.rc_extension_id}`)!;
        const noteBefore = usedActivity().note;
        const timelineBefore = await timelineOf(usedTask.call_log_id);
        expect(await post(used.url, { successful: true, note: 'appended twice?' })).toMatchObject({ status: 404, body: { successful: false } });
        expect(await post(used.url, { successful: false, message: 'late failure' })).toMatchObject({ status: 404 });

        // A pending task: a bad body is refused without using up the task.
        const { task, activity, url } = await quietTask();
        expect(await post(url, { successful: 'yes' })).toMatchObject({ status: 400, body: { successful: false, field: 'successful' } });
        expect(await post(url, { successful: true, note: 42 })).toMatchObject({ status: 400, body: { field: 'note' } });
        expect(await taskRow(task.id)).toMatchObject({ status: 'pending', callback_at: null });

        // Expired: refused, the task and the CRM log untouched; the hourly purge then deletes it.
        await stack.db.query(`UPDATE async_plugin_tasks SET expires_at = now() - interval '1 minute' WHERE id = $1`, [task.id]);
        const expiredBefore = await taskRow(task.id);
        expect(await post(url, { successful: true, note: 'too late' })).toMatchObject({ status: 404, body: { successful: false, message: 'Async task not found' } });
        expect(await taskRow(task.id)).toEqual(expiredBefore);

        await new Promise((r) => setTimeout(r, 500)); // a wrongly enqueued follow-up would have run by now
        expect(usedActivity().note).toBe(noteBefore);
        expect(await timelineOf(usedTask.call_log_id)).toEqual(timelineBefore);
        expect(activity()!.note).toBe('');

        expect(await stack.app.app.get(AsyncTaskPurgeJob).purge({ tickAt: new Date().toISOString() })).toBeGreaterThanOrEqual(1);
        expect(await taskRow(task.id)).toBeUndefined();
        expect((await post(url, { successful: true, note: 'after purge' })).status).toBe(404);
      });

      it('a failure report marks the task failed with its message; the CRM log is left as it was', async () => {
        const { task, activity, url, row } = await quietTask();
        expect(await post(url, { successful: false, message: 'Upload failed', note: 'ignored' })).toMatchObject({ status: 200, body: { successful: true } });
        expect(await taskRow(task.id)).toMatchObject({ status: 'failed', message: 'Upload failed' });
        const entry = await waitFor(async () => (await timelineOf(row.id)).find((t) => t.kind === 'plugin-async' && t.detail.outcome === 'plugin-reported-failure'), 10_000, 'the failure on the timeline');
        expect(entry!.detail).toMatchObject({ plugin: 'enricher', reason: 'Upload failed' });
        expect(activity()!.note).toBe('');
        expect((await post(url, { successful: true, note: 'changed my mind' })).status).toBe(404);
      });
    });
  });

  describe('failure policies', () => {
    let slow: PluginServer;
    let broken: PluginServer;
    let stamp: PluginServer;

    beforeAll(async () => {
      // Faults on the invocation route only: registration and licence answer normally.
      [slow, broken, stamp] = await Promise.all([
        plugin('slow', { timeoutForever: true, faultRoutes: ['/plugin/sync'] }),
        plugin('broken', { badResponse: 'missing-fields', faultRoutes: ['/plugin/sync'] }),
        plugin('stamp'),
      ]);
    });

    it('skip: a plugin that times out and one that returns a broken payload are passed over; logged without their change, with warnings', async () => {
      const account = await newAccount();
      await install(account, slow, { failurePolicy: 'skip', timeoutMs: 500 });
      await install(account, broken, { failurePolicy: 'skip' });
      await install(account, stamp);
      const { row, timeline, activity } = await playCall(account);
      expect(row).toMatchObject({ status: 'logged', reason: 'plugin-skipped:slow,broken', attempts: 1 });
      expect(activity()!.body).toContain('- Note: [plugin:stamp]\n');
      expect(pluginRuns(timeline)).toEqual([
        ['slow', 'timeout', 'ignored'],
        ['broken', 'rejected', 'ignored'],
        ['stamp', 'ok', 'applied'],
      ]);
      const warnings = timeline.filter((t) => t.kind === 'plugin-warning').map((t) => t.detail);
      expect(warnings).toEqual([
        { plugin: 'slow', policy: 'skip', reason: "logged without this plugin's change: sync: no answer within 500 ms" },
        { plugin: 'broken', policy: 'skip', reason: "logged without this plugin's change: unusable payload: logInfo is missing" },
      ]);
      // The plugin after the broken one got the payload as it was before it.
      expect((invocationsFor(stamp, account)[0]!.body as { data: { note: string } }).data.note).toBe('');
    });

    it.each([
      ['returns a broken payload', 'broken', {}, 'unusable payload: logInfo is missing'],
      ['times out', 'slow', { timeoutMs: 500 }, 'sync: no answer within 500 ms'],
    ])('block: a plugin that %s holds the log, which is retried, then failed naming the plugin', async (_what, pluginId, settings, reason) => {
      const account = await newAccount();
      const server = pluginId === 'slow' ? slow : broken;
      await install(account, server, { failurePolicy: 'block', maxAttempts: 2, ...settings });
      await install(account, stamp);
      const { row, timeline, activity } = await playCall(account);
      expect(row).toMatchObject({
        status: 'failed',
        attempts: 2,
        reason: `plugin-blocked:${pluginId}`,
        last_error: `Plugin ${pluginId} (failure policy block): ${reason}; gave up after 2 attempts`,
        crm_log_id: null,
      });
      expect(activity()).toBeUndefined();
      expect(invocationsFor(server, account)).toHaveLength(2);
      expect(invocationsFor(stamp, account)).toEqual([]);
      const blocked = timeline.filter((t) => t.kind === 'plugin-blocked').map((t) => [t.detail.plugin, t.detail.action]);
      expect(blocked).toEqual([
        [pluginId, 'retry'],
        [pluginId, 'fail'],
      ]);
    });
  });

  it('refuses to install a plugin for an account the admin token does not belong to, and a broken manifest', async () => {
    const server = await plugin('picky');
    const [one, other] = await Promise.all([newAccount(), newAccount()]);
    const mismatch = await admin.install({ id: one.id, rcAccountId: one.rcAccountId }, { manifest: server.manifest(), rcAccessToken: other.rcAccessToken }).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(AppError);
    expect(mismatch).toMatchObject({ status: 400, field: 'rcAccessToken' });
    const broken = await admin.install({ id: one.id, rcAccountId: one.rcAccountId }, { manifest: { ...server.manifest(), endpointUrl: 'not a url' }, rcAccessToken: one.rcAccessToken }).catch((e: unknown) => e);
    expect(broken).toMatchObject({ status: 400, field: 'manifest.endpointUrl' });
    expect(await admin.list(one.id)).toEqual([]);
  });

  it('every plugin server saw only requests that keep the App Connect plugin contract, and answered callbacks got contract answers', async () => {
    for (const server of servers) {
      expect({ plugin: server.pluginId, failures: server.validationFailures().filter((f) => !f.injected) }).toEqual({ plugin: server.pluginId, failures: [] });
    }
    const callbacks = servers.flatMap((s) => s.callbacksSent());
    expect(callbacks.length).toBeGreaterThan(0);
    expect(callbacks.flatMap((c) => c.responseErrors)).toEqual([]);
  });

  it('counts plugin invocations by plugin and outcome in /metrics', async () => {
    const { body } = await fetchJson(`${stack.app.url}/metrics`);
    for (const series of [
      'plugin="stamp-a",kind="sync",outcome="ok"',
      'plugin="paid",kind="sync",outcome="unlicensed"',
      'plugin="slow",kind="sync",outcome="timeout"',
      'plugin="broken",kind="sync",outcome="rejected"',
      'plugin="enricher",kind="async-dispatch",outcome="dispatched"',
      'plugin="enricher",kind="async-callback",outcome="success"',
      'plugin="enricher",kind="async-callback",outcome="failure"',
    ]) {
      expect(body).toMatch(new RegExp(`sscl_plugin_invocations_total\\{${series.replace(/[.]/g, '\\.')}\\} [1-9]`));
    }
  });
});
