import { readdirSync, readFileSync } from 'node:fs';

/** Linux /proc readers: resident memory and CPU time of the processes the benchmark measures. */

// sysconf(_SC_CLK_TCK) is 100 on every Linux the project targets (x86-64 and arm64 kernels alike).
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcMemory {
  /** Current resident set size, MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  hwmMb: number;
}

export function readMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function readStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may contain spaces: split after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds the process has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  const fields = readStat(pid);
  if (!fields) return 0;
  // After comm: state(3) ppid(4) ... utime(14) stime(15) → indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of the process plus those of its children it has already reaped (cutime + cstime). */
function cpuWithReapedChildren(pid: number): number {
  const fields = readStat(pid);
  if (!fields) return 0;
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** The process and all of its live descendants (e.g. a PostgreSQL postmaster and its backends). */
export function processTree(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = readStat(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1]));
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree.filter((pid) => parentOf.has(pid));
}

/**
 * CPU seconds used so far by a process tree, backends that came and went included: every live process counts its
 * own time plus that of the children it reaped (PostgreSQL's postmaster reaps its backends), so nothing is counted
 * twice and nothing needs polling.
 */
export class TreeCpuMeter {
  constructor(private readonly rootPid: () => number | undefined) {}

  sample(): number {
    const root = this.rootPid();
    if (root === undefined) return 0;
    return processTree(root).reduce((total, pid) => total + cpuWithReapedChildren(pid), 0);
  }
}

/** Polls a process's resident memory; `peakMb` is the highest VmRSS seen or VmHWM, whichever is higher. */
export class RssSampler {
  private peak = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pid: number) {}

  start(intervalMs = 100): this {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  sample(): ProcMemory | undefined {
    const memory = readMemory(this.pid);
    if (memory) this.peak = Math.max(this.peak, memory.rssMb, memory.hwmMb);
    return memory;
  }

  peakMb(): number {
    return this.peak;
  }
}
