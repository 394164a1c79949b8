/**
 * ESL events processed per second per core: libs/esl beside raw modesl 1.2.1, on the
 * same event stream.
 *
 *  1. Capture: fs-sim (child process) runs N short calls originated with bgapi; a raw
 *     `event json ALL` subscriber records the exact bytes FreeSWITCH-style ESL sent.
 *  2. Replay: a local ESL server answers auth/event/filter/bgapi like fs-sim and then
 *     writes the captured stream R times over real TCP, ending with a sentinel event.
 *  3. Each client runs in its own child process (so its CPU time is its own) and handles
 *     every event the way a dialer would: event name, Unique-ID and one of our channel
 *     variables. Figure = events / (user + system CPU seconds) of that process.
 *
 * Clients alternate over several rounds; the median round is reported, because the
 * machine is shared. Usage:
 *   node dist/libs/esl/bench/bench-esl.js [--calls 1000] [--repeat 5] [--rounds 3] [--json out.json]
 *     [--stream file]   (reuse a captured stream, or save the one captured now)
 *     [--profile dir]   (CPU profiles of the client processes)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EslClient, type EslEvent } from '../src/index';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PASSWORD = 'bench';
const ROOT = findRoot();
const SENTINEL_SUBCLASS = 'bench::end';

interface ConsumerResult {
  library: 'esl' | 'modesl';
  events: number;
  cpuMs: number;
  wallMs: number;
  rssMb: number;
}

function findRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

// ------------------------------------------------------------------ consumer processes

/** Child process: connect, subscribe ALL, ask for the stream, count until the sentinel. */
async function runConsumer(library: 'esl' | 'modesl', port: number): Promise<void> {
  let events = 0;
  let touched = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = 0;
  const finish = () => {
    const cpu = process.cpuUsage(cpuStart);
    const result: ConsumerResult = {
      library,
      events,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: Date.now() - wallStart,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    };
    process.stdout.write(`${JSON.stringify({ ...result, touched })}\n`, () => process.exit(0));
  };
  const start = (send: () => void) => {
    events = 0; // the handshake's own events are not part of the stream
    cpuStart = process.cpuUsage();
    wallStart = Date.now();
    send();
  };

  if (library === 'esl') {
    const client = new EslClient({ host: '127.0.0.1', port, password: PASSWORD, events: ['ALL'] });
    client.on('event', (e: EslEvent) => {
      events++;
      // What a dialer reads on every event: the name, the channel, our tracking variable.
      if ('uniqueId' in e && e.uniqueId) touched++;
      if ('variable' in e && e.variable('ats_call_id')) touched++;
      if (e.kind === 'custom' && e.subclass === SENTINEL_SUBCLASS) finish();
    });
    await client.connect();
    start(() => void client.api('bench_start'));
    return;
  }
  // Raw modesl, used as its README shows, with the error handler it needs not to crash.
  const esl = await import('modesl');
  const conn = new esl.Connection('127.0.0.1', port, PASSWORD, () => {
    conn.events('json', 'ALL', () => start(() => conn.api('bench_start', () => undefined)));
  });
  conn.on('error', (error: unknown) => {
    process.stderr.write(`modesl error: ${String(error)}\n`);
  });
  conn.on('esl::event::**', (evt: import('modesl').Event) => {
    const name = evt.getHeader('Event-Name');
    if (!name) return; // replies and api responses also come through here
    events++;
    if (evt.getHeader('Unique-ID')) touched++;
    if (evt.getHeader('variable_ats_call_id')) touched++;
    if (name === 'CUSTOM' && evt.getHeader('Event-Subclass') === SENTINEL_SUBCLASS) finish();
  });
}

// ------------------------------------------------------------------ capture from fs-sim

async function capture(calls: number): Promise<{ stream: Buffer; events: number }> {
  const main = join(ROOT, 'dist/apps/fs-sim/src/main.js');
  if (!existsSync(main))
    execFileSync(process.execPath, [join(ROOT, 'tools/build.mjs'), 'apps/fs-sim'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  const child = spawn(
    process.execPath,
    [
      main,
      ...['--port', '0', '--password', PASSWORD, '--time-scale', '0.002', '--sps', '100000'],
      ...['--max-sessions', '100000', '--heartbeat-ms', '0', '--jitter-ms', '1', '--seed', '7'],
      ...['--scenario', join(ROOT, 'apps/fs-sim/scenarios/default.json')],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const port = await until(() => {
      const m = /ESL listening on [^:]+:(\d+)/.exec(out);
      return m ? Number(m[1]) : undefined;
    }, 15_000);

    const recorder = await RawRecorder.open(port);
    const driver = new EslClient({ host: '127.0.0.1', port, password: PASSWORD, bgapiTimeoutMs: 120_000 });
    await driver.connect();
    // At most 200 originates in flight, like a busy dialer replica.
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        const i = next++;
        await driver.originate({
          uuid: randomUUID(),
          endpoint: `sofia/gateway/gw1/1555${String(1_000_000 + i).slice(1)}`,
          tracking: { ats_call_id: `c-${i}`, ats_dialer_id: 'bench' },
        });
      }
    };
    await Promise.all(Array.from({ length: 200 }, worker));
    // Let the last calls finish: the stream is complete when it stops growing.
    let last = -1;
    while (recorder.bytes !== last) {
      last = recorder.bytes;
      await new Promise((r) => setTimeout(r, 500));
    }
    await driver.close();
    recorder.close();
    return recorder.result();
  } finally {
    child.kill('SIGTERM');
  }
}

/** Records the text/event-json messages of one subscriber, byte for byte. */
class RawRecorder {
  bytes = 0;
  private buf = Buffer.alloc(0);
  private readonly kept: Buffer[] = [];
  private events = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
  }

  static async open(port: number): Promise<RawRecorder> {
    const socket = connect(port, '127.0.0.1');
    const r = new RawRecorder(socket);
    socket.write(`auth ${PASSWORD}\n\nevent json ALL\n\n`);
    return r;
  }

  private onData(d: Buffer): void {
    this.bytes += d.length;
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) return;
      const head = this.buf.toString('utf8', 0, end);
      const len = /Content-Length: (\d+)/.exec(head);
      const total = end + 2 + (len ? Number(len[1]) : 0);
      if (this.buf.length < total) return;
      if (head.includes('Content-Type: text/event-json')) {
        this.kept.push(Buffer.from(this.buf.subarray(0, total)));
        this.events++;
      }
      this.buf = this.buf.subarray(total);
    }
  }

  result(): { stream: Buffer; events: number } {
    return { stream: Buffer.concat(this.kept), events: this.events };
  }

  close(): void {
    this.socket.destroy();
  }
}

// ------------------------------------------------------------------ replay server

function jsonEvent(headers: Record<string, string>, body?: string): string {
  const h =
    body === undefined
      ? headers
      : { ...headers, 'Content-Length': String(Buffer.byteLength(body)), _body: body };
  const json = JSON.stringify(h);
  return `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
}

/** Speaks just enough ESL for both clients' handshakes, then replays the stream on `api bench_start`. */
async function startReplayServer(
  stream: Buffer,
  repeat: number,
): Promise<{ port: number; close: () => void }> {
  const coreUuid = randomUUID();
  const sentinel = jsonEvent({
    'Event-Name': 'CUSTOM',
    'Core-UUID': coreUuid,
    'Event-Subclass': SENTINEL_SUBCLASS,
  });
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const [line = '', ...headerLines] = block.split('\n');
        const reply = (text: string) => socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
        if (line.startsWith('auth ')) reply('+OK accepted');
        else if (line.startsWith('event ')) reply('+OK event listener enabled json');
        else if (line.startsWith('filter ')) reply('+OK filter added.');
        else if (line.startsWith('bgapi ')) {
          const job = headerLines.find((h) => h.startsWith('Job-UUID: '))?.slice(10) ?? randomUUID();
          socket.write(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`);
          socket.write(
            jsonEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Core-UUID': coreUuid, 'Job-UUID': job }, '0\n'),
          );
        } else if (line === 'api bench_start') {
          socket.write('Content-Type: api/response\nContent-Length: 4\n\n+OK\n');
          void blast(socket, stream, repeat, sentinel);
        } else if (line.startsWith('api '))
          socket.write('Content-Type: api/response\nContent-Length: 4\n\n+OK\n');
        else if (line === 'exit') socket.end();
        else reply('-ERR command not found');
      }
    });
  });
  const port = await new Promise<number>((resolveListen) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolveListen(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  return { port, close: () => server.close() };
}

async function blast(socket: Socket, stream: Buffer, repeat: number, sentinel: string): Promise<void> {
  for (let r = 0; r < repeat; r++) {
    if (socket.destroyed) return;
    if (!socket.write(stream)) await new Promise((d) => socket.once('drain', d));
  }
  socket.write(sentinel);
}

// ------------------------------------------------------------------ orchestration

function runChild(library: 'esl' | 'modesl', port: number): Promise<ConsumerResult> {
  return new Promise((resolveRun, reject) => {
    const profile = flag('--profile');
    const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const child = spawn(
      process.execPath,
      [...nodeArgs, __filename, '--consumer', library, '--port', String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolveRun(JSON.parse(out.trim().split('\n').pop()!) as ConsumerResult);
      } catch {
        reject(new Error(`${library} consumer exited ${code}: ${out}`));
      }
    });
  });
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function countEvents(stream: Buffer): number {
  let n = 0;
  let off = 0;
  for (;;) {
    const end = stream.indexOf('\n\n', off);
    if (end < 0) return n;
    const len = /Content-Length: (\d+)/.exec(stream.toString('utf8', off, end));
    off = end + 2 + (len ? Number(len[1]) : 0);
    n++;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const consumer = flag('--consumer');
  if (consumer === 'esl' || consumer === 'modesl') return runConsumer(consumer, Number(flag('--port')));

  const calls = Number(flag('--calls') ?? 1000);
  const repeat = Number(flag('--repeat') ?? 5);
  const rounds = Number(flag('--rounds') ?? 3);
  const jsonOut = flag('--json');

  const streamFile = flag('--stream');
  let captured: { stream: Buffer; events: number };
  if (streamFile && existsSync(streamFile)) {
    // Re-running on the very same bytes: useful when the machine is quieter.
    const stream = readFileSync(streamFile);
    captured = { stream, events: countEvents(stream) };
    process.stdout.write(`bench-esl: stream from ${streamFile}\n`);
  } else {
    process.stdout.write(`bench-esl: capturing ${calls} short calls from fs-sim ...\n`);
    captured = await capture(calls);
    if (streamFile) writeFileSync(streamFile, captured.stream);
  }
  const { stream, events } = captured;
  const perRun = events * repeat + 1;
  process.stdout.write(
    `bench-esl: ${events} events, ${(stream.length / 1048576).toFixed(1)} MB, avg ${Math.round(stream.length / events)} B/event; replaying x${repeat} = ${perRun} events per run, ${rounds} rounds\n`,
  );
  const server = await startReplayServer(stream, repeat);
  const results: Record<'esl' | 'modesl', ConsumerResult[]> = { esl: [], modesl: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const lib of r % 2 === 0 ? (['esl', 'modesl'] as const) : (['modesl', 'esl'] as const)) {
        const res = await runChild(lib, server.port);
        if (res.events !== perRun)
          throw new Error(`${lib} processed ${res.events} events, expected ${perRun}`);
        results[lib].push(res);
      }
    }
  } finally {
    server.close();
  }
  const perCore = (r: ConsumerResult) => r.events / (r.cpuMs / 1000);
  const perWall = (r: ConsumerResult) => r.events / (r.wallMs / 1000);
  const row = (lib: 'esl' | 'modesl') => {
    const rs = results[lib];
    return {
      lib,
      perCore: Math.round(median(rs.map(perCore))),
      perWall: Math.round(median(rs.map(perWall))),
      cpuMs: Math.round(median(rs.map((r) => r.cpuMs))),
      rssMb: median(rs.map((r) => r.rssMb)),
    };
  };
  const esl = row('esl');
  const modesl = row('modesl');
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  process.stdout.write(
    `\n${'client'.padEnd(10)}${pad('events/s/core', 15)}${pad('events/s wall', 15)}${pad('cpu ms', 9)}${pad('rss MB', 8)}\n`,
  );
  for (const r of [
    { ...esl, name: 'libs/esl' },
    { ...modesl, name: 'modesl' },
  ])
    process.stdout.write(
      `${r.name.padEnd(10)}${pad(r.perCore, 15)}${pad(r.perWall, 15)}${pad(r.cpuMs, 9)}${pad(r.rssMb, 8)}\n`,
    );
  process.stdout.write(`\nlibs/esl / modesl (per core): ${(esl.perCore / modesl.perCore).toFixed(2)}x\n`);
  if (jsonOut) {
    // Merge: the dialer benchmark writes its own fields into the same file.
    let existing: Record<string, unknown> = {};
    try {
      existing = JSON.parse(readFileSync(jsonOut, 'utf8')) as Record<string, unknown>;
    } catch {
      existing = {};
    }
    writeFileSync(
      jsonOut,
      `${JSON.stringify({ ...existing, eslEventsPerSecond: esl.perCore, modeslEventsPerSecond: modesl.perCore }, null, 2)}\n`,
    );
    process.stdout.write(`wrote ${jsonOut}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench-esl: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
