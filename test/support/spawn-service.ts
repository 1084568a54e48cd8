import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';

// Tests run from the repository root (jest's rootDir); ESM test modules have no __dirname.
export const MAIN_JS = join(process.cwd(), 'dist', 'src', 'main.js');

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Every process a test file spawned and has not seen exit. Jest runs in band on two cores, so a service left running
 * by a failed assertion would keep the whole run from exiting; when the file ends, whatever is still alive is stopped.
 */
const live = new Set<ServiceProcess>();
afterAll(async () => {
  await Promise.all([...live].map((service) => stopWithin(service, 15_000)));
});

async function stopWithin(service: ServiceProcess, graceMs: number): Promise<void> {
  void service.stop('SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([service.exited, timer])) === 'late') service.child.kill('SIGKILL');
  await service.exited;
}

/** Runs the built service (`node dist/src/main.js`, what `npm start` runs) as a child process; `nodeArgs` go before the script. */
export async function spawnService(env: Record<string, string>, options: { nodeArgs?: string[] } = {}): Promise<ServiceProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first (npm test does)`);
  const port = env.PORT ?? String(await findFreePort());
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', OUTBOUND_ALLOW_PRIVATE: 'true', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  // 'close', not 'exit': it comes after the output pipes are drained, so output() is complete once exited resolves.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const service: ServiceProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  live.add(service);
  void exited.then(() => live.delete(service));
  return service;
}

/** Polls until the URL answers 200, the process exits, or the deadline passes. */
export async function waitForHealthy(service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${service.url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service at ${service.url} did not become healthy:\n${service.output()}`);
}

/** Polls the process's output until it contains `text` (a line may be written a moment after /health answers). */
export async function waitForOutput(service: ServiceProcess, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!service.output().includes(text)) {
    if (Date.now() > deadline || service.child.exitCode !== null) {
      throw new Error(`service at ${service.url} never printed ${JSON.stringify(text)}:\n${service.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
