/**
 * What the dialer needs around it, for the benchmark: campaign-service (contacts leased,
 * outcomes) and agent-service (agents, reservations) as child processes from dist, in a
 * database and a NATS namespace of their own; the benchmark's own NATS client; agents,
 * campaigns, and contacts fed into a campaign at a chosen rate (the offered load).
 */
import {
  campaignRpcs,
  createAgentRpc,
  createTopology,
  dialerStatusRpc,
  healthRpc,
  loginRpc,
  readyRpc,
  reserveAgentRpc,
  type Campaign,
  type CampaignSettingsInput,
  type DialerStatus,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  ensureNats,
  freePort,
  testNamespace,
  waitFor,
} from '@autotelesale/testing';
import { BenchError, onCleanup, spawnNode, type NodeChild } from './bench-processes';

export interface BenchStack {
  bus: NatsBus;
  services: Array<{ name: string; pid: number }>;
  env: NodeJS.ProcessEnv;
}

/** NATS namespace + database + campaign-service + agent-service, all removed by the clean-up. */
export async function startStack(): Promise<BenchStack> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  onCleanup('delete the NATS namespace', () => deleteNamespaceStreams(natsUrl, namespace));
  const db = await createTestDatabase('ats_bench_dialer');
  onCleanup('drop the database', () => db.drop());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ATS_NATS_URL: natsUrl,
    ATS_NAMESPACE: namespace,
    ATS_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  };
  const bus = await NatsBus.connect({
    servers: natsUrl,
    name: 'bench-dialer',
    topology: createTopology(namespace),
  });
  onCleanup('close the benchmark NATS client', () => bus.drain());
  const services: BenchStack['services'] = [];
  // BENCH_SERVICES_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile
  // campaign-service and agent-service (the profile is written when they exit).
  const nodeArgs = (process.env['BENCH_SERVICES_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  for (const service of ['campaign', 'agent'] as const) {
    const child = spawnNode(
      `${service}-service`,
      `dist/apps/${service}-service/src/main.js`,
      [],
      {
        ...env,
        ATS_DATABASE_URL: db.url,
        ATS_HTTP_PORT: String(await freePort()),
        ATS_INSTANCE_ID: `${service}-bench`,
      },
      { nodeArgs },
    );
    onCleanup(`stop ${child.name}`, () => child.stop('SIGTERM', 10_000));
    await waitUntilHealthy(bus, service, child);
    services.push({ name: child.name, pid: child.pid });
  }
  return { bus, env, services };
}

async function waitUntilHealthy(
  bus: NatsBus,
  service: 'campaign' | 'agent',
  child: NodeChild,
): Promise<void> {
  const result = await waitFor(
    async () => {
      if (child.process.exitCode !== null) return 'exited';
      return bus
        .request(healthRpc(service), {}, { timeoutMs: 1_000 })
        .then(() => 'up')
        .catch(() => undefined);
    },
    { timeoutMs: 90_000, intervalMs: 200, description: `${child.name} to answer health` },
  );
  if (result === 'exited') throw new BenchError('CHILD_FAILED', `${child.name} exited: ${child.tail()}`);
}

/**
 * Counts the dialer's call events by type (and abandons by reason): for the conditions
 * column and diagnostics only; every figure comes from fs-sim's own events.
 */
export function countCallEvents(bus: NatsBus): { counts: Map<string, number>; stop: () => void } {
  const counts = new Map<string, number>();
  const sub = bus.nc.subscribe(bus.topology.events.allCalls, {
    callback: (_err, msg) => {
      try {
        const e = JSON.parse(new TextDecoder().decode(msg.data)) as {
          type: string;
          payload?: { reason?: string };
        };
        const key = e.type === 'call.abandoned' ? `${e.type}:${e.payload?.reason ?? '?'}` : e.type;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } catch {
        counts.set('unreadable', (counts.get('unreadable') ?? 0) + 1);
      }
    },
  });
  return { counts, stop: () => sub.unsubscribe() };
}

/**
 * When agent-service committed each call's reservation (`agent.stateChanged` to
 * `reserved`, its `at`), by call id: to split the answer-to-bridge time into "until the
 * agent was reserved" and "from there to the bridge". Diagnostics only.
 */
export function watchReservations(bus: NatsBus): {
  requestedAt: Map<string, number>;
  reservedAt: Map<string, number>;
  stop: () => void;
} {
  const reservedAt = new Map<string, number>();
  const requestedAt = new Map<string, number>();
  // A plain subscriber (not in the queue group) sees each reserve request and never answers.
  const requests = bus.nc.subscribe(bus.topology.rpc.subject(reserveAgentRpc), {
    callback: (_err, msg) => {
      try {
        const r = JSON.parse(new TextDecoder().decode(msg.data)) as { callId?: string };
        if (r.callId && !requestedAt.has(r.callId)) requestedAt.set(r.callId, Date.now());
      } catch {
        // diagnostics only
      }
    },
  });
  const sub = bus.nc.subscribe(bus.topology.events.allAgents, {
    callback: (_err, msg) => {
      try {
        const e = JSON.parse(new TextDecoder().decode(msg.data)) as {
          type: string;
          payload?: { to?: string; callId?: string | null; at?: string };
        };
        const p = e.payload;
        if (e.type === 'agent.stateChanged' && p?.to === 'reserved' && p.callId && p.at)
          reservedAt.set(p.callId, Date.parse(p.at));
      } catch {
        // not ours to judge: diagnostics only
      }
    },
  });
  return {
    requestedAt,
    reservedAt,
    stop: () => {
      sub.unsubscribe();
      requests.unsubscribe();
    },
  };
}

export const formatCounts = (counts: Map<string, number>) =>
  [...counts.entries()].map(([k, v]) => `${k.replace(/^call\./, '')} ${v}`).join(', ');

/**
 * Bare NATS round trips to campaign-service and agent-service (health: no database),
 * sampled every 200 ms until stopped: how loaded the machine is, in the stack's own terms.
 */
export function probeRoundTrips(bus: NatsBus): () => Promise<string> {
  const samples: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const service of ['campaign', 'agent'] as const) {
        const t0 = process.hrtime.bigint();
        const ok = await bus
          .request(healthRpc(service), {}, { timeoutMs: 5_000 })
          .then(() => true)
          .catch(() => false);
        if (ok) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1) ?? '?';
    return `NATS round trip p50 ${at(0.5)} / p90 ${at(0.9)} ms`;
  };
}

// ------------------------------------------------------------------ the dialer

export interface DialerChild {
  child: NodeChild;
  dialerId: string;
  status(): Promise<DialerStatus>;
}

/** One dialer replica from dist, on the fs-sim nodes given; resolves when every node is healthy. */
export async function startDialer(
  stack: BenchStack,
  nodesEnv: string,
  dialerId: string,
): Promise<DialerChild> {
  // BENCH_DIALER_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the dialer.
  const nodeArgs = (process.env['BENCH_DIALER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawnNode(
    `dialer ${dialerId}`,
    'dist/apps/dialer-service/src/main.js',
    [],
    {
      ...stack.env,
      ATS_FS_NODES: nodesEnv,
      ATS_DIALER_ID: dialerId,
      ATS_INSTANCE_ID: dialerId,
      ATS_HTTP_PORT: String(await freePort()),
      ATS_DIALER_DRAIN_TIMEOUT_MS: '2000',
    },
    // BENCH_DIALER_LOG: a file for the dialer's log lines (JSON, LOG_LEVEL).
    { nodeArgs, logFile: process.env['BENCH_DIALER_LOG'] },
  );
  const nodes = nodesEnv.split(',').length;
  const status = () => stack.bus.request(dialerStatusRpc, {}, { timeoutMs: 5_000 });
  const result = await waitFor(
    async () => {
      if (child.process.exitCode !== null) return 'exited';
      const s = await status().catch(() => undefined);
      return s && s.dialerId === dialerId && s.nodes.filter((n) => n.healthy).length === nodes
        ? 'up'
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, description: 'the dialer to connect to every node' },
  );
  if (result === 'exited') throw new BenchError('CHILD_FAILED', `${child.name} exited: ${child.tail()}`);
  return { child, dialerId, status };
}

// ------------------------------------------------------------------ agents and campaigns

/** Creates, logs in and readies agents with the extensions given, `concurrency` at a time. */
export async function createReadyAgents(
  bus: NatsBus,
  extensions: string[],
  concurrency = 12,
): Promise<string[]> {
  const ids = new Array<string>(extensions.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, extensions.length) }, async () => {
      while (next < extensions.length) {
        const i = next++;
        const extension = extensions[i]!;
        const agent = await bus.request(createAgentRpc, { name: `Bench ${extension}`, extension });
        await bus.request(loginRpc, { agentId: agent.agentId });
        await bus.request(readyRpc, { agentId: agent.agentId });
        ids[i] = agent.agentId;
      }
    }),
  );
  return ids;
}

export interface BenchCampaign {
  campaign: Campaign;
  listId: string;
}

/**
 * A running predictive campaign with a fixed ratio k, calling all day, no wrap-up, and an
 * empty list. The grace is the longest allowed (10 s) and the abandon cap the highest
 * (10 %): on a loaded machine a slow reservation is then measured as a slow bridge instead
 * of dropping out as an abandon, and the abandon throttle does not stop the run.
 */
export async function createRunningCampaign(
  bus: NatsBus,
  name: string,
  agentIds: string[],
  ratio: number,
): Promise<BenchCampaign> {
  const settings: CampaignSettingsInput = {
    name,
    mode: 'predictive',
    pacing: { ratio, ringTimeoutSeconds: 15, abandonGraceSeconds: 10, abandonRateCap: 0.1 },
    callingHours: {
      timeZone: 'UTC',
      timeZonePolicy: 'campaign',
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
    },
    wrapUpSeconds: 0,
    agents: agentIds.map((agentId) => ({ agentId })),
  };
  const created = await bus.request(campaignRpcs.createCampaign, settings);
  const list = await bus.request(campaignRpcs.createList, { campaignId: created.id, name: `${name} list` });
  const campaign = await bus.request(campaignRpcs.transitionCampaign, {
    campaignId: created.id,
    action: 'start',
  });
  return { campaign, listId: list.id };
}

export async function completeCampaign(bus: NatsBus, campaignId: string): Promise<void> {
  await bus
    .request(campaignRpcs.transitionCampaign, { campaignId, action: 'complete' })
    .catch(() => undefined);
}

let phoneSeq = 0;
/** A Vietnamese mobile number, unique in the run (+84 90x xxx xxx). */
export function nextPhone(): string {
  phoneSeq++;
  return `+8490${String(phoneSeq).padStart(7, '0')}`;
}

/** Imports `count` new contacts into the list (one CSV import); resolves with the rows accepted. */
export async function importContacts(bus: NatsBus, listId: string, count: number): Promise<number> {
  if (count <= 0) return 0;
  const rows: string[] = ['phone,name'];
  for (let i = 0; i < count; i++) rows.push(`${nextPhone()},Bench ${phoneSeq}`);
  const started = await bus.request(
    campaignRpcs.startImport,
    { listId, format: 'csv' },
    { timeoutMs: 30_000 },
  );
  const status = await bus.request(
    campaignRpcs.importChunk,
    {
      importId: started.importId,
      seq: 0,
      data: Buffer.from(`${rows.join('\n')}\n`).toString('base64'),
      last: true,
    },
    { timeoutMs: 30_000 },
  );
  if (status.rejected > 0)
    throw new BenchError('CHILD_FAILED', `the import rejected ${status.rejected} rows`);
  return status.accepted;
}

/**
 * The offered load: contacts made due in each list at `perSecond` (split evenly), in small
 * imports every `everyMs`. Imports run one after another per list; when one takes longer
 * than `everyMs` the next catches up, and `imported` tells what was really offered.
 */
export class ContactFeeder {
  imported = 0;
  failures = 0;
  private perSecond = 0;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly listIds: string[],
    private readonly everyMs = 200,
  ) {}

  setRate(perSecond: number): void {
    this.perSecond = perSecond;
  }

  start(): void {
    for (const listId of this.listIds) this.loops.push(this.loop(listId));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(listId: string): Promise<void> {
    let owed = 0;
    let last = Date.now();
    while (!this.stopped) {
      const now = Date.now();
      owed += ((now - last) / 1000) * (this.perSecond / this.listIds.length);
      last = now;
      const n = Math.floor(owed);
      if (n > 0) {
        owed -= n;
        try {
          const t0 = Date.now();
          await importContacts(this.bus, listId, n);
          // The rows sent (none rejected, or importContacts throws): the import's own
          // counters are not the figure here.
          this.imported += n;
          if (process.env['BENCH_DEBUG']) process.stderr.write(`import ${n} rows: ${Date.now() - t0} ms\n`);
        } catch (error) {
          this.failures++;
          if (this.failures === 1) process.stderr.write(`bench-dialer: an import failed: ${String(error)}\n`);
        }
      }
      const wait = this.everyMs - (Date.now() - now);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
