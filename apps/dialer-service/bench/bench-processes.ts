/**
 * The benchmark's child processes (campaign-service, agent-service, fs-sim, the dialer),
 * each from dist so that its CPU and RSS are its own, and the clean-up that stops every
 * one of them and drops the database and the NATS namespace, on success, on failure and
 * on Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = findRoot();

function findRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

export class BenchError extends Error {
  constructor(
    readonly code: 'CHILD_FAILED' | 'NOT_BUILT' | 'TIMEOUT' | 'NOT_MEASURED' | 'BAD_FLAG',
    message: string,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

// ------------------------------------------------------------------ clean-up

type Cleanup = { name: string; run: () => Promise<unknown> | unknown };
const cleanups: Cleanup[] = [];
const children = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;

/** Registers a clean-up (run last-in first-out); returns a function that unregisters it. */
export function onCleanup(name: string, run: Cleanup['run']): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Runs every clean-up still registered, each bounded to 15 s; never throws. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const { name, run } = cleanups.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(run),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), 15_000);
          }),
        ]);
      } catch (error) {
        process.stderr.write(`bench-dialer: clean-up "${name}" failed: ${String(error)}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return cleaning;
}

/** Ctrl-C / SIGTERM: clean up, exit 130; process exit: SIGKILL any child still alive. */
export function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench-dialer: ${signal}, stopping everything it started ...\n`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  process.once('exit', () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

// ------------------------------------------------------------------ node children

export interface NodeChild {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Lines the child wrote last on stderr (for a failure's message). */
  tail(): string;
  /** Resident set size from /proc, MB (Linux), or undefined once it exited. */
  rssMb(): number | undefined;
  /** `signal` first, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function spawnNode(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { nodeArgs?: string[]; onStdout?: (chunk: string) => void; logFile?: string } = {},
): NodeChild {
  const main = join(ROOT, script);
  if (!existsSync(main))
    throw new BenchError('NOT_BUILT', `${script} is missing: build it first (npm run bench:dialer builds)`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main, ...args], {
    cwd: ROOT,
    env,
    stdio: [
      'ignore',
      options.onStdout ? 'pipe' : options.logFile ? openSync(options.logFile, 'a') : 'ignore',
      'pipe',
    ],
  });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  if (options.onStdout) child.stdout!.on('data', (d: Buffer) => options.onStdout!(d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  const handle: NodeChild = {
    name,
    pid: child.pid ?? -1,
    process: child,
    tail: () => stderr.trim().split('\n').slice(-8).join('\n'),
    rssMb: () => readRssMb(child.pid),
    stop: async (signal = 'SIGTERM', graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  onCleanup(`stop ${name}`, () => handle.stop('SIGKILL'));
  return handle;
}

export function readRssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** user + system CPU seconds of a process, from /proc (Linux; 100 ticks a second). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU use (cores) of several processes over a window: start() then read(). */
export interface CpuReading {
  /** CPU cores each process used over the window; undefined once it exited. */
  cores: Array<{ name: string; cores: number | undefined }>;
  /** `dialer 0.26, fs-sim 0.13, ...` */
  text: string;
}

export function cpuMeter(procs: Array<{ name: string; pid: number }>): () => CpuReading {
  const t0 = Date.now();
  const c0 = procs.map((p) => cpuSeconds(p.pid));
  return () => {
    const seconds = (Date.now() - t0) / 1000;
    // Several processes under one name (PostgreSQL's backends) add up; one that exited in
    // the window (a backend closed) counts for nothing rather than making the sum unknown.
    const byName = new Map<string, number | undefined>();
    procs.forEach((p, i) => {
      const c1 = cpuSeconds(p.pid);
      const before = c0[i];
      const used = c1 === undefined || before === undefined ? undefined : (c1 - before) / seconds;
      const sum = byName.get(p.name);
      byName.set(p.name, used === undefined ? sum : (sum ?? 0) + used);
    });
    const cores = [...byName.entries()].map(([name, used]) => ({ name, cores: used }));
    return {
      cores,
      text: cores.map((c) => `${c.name} ${c.cores === undefined ? '?' : c.cores.toFixed(2)}`).join(', '),
    };
  };
}

/**
 * The machine's PostgreSQL (postmaster and every backend) and nats-server processes, found
 * by their command name in /proc: the stack's CPU beside our own processes. On a machine
 * where other work uses the same servers, their CPU counts here too.
 */
export function serverProcesses(): Array<{ name: string; pid: number }> {
  const found: Array<{ name: string; pid: number }> = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') found.push({ name: 'postgresql', pid: Number(entry) });
    else if (comm === 'nats-server') found.push({ name: 'nats-server', pid: Number(entry) });
  }
  return found;
}

/**
 * CPU milliseconds per call attempt, per process and over our stack (every process but the
 * benchmark itself): the figure that stays comparable when other work loads the machine.
 */
export function cpuMsPerAttempt(
  reading: CpuReading,
  attemptsPerSecond: number,
): { total: number | undefined; text: string } {
  if (!(attemptsPerSecond > 0)) return { total: undefined, text: 'no attempts' };
  const ours = reading.cores.filter((c) => c.name !== 'bench');
  const per = ours.map((c) => ({
    name: c.name,
    ms: c.cores === undefined ? undefined : (c.cores * 1000) / attemptsPerSecond,
  }));
  const total = per.every((p) => p.ms !== undefined) ? per.reduce((sum, p) => sum + p.ms!, 0) : undefined;
  return {
    total,
    text: per.map((p) => `${p.name} ${p.ms === undefined ? '?' : p.ms.toFixed(1)}`).join(', '),
  };
}

/**
 * Builds the services the benchmark runs beside the dialer (`npm run bench:dialer` builds
 * only dialer-service and fs-sim): with Nx's cache this costs a second when nothing
 * changed, and a stale campaign-service would not answer what the dialer asks today.
 * BENCH_NO_BUILD=1 skips it.
 */
export function ensureBuilt(projects: string[]): void {
  if (process.env['BENCH_NO_BUILD']) return;
  const names = projects.map((p) => p.split('/').pop()!);
  const built = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...names, '--output-style=static'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  if (built.status !== 0) throw new BenchError('NOT_BUILT', `could not build ${names.join(', ')}`);
  const missing = projects.filter((p) => !existsSync(join(ROOT, 'dist', mainOf(p))));
  if (missing.length > 0) throw new BenchError('NOT_BUILT', `no build of ${missing.join(', ')}`);
}

const mainOf = (project: string) => `${project}/src/main.js`;

// ------------------------------------------------------------------ fs-sim

export interface FsSimChild {
  pid: number;
  /** `fs1=127.0.0.1:port:pw,...` for ATS_FS_NODES. */
  nodesEnv: string;
  ports: number[];
  password: string;
  stop(): Promise<void>;
}

/** fs-sim with `nodes` switches, high session limits, real time (scale 1), the scenario given. */
export async function startFsSim(nodes: number, scenario: unknown): Promise<FsSimChild> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dialer-fs-'));
  onCleanup('fs-sim scenario folder', () => rmSync(dir, { recursive: true, force: true }));
  const scenarioFile = join(dir, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const password = 'Bench-Dialer';
  let out = '';
  const ports: number[] = [];
  let ready: () => void = () => undefined;
  const listening = new Promise<void>((r) => (ready = r));
  const child = spawnNode(
    'fs-sim',
    'dist/apps/fs-sim/src/main.js',
    [
      ...['--port', '0', '--nodes', String(nodes), '--password', password],
      ...['--scenario', scenarioFile, '--time-scale', '1', '--seed', '7'],
      ...['--sps', '100000', '--max-sessions', '200000'],
    ],
    process.env,
    {
      onStdout: (chunk) => {
        if (ports.length === nodes) return;
        out += chunk;
        for (const m of out.matchAll(/ESL listening on [^:\s]+:(\d+)/g)) {
          const port = Number(m[1]);
          if (!ports.includes(port)) ports.push(port);
        }
        if (ports.length === nodes) ready();
      },
    },
  );
  await Promise.race([
    listening,
    new Promise((_, reject) =>
      child.process.once('exit', (code) =>
        reject(new BenchError('CHILD_FAILED', `fs-sim exited with ${code}: ${child.tail()}`)),
      ),
    ),
    timeout(30_000, 'fs-sim to listen'),
  ]);
  return {
    pid: child.pid,
    nodesEnv: ports.map((p, i) => `fs${i + 1}=127.0.0.1:${p}:${password}`).join(','),
    ports,
    password,
    stop: () => child.stop('SIGTERM', 5_000),
  };
}

export function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => {
    const t = setTimeout(
      () => reject(new BenchError('TIMEOUT', `timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
    t.unref();
  });
}
