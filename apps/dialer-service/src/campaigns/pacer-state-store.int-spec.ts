import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { COMPLIANCE_DEFAULTS, createTopology, type Campaign } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { ForecastPacer } from '@autotelesale/pacing';
import { deleteNamespaceStreams, ensureNats, testNamespace, waitFor } from '@autotelesale/testing';
import type { AgentLegsService } from '../agents/agent-legs.service';
import type { CallDriverService, CallFact } from '../calls/call-driver.service';
import { CampaignRunner } from './campaign-runner';
import { PACER_STATE_TTL_MS, PacerStateStore } from './pacer-state-store';

let bus: NatsBus;
let natsUrl: string;
const namespace = testNamespace();
const topology = createTopology(namespace);

beforeAll(async () => {
  natsUrl = await ensureNats();
  bus = await NatsBus.connect({ servers: natsUrl, name: 'pacer-state-test', topology });
});

afterAll(async () => {
  await bus.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
});

const kv = () => bus.kv(topology.kv.pacerStates, { ttlMs: PACER_STATE_TTL_MS });

/** The fields of a predictive campaign the runner's pacer reads. */
function predictive(id: string, abandonRateCap = 0.03): Campaign {
  return {
    id,
    mode: 'predictive',
    agents: [],
    agentGroupId: null,
    compliance: COMPLIANCE_DEFAULTS,
    pacing: {
      ratio: null,
      abandonRateCap,
      abandonGraceSeconds: 2,
      ringTimeoutSeconds: 25,
      maxLinesPerAgent: 3,
    },
  } as unknown as Campaign;
}

/**
 * A runner on the real bus and store; the call driver and agent legs are only the hooks
 * the runner registers (no calls are placed: its ticks find no agent-service and idle).
 */
function runner(campaign: Campaign, dialerId: string, store: PacerStateStore) {
  let facts: ((fact: CallFact) => void) | undefined;
  const logs: Array<Record<string, unknown>> = [];
  const logger = {
    log: (m: Record<string, unknown>) => logs.push(m),
    warn: (m: Record<string, unknown>) => logs.push(m),
    error: (m: Record<string, unknown>) => logs.push(m),
  } as unknown as Logger;
  const calls = {
    onFacts: (_id: string, fn: ((fact: CallFact) => void) | undefined) => (facts = fn),
    setReserveCandidates: () => undefined,
    liveCalls: () => [],
    keepStandby: () => undefined,
    holdsStandby: () => false,
    standbyOf: () => undefined,
    dropStandby: () => Promise.resolve(),
  } as unknown as CallDriverService;
  const r = new CampaignRunner(campaign, 'fs1', {
    bus,
    calls,
    agentLegs: {} as AgentLegsService,
    dialerId,
    logger,
    tickMs: 60_000,
    pacerStates: store,
  });
  /** `n` customers answer and reach an agent at once: the pacer learns it can dial more. */
  const answered = (n: number) => {
    for (let i = 0; i < n; i += 1) {
      const at = Date.now();
      facts?.({ type: 'answered', at, ringSec: 8 } as CallFact);
      facts?.({ type: 'connected', at, waitSec: 0.1 } as CallFact);
    }
  };
  return { runner: r, logs, answered };
}

const threshold = (r: CampaignRunner) => (r.pacer as ForecastPacer).threshold;

it('a replica that takes a campaign over goes on at the pace the previous owner reached', async () => {
  const campaign = predictive(randomUUID());
  const a = runner(campaign, 'dialer-a', new PacerStateStore(await kv(), 'dialer-a'));
  a.runner.start();
  a.answered(600);
  const learned = threshold(a.runner);
  const fresh = new ForecastPacer({
    rule: 'US',
    capPercent: 3,
    marginPercent: 0.3,
    graceSec: 2,
    noAnswerTimeoutSec: 25,
  });
  expect(learned).toBeGreaterThan(fresh.threshold * 3);
  await a.runner.stop({ handOver: true });

  const b = runner(campaign, 'dialer-b', new PacerStateStore(await kv(), 'dialer-b'));
  b.runner.start();
  await waitFor(() => b.logs.find((m) => m['msg'] === 'pacer state restored'), {
    description: 'the new owner to restore the pace',
  });
  expect(b.runner.counters.paceRestored).toBe(true);
  expect(threshold(b.runner)).toBeCloseTo(learned, 10);
  expect(b.logs.find((m) => m['msg'] === 'pacer state restored')).toMatchObject({ savedBy: 'dialer-a' });
  await b.runner.stop();
});

it('a runner whose campaign was taken from it does not overwrite the new owner’s pace', async () => {
  const campaign = predictive(randomUUID());
  const store = new PacerStateStore(await kv(), 'dialer-a');
  const a = runner(campaign, 'dialer-a', store);
  a.runner.start();
  a.answered(300);
  await a.runner.stop({ handOver: true });
  const saved = await store.load(campaign.id);

  const late = runner(campaign, 'dialer-a', store);
  late.runner.start();
  await waitFor(() => late.runner.counters.paceRestored);
  late.answered(600);
  await late.runner.stop(); // taken over: no hand-over, no write
  expect(await store.load(campaign.id)).toEqual(saved);
});

it('a campaign whose pacing settings changed starts afresh, and says why', async () => {
  const id = randomUUID();
  const a = runner(predictive(id, 0.03), 'dialer-a', new PacerStateStore(await kv(), 'dialer-a'));
  a.runner.start();
  a.answered(600);
  await a.runner.stop({ handOver: true });

  const b = runner(predictive(id, 0.02), 'dialer-b', new PacerStateStore(await kv(), 'dialer-b'));
  b.runner.start();
  const why = await waitFor(() => b.logs.find((m) => m['msg'] === 'pacer starts afresh'), {
    description: 'the refusal to be logged',
  });
  expect(String(why['reason'])).toMatch(/capPercent/);
  expect(b.runner.counters.paceRestored).toBe(false);
  const fresh = new ForecastPacer({
    rule: 'US',
    capPercent: 2,
    marginPercent: 0.2,
    graceSec: 2,
    noAnswerTimeoutSec: 25,
  });
  expect(threshold(b.runner)).toBe(fresh.threshold);
  await b.runner.stop();
});

it('an unreadable entry is reported, never thrown at the campaign', async () => {
  const bucket = await kv();
  const store = new PacerStateStore(bucket, 'dialer-a');
  const broken = randomUUID();
  await bucket.put(broken, '{ not json');
  expect(await store.load(broken)).toMatchObject({ found: false, reason: 'unreadable' });
  const foreign = randomUUID();
  await bucket.put(
    foreign,
    JSON.stringify({ campaignId: randomUUID(), dialerId: 'x', savedAt: 1, state: {} }),
  );
  expect(await store.load(foreign)).toMatchObject({ found: false, reason: 'unreadable' });
  expect(await store.load(randomUUID())).toEqual({ found: false, reason: 'none' });

  const b = runner(predictive(broken), 'dialer-b', store);
  b.runner.start();
  await waitFor(() => b.logs.find((m) => m['msg'] === 'pacer starts afresh: saved state unreadable'));
  expect(b.runner.counters.paceRestored).toBe(false);
  await b.runner.stop();
});
