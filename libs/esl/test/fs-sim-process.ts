/**
 * fs-sim as a child process, started from its built output (libs may not import apps).
 * The build is refreshed when dist is missing or older than the sources; it takes about
 * a second. Every test file starts its own simulator and kills it in afterAll.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { waitFor } from '@autotelesale/testing';

export const ROOT = join(__dirname, '../../..');
export const PASSWORD = 'esl-test-pw';
const MAIN = join(ROOT, 'dist/apps/fs-sim/src/main.js');

/** Numbers of fs-sim-scenario.json (durations simulated; tests run at time scale 0.01). */
export const NUMBERS = {
  answersShort: '15550000001',
  answersAndStays: '15550000002',
  busy: '15550000486',
  noAnswer: '15550000000',
  ringsForever: '15550000009',
  machine: '15550000777',
};
export const gw = (number: string) => `sofia/gateway/gw1/${number}`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

export function ensureFsSimBuilt(): void {
  const src = join(ROOT, 'apps/fs-sim/src');
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestMtime(src)) return;
  execFileSync(process.execPath, [join(ROOT, 'tools/build.mjs'), 'apps/fs-sim'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
}

export interface SimNodeInfo {
  port: number;
  coreUuid: string;
}

export interface FsSimProcess {
  nodes: SimNodeInfo[];
  controlPort: number;
  /** Calls the control API; resolves with the parsed JSON reply. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface FsSimArgs {
  nodes?: number;
  heartbeatMs?: number;
  timeScale?: number;
  sps?: number;
  maxSessions?: number;
  scenario?: string;
  password?: string;
}

export async function startFsSim(args: FsSimArgs = {}): Promise<FsSimProcess> {
  ensureFsSimBuilt();
  const argv = [
    MAIN,
    '--port',
    '0',
    '--control-port',
    '0',
    '--password',
    args.password ?? PASSWORD,
    '--nodes',
    String(args.nodes ?? 1),
    '--time-scale',
    String(args.timeScale ?? 0.01),
    '--jitter-ms',
    '0',
    '--heartbeat-ms',
    String(args.heartbeatMs ?? 0),
    '--sps',
    String(args.sps ?? 10_000),
    '--max-sessions',
    String(args.maxSessions ?? 100_000),
    '--scenario',
    args.scenario ?? join(__dirname, 'fs-sim-scenario.json'),
  ];
  const child: ChildProcess = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitFor(() => /control API on http/.test(out) || child.exitCode !== null, {
      description: 'fs-sim startup log',
      timeoutMs: 15_000,
    });
    if (child.exitCode !== null) throw new Error(`fs-sim exited: ${out}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const nodes = [...out.matchAll(/ESL listening on [^:]+:(\d+) Core-UUID (\S+)/g)].map((m) => ({
    port: Number(m[1]),
    coreUuid: m[2]!,
  }));
  const controlPort = Number(/control API on http:\/\/[^:]+:(\d+)/.exec(out)![1]);
  return {
    nodes,
    controlPort,
    control: (method, path, body) => controlCall(controlPort, method, path, body),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function controlCall(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => {
          const parsed: unknown = data ? JSON.parse(data) : undefined;
          if ((res.statusCode ?? 500) >= 400)
            reject(new Error(`${method} ${path}: ${res.statusCode} ${data}`));
          else resolve(parsed);
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}
