import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DEMO_NUMBERS, startSampleCrm, type SampleCrm } from '../sim/crm';
import { startRingCentralSim, type RingCentralSim } from '../sim/ringcentral';
import type { AccountSpec, ExtensionSpec } from '../sim/ringcentral/sim-types';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/database/embedded-postgres.launcher';
import { type Balancer, startBalancer } from './balancer';
import { type ExplainedStatement, explainHotStatements } from './explain';
import { createReferenceTable, dropReferenceTable, type LoadResult, measureIntake, ReferenceLoad } from './intake';
import { histogramMean, metricDelta, scrapeMetrics } from './metrics';
import { onboard, type OnboardedAccount } from './onboard';
import { PgWaitSampler } from './pg-waits';
import { DeliveryClock, type InFlightResult, openCallsAndMeasure, type PipelineContext, playAndWait, type RunResult } from './pipeline';
import { readMemory, TreeCpuMeter } from './proc';
import { type BenchResult, type MeasuredRun, type PhaseCpu, ratio, TARGETS, toText, verdicts, writeResults } from './report';
import { type ServiceProcess, spawnService } from './service';
import { round, sleep } from './stats';

/**
 * `npm run bench`: the service's throughput, latency, cost and memory against their references, on an embedded
 * PostgreSQL in a temporary folder, with the RingCentral simulator, the sample CRM and a TCP balancer in this
 * process and the service as child processes of the build (dist/src/main.js). See bench/README.md.
 */

const SYNC_INTERVAL_SECONDS = 20;
const CALL_LOG_ROUTE = 'GET /restapi/v1.0/account/~/call-log';
const CRM_UPDATE_ROUTES = ['GET /api/activities/:id', 'PATCH /api/activities/:id'];

const PHASES = ['intake', 'burst', 'scaleout', 'repeat', 'steady', 'memory'] as const;
type PhaseKey = (typeof PHASES)[number];

interface Settings {
  quick: boolean;
  only: Set<PhaseKey>;
  connections: number;
  intakeSeconds: number;
  /** The intake and its reference alternate in this many slices of intakeSeconds / intakeRounds each. */
  intakeRounds: number;
  warmupSeconds: number;
  burstCalls: number;
  burstRate: number;
  warmupCalls: number;
  repeatCalls: number;
  repeatPool: number;
  steadyRate: number;
  steadySeconds: number;
  crmLatencyMs: number;
  inFlightCalls: number;
  inFlightRate: number;
  cpuProfDir?: string;
  pgStats: boolean;
  /** Sample pg_stat_activity during each phase (what the connections wait on). */
  pgWaits: boolean;
  /** EXPLAIN (ANALYZE, BUFFERS) the pipeline's most frequent statements at the end of the run. */
  explain: boolean;
  serviceLogsDir?: string;
  /** NODE_OPTIONS for the service processes (e.g. heap limits, to see what they do to the peak RSS). */
  serviceNodeOptions?: string;
  logLevel: string;
  keep: boolean;
  outDir: string;
}

// This file runs as dist/bench/run.js; results go to <repo>/bench/results.
const REPO_ROOT = resolve(__dirname, '..', '..');

const USAGE = `npm run bench [-- options]
  --quick               short phases (smoke test; results go to $TMPDIR/sscl-bench unless --out)
  --only=a,b            run only these phases: ${PHASES.join(', ')} (nothing is written to bench/results)
  --cpu-prof[=dir]      run the service processes with --cpu-prof (summarise with dist/bench/profile-summary.js)
  --pg-stats            load pg_stat_statements and record each phase's statements
  --pg-waits            sample pg_stat_activity during each phase: what the connections were doing or waiting on
  --explain             EXPLAIN (ANALYZE, BUFFERS) the pipeline's most frequent statements at the end
  --log-level=level     the service's LOG_LEVEL (default warn)
  --service-logs=dir    keep each service process's output
  --node-options=opts   NODE_OPTIONS for the service processes (e.g. "--max-semi-space-size=4")
  --out=dir             where the JSON and latest.md go (default bench/results)
  --keep                keep the temporary database folder`;

function parseArgs(argv: string[]): Settings {
  const flag = (name: string) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const value = (name: string) => flag(name)?.split('=').slice(1).join('=') || undefined;
  const known = ['quick', 'only', 'cpu-prof', 'pg-stats', 'pg-waits', 'explain', 'log-level', 'service-logs', 'node-options', 'out', 'keep'];
  const unknown = argv.filter((a) => !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
  if (unknown.length || flag('help')) {
    console.error(`${unknown.length ? `unknown option(s): ${unknown.join(' ')}\n` : ''}${USAGE}`);
    process.exit(2);
  }
  const only = value('only') ? value('only')!.split(',').map((s) => s.trim()) : [...PHASES];
  const bad = only.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (bad.length) {
    console.error(`unknown phase(s): ${bad.join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  const quick = !!flag('quick');
  const cpuProf = flag('cpu-prof');
  return {
    quick,
    only: new Set(only as PhaseKey[]),
    connections: 64,
    intakeSeconds: quick ? 5 : 20,
    intakeRounds: quick ? 1 : 4,
    warmupSeconds: quick ? 1 : 3,
    burstCalls: quick ? 300 : 2000,
    burstRate: 200,
    warmupCalls: quick ? 20 : 100,
    repeatCalls: quick ? 150 : 600,
    repeatPool: 12,
    steadyRate: 50,
    steadySeconds: quick ? 15 : 60,
    crmLatencyMs: 100,
    inFlightCalls: quick ? 1000 : 10_000,
    inFlightRate: 100,
    cpuProfDir: cpuProf ? resolve(value('cpu-prof') ?? join(tmpdir(), `sscl-bench-profiles-${Date.now()}`)) : undefined,
    pgStats: !!flag('pg-stats'),
    pgWaits: !!flag('pg-waits'),
    explain: !!flag('explain'),
    serviceLogsDir: value('service-logs') ? resolve(value('service-logs')!) : undefined,
    serviceNodeOptions: value('node-options'),
    logLevel: value('log-level') ?? 'warn',
    keep: !!flag('keep'),
    outDir: resolve(value('out') ?? (quick ? join(tmpdir(), 'sscl-bench') : join(REPO_ROOT, 'bench', 'results'))),
  };
}

const t0 = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);

/** Demo-CRM people first (so auto-mapping finds them), then generated agents; extension numbers 101… */
function accountSpec(): AccountSpec {
  const people: ExtensionSpec[] = [
    { firstName: 'Alice', lastName: 'Anderson', email: 'alice.anderson@example.com', admin: true },
    { firstName: 'Bob', lastName: 'Brown', email: 'bob.brown@example.com' },
    { firstName: 'Carol', lastName: 'Clark', email: 'carol.clark@example.com' },
    { firstName: 'Dave', lastName: 'Davis', email: 'dave.davis@example.com' },
  ];
  for (let i = people.length; i < 20; i++) people.push({ firstName: `Agent${i + 1}`, lastName: 'Bench' });
  const users = people.map((p, i) => ({ ...p, extensionNumber: String(101 + i) }));
  return { users, ivrMenus: 1, queues: [{ name: 'Support Queue', members: ['101', '102', '103', '104'] }] };
}

const NO_RUN: MeasuredRun = {
  calls: 0, legs: 0, logged: 0, missing: 0, duplicateActivities: 0, unexpectedLegActivities: 0, earlierCallActivities: 0, seconds: NaN, legsPerSecond: NaN, callsPerSecond: NaN,
  offeredCallsPerSecond: NaN, deliverSeconds: NaN, notifications: 0, deliveryFailures: 0, ackMs: { p50: NaN, p99: NaN, max: NaN }, acksOver3s: 0,
  latencyMs: { p50: NaN, p95: NaN, p99: NaN, max: NaN }, rcRequests: 0, crmRequests: 0, crmByRoute: {},
  cpuMsPerLog: {}, crmMsPerLogInService: NaN, callEndToLogMsInService: NaN,
};
const NO_LOAD: LoadResult & { non2xx: number } = { perSecond: NaN, p50Ms: NaN, p99Ms: NaN, count: 0, durationSeconds: NaN, errors: 0, non2xx: 0 };
const NO_MEMORY: InFlightResult = {
  callsInFlight: 0, notifications: 0, idleRssMb: NaN, idleHeapUsedMb: NaN, peakHeapTotalMb: NaN, peakHeapUsedMb: NaN, peakWebhookConnections: NaN, ackMs: { p50: NaN, p99: NaN, max: NaN }, peakRssMb: NaN, settledRssMb: NaN, settledHeapUsedMb: NaN, settledHeapTotalMb: NaN, settledExternalMb: NaN,
  deliverSeconds: NaN, foldSeconds: NaN, deliveryFailures: 0,
};

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const want = (p: PhaseKey) => settings.only.has(p);
  const startedAt = new Date();
  const dataDir = mkdtempSync(join(tmpdir(), 'sscl-bench-'));
  const phases: PhaseCpu[] = [];
  const notes: string[] = [];
  const services = new Map<string, ServiceProcess>();
  const finalCpu = new Map<string, number>();
  let db: EmbeddedDatabase | undefined;
  let sim: RingCentralSim | undefined;
  let crm: SampleCrm | undefined;
  let balancer: Balancer | undefined;
  let sql: Client | undefined;
  let waitsSql: Client | undefined;
  let deliveries: DeliveryClock | undefined;
  let pgCpu: TreeCpuMeter | undefined;

  const peakRss: Record<string, number> = {};
  const stopService = async (svc: ServiceProcess) => {
    finalCpu.set(svc.name, svc.cpuSeconds());
    peakRss[svc.name] = round(readMemory(svc.pid)?.hwmMb ?? NaN, 1);
    await svc.stop();
    services.delete(svc.name);
    if (settings.serviceLogsDir) writeFileSync(join(settings.serviceLogsDir, `${svc.name}.log`), svc.output());
  };
  /**
   * Waits until the simulator has no delivery in flight (every attempt answered, none started for 1 s; at most 60 s).
   * Switching the balancer's backends closes its connections, and stopping a service closes its own: a delivery still
   * unanswered then (a late acknowledgement of the phase just measured) would fail as "socket hang up", a loss the
   * benchmark made, not the service.
   */
  const deliveriesQuiet = async () => {
    const deadline = Date.now() + 60_000;
    let last = -1;
    for (;;) {
      const { attempted, succeeded, failed } = sim!.stats().deliveries;
      if (attempted === succeeded + failed && attempted === last) return;
      if (Date.now() > deadline) return log(`  deliveries still in flight after 60 s: ${attempted - succeeded - failed}`);
      last = attempted === succeeded + failed ? attempted : -1;
      await sleep(1000);
    }
  };
  const cleanup = async () => {
    for (const svc of [...services.values()]) await stopService(svc).catch(() => undefined);
    deliveries?.close();
    await sql?.end().catch(() => undefined);
    await waitsSql?.end().catch(() => undefined);
    await Promise.all([sim?.close(), crm?.close(), balancer?.close()].map((p) => p?.catch(() => undefined)));
    await db?.stop().catch(() => undefined);
    if (!settings.keep) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    log('interrupted: stopping the services and the database');
    void cleanup().finally(() => process.exit(130));
  });
  if (settings.serviceLogsDir) mkdirSync(settings.serviceLogsDir, { recursive: true });

  try {
    log(`benchmark${settings.quick ? ' (quick)' : ''}: ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)}, phases ${[...settings.only].join(', ')}`);
    const password = randomBytes(12).toString('hex');
    db = await startEmbeddedPostgres({ dataDir, password });
    if (settings.pgStats) {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`).finally(() => c.end());
      await db.stop();
      db = await startEmbeddedPostgres({ dataDir, password });
    }
    const databaseUrl = db.url;
    const postmasterPid = () => Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    pgCpu = new TreeCpuMeter(postmasterPid);
    sql = new Client({ connectionString: databaseUrl, application_name: 'bench' });
    await sql.connect();
    if (settings.pgStats) await sql.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (settings.pgWaits) {
      waitsSql = new Client({ connectionString: databaseUrl, application_name: 'bench-waits' });
      await waitsSql.connect();
    }
    // Under a burst the service may answer webhooks late: the simulator waits up to 30 s (slow answers are counted
    // against RingCentral's usual 3 s in acksOver3s) so no notification is lost and the throughput stays measurable;
    // a failed delivery is reported but must not blacklist the subscription and end the run.
    sim = await startRingCentralSim({ seed: 8, defaultPaceMs: 2, webhookTimeoutMs: 30_000, webhookFailureThreshold: 1_000_000 });
    crm = await startSampleCrm({ demoData: true });
    balancer = await startBalancer();
    deliveries = new DeliveryClock(sim);
    log(`PostgreSQL in ${dataDir}, simulator ${sim.url}, CRM ${crm.url}, balancer ${balancer.url}`);

    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HASH_KEY: randomBytes(16).toString('hex'),
      RINGCENTRAL_SERVER: sim.url,
      RINGCENTRAL_CLIENT_ID: sim.options.clientId,
      RINGCENTRAL_CLIENT_SECRET: sim.options.clientSecret,
      PUBLIC_BASE_URL: balancer.url,
      LOG_LEVEL: settings.logLevel,
      // Three call-log syncs in the steady minute (the default is one a minute): its requests and CPU are measured.
      CALL_LOG_SYNC_INTERVAL_SECONDS: String(SYNC_INTERVAL_SECONDS),
      ...(settings.serviceNodeOptions && { NODE_OPTIONS: settings.serviceNodeOptions }),
    };
    const start = async (name: string, role: 'api' | 'all') => {
      const svc = await spawnService({ name, role, env, cpuProfDir: settings.cpuProfDir });
      services.set(name, svc);
      log(`service ${name} (ROLE=${role}) pid ${svc.pid} on ${svc.url}`);
      return svc;
    };
    let account: OnboardedAccount | undefined;
    const ensureAccount = async () => {
      if (!account) {
        account = await onboard({ env, sim: sim!, crm: crm!, spec: accountSpec(), adminCrmUserId: 'usr_1001' });
        log(`onboarded account ${account.accountId} (simulator ${account.simAccount.id}), subscription ${account.subscriptionId}`);
      }
      return account;
    };

    const cpuNow = () => {
      const usage = process.cpuUsage();
      const out: Record<string, number> = { bench: (usage.user + usage.system) / 1e6, postgres: pgCpu!.sample() };
      for (const [name, seconds] of finalCpu) out[name] = seconds;
      for (const svc of services.values()) out[svc.name] = svc.cpuSeconds();
      return out;
    };
    /** Runs one measured phase and records its wall time, CPU by process, load, service counters (and statements). */
    const phase = async <T>(name: string, fn: () => Promise<T>): Promise<{ result: T; record: PhaseCpu; metrics: Record<string, number> }> => {
      log(`▶ ${name}`);
      if (settings.pgStats) await sql!.query('SELECT pg_stat_statements_reset()');
      const live = [...services.values()];
      const metricsBefore = await Promise.all(live.map((s) => scrapeMetrics(s.url)));
      const before = cpuNow();
      const load0 = loadavg()[0]!;
      const waits = settings.pgWaits ? new PgWaitSampler(waitsSql!) : undefined;
      waits?.start();
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const started = Date.now();
      const result = await fn();
      loopDelay.disable();
      const connections = waits?.stop();
      const after = cpuNow();
      const metrics = metricDelta(metricsBefore, await Promise.all(live.map((s) => scrapeMetrics(s.url))));
      const cpuSeconds: Record<string, number> = {};
      for (const [k, v] of Object.entries(after)) {
        const used = v - (before[k] ?? 0);
        if (used > 0.05) cpuSeconds[k] = round(used, 1);
      }
      const record: PhaseCpu = {
        name,
        wallSeconds: round((Date.now() - started) / 1000, 1),
        loadAverage: [round(load0, 2), round(loadavg()[0]!, 2)],
        cpuSeconds,
        benchLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6, 1), max: round(loopDelay.max / 1e6, 1) },
      };
      if (settings.pgStats) Object.assign(record, await statementsOf(sql!));
      if (connections) record.connections = connections;
      phases.push(record);
      log(`  CPU s ${JSON.stringify(cpuSeconds)} in ${record.wallSeconds} s, load ${record.loadAverage.join(' → ')}; benchmark process event-loop delay p99/max ${record.benchLoopDelayMs.p99}/${record.benchLoopDelayMs.max} ms`);
      if (connections) log(`  connections (average busy): ${connections.map((c) => `${c.what} ${c.connections}`).join('; ')}`);
      return { result, record, metrics };
    };
    /** An end-to-end phase: the run plus what each log cost in CPU and what the service measured itself. */
    const e2ePhase = async (name: string, fn: () => Promise<RunResult>): Promise<MeasuredRun> => {
      const { result, record, metrics } = await phase(name, fn);
      const cpuMsPerLog: Record<string, number> = {};
      let total = 0;
      for (const [k, v] of Object.entries(record.cpuSeconds)) {
        cpuMsPerLog[k] = round((v * 1000) / result.logged, 1);
        total += v;
      }
      cpuMsPerLog.total = round((total * 1000) / result.logged, 1);
      const run: MeasuredRun = {
        ...result,
        cpuMsPerLog,
        crmMsPerLogInService: round(histogramMean(metrics, 'sscl_crm_log_seconds', 'outcome="ok"') * 1000, 0),
        callEndToLogMsInService: round(histogramMean(metrics, 'sscl_call_end_to_log_seconds') * 1000, 0),
      };
      log(
        `  ${run.logged}/${run.legs} legs logged from ${run.calls} calls in ${run.seconds} s → ${run.legsPerSecond} logs/s (${run.callsPerSecond} calls/s); ` +
          `offered ${run.offeredCallsPerSecond} calls/s, all delivered after ${run.deliverSeconds} s; latency p50/p95/p99 ${run.latencyMs.p50}/${run.latencyMs.p95}/${run.latencyMs.p99} ms; ` +
          `RC ${run.rcRequests}, CRM ${run.crmRequests} requests ${JSON.stringify(run.crmByRoute)}; delivery failures ${run.deliveryFailures}; ` +
          `webhook ack p50/p99/max ${run.ackMs.p50}/${run.ackMs.p99}/${run.ackMs.max} ms (${run.acksOver3s} over 3 s); ` +
          `CPU ms/log ${JSON.stringify(cpuMsPerLog)}; in the service: CRM ${run.crmMsPerLogInService} ms/log, call end → log ${run.callEndToLogMsInService} ms`,
      );
      return run;
    };

    // ── Phase 1: intake on a ROLE=api process (no worker anywhere: nothing folds while it is measured) ──────────
    let reference: LoadResult = NO_LOAD;
    let intake: LoadResult & { non2xx: number } = NO_LOAD;
    if (want('intake')) {
      const api = await start('api', 'api');
      balancer.setBackends([api.port]);
      const { accountId, simAccount, verificationToken } = await ensureAccount();
      // A real notification as the simulator sends it: the agent's Answered event of an inbound call.
      const sample = await sim.play(simAccount.id, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane });
      const envelope = sample.delivered.filter((e) => e.body.parties[0]?.extensionId).at(-2) ?? sample.delivered[0]!;
      const payload = JSON.stringify(envelope);
      const telephonySessionId = envelope.body.telephonySessionId;
      log(`intake payload: ${payload.length} bytes (${envelope.body.parties[0]!.status.code} of ${telephonySessionId})`);

      // Reference and intake alternate in slices, so a machine whose speed drifts (a shared host) slows both alike.
      await createReferenceTable(databaseUrl);
      const refLoad = { databaseUrl, connections: settings.connections, accountId, telephonySessionId, payload };
      const intakeLoad = { url: api.url, connections: settings.connections, verificationToken, envelope: envelope as unknown as Record<string, unknown> };
      const referenceLoad = await ReferenceLoad.connect(refLoad);
      const refSlices: { result: LoadResult; record: PhaseCpu }[] = [];
      const intakeSlices: { result: LoadResult & { non2xx: number }; record: PhaseCpu }[] = [];
      try {
        await referenceLoad.run(settings.warmupSeconds * 1000);
        await measureIntake({ ...intakeLoad, durationSeconds: settings.warmupSeconds });
        const sliceSeconds = settings.intakeSeconds / settings.intakeRounds;
        for (let round = 1; round <= settings.intakeRounds; round++) {
          const slice = `${round}/${settings.intakeRounds}`;
          const ref = await phase(`intake reference: INSERT … RETURNING (${slice})`, () => referenceLoad.run(sliceSeconds * 1000));
          log(`  reference: ${ref.result.perSecond} inserts/s, p50 ${ref.result.p50Ms} ms, p99 ${ref.result.p99Ms} ms (${ref.result.errors} errors)`);
          refSlices.push(ref);
          const got = await phase(`intake: POST /webhooks/ringcentral, ROLE=api (${slice})`, () => measureIntake({ ...intakeLoad, durationSeconds: sliceSeconds }));
          log(`  intake: ${got.result.perSecond} notifications/s, p50 ${got.result.p50Ms} ms, p99 ${got.result.p99Ms} ms, non-2xx ${got.result.non2xx}, errors ${got.result.errors}`);
          intakeSlices.push(got);
        }
      } finally {
        await referenceLoad.close();
      }
      await dropReferenceTable(databaseUrl);
      // The slices' records give way to one record per side.
      const sliceRecords = new Set([...refSlices, ...intakeSlices].map((s) => s.record));
      phases.splice(0, phases.length, ...phases.filter((r) => !sliceRecords.has(r)));
      phases.push(mergePhases('intake reference: INSERT … RETURNING', refSlices.map((s) => s.record)));
      phases.push(mergePhases('intake: POST /webhooks/ringcentral, ROLE=api', intakeSlices.map((s) => s.record)));
      reference = mergeLoads(refSlices.map((s) => s.result));
      intake = { ...mergeLoads(intakeSlices.map((s) => s.result)), non2xx: intakeSlices.reduce((n, s) => n + s.result.non2xx, 0) };
      log(`reference: ${reference.perSecond} inserts/s; intake: ${intake.perSecond} notifications/s (${ratio(intake.perSecond, reference.perSecond)} ×), p99 ${intake.p99Ms} ms`);
      await stopService(api);
      // The intake's notifications are synthetic copies: drop them (the inbox is the fold queue) before anything folds.
      await sql.query('TRUNCATE inbound_events');
      await sql.query('VACUUM ANALYZE');
    }

    // ── Phases 2a, 5, 3, 2b on one long-lived ROLE=all process (a second one joins for 5) ──────────────────────
    let syncCpuMsPerLog: Record<string, number> = {};
    let steadySyncRequests = 0;
    let burst = NO_RUN;
    let burstTwo = NO_RUN;
    let repeat = NO_RUN;
    let steady = NO_RUN;
    let warmLogged = 0;
    const pool = [...Object.values(DEMO_NUMBERS).filter((x) => x.startsWith('+1')), ...Array.from({ length: 12 }, (_, i) => `+1617555${2100 + i}`)].slice(0, settings.repeatPool);
    if (want('burst') || want('scaleout') || want('repeat') || want('steady')) {
      const one = await start('all-1', 'all');
      balancer.setBackends([one.port]);
      const ctx: PipelineContext = { sim, crm, simAccountId: (await ensureAccount()).simAccount.id, deliveries };
      crm.setKnobs({ latencyMs: 0 });
      const warm = await playAndWait(ctx, { calls: settings.warmupCalls, rate: 100, timeoutMs: 60_000 });
      warmLogged += warm.logged;
      log(`warm-up: ${warm.logged}/${warm.legs} legs logged in ${warm.seconds} s`);

      if (want('burst') || want('scaleout')) {
        burst = await e2ePhase(`end to end: ${settings.burstCalls}-call burst, instant CRM, 1 process`, () =>
          playAndWait(ctx, { calls: settings.burstCalls, rate: settings.burstRate, timeoutMs: 240_000 }),
        );
      }
      if (want('scaleout')) {
        const two = await start('all-2', 'all');
        await deliveriesQuiet();
        balancer.setBackends([one.port, two.port]);
        const warmTwo = await playAndWait(ctx, { calls: settings.warmupCalls, rate: 100, timeoutMs: 60_000 });
        warmLogged += warmTwo.logged;
        log(`warm-up with two processes: ${warmTwo.logged}/${warmTwo.legs} legs logged in ${warmTwo.seconds} s`);
        burstTwo = await e2ePhase(`scale-out: ${settings.burstCalls}-call burst, instant CRM, 2 processes`, () =>
          playAndWait(ctx, { calls: settings.burstCalls, rate: settings.burstRate, timeoutMs: 240_000 }),
        );
        log(`  balancer connections by backend port: ${JSON.stringify(Object.fromEntries(balancer.connections))}`);
        await deliveriesQuiet();
        balancer.setBackends([one.port]);
        await stopService(two);
      }
      if (want('repeat')) {
        repeat = await e2ePhase(`repeat callers: ${settings.repeatCalls} calls from ${pool.length} numbers, instant CRM`, () =>
          playAndWait(ctx, { calls: settings.repeatCalls, rate: 100, options: { externalNumbers: pool }, timeoutMs: 120_000 }),
        );
      }
      if (want('steady')) {
        crm.setKnobs({ latencyMs: settings.crmLatencyMs });
        const syncAtStart = sim.stats().requests.byRoute[CALL_LOG_ROUTE] ?? 0;
        steady = await e2ePhase(`end to end: ${settings.steadyRate} calls/s for ${settings.steadySeconds} s, CRM latency ${settings.crmLatencyMs} ms`, () =>
          playAndWait(ctx, { calls: settings.steadyRate * settings.steadySeconds, rate: settings.steadyRate, timeoutMs: 300_000, stallMs: 60_000 }),
        );
        steadySyncRequests = (sim.stats().requests.byRoute[CALL_LOG_ROUTE] ?? 0) - syncAtStart;
        crm.setKnobs({ latencyMs: 0 });
        // The sync's own cost: no new calls, two sync periods in which it reads the call log again and updates the
        // steady phase's logs once (staged mode).
        const syncBefore = sim.stats().requests.byRoute[CALL_LOG_ROUTE] ?? 0;
        const { record } = await phase(`call-log sync: idle service, ${2 * SYNC_INTERVAL_SECONDS} s (sync + the staged updates it queues)`, () => sleep(2 * SYNC_INTERVAL_SECONDS * 1000 + 2000));
        syncCpuMsPerLog = Object.fromEntries(Object.entries(record.cpuSeconds).filter(([k]) => k !== 'bench').map(([k, v]) => [k, round((v * 1000) / Math.max(1, steady.logged), 2)]));
        log(`  call-log pages in the window: ${(sim.stats().requests.byRoute[CALL_LOG_ROUTE] ?? 0) - syncBefore}; CPU ms per steady log ${JSON.stringify(syncCpuMsPerLog)}`);
      }
      await deliveriesQuiet();
      await stopService(one);
    }

    // ── Phase 4: memory with calls in flight, on a fresh process ─────────────────────────────────────────────
    let memory = NO_MEMORY;
    if (want('memory')) {
      const mem = await start('all-mem', 'all');
      balancer.setBackends([mem.port]);
      const { accountId, simAccount } = await ensureAccount();
      await sleep(2000); // let start-up allocations settle before the idle reading
      const lb = balancer;
      const ctx: PipelineContext = { sim, crm, simAccountId: simAccount.id, deliveries, peakConnections: { reset: () => lb.resetPeak(), peak: () => lb.peakOpen() } };
      memory = (
        await phase(`memory: ${settings.inFlightCalls} calls in flight`, () =>
          openCallsAndMeasure(ctx, { service: mem, db: sql!, accountId, calls: settings.inFlightCalls, rate: settings.inFlightRate, timeoutMs: 240_000 }),
        )
      ).result;
      log(
        `  ${memory.callsInFlight} calls in flight: peak RSS ${memory.peakRssMb} MB (idle ${memory.idleRssMb} MB with heap ${memory.idleHeapUsedMb} MB used; ` +
          `peak heap ${memory.peakHeapUsedMb}/${memory.peakHeapTotalMb} MB used/total with up to ${memory.peakWebhookConnections} webhook connections open (ack p50/p99/max ${memory.ackMs.p50}/${memory.ackMs.p99}/${memory.ackMs.max} ms); after folding ${memory.settledRssMb} MB with heap ${memory.settledHeapUsedMb}/${memory.settledHeapTotalMb} MB used/total, external ${memory.settledExternalMb} MB); ` +
          `${memory.notifications} notifications folded ${memory.foldSeconds} s after the first`,
      );
      await deliveriesQuiet();
      await stopService(mem);
    }

    let explained: ExplainedStatement[] | undefined;
    if (settings.explain && account) {
      explained = await explainHotStatements(sql, account.accountId);
      for (const e of explained) log(`EXPLAIN ANALYZE ${e.name}: execution ${e.executionMs} ms, planning ${e.planningMs} ms`);
    }

    // ── Report ───────────────────────────────────────────────────────────────────────────────────────────────
    const simStats = sim.stats();
    const logs = warmLogged + [burst, burstTwo, repeat, steady].reduce((s, r) => s + r.logged, 0);
    const newCallerRuns = [burst, burstTwo, steady];
    const updateRequests = (r: MeasuredRun) => CRM_UPDATE_ROUTES.reduce((n, route) => n + (r.crmByRoute[route] ?? 0), 0);
    const crmUpdates = newCallerRuns.reduce((s, r) => s + updateRequests(r), 0);
    // The create path (contact lookup + createCallLog); the staged update's read and patch are reported on their own.
    const crmNew = newCallerRuns.reduce((s, r) => s + r.crmRequests, 0) - crmUpdates;
    const logsNew = newCallerRuns.reduce((s, r) => s + r.logged, 0);
    if (deliveries.failures) notes.push(`${deliveries.failures} webhook deliveries failed (${JSON.stringify(deliveries.failureReasons)}); their notifications were lost.`);
    for (const [name, r] of Object.entries({ burst, burstTwo, repeat, steady })) {
      if (r.missing) notes.push(`${name}: ${r.missing} of ${r.legs} legs had no CRM activity when the phase ended.`);
      if (r.duplicateActivities) notes.push(`${name}: ${r.duplicateActivities} activities for legs that already had one (logged twice).`);
      if (r.unexpectedLegActivities) notes.push(`${name}: ${r.unexpectedLegActivities} activities for legs of its calls the simulator did not expect.`);
      if (r.earlierCallActivities) notes.push(`${name}: ${r.earlierCallActivities} activities for calls of earlier phases.`);
    }
    notes.push(
      ...(settings.serviceNodeOptions ? [`Service processes ran with NODE_OPTIONS=${settings.serviceNodeOptions}.`] : []),
      `Intake measured on a ROLE=api process with no worker running; the load generator (autocannon) and the reference loop run in the benchmark process. Webhook deliveries of the other phases go through a TCP round-robin balancer in the benchmark process. Service LOG_LEVEL=${settings.logLevel}.`,
      `Rates count CRM call logs (one per agent leg; internal calls are not logged by default): burst ${burst.logged} logs from ${burst.calls} calls, steady ${steady.logged} logs from ${steady.calls} calls.`,
      `Latency p50/p95/p99/max — steady (CRM ${settings.crmLatencyMs} ms): ${fmtLatency(steady)}; burst (instant CRM, backlog included): ${fmtLatency(burst)}.`,
      `Webhook acknowledgements slower than 3 s (the simulator waits 30 s; on the platform each would be a failed delivery): burst ${burst.acksOver3s}, scale-out ${burstTwo.acksOver3s}, repeat ${repeat.acksOver3s}, steady ${steady.acksOver3s}; ack p99 burst ${burst.ackMs.p99} ms, scale-out ${burstTwo.ackMs.p99} ms, memory ${memory.ackMs.p99} ms.`,
      `Memory: up to ${memory.peakWebhookConnections} webhook connections open at once; V8 heap used ${memory.idleHeapUsedMb} MB idle, ${memory.peakHeapUsedMb} MB at most, ${memory.settledHeapUsedMb} MB once folded; peak RSS of every service process over its life: ${JSON.stringify(peakRss)}.`,
      `CPU ms per logged call (burst, 1 process): ${JSON.stringify(burst.cpuMsPerLog)} — "bench" is the simulator, the CRM, the balancer and the measuring.`,
    );
    const partial = {
      intake: {
        perSecond: intake.perSecond,
        p50Ms: intake.p50Ms,
        p99Ms: intake.p99Ms,
        referenceInsertsPerSecond: reference.perSecond,
        ratio: ratio(intake.perSecond, reference.perSecond),
        referenceP50Ms: reference.p50Ms,
        referenceP99Ms: reference.p99Ms,
        measuredOn: 'ROLE=api, no worker',
        connections: settings.connections,
        durationSeconds: intake.durationSeconds,
        non2xx: intake.non2xx,
        errors: intake.errors,
      },
      endToEnd: {
        callsPerSecond: burst.legsPerSecond,
        p50Ms: steady.latencyMs.p50,
        p95Ms: steady.latencyMs.p95,
        p99Ms: steady.latencyMs.p99,
        telephonySessionsPerSecond: burst.callsPerSecond,
        steadyOfferedCallsPerSecond: steady.offeredCallsPerSecond,
        crmLatencyMs: settings.crmLatencyMs,
        burst,
        steady,
      },
      cost: {
        ringcentralRequestsPerLog: ratio(simStats.requests.total, logs, 4),
        crmRequestsPerLog: ratio(crmNew, logsNew, 3),
        crmRequestsPerLogRepeatCallers: ratio(repeat.crmRequests - updateRequests(repeat), repeat.logged, 3),
        ringcentralRequests: simStats.requests.total,
        ringcentralByRoute: simStats.requests.byRoute,
        logs,
        repeatCallers: { ...repeat, numbers: pool.length },
        ringcentralRequestsPerLogSteady: ratio(steady.rcRequests, steady.logged, 4),
        callLogSyncRequests: simStats.requests.byRoute[CALL_LOG_ROUTE] ?? 0,
        callLogSyncRequestsSteady: steadySyncRequests,
        crmUpdateRequestsPerLog: ratio(crmUpdates, logsNew, 3),
        syncCpuMsPerLog,
      },
      memory: { ...memory, peakRssMb: memory.peakRssMb, callsInFlight: memory.callsInFlight },
    };
    const skipped = PHASES.filter((p) => !want(p));
    const result: BenchResult = {
      date: startedAt.toISOString().slice(0, 10),
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 0),
      quick: settings.quick,
      machine: { cores: cpus().length, node: process.version, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), platform: `${process.platform}-${process.arch}` },
      ...partial,
      scaleOut: { ratio: ratio(burstTwo.legsPerSecond, burst.legsPerSecond), onePerSecond: burst.legsPerSecond, twoPerSecond: burstTwo.legsPerSecond, two: burstTwo },
      targets: TARGETS,
      pass: verdicts(partial),
      phases,
      notes,
      skipped,
      ...(explained && { explain: explained }),
      servicePeakRssMb: peakRss,
    };
    console.log(`\n${toText(result)}\n`);
    if (skipped.length) {
      const path = join(tmpdir(), `sscl-bench-partial-${Date.now()}.json`);
      writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
      log(`partial run (skipped ${skipped.join(', ')}): wrote ${path} only`);
    } else {
      const files = writeResults(result, settings.outDir);
      log(`wrote ${files.json} and ${files.md}`);
    }
    if (settings.cpuProfDir) log(`CPU profiles of the service processes: ${settings.cpuProfDir} (node dist/bench/profile-summary.js <file>)`);
  } catch (error) {
    for (const svc of services.values()) console.error(`--- output of ${svc.name} ---\n${svc.output().slice(-5000)}`);
    throw error;
  } finally {
    await cleanup();
  }
}

const fmtLatency = (r: RunResult) => `${r.latencyMs.p50}/${r.latencyMs.p95}/${r.latencyMs.p99}/${r.latencyMs.max} ms`;

/** Slices of LoadResult as one: rates over the summed time; p50 weighted by count, p99 the highest slice's. */
function mergeLoads(slices: LoadResult[]): LoadResult {
  const count = slices.reduce((n, r) => n + r.count, 0);
  const durationSeconds = slices.reduce((n, r) => n + r.durationSeconds, 0);
  return {
    perSecond: round(count / durationSeconds, 0),
    p50Ms: round(slices.reduce((n, r) => n + r.p50Ms * r.count, 0) / Math.max(1, count), 2),
    p99Ms: Math.max(...slices.map((r) => r.p99Ms)),
    count,
    durationSeconds: round(durationSeconds, 2),
    errors: slices.reduce((n, r) => n + r.errors, 0),
  };
}

/** Phase records of one phase's slices as one record (CPU, wall time and statements summed). */
function mergePhases(name: string, records: PhaseCpu[]): PhaseCpu {
  const cpuSeconds: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r.cpuSeconds)) cpuSeconds[k] = round((cpuSeconds[k] ?? 0) + v, 1);
  const merged: PhaseCpu = {
    name,
    wallSeconds: round(records.reduce((n, r) => n + r.wallSeconds, 0), 1),
    loadAverage: [records[0]!.loadAverage[0], records.at(-1)!.loadAverage[1]],
    cpuSeconds,
    // The slices' worst p99 and max (percentiles of separate histograms do not add up).
    benchLoopDelayMs: { p99: Math.max(...records.map((r) => r.benchLoopDelayMs.p99)), max: Math.max(...records.map((r) => r.benchLoopDelayMs.max)) },
  };
  if (records.every((r) => r.statements)) {
    merged.statements = { calls: records.reduce((n, r) => n + r.statements!.calls, 0), execMs: round(records.reduce((n, r) => n + r.statements!.execMs, 0), 1) };
    const byQuery = new Map<string, { calls: number; totalMs: number; meanMs: number; rows: number; query: string }>();
    for (const top of records.flatMap((r) => r.topStatements ?? [])) {
      const sum = byQuery.get(top.query) ?? { calls: 0, totalMs: 0, meanMs: 0, rows: 0, query: top.query };
      byQuery.set(top.query, { ...sum, calls: sum.calls + top.calls, totalMs: round(sum.totalMs + top.totalMs, 1), rows: sum.rows + top.rows });
    }
    merged.topStatements = [...byQuery.values()].map((t) => ({ ...t, meanMs: round(t.totalMs / t.calls, 3) })).sort((a, b) => b.calls - a.calls).slice(0, 25);
  }
  return merged;
}

/** Statement totals and the statements that took the most execution time since the last reset (pg_stat_statements). */
async function statementsOf(sql: Client): Promise<Pick<PhaseCpu, 'statements' | 'topStatements'>> {
  const ours = `query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%FROM pgboss.job WHERE name = $1 AND state IN%'`;
  const totals = await sql.query(`SELECT sum(calls)::int AS calls, round(sum(total_exec_time)::numeric, 1)::float AS "execMs" FROM pg_stat_statements WHERE ${ours}`);
  const { rows } = await sql.query(
    `SELECT calls::int, round(total_exec_time::numeric, 1)::float AS "totalMs", round(mean_exec_time::numeric, 3)::float AS "meanMs", rows::int,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 300) AS query
       FROM pg_stat_statements WHERE ${ours} ORDER BY calls DESC LIMIT 25`,
  );
  return { statements: totals.rows[0], topStatements: rows };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
