import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@autotelesale/testing';

const ROOT = resolve(__dirname, '../../..');
const LIBS = ['contracts', 'messaging', 'telemetry', 'service-kit', 'esl', 'pacing', 'dialer-domain'];

/** Builds dialer-service (and the libs it runs on) into dist, as `npm run bench:dialer` does. */
export function buildDialer(): void {
  const built = spawnSync(
    process.execPath,
    ['tools/build.mjs', ...LIBS.map((l) => `libs/${l}`), 'apps/dialer-service'],
    { cwd: ROOT },
  );
  if (built.status !== 0) throw new Error(`could not build dialer-service: ${built.stderr.toString()}`);
}

export interface DialerProcess {
  /** SIGKILL: the replica dies with its calls live and its campaigns still leased. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful drain; resolves with the exit code once the process is gone. */
  terminate(): Promise<number | null>;
  /** Resolves with the exit code when the process exits (by itself or after a signal). */
  exited: Promise<number | null>;
  /** Its HTTP port (`/health/*`, `/drain`) on 127.0.0.1. */
  httpPort: number;
}

/** A dialer replica as its own process (so that it can really be killed). */
export async function startDialerProcess(env: Record<string, string>): Promise<DialerProcess> {
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/apps/dialer-service/src/main.js'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ATS_HTTP_PORT: String(httpPort), ...env },
    stdio: ['ignore', process.env['DIALER_LOGS'] ? 'inherit' : 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    httpPort,
    exited,
    terminate: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
