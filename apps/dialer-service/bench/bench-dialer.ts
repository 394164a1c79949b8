/**
 * dialer-service benchmark (issue 7), against fs-sim, with the real campaign-service and
 * agent-service (child processes from dist, their own database and NATS namespace) and one
 * dialer replica as a child process from dist (so its RSS and CPU are its own):
 *
 *  1. latency: answer-to-agent-bridge p50/p99 at a steady offered rate (default 100 call
 *     attempts/s): contacts are imported into a running predictive campaign at that rate,
 *     every customer answers, and enough agents sit on parked legs that one is always free.
 *     Measured by our own ESL listener on fs-sim: CHANNEL_BRIDGE minus CHANNEL_ANSWER of
 *     each customer leg (Event-Date-Timestamp), not from the dialer's logs.
 *  2. rate: the offered rate is ramped (contacts made due per second, spread over one
 *     campaign per fs-sim node) until the attempts/s fs-sim sees stop following; the
 *     highest step sustained (>= 90 % of the offered rate) is the figure.
 *  3. esl: `bench-esl` (libs/esl/bench) as a child: events/s per core, libs/esl and modesl.
 *  4. rss: the dialer's RSS while it holds N (default 5,000) answered customers bridged to
 *     agents, talking for an hour.
 *
 * Usage: npm run bench:dialer -- [--quick] [--json out.json] [--only latency,rate,esl,rss]
 *   [--rate 100] [--latency-seconds 30] [--steps 100,200,...] [--step-seconds 15]
 *   [--nodes 4] [--rss-calls 5000] [--rss-rate 100]
 * BENCH_DIALER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the dialer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@autotelesale/testing';
import { CallObserver, percentile } from './call-observer';
import {
  BenchError,
  cpuMeter,
  cpuMsPerAttempt,
  cpuSeconds,
  serverProcesses,
  ensureBuilt,
  installSignalHandlers,
  onCleanup,
  ROOT,
  runCleanups,
  startFsSim,
  type FsSimChild,
} from './bench-processes';
import {
  completeCampaign,
  ContactFeeder,
  countCallEvents,
  formatCounts,
  createReadyAgents,
  createRunningCampaign,
  importContacts,
  startDialer,
  startStack,
  type BenchCampaign,
  type BenchStack,
  type DialerChild,
  probeRoundTrips,
  watchReservations,
} from './bench-stack';

// ------------------------------------------------------------------ flags

const args = process.argv.slice(2);
const KNOWN = new Set([
  '--quick',
  '--json',
  '--only',
  '--rate',
  '--latency-seconds',
  '--steps',
  '--step-seconds',
  '--nodes',
  '--rss-calls',
  '--rss-rate',
]);
for (const a of args)
  if (a.startsWith('--') && !KNOWN.has(a)) {
    process.stderr.write(`bench-dialer: unknown flag ${a}\n`);
    process.exit(2);
  }
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
function numberFlag(name: string, fallback: number, min: number, max: number): number {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new BenchError('BAD_FLAG', `${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}
const QUICK = args.includes('--quick');
const PHASES = ['latency', 'rate', 'esl', 'rss'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  only: Set<Phase>;
  jsonOut: string | undefined;
  latencyRate: number;
  latencySeconds: number;
  warmupSeconds: number;
  steps: number[];
  stepSeconds: number;
  nodes: number;
  rssCalls: number;
  rssRate: number;
}

function parseOptions(): Options {
  const only = new Set<Phase>();
  for (const p of (flag('--only') ?? PHASES.join(',')).split(',')) {
    if (!(PHASES as readonly string[]).includes(p))
      throw new BenchError('BAD_FLAG', `--only takes ${PHASES.join(',')}, got "${p}"`);
    only.add(p as Phase);
  }
  const steps = (flag('--steps') ?? (QUICK ? '150,300,450' : '100,200,300,400,500,600,800,1000'))
    .split(',')
    .map(Number);
  if (steps.some((s) => !Number.isFinite(s) || s <= 0 || s > 5_000))
    throw new BenchError('BAD_FLAG', `--steps takes rates in (0, 5000], got "${flag('--steps')}"`);
  return {
    only,
    jsonOut: flag('--json'),
    latencyRate: numberFlag('--rate', 100, 1, 160), // 12 agents per call/s, at most 2,000 in a campaign
    latencySeconds: numberFlag('--latency-seconds', QUICK ? 10 : 30, 2, 3_600),
    warmupSeconds: QUICK ? 3 : 5,
    steps,
    stepSeconds: numberFlag('--step-seconds', QUICK ? 8 : 15, 3, 600),
    nodes: numberFlag('--nodes', 4, 1, 16),
    rssCalls: numberFlag('--rss-calls', QUICK ? 1_000 : 5_000, 10, 20_000),
    rssRate: numberFlag('--rss-rate', 100, 1, 2_000),
  };
}

// ------------------------------------------------------------------ helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg()[0]!.toFixed(1);
const log = (line: string) => process.stdout.write(`bench-dialer: ${line}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU (cores) of the dialer, fs-sim, the services, PostgreSQL and nats-server over a window. */
const meter = (stack: BenchStack, r: PhaseRig) =>
  cpuMeter([
    { name: 'dialer', pid: r.dialer.child.pid },
    { name: 'fs-sim', pid: r.fs.pid },
    ...stack.services,
    ...serverProcesses(),
    { name: 'bench', pid: process.pid },
  ]);

function scenario(customers: unknown, extensions: string[]) {
  return {
    gateways: { gw1: {} },
    playback: { defaultMs: 1_000 },
    customers,
    agentDefaults: { registered: true, autoAnswer: true, answerDelayMs: 20 },
    agents: extensions.map((ext) => ({ ext })),
  };
}

const extensions = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);

interface PhaseRig {
  events: ReturnType<typeof countCallEvents>;
  fs: FsSimChild;
  dialer: DialerChild;
  observer: CallObserver;
  campaigns: BenchCampaign[];
}

/** fs-sim + dialer + our ESL listener + agents + running campaigns; agents' legs up. */
async function rig(
  stack: BenchStack,
  name: string,
  nodes: number,
  customers: unknown,
  agentsPerCampaign: number,
  campaignCount: number,
  ratio: number,
  extPrefix: string,
): Promise<PhaseRig> {
  const exts = extensions(extPrefix, agentsPerCampaign * campaignCount);
  const events = countCallEvents(stack.bus);
  onCleanup(`${name}: call events`, () => events.stop());
  const fs = await startFsSim(nodes, scenario(customers, exts));
  const observer = await CallObserver.connect(fs.ports, fs.password);
  onCleanup(`${name}: ESL listener`, () => observer.close());
  const dialer = await startDialer(stack, fs.nodesEnv, `bench-${name}-${process.pid}`);
  log(`${name}: creating ${exts.length} agents ...`);
  const agentIds = await createReadyAgents(stack.bus, exts);
  const campaigns: BenchCampaign[] = [];
  for (let c = 0; c < campaignCount; c++) {
    const ids = agentIds.slice(c * agentsPerCampaign, (c + 1) * agentsPerCampaign);
    campaigns.push(await createRunningCampaign(stack.bus, `bench ${name} ${c + 1}`, ids, ratio));
  }
  onCleanup(`${name}: complete campaigns`, () =>
    Promise.all(campaigns.map((c) => completeCampaign(stack.bus, c.campaign.id))),
  );
  await waitFor(() => observer.agentLegsUp >= exts.length, {
    timeoutMs: 60_000 + exts.length * 40,
    intervalMs: 200,
    description: `${exts.length} agents' parked legs (have ${observer.agentLegsUp})`,
  });
  log(
    `${name}: ${observer.agentLegsUp} agents parked on ${nodes} node(s), ${campaignCount} campaign(s); load ${load()}`,
  );
  return { events, fs, dialer, observer, campaigns };
}

async function teardown(stack: BenchStack, r: PhaseRig): Promise<void> {
  log(`dialer's call events: ${formatCounts(r.events.counts)}`);
  r.events.stop();
  await Promise.all(r.campaigns.map((c) => completeCampaign(stack.bus, c.campaign.id)));
  await r.dialer.child.stop('SIGTERM', 10_000);
  await r.observer.close();
  await r.fs.stop();
}

// ------------------------------------------------------------------ 1. latency

interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  samples: number;
  notBridged: number;
  /**
   * Share of the window's answers that found a standby agent held (the dialer's own count);
   * the others waited for the pool's next batch, or reserved on the answer.
   */
  standbyShare: number;
  attemptsPerSecond: number;
  offeredPerSecond: number;
  /** CPU ms per call attempt over our stack (dialer, fs-sim, services), and per process. */
  cpuMsPerCall: number | undefined;
  cpuMsPerCallText: string;
  seconds: number;
  loadAvg: string;
}

async function measureLatency(stack: BenchStack, o: Options): Promise<LatencyResult> {
  // Every customer answers after 0.2-1 s and talks 6-10 s (from the answer, so a slow
  // bridge on a loaded machine is still measured, not hung up on): the worst case for the
  // bridge path (a real list answers 30-40 %).
  const customers = {
    progressMs: 20,
    ringMs: { uniform: [200, 1_000] },
    earlyMedia: 0,
    talkMs: { uniform: [6_000, 10_000] },
    outcomes: [{ kind: 'answer', weight: 1 }],
  };
  // Agents busy at once: rate x talk <= 10 s, plus the lines ringing; ratio 1 keeps lines
  // <= free agents, so an agent is free for every answer.
  const agents = Math.max(20, Math.ceil(o.latencyRate * 12));
  const r = await rig(stack, 'latency', 1, customers, agents, 1, 1, '31');
  // Two imports a second: smooth enough for a steady rate, few enough for campaign-service.
  const feeder = new ContactFeeder(
    stack.bus,
    r.campaigns.map((c) => c.listId),
    500,
  );
  const reservations = watchReservations(stack.bus);
  onCleanup('latency: reservations', () => reservations.stop());
  try {
    const loadAtStart = load();
    feeder.setRate(o.latencyRate);
    feeder.start();
    await sleep(o.warmupSeconds * 1000);
    const standbyAt = async () => (await r.dialer.status()).campaigns.find((c) => c.standby)?.standby;
    const standbyFrom = await standbyAt();
    const from = Date.now();
    const cpu = meter(stack, r);
    const rtt = probeRoundTrips(stack.bus);
    await sleep(o.latencySeconds * 1000);
    const to = Date.now();
    const reading = cpu();
    const standbyTo = await standbyAt();
    const roundTrip = await rtt();
    const attemptsPerSecond = r.observer.attemptsBetween(from, to) / ((to - from) / 1000);
    const perCall = cpuMsPerAttempt(reading, attemptsPerSecond);
    log(
      `latency: ${attemptsPerSecond.toFixed(1)} attempts/s (offered ${o.latencyRate}/s); CPU (cores) ${reading.text}; CPU ms per attempt ${perCall.text}, total ${perCall.total?.toFixed(1) ?? '?'}; ${roundTrip}`,
    );
    await feeder.stop();
    await sleep(3_000); // the last customers answered in the window get their agent
    const bridges = r.observer.bridgesBetween(from, to);
    const latencies = bridges.map((b) => b.latencyMs);
    const toRequest: number[] = [];
    const toReserved: number[] = [];
    const fromReserved: number[] = [];
    for (const b of bridges) {
      const asked = reservations.requestedAt.get(b.uuid);
      const at = reservations.reservedAt.get(b.uuid);
      if (at === undefined || asked === undefined) continue;
      toRequest.push(asked - b.answeredUs / 1000);
      toReserved.push(at - asked);
      fromReserved.push(b.bridgedUs / 1000 - at);
    }
    // A bridge with no reservation request for its call took a standby agent: one held when
    // the customer answered, or one from the pool's next batch (the customer waited for it).
    const fromStandby = bridges.filter((b) => !reservations.requestedAt.has(b.uuid)).map((b) => b.latencyMs);
    const onAnswer = bridges.filter((b) => reservations.requestedAt.has(b.uuid)).map((b) => b.latencyMs);
    reservations.stop();
    const split = (xs: number[]) =>
      `p50 ${percentile(xs, 50)?.toFixed(0) ?? '?'} / p99 ${percentile(xs, 99)?.toFixed(0) ?? '?'} ms`;
    log(
      `latency: CHANNEL_ANSWER -> reserve request on NATS ${split(toRequest)}; -> agent-service's commit ${split(toReserved)}; -> CHANNEL_BRIDGE ${split(fromReserved)} (${toReserved.length} calls)`,
    );
    log(
      `latency: bridged to a standby agent (held at the answer, or from the next batch) ${fromStandby.length} (${split(fromStandby)}), to an agent reserved on the answer ${onAnswer.length} (${split(onAnswer)}); the dialer: ${standbyTo ? `${standbyTo.taken} of ${standbyTo.answers} answers from standby, ${standbyTo.held} held now` : 'no standby agents'}`,
    );
    const answered = r.observer.answersBetween(from, to);
    if (latencies.length === 0)
      throw new BenchError(
        'NOT_MEASURED',
        `no customer was bridged to an agent (contacts imported ${feeder.imported}, import failures ${feeder.failures}, attempts ${r.observer.attempts.length}, answers ${r.observer.answers.length}); dialer said: ${r.dialer.child.tail()}`,
      );
    return {
      p50: percentile(latencies, 50)!,
      p99: percentile(latencies, 99)!,
      max: Math.max(...latencies),
      samples: latencies.length,
      notBridged: answered - latencies.length,
      standbyShare:
        standbyFrom && standbyTo && standbyTo.answers > standbyFrom.answers
          ? (standbyTo.taken - standbyFrom.taken) / (standbyTo.answers - standbyFrom.answers)
          : 0,
      attemptsPerSecond,
      offeredPerSecond: o.latencyRate,
      cpuMsPerCall: perCall.total,
      cpuMsPerCallText: perCall.text,
      seconds: (to - from) / 1000,
      loadAvg: `${loadAtStart}-${load()}`,
    };
  } finally {
    await feeder.stop();
    await teardown(stack, r);
  }
}

// ------------------------------------------------------------------ 2. rate

interface RateStep {
  /** Contacts made due per second; 'backlog' for the saturation step. */
  offered: number | 'backlog';
  imported: number;
  attempts: number;
  dialerCpu: number | undefined;
  /** Ramp: attempts >= 90 % of the offered rate; backlog: it did not run dry. */
  sustained: boolean;
  /** The import could not make the offered rate due (campaign-service is the limit). */
  importBound: boolean;
  cpu: string;
  /** CPU ms per call attempt over our stack, and per process. */
  cpuMsPerCall: number | undefined;
  cpuMsPerCallText: string;
  loadAvg: string;
}

async function measureRate(stack: BenchStack, o: Options): Promise<RateStep[]> {
  // Short failures only (busy, unallocated, 503 after 50-150 ms): the attempt path, with no
  // agent needed; the answer path is phase 1's.
  const customers = {
    progressMs: 20,
    ringMs: { uniform: [50, 150] },
    earlyMedia: 0,
    outcomes: [
      { kind: 'busy', weight: 0.6 },
      { kind: 'invalid-number', weight: 0.2 },
      { kind: 'network-failure', weight: 0.2, sipCode: 503 },
    ],
  };
  // One campaign per node; ratio 10 x 20 free agents = 200 lines per campaign.
  const r = await rig(stack, 'rate', o.nodes, customers, 20, o.nodes, 10, '41');
  const lists = r.campaigns.map((c) => c.listId);
  // One import a second per list: the import's fixed cost is per request, not per row.
  const feeder = new ContactFeeder(stack.bus, lists, 1_000);
  const steps: RateStep[] = [];
  const window = async (offered: RateStep['offered'], importedNow: () => number, seconds: number) => {
    const from = Date.now();
    const importedFrom = importedNow();
    const cpuFrom = cpuSeconds(r.dialer.child.pid);
    const cpu = meter(stack, r);
    const rtt = probeRoundTrips(stack.bus);
    const loadFrom = load();
    await sleep(seconds * 1000);
    const to = Date.now();
    const elapsed = (to - from) / 1000;
    const cpuTo = cpuSeconds(r.dialer.child.pid);
    const reading = cpu();
    const cpuLine = `${reading.text}; ${await rtt()}`;
    await sleep(500); // events of the window's last attempts
    const attempts = r.observer.attemptsBetween(from, to) / elapsed;
    const perCall = cpuMsPerAttempt(reading, attempts);
    return {
      offered,
      imported: (importedNow() - importedFrom) / elapsed,
      attempts,
      cpuMsPerCall: perCall.total,
      cpuMsPerCallText: perCall.text,
      dialerCpu: cpuFrom !== undefined && cpuTo !== undefined ? (cpuTo - cpuFrom) / elapsed : undefined,
      cpu: cpuLine,
      loadAvg: `${loadFrom}-${load()}`,
      from,
      to,
    };
  };
  const report = (step: RateStep) => {
    steps.push(step);
    log(
      `rate: offered ${step.offered}${step.offered === 'backlog' ? '' : '/s'}, imported ${Math.round(step.imported)}/s, attempts ${Math.round(step.attempts)}/s, CPU (cores) ${step.cpu}, CPU ms per attempt ${step.cpuMsPerCallText}, load ${step.loadAvg}`,
    );
  };
  try {
    // 1. The ramp: contacts made due at the offered rate, step by step.
    feeder.start();
    for (const offered of o.steps) {
      feeder.setRate(offered);
      await sleep((o.stepSeconds * 1000) / 3);
      const w = await window(offered, () => feeder.imported, (o.stepSeconds * 2) / 3);
      const step = { ...w, sustained: w.attempts >= 0.9 * offered, importBound: w.imported < 0.9 * offered };
      report(step);
      if (!step.sustained || step.importBound) break;
    }
    await feeder.stop();
    // 2. Saturation: a backlog far larger than the window can use, so neither the import nor
    // the lease pace the dialer: what the replica itself sustains.
    const perList = Math.ceil((Math.max(1_000, ...o.steps) * o.stepSeconds * 1.5) / lists.length);
    const importStart = Date.now();
    // Summed after all settle: `imported += await ...` would read `imported` before the await
    // and keep only the last list's count.
    const counts = await Promise.all(lists.map((l) => importContacts(stack.bus, l, perList)));
    const imported = counts.reduce((a, b) => a + b, 0);
    log(
      `rate: backlog of ${imported} contacts imported in ${((Date.now() - importStart) / 1000).toFixed(1)} s`,
    );
    await sleep(1_000);
    const w = await window('backlog', () => 0, o.stepSeconds);
    const used = r.observer.attemptsBetween(importStart, w.to);
    report({ ...w, sustained: used < 0.95 * imported, importBound: false });
    return steps;
  } finally {
    await feeder.stop();
    await teardown(stack, r);
  }
}

// ------------------------------------------------------------------ 3. esl

async function measureEsl(): Promise<{ esl: number; modesl: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dialer-esl-'));
  onCleanup('esl bench folder', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'esl.json');
  const extra = QUICK ? ['--calls', '300', '--repeat', '3', '--rounds', '1'] : [];
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/libs/esl/bench/bench-esl.js'), '--json', out, ...extra],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  onCleanup('stop bench-esl', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new BenchError('CHILD_FAILED', `bench-esl exited with ${code}: ${output}`);
  const parsed = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const esl = parsed['eslEventsPerSecond'];
  const modesl = parsed['modeslEventsPerSecond'];
  if (typeof esl !== 'number' || typeof modesl !== 'number')
    throw new BenchError('NOT_MEASURED', `bench-esl wrote no figures: ${JSON.stringify(parsed)}`);
  return { esl, modesl, output };
}

// ------------------------------------------------------------------ 4. rss

interface RssResult {
  rssMb: number;
  liveBridged: number;
  dialerLiveCalls: number;
  target: number;
  loadAvg: string;
}

async function measureRss(stack: BenchStack, o: Options): Promise<RssResult> {
  const customers = {
    progressMs: 20,
    ringMs: { uniform: [300, 3_000] },
    earlyMedia: 0,
    talkMs: 3_600_000,
    outcomes: [{ kind: 'answer', weight: 1 }],
  };
  // At most 1,000 agents per campaign (the agent list must fit one NATS message); one node each.
  const campaigns = Math.ceil(o.rssCalls / 1_000);
  const perCampaign = Math.ceil(o.rssCalls / campaigns);
  const r = await rig(stack, 'rss', campaigns, customers, perCampaign, campaigns, 1, '5');
  try {
    // Contacts made due at --rss-rate (default 100/s), not all at once: a flood of answers
    // would queue at agent-service's reservations and end as abandons.
    const needed = Math.ceil(o.rssCalls * 1.05);
    const feeder = new ContactFeeder(
      stack.bus,
      r.campaigns.map((c) => c.listId),
      500,
    );
    onCleanup('rss: feeder', () => feeder.stop());
    feeder.setRate(o.rssRate);
    feeder.start();
    let best = 0;
    let since = Date.now();
    await waitFor(
      () => {
        if (feeder.imported >= needed) feeder.setRate(0);
        if (r.observer.liveBridged > best) {
          best = r.observer.liveBridged;
          since = Date.now();
        }
        return best >= o.rssCalls || Date.now() - since > 30_000;
      },
      { timeoutMs: 1_200_000, intervalMs: 500, description: `${o.rssCalls} customers bridged` },
    );
    await feeder.stop();
    await sleep(2_000);
    let rss = 0;
    for (let i = 0; i < 5; i++) {
      rss = Math.max(rss, r.dialer.child.rssMb() ?? 0);
      await sleep(1_000);
    }
    const status = await r.dialer.status();
    log(
      `rss: ${r.observer.liveBridged} customers bridged, dialer holds ${status.liveCalls} live calls, RSS ${rss.toFixed(0)} MB`,
    );
    if (rss === 0) throw new BenchError('NOT_MEASURED', 'could not read the dialer RSS');
    return {
      rssMb: rss,
      liveBridged: r.observer.liveBridged,
      dialerLiveCalls: status.liveCalls,
      target: o.rssCalls,
      loadAvg: load(),
    };
  } finally {
    await teardown(stack, r);
  }
}

// ------------------------------------------------------------------ main

interface Figures {
  bridgeLatencyP50Ms: number | null;
  bridgeLatencyP99Ms: number | null;
  maxCallsPerSecond: number | null;
  eslEventsPerSecond: number | null;
  modeslEventsPerSecond: number | null;
  rssMbAt5000Calls: number | null;
}

async function main(): Promise<number> {
  installSignalHandlers();
  const o = parseOptions();
  ensureBuilt(['apps/campaign-service', 'apps/agent-service']);
  const cores = cpus().length;
  const startedLoad = load();
  log(`${cores} cores, load average ${startedLoad} at start${QUICK ? ', --quick' : ''}`);
  const figures: Figures = {
    bridgeLatencyP50Ms: null,
    bridgeLatencyP99Ms: null,
    maxCallsPerSecond: null,
    eslEventsPerSecond: null,
    modeslEventsPerSecond: null,
    rssMbAt5000Calls: null,
  };
  const rows: Array<[string, string, string, string, string]> = [];
  const failures: string[] = [];
  const attempt = async (phase: Phase, run: () => Promise<void>) => {
    if (!o.only.has(phase)) return;
    try {
      log(`${phase} ... (load ${load()})`);
      await run();
    } catch (error) {
      failures.push(`${phase}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${phase} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  let stack: BenchStack | undefined;
  const needsStack = ['latency', 'rate', 'rss'].some((p) => o.only.has(p as Phase));
  if (needsStack) stack = await startStack();

  await attempt('latency', async () => {
    const l = await measureLatency(stack!, o);
    figures.bridgeLatencyP50Ms = round1(l.p50);
    figures.bridgeLatencyP99Ms = round1(l.p99);
    // The target's condition is 100 calls/s: a machine that could not keep the offered rate
    // says so here rather than reporting a latency measured at a lighter load.
    const offeredNote =
      l.attemptsPerSecond >= 0.9 * l.offeredPerSecond
        ? `offered ${l.offeredPerSecond}/s`
        : `offered ${l.offeredPerSecond}/s but the stack sustained only ${Math.round(l.attemptsPerSecond)}/s`;
    const cond = `${Math.round(l.attemptsPerSecond)} attempts/s (${offeredNote}) for ${l.seconds.toFixed(0)} s, all answer, ${l.samples} bridges (${l.notBridged} answered not bridged, ${Math.round(l.standbyShare * 100)} % found a standby agent held), max ${l.max.toFixed(1)} ms, load ${l.loadAvg}`;
    rows.push(['bridge latency p50', `${l.p50.toFixed(1)} ms`, '-', '-', cond]);
    rows.push([
      'bridge latency p99',
      `${l.p99.toFixed(1)} ms`,
      '< 100 ms',
      l.p99 < 100 ? 'met' : 'NOT MET',
      cond,
    ]);
    rows.push([
      'CPU per answered attempt',
      l.cpuMsPerCall === undefined ? '?' : `${l.cpuMsPerCall.toFixed(1)} ms`,
      '-',
      '-',
      `CPU ms per attempt: ${l.cpuMsPerCallText} (PostgreSQL: all its processes), at ${Math.round(l.attemptsPerSecond)} attempts/s`,
    ]);
  });

  await attempt('rate', async () => {
    const steps = await measureRate(stack!, o);
    const ramp = steps.filter((s) => s.offered !== 'backlog');
    const saturation = steps.find((s) => s.offered === 'backlog');
    const candidates = steps.filter((s) => s.sustained).map((s) => s.attempts);
    const best = candidates.length > 0 ? Math.max(...candidates) : undefined;
    figures.maxCallsPerSecond = best === undefined ? null : Math.round(best);
    const last = ramp[ramp.length - 1];
    const rampNote = !last
      ? 'no ramp step'
      : last.importBound
        ? `ramp stopped at ${last.offered}/s offered: the contact import made only ${Math.round(last.imported)}/s due`
        : last.sustained
          ? `ramp followed up to ${last.offered}/s offered`
          : `ramp: at ${last.offered}/s offered only ${Math.round(last.attempts)}/s`;
    rows.push([
      'call attempts/s, 1 replica',
      best === undefined ? 'none sustained' : `${Math.round(best)}/s`,
      '>= 300/s',
      best !== undefined && best >= 300 ? 'met' : 'NOT MET',
      `${o.nodes} fs-sim nodes, ${o.nodes} campaigns; ${rampNote}; with a backlog ${saturation ? `${Math.round(saturation.attempts)}/s` : 'not measured'}`,
    ]);
    for (const s of steps)
      rows.push([
        s.offered === 'backlog' ? '  backlog (saturation)' : `  offered ${s.offered}/s`,
        `${Math.round(s.attempts)}/s`,
        '',
        s.offered === 'backlog'
          ? s.sustained
            ? 'sustained'
            : 'ran dry'
          : s.sustained
            ? 'followed'
            : 'stopped',
        `${s.offered === 'backlog' ? '' : `contacts imported ${Math.round(s.imported)}/s, `}CPU cores: ${s.cpu}; CPU ms per attempt ${s.cpuMsPerCall?.toFixed(1) ?? '?'} (${s.cpuMsPerCallText}); load ${s.loadAvg}`,
      ]);
  });

  await attempt('esl', async () => {
    const e = await measureEsl();
    figures.eslEventsPerSecond = e.esl;
    figures.modeslEventsPerSecond = e.modesl;
    rows.push([
      'ESL events/s per core',
      `${e.esl.toLocaleString('en')}`,
      '> modesl',
      e.esl > e.modesl ? 'met' : 'NOT MET',
      `libs/esl; modesl ${e.modesl.toLocaleString('en')} (${(e.esl / e.modesl).toFixed(2)}x), bench-esl${QUICK ? ' --quick sizes' : ''}`,
    ]);
  });

  await attempt('rss', async () => {
    const m = await measureRss(stack!, o);
    const reached = Math.min(m.liveBridged, m.dialerLiveCalls);
    if (m.target === 5_000 && reached >= 5_000) figures.rssMbAt5000Calls = Math.round(m.rssMb);
    rows.push([
      `dialer RSS, ${reached.toLocaleString('en')} live calls`,
      `${Math.round(m.rssMb)} MB`,
      '< 400 MB at 5,000',
      reached < 5_000 ? 'n/a' : m.rssMb < 400 ? 'met' : 'NOT MET',
      `customers answered and bridged to ${m.liveBridged} parked agents (target ${m.target}), load ${m.loadAvg}`,
    ]);
    if (m.target >= 5_000 && reached < 5_000) failures.push(`rss: only ${reached} live calls reached`);
  });

  const width = [28, 14, 18, 9];
  process.stdout.write(`\n${cores} cores, load average ${startedLoad} at start, ${load()} at the end\n`);
  process.stdout.write(
    `${['figure', 'measured', 'target', 'met'].map((h, i) => h.padEnd(width[i]!)).join(' | ')} | conditions\n`,
  );
  process.stdout.write(`${width.map((w) => '-'.repeat(w)).join('-|-')}-|-${'-'.repeat(30)}\n`);
  for (const row of rows)
    process.stdout.write(
      `${row
        .slice(0, 4)
        .map((c, i) => c.padEnd(width[i]!))
        .join(' | ')} | ${row[4]}\n`,
    );

  if (o.jsonOut) {
    writeFileSync(o.jsonOut, `${JSON.stringify(figures, null, 2)}\n`);
    log(`wrote ${o.jsonOut}`);
  }
  for (const f of failures) process.stderr.write(`bench-dialer: not measured: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench-dialer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  })
  .then(async (code) => {
    await runCleanups();
    process.exit(code);
  });
