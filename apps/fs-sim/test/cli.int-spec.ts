/** The command line: foreground process, logs where it listens, exits cleanly on SIGTERM. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@autotelesale/testing';
import { header, RawEslClient } from './raw-esl-client';

const root = join(__dirname, '../../..');

describe('fs-sim CLI', () => {
  beforeAll(() => {
    // Rebuild only when the sources are newer: other people's tests may be running the built
    // simulator right now, and the build starts by deleting dist/apps/fs-sim.
    const built = join(root, 'dist/apps/fs-sim/src/main.js');
    if (!existsSync(built) || newestSource(join(root, 'apps/fs-sim/src')) > statSync(built).mtimeMs) {
      execFileSync(process.execPath, [join(root, 'tools/build.mjs'), 'apps/fs-sim'], {
        cwd: root,
        stdio: 'ignore',
      });
    }
  });

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

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}
