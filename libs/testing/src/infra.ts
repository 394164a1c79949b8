import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { waitFor } from './wait-for';

/**
 * The real stack pieces for tests: PostgreSQL and nats-server with JetStream.
 * A running server is reused (`ATS_PG_URL`, `ATS_NATS_URL`, or the standard local
 * ports); when none answers, a private one is started in a temporary folder and
 * stopped when the process exits. Never a mock.
 */

/** The role scripts/setup creates (CREATEDB), so tests can make and drop their databases. */
export const DEFAULT_PG_ADMIN_URL = 'postgres://autotelesale:autotelesale@127.0.0.1:5432/postgres';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

const started: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of started) child.kill('SIGTERM');
    for (const cleanup of cleanups) cleanup();
  });
}

export function tcpReachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

export interface PrivateServer {
  url: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

/** Starts a nats-server with JetStream of its own, on a free port, in a temporary folder. */
export async function startPrivateNats(): Promise<PrivateServer> {
  const binary = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(
    existsSync,
  );
  if (!binary) throw new Error('nats-server is not installed: run scripts/setup');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ats-nats-'));
  installExitHook();
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
    stdio: 'ignore',
  });
  started.push(child);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  await waitFor(() => tcpReachable('127.0.0.1', port), {
    timeoutMs: 10_000,
    description: 'private nats-server',
  });
  return { url: `nats://127.0.0.1:${port}`, stop: () => stopChild(child, dir) };
}

let natsUrlPromise: Promise<string> | undefined;

/** Returns the URL of a nats-server with JetStream, starting a private one if none answers. */
export function ensureNats(): Promise<string> {
  natsUrlPromise ??= (async () => {
    const url = process.env['ATS_NATS_URL'] || DEFAULT_NATS_URL;
    const { host, port } = hostPort(url);
    if (await tcpReachable(host, port)) return url;
    return (await startPrivateNats()).url;
  })();
  return natsUrlPromise;
}

function findPgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

/** Starts a PostgreSQL cluster of its own (initdb, trust auth) on a free port. */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL is not installed: run scripts/setup');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ats-pg-'));
  chmodSync(dir, 0o777);
  // initdb refuses to run as root: run the cluster as the postgres user when we are root.
  const asUser = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] }
      : { cmd, args };
  const init = asUser(join(bin, 'initdb'), [
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
  ]);
  const result = spawnSync(init.cmd, init.args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr}`);
  installExitHook();
  const server = asUser(join(bin, 'postgres'), [
    '-D',
    join(dir, 'data'),
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(server.cmd, server.args, { stdio: 'ignore' });
  started.push(child);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(
    async () => {
      const client = new Client({ connectionString: url });
      try {
        await client.connect();
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, description: 'private PostgreSQL' },
  );
  return { url, stop: () => stopChild(child, dir) };
}

let pgUrlPromise: Promise<string> | undefined;

/** Returns an admin URL of a PostgreSQL server, starting a private cluster if none answers. */
export function ensurePostgres(): Promise<string> {
  pgUrlPromise ??= (async () => {
    const url = process.env['ATS_PG_URL'] || DEFAULT_PG_ADMIN_URL;
    const { host, port } = hostPort(url);
    if (await tcpReachable(host, port)) return url;
    return (await startPrivatePostgres()).url;
  })();
  return pgUrlPromise;
}

/** A short random id for names that must not collide between test runs. */
export function uniqueSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/** A NATS namespace of its own for one test run (or demo): streams, subjects and KV buckets. */
export function testNamespace(prefix = 't'): string {
  // A letter splits the hex: 8 random hex digits are all decimal digits 2 % of the time,
  // and a namespace with 7 digits in a row is refused (createTopology).
  const hex = uniqueSuffix();
  return `${prefix}_${hex.slice(0, 4)}n${hex.slice(4)}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database for one test file (or run); `drop()` removes it. */
export async function createTestDatabase(prefix = 'ats_test', adminUrl?: string): Promise<TestDatabase> {
  adminUrl ??= await ensurePostgres();
  const name = `${prefix}_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
