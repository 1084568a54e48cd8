import type { Client } from 'pg';
import type { SampleCrm } from '../sim/crm';
import type { DeliveryRecord, PlayRandomOptions, RingCentralSim } from '../sim/ringcentral';
import type { ExpectedLeg, PlayResult } from '../sim/ringcentral/sim-types';
import { scrapeMetrics } from './metrics';
import { RssSampler, readMemory } from './proc';
import type { ServiceProcess } from './service';
import { percentile, poll, round, sleep } from './stats';

/**
 * Phases 2–5: calls played by the RingCentral simulator, logged by the service into the sample CRM. A leg counts as
 * logged when the CRM holds an activity with its externalId (`telephonySessionId:extensionId`); its latency runs
 * from the moment the simulator started POSTing the leg's last notification to the activity's `createdAt`.
 */

export interface PipelineContext {
  /** Webhook connections open at once through the balancer (how many deliveries the service had in hand). */
  peakConnections?: { reset(): void; peak(): number };
  sim: RingCentralSim;
  crm: SampleCrm;
  simAccountId: string;
  deliveries: DeliveryClock;
}

/** Remembers when each notification was first sent, and counts failed deliveries. */
export class DeliveryClock {
  private readonly sent = new Map<string, number>();
  failures = 0;
  /** Failed deliveries by HTTP status, or "no answer" (timeout, refused, reset). */
  readonly failureReasons: Record<string, number> = {};
  private readonly remove: () => void;

  /** Milliseconds from send to answer of each delivery since the last takeAckTimes(). */
  private ackTimes: number[] = [];

  constructor(sim: RingCentralSim) {
    this.remove = sim.onDelivery((d: DeliveryRecord) => {
      if (!this.sent.has(d.envelope.uuid)) this.sent.set(d.envelope.uuid, d.sentAt);
      this.ackTimes.push(d.answeredAt - d.sentAt);
      if (!d.ok) {
        this.failures++;
        const reason = d.status ? String(d.status) : (d.reason ?? 'no answer');
        this.failureReasons[reason] = (this.failureReasons[reason] ?? 0) + 1;
      }
    });
  }

  takeAckTimes(): number[] {
    const taken = this.ackTimes;
    this.ackTimes = [];
    return taken;
  }

  sentAt(uuid: string): number | undefined {
    return this.sent.get(uuid);
  }

  clear(): void {
    this.sent.clear();
  }

  close(): void {
    this.remove();
  }
}

export interface RunResult {
  calls: number;
  /** Legs the service must log (every agent leg except internal calls, which the default filters skip). */
  legs: number;
  logged: number;
  missing: number;
  /** Activities created in the phase for a leg that already had one (a call logged twice). */
  duplicateActivities: number;
  /** Activities created in the phase for a leg of its own calls that the simulator did not expect (a wrong log). */
  unexpectedLegActivities: number;
  /** Activities created in the phase for legs of calls not played in it (an earlier phase's calls, logged late). */
  earlierCallActivities: number;
  /** Seconds from the first notification sent to the last activity created. */
  seconds: number;
  legsPerSecond: number;
  callsPerSecond: number;
  /** Calls started per second by the simulator, and seconds until it had delivered every notification. */
  offeredCallsPerSecond: number;
  deliverSeconds: number;
  notifications: number;
  deliveryFailures: number;
  /** How long the service took to acknowledge the simulator's webhook POSTs during the phase (ROLE=all under load). */
  ackMs: { p50: number; p99: number; max: number };
  /** Acknowledgements slower than RingCentral's usual 3 s timeout (the benchmark raises the simulator's to 30 s). */
  acksOver3s: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  rcRequests: number;
  crmRequests: number;
  crmByRoute: Record<string, number>;
}

/** Plays `calls` calls at `rate` per second and waits until each expected leg has its CRM activity. */
export async function playAndWait(
  ctx: PipelineContext,
  args: { calls: number; rate: number; options?: PlayRandomOptions; timeoutMs: number; stallMs?: number },
): Promise<RunResult> {
  const { sim, crm } = ctx;
  const rcBefore = sim.stats().requests.total;
  const crmBefore = crm.stats();
  const activitiesBefore = crm.activities().length;
  const failuresBefore = ctx.deliveries.failures;
  ctx.deliveries.takeAckTimes();
  const started = Date.now();
  const plays: PlayResult[] = await playAtRate(sim, ctx.simAccountId, args.calls, args.rate, args.options);
  const delivered = Date.now();
  const legs = plays.flatMap((p) => p.legs.filter((l) => !l.internal).map((leg) => ({ leg, play: p })));
  const expected = new Map(legs.map(({ leg }) => [`${leg.telephonySessionId}:${leg.extensionId}`, leg]));

  // Wait for every leg's activity; give up at the deadline or when nothing new arrived for stallMs.
  const createdAt = new Map<string, number>();
  let lastProgress = Date.now();
  let seen = activitiesBefore;
  await poll(() => {
    const activities = crm.activities();
    for (let i = seen; i < activities.length; i++) {
      const a = activities[i]!;
      if (expected.has(a.externalId) && !createdAt.has(a.externalId)) createdAt.set(a.externalId, Date.parse(a.createdAt));
    }
    if (activities.length > seen) lastProgress = Date.now();
    seen = activities.length;
    if (createdAt.size >= expected.size) return true;
    if (Date.now() - lastProgress > (args.stallMs ?? 30_000)) return false;
    return undefined;
  }, args.timeoutMs, 250);

  let firstSent = Infinity;
  for (const p of plays) for (const e of p.delivered) firstSent = Math.min(firstSent, ctx.deliveries.sentAt(e.uuid) ?? Infinity);
  if (!Number.isFinite(firstSent)) firstSent = started;
  let lastCreated = firstSent;
  for (const at of createdAt.values()) lastCreated = Math.max(lastCreated, at);
  const seconds = (lastCreated - firstSent) / 1000;
  const latencies = legs.flatMap(({ leg, play }) => {
    const at = createdAt.get(`${leg.telephonySessionId}:${leg.extensionId}`);
    const last = lastNotificationOf(leg, play, ctx.deliveries);
    return at !== undefined && last !== undefined ? [at - last] : [];
  });
  const crmAfter = crm.stats();
  const acks = ctx.deliveries.takeAckTimes();
  const loggedCalls = new Set([...createdAt.keys()].map((k) => k.slice(0, k.lastIndexOf(':')))).size;
  return {
    calls: plays.length,
    legs: expected.size,
    logged: createdAt.size,
    missing: expected.size - createdAt.size,
    ...activityCounts(crm.activities(), activitiesBefore, expected, new Set(plays.flatMap((p) => p.telephonySessionIds))),
    seconds: round(seconds, 2),
    legsPerSecond: round(createdAt.size / seconds, 1),
    callsPerSecond: round(loggedCalls / seconds, 1),
    offeredCallsPerSecond: round(plays.length / ((delivered - started) / 1000), 1),
    deliverSeconds: round((delivered - started) / 1000, 2),
    notifications: plays.reduce((n, p) => n + p.delivered.length, 0),
    deliveryFailures: ctx.deliveries.failures - failuresBefore,
    ackMs: { p50: round(percentile(acks, 50), 0), p99: round(percentile(acks, 99), 0), max: round(percentile(acks, 100), 0) },
    acksOver3s: acks.filter((ms) => ms > 3000).length,
    latencyMs: {
      p50: round(percentile(latencies, 50), 0),
      p95: round(percentile(latencies, 95), 0),
      p99: round(percentile(latencies, 99), 0),
      max: round(percentile(latencies, 100), 0),
    },
    rcRequests: sim.stats().requests.total - rcBefore,
    crmRequests: crmAfter.total - crmBefore.total,
    crmByRoute: Object.fromEntries(Object.entries(crmAfter.byRoute).map(([k, v]) => [k, v - (crmBefore.byRoute[k] ?? 0)]).filter(([, v]) => (v as number) > 0)),
  };
}

/**
 * Starts `count` random calls at `rate` per second on an absolute schedule (the simulator's playRandom sleeps
 * 1000/rate ms between starts, so a busy event loop would lower the rate); when behind, it catches up at once.
 */
export async function playAtRate(sim: RingCentralSim, accountId: string, count: number, rate: number, options: PlayRandomOptions = {}): Promise<PlayResult[]> {
  const started = Date.now();
  const plays: Promise<PlayResult>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - Date.now();
    if (wait >= 1) await sleep(wait);
    else if (i % 25 === 24) await new Promise((r) => setImmediate(r)); // behind schedule: let deliveries run too
    plays.push(sim.playRandom(accountId, 1, options).then((r) => r[0]!));
  }
  return Promise.all(plays);
}

/** When the simulator sent the last notification about the leg's own party. */
function lastNotificationOf(leg: ExpectedLeg, play: PlayResult, deliveries: DeliveryClock): number | undefined {
  let last: number | undefined;
  for (const envelope of play.delivered) {
    if (envelope.body.parties[0]?.id !== leg.partyId) continue;
    const at = deliveries.sentAt(envelope.uuid);
    if (at !== undefined && (last === undefined || at > last)) last = at;
  }
  return last;
}

export interface InFlightResult {
  callsInFlight: number;
  notifications: number;
  idleRssMb: number;
  peakRssMb: number;
  /** RSS once everything was folded (what the calls cost at rest). */
  settledRssMb: number;
  idleHeapUsedMb: number;
  /** Highest V8 heap total / used seen during the phase (sampled once a second), MB. */
  peakHeapTotalMb: number;
  peakHeapUsedMb: number;
  /** Most webhook connections open at once (the simulator's concurrent deliveries). */
  peakWebhookConnections: number;
  ackMs: { p50: number; p99: number; max: number };
  /** V8 heap used / total and external memory at that point (the service's /metrics), MB. */
  settledHeapUsedMb: number;
  settledHeapTotalMb: number;
  settledExternalMb: number;
  deliverSeconds: number;
  foldSeconds: number;
  deliveryFailures: number;
}

/**
 * Phase 4. Starts `calls` calls that never end (simulator `leaveOpen`) and samples the service's RSS until every
 * notification is folded; the peak is the higher of the sampled VmRSS and the kernel's VmHWM.
 */
export async function openCallsAndMeasure(
  ctx: PipelineContext,
  args: { service: ServiceProcess; db: Client; accountId: string; calls: number; rate: number; timeoutMs: number },
): Promise<InFlightResult> {
  const idle = readMemory(args.service.pid)?.rssMb ?? NaN;
  const idleHeap = await scrapeMetrics(args.service.url, ['nodejs_heap_size_used']);
  const sampler = new RssSampler(args.service.pid).start(100);
  ctx.peakConnections?.reset();
  // The V8 heap once a second: is the peak RSS live data, or a heap grown under load?
  let peakHeapTotal = 0;
  let peakHeapUsed = 0;
  let sampling = true;
  const heapSampling = (async () => {
    while (sampling) {
      const heap = await scrapeMetrics(args.service.url, ['nodejs_heap_size']);
      peakHeapTotal = Math.max(peakHeapTotal, heap.get('nodejs_heap_size_total_bytes') ?? 0);
      peakHeapUsed = Math.max(peakHeapUsed, heap.get('nodejs_heap_size_used_bytes') ?? 0);
      await sleep(1000);
    }
  })();
  const failuresBefore = ctx.deliveries.failures;
  ctx.deliveries.takeAckTimes();
  const started = Date.now();
  const plays = await playAtRate(ctx.sim, ctx.simAccountId, args.calls, args.rate, { mix: { 'inbound-answered': 3, 'outbound-answered': 2 }, leaveOpen: true });
  const delivered = Date.now();
  await poll(async () => {
    const { rows } = await args.db.query<{ n: number }>(
      // The inbox is the fold queue: folded once no row is left unfolded.
      `SELECT count(*)::int AS n FROM inbound_events WHERE folded_at IS NULL AND quarantined_at IS NULL`,
    );
    return rows[0]!.n === 0 ? true : undefined;
  }, args.timeoutMs, 250);
  const folded = Date.now();
  await sleep(1000);
  const sessionIds = plays.flatMap((p) => p.telephonySessionIds);
  const { rows } = await args.db.query<{ n: number }>(
    `SELECT count(DISTINCT telephony_session_id)::int AS n FROM call_parties
      WHERE account_id = $1 AND telephony_session_id = ANY($2::text[])
        AND telephony_session_id NOT IN (SELECT telephony_session_id FROM call_parties WHERE account_id = $1 AND status_code IN ('Disconnected', 'Gone'))`,
    [args.accountId, sessionIds],
  );
  sampler.stop();
  const acks = ctx.deliveries.takeAckTimes();
  sampling = false;
  await heapSampling;
  const heap = await scrapeMetrics(args.service.url, ['nodejs_heap_size', 'nodejs_external_memory']);
  const mb = (key: string) => round((heap.get(key) ?? NaN) / 2 ** 20, 1);
  return {
    callsInFlight: rows[0]!.n,
    notifications: plays.reduce((n, p) => n + p.delivered.length, 0),
    idleRssMb: round(idle, 1),
    peakRssMb: round(sampler.peakMb(), 1),
    settledRssMb: round(readMemory(args.service.pid)?.rssMb ?? NaN, 1),
    idleHeapUsedMb: round((idleHeap.get('nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20, 1),
    peakHeapTotalMb: round(peakHeapTotal / 2 ** 20, 1),
    peakHeapUsedMb: round(peakHeapUsed / 2 ** 20, 1),
    peakWebhookConnections: ctx.peakConnections?.peak() ?? NaN,
    ackMs: { p50: round(percentile(acks, 50), 0), p99: round(percentile(acks, 99), 0), max: round(percentile(acks, 100), 0) },
    settledHeapUsedMb: mb('nodejs_heap_size_used_bytes'),
    settledHeapTotalMb: mb('nodejs_heap_size_total_bytes'),
    settledExternalMb: mb('nodejs_external_memory_bytes'),
    deliverSeconds: round((delivered - started) / 1000, 1),
    foldSeconds: round((folded - started) / 1000, 1),
    deliveryFailures: ctx.deliveries.failures - failuresBefore,
  };
}

/**
 * The phase's new activities (from `from` on) that repeat a leg's externalId (`telephonySessionId:extensionId`), that
 * are for an unexpected leg of the phase's own calls, or that are for calls the phase did not play.
 */
function activityCounts(
  activities: { externalId: string }[],
  from: number,
  expected: Map<string, unknown>,
  sessions: Set<string>,
): { duplicateActivities: number; unexpectedLegActivities: number; earlierCallActivities: number } {
  const seen = new Set(activities.slice(0, from).map((a) => a.externalId));
  const counts = { duplicateActivities: 0, unexpectedLegActivities: 0, earlierCallActivities: 0 };
  for (const { externalId } of activities.slice(from)) {
    if (seen.has(externalId)) counts.duplicateActivities++;
    else if (sessions.has(externalId.slice(0, externalId.lastIndexOf(':')))) counts.unexpectedLegActivities += expected.has(externalId) ? 0 : 1;
    else counts.earlierCallActivities++;
    seen.add(externalId);
  }
  return counts;
}
