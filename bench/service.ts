import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../src/database/embedded-postgres.launcher';
import { cpuSeconds, readMemory } from './proc';

/** The built service (`dist/src/main.js`, what `npm start` runs) as a child process whose memory and CPU we can read. */

// This file runs as dist/bench/service.js.
export const MAIN_JS = join(__dirname, '..', 'src', 'main.js');

export interface ServiceProcess {
  name: string;
  role: string;
  port: number;
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Bytes the process wrote to stdout and stderr (logs). */
  outputBytes(): number;
  exited: Promise<number | null>;
  cpuSeconds(): number;
  rssMb(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  role: 'api' | 'worker' | 'all';
  env: Record<string, string>;
  /** Write a V8 CPU profile (`--cpu-prof`) into this folder when the process exits. */
  cpuProfDir?: string;
}

export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first (npm run bench does)`);
  const port = await findFreePort();
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${options.name}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', OUTBOUND_ALLOW_PRIVATE: 'true', ...options.env, ROLE: options.role, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let bytes = 0;
  const keep = (chunk: Buffer) => {
    bytes += chunk.length;
    out += String(chunk);
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const service: ServiceProcess = {
    name: options.name,
    role: options.role,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => out,
    outputBytes: () => bytes,
    exited,
    cpuSeconds: () => cpuSeconds(child.pid!),
    rssMb: () => readMemory(child.pid!)?.rssMb ?? 0,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await waitForHealthy(service);
  return service;
}

/** Polls /health until it answers 200, the process exits, or the deadline passes. */
async function waitForHealthy(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${service.url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service ${service.name} (${service.url}) did not become healthy:\n${service.output()}`);
}
