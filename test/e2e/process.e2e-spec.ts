import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchJson } from '../support/http';
import { spawnService, waitForHealthy, waitForOutput } from '../support/spawn-service';

/** What a newcomer does: `npm start` with nothing set, twice, and with a typo in the environment. */
describe('the service process (dist/src/main.js, as `npm start` runs it)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sscl-e2e-data-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on the embedded database with no other configuration, and a second start reuses the same data', async () => {
    const first = await spawnService({ DATA_DIR: dataDir });
    await waitForHealthy(first);
    // The banner follows the first /health answer by a database query.
    await waitForOutput(first, '/docs');
    const secrets = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnService({ DATA_DIR: dataDir });
    await waitForHealthy(second);
    // Same generated keys (stored credentials stay readable) and the same cluster (no second initdb).
    expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
    const health = await fetchJson(`${second.url}/health`);
    expect(health.body.status).toBe('ok');
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('refuses a second instance on the same DATA_DIR with a clear message', async () => {
    const first = await spawnService({ DATA_DIR: dataDir });
    await waitForHealthy(first);
    const second = await spawnService({ DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/DATA_DIR.*already in use/s);
    await first.stop();
  });

  it('after a SIGKILL, starts again on the same DATA_DIR by itself (the orphaned PostgreSQL is stopped and recovered)', async () => {
    // DATABASE_URL= (empty, as a compose file gives when it is unset) means the embedded database.
    const killed = await spawnService({ DATA_DIR: dataDir, DATABASE_URL: '' });
    await waitForHealthy(killed);
    const orphan = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    killed.child.kill('SIGKILL');
    await killed.exited;
    // The server the dead process started is still running: this is what used to block the next start.
    expect(() => process.kill(orphan, 0)).not.toThrow();

    const restarted = await spawnService({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    await waitForHealthy(restarted, 60_000);
    expect((await fetchJson(`${restarted.url}/health`)).body.status).toBe('ok');
    expect(() => process.kill(orphan, 0)).toThrow();
    // Ctrl-C: the application (job workers and their connections) stops before its database, so no connection is cut.
    expect(await restarted.stop('SIGINT')).toBe(0);
    expect(restarted.output()).not.toMatch(/terminating connection due to administrator command/);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL'],
    [{ ROLE: 'everything' }, 'ROLE'],
  ])('exits non-zero naming the variable for %j', async (env, variable) => {
    const service = await spawnService({ DATA_DIR: dataDir, ...env });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain(variable);
    expect(service.output()).not.toContain('    at ');
  });

  it('exits non-zero with the reason when DATABASE_URL points at no database', async () => {
    const service = await spawnService({
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      HASH_KEY: 'a-hash-key-of-enough-length',
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/Could not prepare DATABASE_URL: .*ECONNREFUSED/);
  });
});
