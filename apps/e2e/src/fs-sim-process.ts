import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/fs-sim/src/main.js');

export interface FsSimProcess {
  /** `fs1=127.0.0.1:port:pw,...`, ready for ATS_FS_NODES. */
  nodesEnv: string;
  eslPorts: number[];
  controlUrl: string;
  password: string;
  /** POST to the control API; throws on a non-2xx answer. */
  control(path: string, body?: Record<string, unknown>): Promise<unknown>;
  get(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs the real fs-sim as a child process (built once with `node tools/build.mjs
 * apps/fs-sim`), on free ports, with the scenario given. Resolves when every node and
 * the control API are listening.
 */
export async function startFsSim(options: {
  nodes?: number;
  scenario: unknown;
  timeScale?: number;
  heartbeatMs?: number;
}): Promise<FsSimProcess> {
  if (!existsSync(MAIN)) {
    const built = spawnSync(process.execPath, [join(ROOT, 'tools/build.mjs'), 'apps/fs-sim'], { cwd: ROOT });
    if (built.status !== 0) throw new Error(`could not build fs-sim: ${built.stderr.toString()}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fs-sim-'));
  const scenarioFile = join(dir, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(options.scenario));
  const password = 'Dialer-Test';
  const nodes = options.nodes ?? 1;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      MAIN,
      '--port',
      '0',
      '--nodes',
      String(nodes),
      '--password',
      password,
      '--control-port',
      '0',
      '--scenario',
      scenarioFile,
      '--time-scale',
      String(options.timeScale ?? 1),
      ...(options.heartbeatMs ? ['--heartbeat-ms', String(options.heartbeatMs)] : []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const eslPorts: number[] = [];
  let controlUrl = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((ready, fail) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/ESL listening on [^:\s]+:(\d+)/g)) {
        const port = Number(m[1]);
        if (!eslPorts.includes(port)) eslPorts.push(port);
      }
      const c = /control API on (http:\/\/\S+)/.exec(out);
      if (c) controlUrl = c[1]!;
      if (eslPorts.length === nodes && controlUrl) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`fs-sim exited with ${code}: ${stderr}`)));
  });
  child.removeAllListeners('exit');
  const call = async (method: string, path: string, body?: Record<string, unknown>) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`fs-sim ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    nodesEnv: eslPorts.map((p, i) => `fs${i + 1}=127.0.0.1:${p}:${password}`).join(','),
    eslPorts,
    controlUrl,
    password,
    control: (path, body = {}) => call('POST', path, body),
    get: (path) => call('GET', path),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
