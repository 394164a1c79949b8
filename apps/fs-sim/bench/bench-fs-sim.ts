/**
 * fs-sim benchmark: runs the simulator as a child process (so its RSS is its own) and
 * drives it over ESL with one `event json ALL` subscriber, like a dialer would.
 *  1. throughput: N bgapi originates as fast as the switch takes them, every call with
 *     the full answered sequence (ring, answer, park, hangup); originates/s and events/s
 *     until every CHANNEL_DESTROY has arrived.
 *  2. concurrency: M calls answered and held; RSS of the simulator once all are live.
 * Usage: npm run bench:fs-sim -- [--json out.json] [--originates N] [--channels M]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ORIGINATES = Number(flag('--originates') ?? 3000);
const CHANNELS = Number(flag('--channels') ?? 5000);
const jsonOut = flag('--json');
const PASSWORD = 'bench';

const scenario = {
  overrides: [
    // Short calls: 180 after 50 ms, answer at 200 ms, talk 300 ms, hang up: the whole 4.4 sequence.
    { prefix: '1000', behaviour: { kind: 'answer', progressMs: 50, ringMs: 200, talkMs: 300 } },
    // Held calls for the concurrency test: answered and kept for an hour.
    { prefix: '2000', behaviour: { kind: 'answer', progressMs: 50, ringMs: 200, talkMs: 3_600_000 } },
  ],
};

class BenchClient {
  events = 0;
  bytes = 0;
  jobs = 0;
  destroys = 0;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
  }

  static open(port: number): Promise<BenchClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new BenchClient(s)));
      s.once('error', reject);
    });
  }

  send(cmd: string, headers = ''): void {
    this.socket.write(`${cmd}\n${headers}\n`);
  }

  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  private onData(d: Buffer): void {
    this.bytes += d.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    for (;;) {
      const end = this.buf.indexOf('\n\n', off);
      if (end < 0) break;
      const head = this.buf.toString('latin1', off, end);
      const m = /Content-Length: (\d+)/.exec(head);
      const len = m ? Number(m[1]) : 0;
      if (this.buf.length < end + 2 + len) break;
      if (head.includes('text/event-json')) {
        this.events++;
        const start = this.buf.toString('latin1', end + 2, end + 2 + 40);
        if (start.startsWith('{"Event-Name":"BACKGROUND_JOB"')) this.jobs++;
        else if (start.startsWith('{"Event-Name":"CHANNEL_DESTROY"')) this.destroys++;
      }
      off = end + 2 + len;
    }
    this.buf = this.buf.subarray(off);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

async function control(port: number, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return (await res.json()) as Record<string, unknown>;
}

async function startSim(): Promise<{ child: ChildProcess; eslPort: number; controlPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fs-sim-bench-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const main = join(__dirname, '../src/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--port',
      '0',
      '--password',
      PASSWORD,
      '--control-port',
      '0',
      '--scenario',
      file,
      '--sps',
      '100000',
      '--max-sessions',
      '100000',
      '--heartbeat-ms',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('control API on')) resolve();
    });
    child.once('exit', () => reject(new Error(`fs-sim exited: ${out}`)));
  });
  return {
    child,
    eslPort: Number(/ESL listening on [^:]+:(\d+)/.exec(out)![1]),
    controlPort: Number(/control API on http:\/\/[^:]+:(\d+)/.exec(out)![1]),
  };
}

async function main(): Promise<void> {
  const { child, eslPort, controlPort } = await startSim();
  try {
    const c = await BenchClient.open(eslPort);
    c.send(`auth ${PASSWORD}`);
    c.send('event json ALL');
    await new Promise((r) => setTimeout(r, 100));

    // 1. throughput with full event sequences
    const t0 = performance.now();
    const startEvents = c.events;
    const startBytes = c.bytes;
    for (let i = 0; i < ORIGINATES; i++) {
      c.send(
        `bgapi originate {origination_uuid=t-${i},ignore_early_media=true,campaign_id=bench}sofia/gateway/gw1/1000${String(i).padStart(7, '0')} &park()`,
        `Job-UUID: job-t-${i}\n`,
      );
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await c.until(
      () => c.destroys >= ORIGINATES && c.jobs >= ORIGINATES,
      300_000,
      'every short call to finish',
    );
    const seconds = (performance.now() - t0) / 1000;
    // Let the job thread's last API events land before counting.
    await new Promise((r) => setTimeout(r, 300));
    const originatesPerSecond = ORIGINATES / seconds;
    const eventsPerSecond = (c.events - startEvents) / seconds;
    const mbPerSecond = (c.bytes - startBytes) / seconds / 1048576;
    const eventsPerCall = (c.events - startEvents) / ORIGINATES;

    // 2. concurrency: held calls
    const jobsBefore = c.jobs;
    const t1 = performance.now();
    for (let i = 0; i < CHANNELS; i++) {
      c.send(
        `bgapi originate {origination_uuid=h-${i},ignore_early_media=true,campaign_id=bench}sofia/gateway/gw1/2000${String(i).padStart(7, '0')} &park()`,
        `Job-UUID: job-h-${i}\n`,
      );
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await c.until(() => c.jobs - jobsBefore >= CHANNELS, 240_000, 'every held call to be answered');
    const rampSeconds = (performance.now() - t1) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const stats = await control(controlPort, '/stats');
    const concurrentChannels = Number(stats['channels']);
    const rssMb = Number(stats['rssMb']);
    const heapUsedMb = Number(stats['heapUsedMb']);
    c.send('api hupall NORMAL_CLEARING campaign_id bench');
    await c.until(() => c.destroys >= ORIGINATES + CHANNELS, 120_000, 'hupall to clear the held calls');
    c.socket.destroy();

    const result = {
      originatesPerSecond: Math.round(originatesPerSecond),
      concurrentChannels,
      eventsPerSecond: Math.round(eventsPerSecond),
      rssMb,
    };
    const rows: Array<[string, string]> = [
      ['originates (short answered calls)', String(ORIGINATES)],
      ['originates/s, full sequences', String(result.originatesPerSecond)],
      ['events per call (event json ALL)', eventsPerCall.toFixed(1)],
      ['events/s to one JSON subscriber', String(result.eventsPerSecond)],
      ['MB/s to that subscriber', mbPerSecond.toFixed(1)],
      ['held channels', String(concurrentChannels)],
      ['ramp to held channels (s)', rampSeconds.toFixed(1)],
      ['fs-sim RSS with held channels (MB)', String(rssMb)],
      ['fs-sim heap used (MB)', String(heapUsedMb)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`fs-sim benchmark (node ${process.version})\n`);
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2) + '\n');
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
