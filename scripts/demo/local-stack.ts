import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_API_KEY, startSampleCrm } from '../../sim/crm';
import { startRingCentralSim } from '../../sim/ringcentral';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';
import { waitUntilUp } from './http-json';

export interface DemoStack {
  serviceUrl: string;
  simUrl: string;
  crmUrl: string;
  crmApiKey: string;
  stop(): Promise<void>;
}

/**
 * Starts the simulators in this process and the service as a child process (`dist/src/main.js`, what `npm start`
 * runs) on its own embedded PostgreSQL in a temporary folder, all on free local ports.
 */
export async function startLocalStack(seed: number): Promise<DemoStack> {
  const sim = await startRingCentralSim({ seed, defaultPaceMs: 2 });
  // The well-known demo key: a demo CRM holds nothing secret, and it lets a person (or a test) read its API.
  const crm = await startSampleCrm({ demoData: true, seed, apiKeys: [DEMO_API_KEY] });
  const port = await findFreePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'sscl-demo-'));
  const serviceUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: serviceUrl,
      RINGCENTRAL_SERVER: sim.url,
      RINGCENTRAL_CLIENT_ID: sim.options.clientId,
      RINGCENTRAL_CLIENT_SECRET: sim.options.clientSecret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      SESSION_QUIET_SECONDS: '2',
      // The simulators run on loopback, which the service refuses to call unless the operator allows it.
      OUTBOUND_ALLOW_HOSTS: '127.0.0.0/8, ::1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await Promise.race([
      waitUntilUp(`${serviceUrl}/health`, 90_000),
      exited.then((code) => {
        throw new Error(`the service exited (${code}) while starting:\n${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    await Promise.all([sim.close(), crm.close()]);
    throw error;
  }
  return {
    serviceUrl,
    simUrl: sim.url,
    crmUrl: crm.url,
    crmApiKey: DEMO_API_KEY,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await Promise.all([sim.close(), crm.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
