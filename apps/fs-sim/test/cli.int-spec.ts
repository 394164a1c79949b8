/** The command line: foreground process, logs where it listens, exits cleanly on SIGTERM. */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureFsSimBuilt, startFsSimProcess, waitFor } from '@autotelesale/testing';
import { header, RawEslClient } from './raw-esl-client';

const root = join(__dirname, '../../..');

describe('fs-sim CLI', () => {
  // Rebuilds only when the sources are newer: other people's tests may be running the built
  // simulator right now, and the build starts by deleting dist/apps/fs-sim.
  beforeAll(() => ensureFsSimBuilt());

  it('starts two nodes from a scenario file, serves ESL, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'dist/apps/fs-sim/src/main.js'),
        '--port',
        '0',
        '--password',
        'cli-pw',
        '--nodes',
        '2',
        '--seed',
        '7',
        '--time-scale',
        '0.05',
        '--scenario',
        join(root, 'apps/fs-sim/scenarios/default.json'),
        '--control-port',
        '0',
        '--sps',
        '50',
        '--max-sessions',
        '200',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /control API on http/.test(out), {
        description: 'the startup log',
        timeoutMs: 10_000,
      });
      const ports = [...out.matchAll(/ESL listening on 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      expect(ports).toHaveLength(2);
      const c = await RawEslClient.authed(ports[1]!, 'cli-pw');
      c.send('api fsctl sps');
      expect((await c.nextApi()).body).toBe('+OK sessions per second: 50\n');
      c.send('api fsctl max_sessions');
      expect((await c.nextApi()).body).toBe('+OK max sessions: 200\n');
      c.send('api hostname');
      expect((await c.nextApi()).body).toBe('fs-sim-2');
      c.send('exit');
      expect(header(await c.nextReply(), 'Reply-Text')).toBe('+OK bye');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM, shutting down');
  });

  it('applies the connection limits given on the command line (first-command timeout here)', async () => {
    const sim = await startFsSimProcess({
      extraArgs: ['--auth-timeout-ms', '200', '--event-queue-limit', '1000', '--max-missed-events', '10'],
    });
    try {
      const c = await RawEslClient.connect(sim.eslPorts[0]!);
      // Well before FreeSWITCH's 25 s (waitClosed gives up after 5 s).
      await c.waitClosed();
      expect(Buffer.concat(c.allBytes).toString()).toBe(
        'Content-Type: auth/request\n\nContent-Type: text/disconnect-notice\nContent-Length: 67\n\n' +
          'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
      );
    } finally {
      await sim.stop();
    }
  });

  it('refuses an unknown option with a usage message and exit code 2', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [join(root, 'dist/apps/fs-sim/src/main.js'), '--bogus', '1'], {
        stdio: 'pipe',
      });
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('unknown option --bogus');
  });
});
