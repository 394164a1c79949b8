/**
 * fs-sim as a child process, for the tests of every project that needs telephony. It runs
 * the built simulator (`dist/apps/fs-sim/src/main.js`) by path: a lib may not import an
 * app, and a child process keeps the simulator's CPU and memory apart from the test's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitFor } from './wait-for';

export class FsSimProcessError extends Error {
  readonly code = 'FS_SIM_PROCESS';
}

export interface FsSimProcessOptions {
  /** Independent switches (own port and Core-UUID). Default 1. */
  nodes?: number;
  /** A scenario object (written to a temporary file) or the path of a scenario JSON file. */
  scenario?: object | string;
  /** ESL password. Default `fs-sim-test-pw`. */
  password?: string;
  /** fs-sim's defaults apply to whatever is left out (time scale 1, sps 30, max-sessions 1000, jitter 3 ms, HEARTBEAT 20 s). */
  timeScale?: number;
  heartbeatMs?: number;
  jitterMs?: number;
  sps?: number;
  maxSessions?: number;
  seed?: number;
  /** Any other fs-sim flags, e.g. `['--auth-timeout-ms', '500']`. */
  extraArgs?: string[];
  /** How long to wait for the startup log. Default 15 s. */
  startTimeoutMs?: number;
}

export interface FsSimProcessNode {
  index: number;
  hostname: string;
  port: number;
  coreUuid: string;
}

export interface FsSimProcess {
  /** Every node as the startup log announced it (Core-UUID of that run). */
  nodes: FsSimProcessNode[];
  eslPorts: number[];
  password: string;
  controlPort: number;
  controlUrl: string;
  /** `fs1=127.0.0.1:port:pw,...`, ready for ATS_FS_NODES. */
  nodesEnv: string;
  pid: number;
  /** POST to the control API (body default `{}`); resolves with the JSON reply, throws on a non-2xx answer. */
  control(path: string, body?: Record<string, unknown>): Promise<unknown>;
  /** GET from the control API. */
  get(path: string): Promise<unknown>;
  /** SIGTERM, then resolves once the process exited. */
  stop(): Promise<void>;
}

/** The workspace root: the nearest folder above this file holding nx.json (works from src and dist). */
export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new FsSimProcessError(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function fsSimMainPath(): string {
  return join(workspaceRoot(), 'dist/apps/fs-sim/src/main.js');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds fs-sim when dist is missing or older than its sources (about a second). Only then:
 * the build starts by deleting dist/apps/fs-sim, which other tests may be running.
 */
export function ensureFsSimBuilt(): void {
  const root = workspaceRoot();
  const main = fsSimMainPath();
  const sources = join(root, 'apps/fs-sim/src');
  if (existsSync(main) && (!existsSync(sources) || statSync(main).mtimeMs >= newestMtime(sources))) return;
  try {
    execFileSync(process.execPath, [join(root, 'tools/build.mjs'), 'apps/fs-sim'], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new FsSimProcessError(`could not build fs-sim: ${stderr || (error as Error).message}`);
  }
}

function optionArgs(options: FsSimProcessOptions): string[] {
  const args: string[] = [];
  const numeric: Array<[string, number | undefined]> = [
    ['--time-scale', options.timeScale],
    ['--heartbeat-ms', options.heartbeatMs],
    ['--jitter-ms', options.jitterMs],
    ['--sps', options.sps],
    ['--max-sessions', options.maxSessions],
    ['--seed', options.seed],
  ];
  for (const [flag, value] of numeric) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0)
      throw new FsSimProcessError(`${flag} must be a non-negative number, got ${value}`);
    args.push(flag, String(value));
  }
  return args;
}

/**
 * Starts fs-sim on free ports (ESL and control) and resolves once every node and the
 * control API are listening. Stop it in afterAll.
 */
export async function startFsSimProcess(options: FsSimProcessOptions = {}): Promise<FsSimProcess> {
  const nodeCount = options.nodes ?? 1;
  if (!Number.isInteger(nodeCount) || nodeCount < 1)
    throw new FsSimProcessError(`nodes must be a positive integer, got ${nodeCount}`);
  ensureFsSimBuilt();
  const root = workspaceRoot();
  const password = options.password ?? 'fs-sim-test-pw';
  let scenarioFile: string | undefined;
  if (typeof options.scenario === 'string') {
    scenarioFile = options.scenario;
  } else if (options.scenario !== undefined) {
    scenarioFile = join(mkdtempSync(join(tmpdir(), 'fs-sim-')), 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify(options.scenario));
  }
  const argv = [
    fsSimMainPath(),
    '--port',
    '0',
    '--control-port',
    '0',
    '--password',
    password,
    '--nodes',
    String(nodeCount),
    ...(scenarioFile ? ['--scenario', scenarioFile] : []),
    ...optionArgs(options),
    ...(options.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  const onStdout = (d: Buffer) => (out += d.toString());
  child.stdout!.on('data', onStdout);
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nodeLine = /fs-sim node (\d+) \((\S+)\) ESL listening on [^\s]+:(\d+) Core-UUID (\S+)/g;
  try {
    await waitFor(() => /control API on http/.test(out) || child.exitCode !== null, {
      description: 'the fs-sim startup log',
      timeoutMs: options.startTimeoutMs ?? 15_000,
    });
    if (child.exitCode !== null)
      throw new FsSimProcessError(`fs-sim exited with ${child.exitCode}: ${stderr || out}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // From now on nobody reads the log: drain it so the child never blocks on a full pipe.
  child.stdout!.off('data', onStdout);
  child.stdout!.resume();
  const nodes = [...out.matchAll(nodeLine)].map((m) => ({
    index: Number(m[1]),
    hostname: m[2]!,
    port: Number(m[3]),
    coreUuid: m[4]!,
  }));
  if (nodes.length !== nodeCount) {
    child.kill('SIGKILL');
    throw new FsSimProcessError(`fs-sim announced ${nodes.length} of ${nodeCount} nodes: ${out}`);
  }
  const controlUrl = /control API on (http:\/\/\S+)/.exec(out)![1]!;
  const controlPort = Number(new URL(controlUrl).port);
  const eslPorts = nodes.map((n) => n.port);
  const call = async (method: string, path: string, body?: Record<string, unknown>): Promise<unknown> => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new FsSimProcessError(`fs-sim ${method} ${path}: ${res.status} ${text}`);
    return json;
  };
  return {
    nodes,
    eslPorts,
    password,
    controlPort,
    controlUrl,
    nodesEnv: eslPorts.map((p, i) => `fs${i + 1}=127.0.0.1:${p}:${password}`).join(','),
    pid: child.pid!,
    control: (path, body = {}) => call('POST', path, body),
    get: (path) => call('GET', path),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
