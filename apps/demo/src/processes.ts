import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '@autotelesale/testing';

/** The workspace root (the directory holding nx.json), from src or from dist. */
export function workspaceRoot(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the workspace root (nx.json) above the demo');
    dir = up;
  }
  return dir;
}

export class DemoProcessError extends Error {}

interface Started {
  name: string;
  child: ChildProcess;
  log: string;
}

/**
 * The processes the demo starts (fs-sim and the five services, each a `node dist/...`
 * child with its output in `<logDir>/<name>.log`), and their stop: SIGTERM, then SIGKILL
 * after `graceMs`. A process that exits while the demo still needs it fails the demo.
 */
export class DemoProcesses {
  private readonly started: Started[] = [];
  private stopping = false;
  private failure: ((error: Error) => void) | undefined;
  /** Rejects as soon as a started process exits before stopAll (race it against the run). */
  readonly died: Promise<never>;

  constructor(
    private readonly root: string,
    readonly logDir: string,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.died = new Promise<never>((_, reject) => (this.failure = reject));
    this.died.catch(() => undefined);
  }

  start(name: string, script: string, args: string[], env: Record<string, string>): ChildProcess {
    const main = join(this.root, script);
    if (!existsSync(main))
      throw new DemoProcessError(`${script} is missing: run scripts/setup (it builds everything)`);
    const log = join(this.logDir, `${name}.log`);
    const out = createWriteStream(log);
    const child = spawn(process.execPath, [main, ...args], {
      cwd: this.root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches the demo only, which then
      // stops its processes in order (the dialer lets its calls end first).
      detached: true,
    });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    child.once('exit', (code, signal) => {
      if (!this.stopping)
        this.failure?.(new DemoProcessError(`${name} exited (code ${code}, signal ${signal}); see ${log}`));
    });
    this.started.push({ name, child, log });
    return child;
  }

  /** fs-sim on free ports; resolves with its ESL port and control URL once it listens. */
  async startFsSim(options: { scenario: unknown; timeScale: number; seed: number; password: string }) {
    const scenarioFile = join(this.logDir, 'fs-sim-scenario.json');
    writeFileSync(scenarioFile, JSON.stringify(options.scenario, null, 2));
    const child = this.start(
      'fs-sim',
      'dist/apps/fs-sim/src/main.js',
      [
        '--port',
        '0',
        '--nodes',
        '1',
        '--password',
        options.password,
        '--control-port',
        '0',
        '--scenario',
        scenarioFile,
        '--time-scale',
        String(options.timeScale),
        '--seed',
        String(options.seed),
      ],
      {},
    );
    return new Promise<{ eslPort: number; controlUrl: string }>((ready, fail) => {
      let out = '';
      let eslPort = 0;
      let controlUrl = '';
      const timer = setTimeout(
        () => fail(new DemoProcessError('fs-sim did not start listening within 20 s')),
        20_000,
      );
      const onData = (data: Buffer) => {
        out += data.toString();
        eslPort ||= Number(/ESL listening on [^:\s]+:(\d+)/.exec(out)?.[1] ?? 0);
        controlUrl ||= /control API on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
        if (eslPort && controlUrl) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          ready({ eslPort, controlUrl });
        }
      };
      child.stdout!.on('data', onData);
      this.died.catch((error: Error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
  }

  /** One service from dist on a free HTTP port; answers the port. */
  async startService(app: string, env: Record<string, string>): Promise<number> {
    const port = await freePort();
    this.start(app, `dist/apps/${app}/src/main.js`, [], {
      ...env,
      ATS_HTTP_PORT: String(port),
      ATS_HTTP_HOST: '127.0.0.1',
    });
    return port;
  }

  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    // The gateway and the dialer first (no new work), fs-sim last.
    const order = [...this.started].reverse();
    await Promise.all(
      order.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
