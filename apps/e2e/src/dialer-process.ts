import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@autotelesale/testing';

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
    env: {
      ...process.env,
      LOG_LEVEL: process.env['DIALER_LOG_LEVEL'] ?? 'warn',
      ATS_HTTP_PORT: String(httpPort),
      ...env,
    },
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

/**
 * A dialer replica for the take-over specs, started and ready (`/health/ready` 200): ESL to
 * the switch under test (fs-sim beats every 300 ms; FreeSWITCH at the period the shipped
 * overlay and the dialer's default agree on) and a 1.5 s ownership lease, so another
 * replica takes its campaigns over about 2 s after it dies.
 */
export async function startReadyReplica(
  id: string,
  options: {
    namespace: string;
    switch: { nodesEnv: string; external: boolean };
    env?: Record<string, string>;
  },
): Promise<DialerProcess> {
  const dialer = await startDialerProcess({
    ATS_NATS_URL: process.env['ATS_NATS_URL']!,
    ATS_NAMESPACE: options.namespace,
    ATS_FS_NODES: options.switch.nodesEnv,
    ...(options.switch.external ? {} : { ATS_FS_HEARTBEAT_MS: '300' }),
    ATS_DIALER_ID: id,
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
    ...options.env,
  });
  await waitFor(
    () =>
      fetch(`http://127.0.0.1:${dialer.httpPort}/health/ready`)
        .then((r) => r.status === 200)
        .catch(() => false),
    { timeoutMs: 30_000, description: `${id} ready` },
  ).catch(async (error: unknown) => {
    await dialer.kill();
    throw error;
  });
  return dialer;
}
