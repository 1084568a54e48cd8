import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_API_KEY } from '../../sim/crm';
import { fetchJson } from '../support/http';

/**
 * Issue 7: `npm run demo` as a newcomer runs it (the built script), with a small --calls. Its summary must agree with
 * the sample CRM's own activity list, and Ctrl-C (with --keep) must stop everything with exit code 0... 130.
 */
describe('npm run demo', () => {
  it('onboards through the admin API, logs every admitted call, and its summary matches the sample CRM', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/scripts/demo/main.js'), '--calls', '25', '--rate', '25', '--json', '--keep'], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (out += String(c)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const summaryLine = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const line = out.split('\n').find((l) => l.startsWith('DEMO_SUMMARY '));
          if (line) {
            clearInterval(timer);
            resolve(line);
          }
        }, 200);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`the demo exited (${code}) before its summary:\n${out}`));
        });
      });
      const summary = JSON.parse(summaryLine.slice('DEMO_SUMMARY '.length));
      expect(out).toContain('PUT   /admin/ringcentral/credentials');
      expect(summary).toMatchObject({ callsPlaced: 25, failed: 0, pending: 0 });
      expect(summary.logged).toBeGreaterThan(10);
      const crm = await fetchJson(`${summary.urls.sampleCrm}api/activities`, { headers: { 'X-API-Key': DEMO_API_KEY } });
      expect(crm.body.activities).toHaveLength(summary.logged);
      const skipped = Object.values(summary.skipped as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(summary.logged + skipped).toBe(summary.legsEnded);
      const page = await fetch(summary.urls.sampleCrm);
      expect(await page.text()).toContain(crm.body.activities[0].subject.replace(/&/g, '&amp;'));
      // --keep says where the console is and whom to pick on the simulator's sign-in page.
      for (let i = 0; i < 100 && !out.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 100));
      const consoleUrl = /Admin console: (\S+)/.exec(out)?.[1];
      expect(consoleUrl).toMatch(/^http:\/\/.+\/console\/$/);
      expect(await (await fetch(consoleUrl!)).text()).toContain('<div id="root">');
      expect(out).toMatch(/Alice Anderson \(admin\) of account \d+/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    expect(out).toContain('Stopping the service');
  });
});
