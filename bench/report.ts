import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './intake';
import type { InFlightResult, RunResult } from './pipeline';
import { round } from './stats';

/** The benchmark's JSON (its top-level keys are an interface: scripts read them) and the Markdown table. */

/** An end-to-end phase with what it cost: CPU ms per logged call by process, and the service's own counters. */
export type MeasuredRun = RunResult & {
  cpuMsPerLog: Record<string, number>;
  /** Mean sscl_crm_log_seconds (all CRM requests of one log) in ms, from the service's /metrics. */
  crmMsPerLogInService: number;
  /** Mean sscl_call_end_to_log_seconds in ms (the service's own view of latency, from the call's end time). */
  callEndToLogMsInService: number;
};

export interface PhaseCpu {
  name: string;
  wallSeconds: number;
  /** 1-minute load average when the phase started and ended (other work on the machine shows here). */
  loadAverage: [number, number];
  /** CPU seconds used during the phase: each service process, PostgreSQL (all backends), the benchmark process. */
  cpuSeconds: Record<string, number>;
  /**
   * How late the benchmark process's event loop ran during the phase: the simulator that sends the webhooks and times
   * their acknowledgements lives there, so its own delays are part of every acknowledgement time it measures.
   */
  benchLoopDelayMs: { p99: number; max: number };
  /** With --pg-stats: every statement PostgreSQL ran in the phase (the benchmark's own polling excluded). */
  statements?: { calls: number; execMs: number };
  /** With --pg-stats: the statements run most often in the phase. */
  topStatements?: { calls: number; totalMs: number; meanMs: number; rows: number; query: string }[];
  /** With --pg-waits: average number of connections per (client, state / wait event) over the phase. */
  connections?: { what: string; connections: number }[];
}

export interface BenchResult {
  date: string;
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: { cores: number; node: string; cpuModel: string; memoryMb: number; platform: string };
  intake: {
    perSecond: number;
    p50Ms: number;
    p99Ms: number;
    referenceInsertsPerSecond: number;
    ratio: number;
    referenceP50Ms: number;
    referenceP99Ms: number;
    measuredOn: string;
    connections: number;
    durationSeconds: number;
    non2xx: number;
    errors: number;
  };
  endToEnd: {
    /** CRM call logs (one per agent leg) per second, burst with an instant CRM, one service process. */
    callsPerSecond: number;
    /** Last notification of a leg → its CRM activity, steady rate with CRM latency. */
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    telephonySessionsPerSecond: number;
    steadyOfferedCallsPerSecond: number;
    crmLatencyMs: number;
    burst: MeasuredRun;
    steady: MeasuredRun;
  };
  cost: {
    ringcentralRequestsPerLog: number;
    crmRequestsPerLog: number;
    crmRequestsPerLogRepeatCallers: number;
    ringcentralRequests: number;
    ringcentralByRoute: Record<string, number>;
    logs: number;
    repeatCallers: MeasuredRun & { numbers: number };
    /** The steady 50 calls/s phase alone: every RingCentral request in it (the call-log sync's included) per log. */
    ringcentralRequestsPerLogSteady?: number;
    /** Call-log sync page requests over the whole run, and during the steady phase. */
    callLogSyncRequests?: number;
    callLogSyncRequestsSteady?: number;
    /** Staged mode's update (getCallLog + updateCallLog) per log, over the new-caller phases; not in crmRequestsPerLog. */
    crmUpdateRequestsPerLog?: number;
    /** CPU (service + PostgreSQL) of an idle window in which only the call-log sync (and the staged updates it queues) ran, per steady-phase log. */
    syncCpuMsPerLog?: Record<string, number>;
  };
  memory: { peakRssMb: number; callsInFlight: number } & InFlightResult;
  scaleOut: { ratio: number; onePerSecond: number; twoPerSecond: number; two: MeasuredRun };
  targets: Record<string, string>;
  pass: Record<string, boolean>;
  phases: PhaseCpu[];
  notes: string[];
  /** Peak RSS (VmHWM) of every service process over its whole life, MB (the burst processes' peaks are here). */
  servicePeakRssMb: Record<string, number>;
  /** With --explain: plans and times of the pipeline's most frequent statements. */
  explain?: { name: string; executionMs: number; planningMs: number; plan: string }[];
  /** Phases left out with --only (then the figures they feed are NaN/null and nothing is written to bench/results). */
  skipped: string[];
}

export const TARGETS = {
  intakeRatio: '≥ 2.0 × reference',
  intakeP99Ms: '< 50 ms',
  endToEndCallsPerSecond: '≥ 100 /s',
  endToEndP95Ms: '< 2 s',
  ringcentralRequestsPerLog: '< 0.05',
  crmRequestsPerLog: '≤ 2.0',
  crmRequestsPerLogRepeatCallers: '≤ 1.5',
  peakRssMb: '< 300 MB',
  scaleOutRatio: '— (none in the issue)',
};

export function verdicts(r: Pick<BenchResult, 'intake' | 'endToEnd' | 'cost' | 'memory'>): Record<string, boolean> {
  return {
    intakeRatio: r.intake.ratio >= 2.0,
    intakeP99Ms: r.intake.p99Ms < 50,
    endToEndCallsPerSecond: r.endToEnd.callsPerSecond >= 100,
    endToEndP95Ms: r.endToEnd.p95Ms < 2000,
    ringcentralRequestsPerLog: r.cost.ringcentralRequestsPerLog < 0.05 && (r.cost.ringcentralRequestsPerLogSteady ?? 0) < 0.05,
    crmRequestsPerLog: r.cost.crmRequestsPerLog <= 2.0,
    crmRequestsPerLogRepeatCallers: r.cost.crmRequestsPerLogRepeatCallers <= 1.5,
    peakRssMb: r.memory.peakRssMb < 300,
  };
}

const n = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const mark = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'pass' : '**MISS**');

export function tableRows(r: BenchResult): string[][] {
  const { intake, endToEnd: e, cost, memory, scaleOut } = r;
  const crmPerLog = r.endToEnd.burst.logged ? r.endToEnd.burst.crmRequests / r.endToEnd.burst.logged : NaN;
  return [
    ['figure', 'measured', 'target', 'reference (same run)', 'verdict'],
    [
      `Intake, notifications/s (${intake.measuredOn}, c=${intake.connections}, ${n(intake.durationSeconds)} s)`,
      `${n(intake.perSecond)}/s — **${n(intake.ratio, 2)} ×** reference`,
      TARGETS.intakeRatio,
      `single-row INSERT … RETURNING, ${intake.connections} clients: ${n(intake.referenceInsertsPerSecond)}/s`,
      mark(r.pass.intakeRatio),
    ],
    [
      'Intake ack latency p50 / p99',
      `${n(intake.p50Ms)} / **${n(intake.p99Ms)} ms**`,
      `p99 ${TARGETS.intakeP99Ms}`,
      `one INSERT p50 / p99: ${n(intake.referenceP50Ms, 1)} / ${n(intake.referenceP99Ms, 1)} ms`,
      mark(r.pass.intakeP99Ms),
    ],
    [
      `End to end, instant CRM (${n(e.burst.calls)}-call burst, 1 process)`,
      `**${n(e.callsPerSecond, 1)} logs/s** (${n(e.telephonySessionsPerSecond, 1)} calls/s)`,
      TARGETS.endToEndCallsPerSecond,
      `simulator offered ${n(e.burst.offeredCallsPerSecond)} calls/s (all delivered in ${n(e.burst.deliverSeconds, 1)} s)`,
      mark(r.pass.endToEndCallsPerSecond),
    ],
    [
      `Last notification → CRM activity, ${n(e.steadyOfferedCallsPerSecond)} calls/s, CRM ${e.crmLatencyMs} ms`,
      `p50 ${n(e.p50Ms)} / **p95 ${n(e.p95Ms)}** / p99 ${n(e.p99Ms)} ms`,
      `p95 ${TARGETS.endToEndP95Ms}`,
      `CRM time alone: ${n(crmPerLog, 2)} requests × ${e.crmLatencyMs} ms ≈ ${n(crmPerLog * e.crmLatencyMs)} ms`,
      mark(r.pass.endToEndP95Ms),
    ],
    [
      'RingCentral API requests per logged call',
      `**${n(cost.ringcentralRequestsPerLog, 4)}**`,
      TARGETS.ringcentralRequestsPerLog,
      `${n(cost.ringcentralRequests)} requests / ${n(cost.logs)} logs over the run (call-log sync: ${n(cost.callLogSyncRequests ?? 0)} pages)`,
      mark(r.pass.ringcentralRequestsPerLog),
    ],
    [
      `RingCentral API requests per logged call at ${n(e.steadyOfferedCallsPerSecond)} calls/s, call-log sync included`,
      `**${n(cost.ringcentralRequestsPerLogSteady ?? NaN, 4)}**`,
      TARGETS.ringcentralRequestsPerLog,
      `${n(e.steady.rcRequests)} requests (${n(cost.callLogSyncRequestsSteady ?? 0)} call-log pages) / ${n(e.steady.logged)} logs; sync CPU ms per log ${JSON.stringify(cost.syncCpuMsPerLog ?? {})}`,
      mark(r.pass.ringcentralRequestsPerLog),
    ],
    [
      'CRM requests per logged call (random callers)',
      `**${n(cost.crmRequestsPerLog, 2)}**`,
      TARGETS.crmRequestsPerLog,
      `2 per new number: one contact lookup + one createCallLog (create path; the staged update adds ${n(cost.crmUpdateRequestsPerLog ?? NaN, 2)})`,
      mark(r.pass.crmRequestsPerLog),
    ],
    [
      `CRM requests per logged call, repeat callers (${cost.repeatCallers.numbers} numbers, ${n(cost.repeatCallers.calls)} calls)`,
      `**${n(cost.crmRequestsPerLogRepeatCallers, 2)}**`,
      TARGETS.crmRequestsPerLogRepeatCallers,
      '1 when every number is cached: createCallLog only',
      mark(r.pass.crmRequestsPerLogRepeatCallers),
    ],
    [
      `Peak RSS, ${n(memory.callsInFlight)} calls in flight`,
      `**${n(memory.peakRssMb)} MB**`,
      TARGETS.peakRssMb,
      `same process idle: ${n(memory.idleRssMb)} MB; V8 heap at peak ${n(memory.peakHeapUsedMb)} used / ${n(memory.peakHeapTotalMb)} MB total; after folding ${n(memory.settledRssMb)} MB`,
      mark(r.pass.peakRssMb),
    ],
    [
      'Scale-out: 2 × ROLE=all ÷ 1 (instant CRM burst)',
      `**${n(scaleOut.ratio, 2)}**`,
      TARGETS.scaleOutRatio,
      `one process ${n(scaleOut.onePerSecond, 1)} logs/s, two ${n(scaleOut.twoPerSecond, 1)} logs/s`,
      '—',
    ],
  ];
}

function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head!.join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function toMarkdown(r: BenchResult): string {
  const cpuNames = [...new Set(r.phases.flatMap((p) => Object.keys(p.cpuSeconds)))];
  const cpuRows = [
    ['phase', 'wall s', 'load avg (start → end)', ...cpuNames.map((c) => `${c} CPU s`)],
    ...r.phases.map((p) => [
      p.name,
      n(p.wallSeconds, 1),
      `${n(p.loadAverage[0], 1)} → ${n(p.loadAverage[1], 1)}`,
      ...cpuNames.map((c) => (p.cpuSeconds[c] === undefined ? '' : n(p.cpuSeconds[c]!, 1))),
    ]),
  ];
  return [
    `# Benchmark — ${r.date}${r.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${r.machine.cores} cores (${r.machine.cpuModel}), ${n(r.machine.memoryMb)} MB, Node ${r.machine.node}, ${r.machine.platform}. ` +
      `Run took ${n(r.durationSeconds)} s. \`npm run bench\`; the JSON beside this file has every figure.`,
    '',
    markdownTable(tableRows(r)),
    '',
    '## Phases',
    '',
    markdownTable(cpuRows),
    '',
    ...(r.notes.length ? ['## Notes', '', ...r.notes.map((x) => `- ${x}`), ''] : []),
    ...(r.explain?.length
      ? [
          '## EXPLAIN ANALYZE of the most frequent statements',
          '',
          markdownTable([['statement', 'execution ms', 'planning ms', 'plan (first line)'], ...r.explain.map((e) => [e.name, n(e.executionMs, 3), n(e.planningMs, 3), `\`${e.plan.split('\n')[0]!.trim().replace(/\|/g, '\\|')}\``])]),
          '',
        ]
      : []),
    ...r.phases
      .filter((p) => p.topStatements?.length)
      .flatMap((p) => [
        `### Statements: ${p.name}`,
        '',
        `${n(p.statements?.calls ?? NaN)} statements, ${n(p.statements?.execMs ?? NaN)} ms executing (parse, network and commit not included). Most frequent:`,
        '',
        markdownTable([
          ['calls', 'total ms', 'mean ms', 'statement'],
          ...p.topStatements!.slice(0, 12).map((q) => [n(q.calls), n(q.totalMs), n(q.meanMs, 3), `\`${q.query.slice(0, 160).replace(/\|/g, '\\|')}\``]),
        ]),
        '',
      ]),
  ].join('\n');
}

/** Plain-text table for the terminal. */
export function toText(r: BenchResult): string {
  const rows = tableRows(r).map((row) => row.map((c) => c.replace(/\*\*/g, '')));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

export function writeResults(r: BenchResult, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${r.date}${r.quick ? '.quick' : ''}.json`);
  const md = join(dir, r.quick ? 'latest.quick.md' : 'latest.md');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, toMarkdown(r));
  return { json, md };
}

export const ratio = (a: number, b: number, digits = 2) => round(b ? a / b : NaN, digits);

export type { LoadResult };
