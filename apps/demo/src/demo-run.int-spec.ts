// The demo as `npm run demo` runs it (without the set-up), shortened: the real services
// from dist, fs-sim, ten agents through the gateway, half a minute of dialing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULT_PG_ADMIN_URL } from '@autotelesale/testing';
import { workspaceRoot } from './processes';

const ROOT = workspaceRoot();

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function runDemo(args: string[], options: { interruptOn?: RegExp } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/demo.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a terminal's foreground job.
      detached: true,
    });
    let out = '';
    let err = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (options.interruptOn && !interrupted && options.interruptOn.test(out)) {
        interrupted = true;
        // What a Ctrl-C in the terminal does: SIGINT to the foreground process group.
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => done({ code, out, err }));
  });
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: process.env['ATS_PG_URL'] ?? DEFAULT_PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

const databaseOf = (out: string) => /database (ats_demo_\w+)/.exec(out)?.[1];

beforeAll(() => {
  const built = spawnSync(process.execPath, ['tools/build.mjs', 'apps/demo'], { cwd: ROOT });
  if (built.status !== 0) throw new Error(`could not build apps/demo: ${built.stderr.toString()}`);
});

it('runs a short predictive campaign, prints the KPI table, writes the JSON and removes what it started', async () => {
  const json = join(mkdtempSync(join(tmpdir(), 'ats-demo-')), 'kpis.json');
  const run = await runDemo([
    '--minutes',
    '0.5',
    '--contacts',
    '200',
    '--min-advantage',
    '0',
    '--json',
    json,
  ]);
  expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: '' });
  expect(run.out).toMatch(/talk minutes per agent-hour\s+\d+\.\d\s+\d+\.\d/);
  expect(run.out).toMatch(/occupancy\s+\d+\.\d %/);
  expect(run.out).toContain('stopped.');
  const result = JSON.parse(readFileSync(json, 'utf8')) as {
    campaign: Record<string, number>;
    manual: Record<string, number>;
  };
  expect(Object.keys(result)).toEqual(['campaign', 'manual']);
  expect(Object.keys(result.campaign)).toEqual([
    'dials',
    'liveAnswers',
    'connects',
    'abandons',
    'abandonRate',
    'occupancy',
    'talkMinutesPerAgentHour',
    'contactsPerAgentHour',
  ]);
  expect(Object.keys(result.manual)).toEqual(['talkMinutesPerAgentHour', 'contactsPerAgentHour']);
  expect(result.campaign['connects']).toBeGreaterThan(0);
  expect(result.campaign['dials']).toBeGreaterThanOrEqual(result.campaign['liveAnswers']!);
  expect(result.campaign['occupancy']).toBeGreaterThan(0);
  expect(result.campaign['occupancy']).toBeLessThanOrEqual(1);
  // What it started is gone: its database (and the processes holding it open).
  expect(await databaseExists(databaseOf(run.out)!)).toBe(false);
}, 240_000);

it('stops everything and exits non-zero on Ctrl-C', async () => {
  const run = await runDemo(['--minutes', '5', '--contacts', '100'], { interruptOn: /6\. started/ });
  expect(run.code).not.toBe(0);
  expect(run.err).toContain('interrupted by SIGINT');
  expect(run.out).toContain('stopped.');
  expect(await databaseExists(databaseOf(run.out)!)).toBe(false);
}, 180_000);

it('refuses an unknown option with the usage, starting nothing', async () => {
  const run = await runDemo(['--minuets', '3']);
  expect(run.code).toBe(2);
  expect(run.err).toMatch(/unknown option --minuets\nusage: npm run demo/);
  expect(run.out).toBe('');
});
