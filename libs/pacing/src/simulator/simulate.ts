import { AbandonLedger } from '../abandon/abandon-ledger';
import { PacingError } from '../errors';
import { AgentlessPacer } from '../policies/agentless-pacer';
import type {
  AgentSnapshot,
  AgentState,
  CallSnapshot,
  CampaignSnapshot,
  Pacer,
  PacingEvent,
} from '../policies/campaign-snapshot';
import { BinaryHeap } from '../stats/binary-heap';
import { sampleDistribution, type DistributionSpec } from '../stats/distribution';
import { createRng, deriveSeed, type Rng } from '../stats/rng';
import { createPacer } from './create-pacer';
import { percentile } from './percentile';
import { answerProbabilityAt, policyLabel, type Scenario, type ScenarioPolicy } from './scenario';

export interface SimulationResult {
  mode: string;
  policy: string;
  seed: number;
  /** Talk time / logged-in time, after the warm-up. */
  occupancy: number;
  talkMinutesPerAgentHour: number;
  /** Scenario rule, whole run (warm-up included: the regulator counts it too). */
  abandonRate: number;
  worstWindowAbandonRate: number;
  /** Live calls connected to an agent: agent-needed (answer, or AMD verdict) to bridge. */
  answerToAgentP50Ms: number;
  answerToAgentP99Ms: number;
  /** Live calls connected per logged-in agent hour (agentless: per line hour). */
  contactsPerAgentHour: number;
  dialsPerSecond: number;
  // Extras, for the README and for debugging a policy.
  dials: number;
  liveAnswered: number;
  abandoned: number;
  usAbandonRate: number;
  ukAbandonRate: number;
  worstHourAbandonRate: number;
}

export interface SimulateOptions {
  /** Use this pacer instead of building one from the policy (tests, experiments). */
  pacer?: Pacer;
}

/** Lower runs first at equal times: agents freeing up at the very instant a grace period
 * ends still catch the caller (the rule says "within" 2 s). */
const enum Priority {
  AgentFree = 0,
  Call = 1,
  Grace = 2,
  Tick = 3,
  End = 4,
}

const enum Kind {
  Login,
  Logout,
  TalkEnd,
  WrapEnd,
  AgentDial,
  Answer,
  NoAnswer,
  AmdDone,
  GraceExpire,
  MessageEnd,
  Tick,
  End,
}

interface SimEvent {
  time: number;
  priority: number;
  kind: Kind;
  ref: number;
}

type CallKind = 'live' | 'machine' | 'none';

interface SimCall {
  id: string;
  index: number;
  kind: CallKind;
  state: 'ringing' | 'detecting' | 'waiting' | 'connected' | 'ended';
  dialedAt: number;
  answeredAt?: number;
  agentNeededAt?: number;
  /** AMD verdict drawn at dial time, so the random stream does not depend on timing. */
  amdSaysHuman: boolean;
  agentIndex: number;
  connectedAt?: number;
}

interface SimAgent {
  index: number;
  state: AgentState | 'off';
  since: number;
  loginAt: number;
  logoutAt: number;
  callIndex: number;
  snapshot: AgentSnapshot;
}

const overlap = (a: number, b: number, from: number, to: number): number =>
  Math.max(0, Math.min(b, to) - Math.max(a, from));

/** Runs one policy over one seed of a scenario, in virtual time. Pure: no clock, no I/O. */
export function simulate(
  scenario: Scenario,
  policy: ScenarioPolicy,
  seed: number,
  options: SimulateOptions = {},
): SimulationResult {
  const pacer = options.pacer ?? createPacer(scenario, policy);
  const label = policyLabel(policy);
  const endAt = scenario.hours * 3600;
  const measureFrom = scenario.warmupMinutes * 60;
  const measureSec = endAt - measureFrom;
  const grace = scenario.graceSec;
  const timeout = scenario.noAnswerTimeoutSec;
  const amd = scenario.amd;
  const agentFirst = policy.mode === 'manual' || policy.mode === 'preview' || policy.mode === 'progressive';
  const agentless = policy.mode === 'agentless';
  if (policy.mode === 'manual' && !scenario.manual) {
    throw new PacingError('PACING_INVALID_SCENARIO', 'manual mode needs scenario.manual.dialOverheadSec');
  }
  if (policy.mode === 'preview' && !scenario.preview) {
    throw new PacingError('PACING_INVALID_SCENARIO', 'preview mode needs scenario.preview');
  }
  if (agentless && !scenario.agentless) {
    throw new PacingError('PACING_INVALID_SCENARIO', 'agentless mode needs scenario.agentless.messageSec');
  }

  const rngCalls = createRng(deriveSeed(seed, 1));
  const rngTalk = createRng(deriveSeed(seed, 2));
  const rngWrap = createRng(deriveSeed(seed, 3));
  const rngAgent = createRng(deriveSeed(seed, 4));
  const sample = (spec: DistributionSpec, rng: Rng): number => Math.max(0, sampleDistribution(spec, rng));

  const heap = new BinaryHeap<SimEvent>();
  const push = (time: number, priority: number, kind: Kind, ref: number): void =>
    heap.push({ time, priority, kind, ref });

  const referee = new AbandonLedger({ rule: scenario.abandonRule, capPercent: scenario.abandonCapPercent });
  const us = new AbandonLedger({ rule: 'US', capPercent: scenario.abandonCapPercent });
  const uk = new AbandonLedger({ rule: 'UK', capPercent: scenario.abandonCapPercent });
  const hourly = new AbandonLedger({
    rule: scenario.abandonRule,
    capPercent: scenario.abandonCapPercent,
    windowSec: 3600,
  });
  const ledgers = [referee, us, uk, hourly];

  const agents: SimAgent[] = [];
  const groups =
    typeof scenario.agents === 'number'
      ? [{ count: scenario.agents, loginAtMin: 0, logoutAtMin: undefined }]
      : scenario.agents;
  if (!agentless) {
    for (const g of groups) {
      for (let i = 0; i < g.count; i += 1) {
        const index = agents.length;
        const agent: SimAgent = {
          index,
          state: 'off',
          since: 0,
          loginAt: g.loginAtMin * 60,
          logoutAt: g.logoutAtMin === undefined ? Infinity : g.logoutAtMin * 60,
          callIndex: -1,
          snapshot: { id: `a${index}`, state: 'notReady', since: 0 },
        };
        agents.push(agent);
        push(agent.loginAt, Priority.AgentFree, Kind.Login, index);
        if (agent.logoutAt < endAt) push(agent.logoutAt, Priority.End, Kind.Logout, index);
      }
    }
  }

  const calls: SimCall[] = [];
  const active = new Map<number, SimCall>();
  const queue: SimCall[] = [];
  let queueHead = 0;
  let busyLines = 0;
  let ended = false;
  let now = 0;

  let loggedInSec = 0;
  let talkSec = 0;
  let contacts = 0;
  let dials = 0;
  let dialsMeasured = 0;
  let liveAnswered = 0;
  let abandoned = 0;
  const waitsMs: number[] = [];

  const observe = (event: PacingEvent): void => pacer.observe(event);

  const setAgent = (agent: SimAgent, state: AgentState | 'off'): void => {
    if (agent.state !== 'off' && state === 'off')
      loggedInSec += overlap(agent.loginAt, now, measureFrom, endAt);
    agent.state = state;
    agent.since = now;
    agent.snapshot = { id: agent.snapshot.id, state: state === 'off' ? 'notReady' : state, since: now };
  };

  const recordLive = (): void => {
    liveAnswered += 1;
    for (const l of ledgers) l.recordLiveAnswer(now);
    observe({ type: 'liveAnswered', at: now });
  };

  const connect = (agent: SimAgent, call: SimCall): void => {
    call.state = 'connected';
    call.connectedAt = now;
    active.delete(call.index);
    agent.callIndex = call.index;
    setAgent(agent, 'talking');
    const needed = call.agentNeededAt ?? now;
    observe({ type: 'connected', at: now, waitSec: now - needed });
    if (call.kind === 'live') {
      if (needed >= measureFrom && needed < endAt) {
        waitsMs.push((now - needed) * 1000);
        contacts += 1;
      }
      push(now + sample(scenario.talkSec, rngTalk), Priority.AgentFree, Kind.TalkEnd, agent.index);
    } else {
      push(now + (amd?.agentSecOnMachine ?? 5), Priority.AgentFree, Kind.TalkEnd, agent.index);
    }
  };

  const nextWaiting = (): SimCall | undefined => {
    while (queueHead < queue.length && queue[queueHead]!.state !== 'waiting') queueHead += 1;
    if (queueHead > 1024) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    return queueHead < queue.length ? queue[queueHead] : undefined;
  };

  /** The agent is done with whatever it did: next caller in the queue, ready, or gone. */
  const agentAvailable = (agent: SimAgent): void => {
    agent.callIndex = -1;
    // A caller already on the line is never left to drop because a shift ends: the agent
    // takes them first and logs out after.
    const waiting = agentFirst ? undefined : nextWaiting();
    if (waiting) connect(agent, waiting);
    else if (ended || now >= agent.logoutAt) setAgent(agent, 'off');
    else setAgent(agent, 'ready');
  };

  const pickReadyAgent = (): SimAgent | undefined => {
    let best: SimAgent | undefined;
    for (const a of agents) if (a.state === 'ready' && (!best || a.since < best.since)) best = a;
    return best;
  };

  const dial = (agentIndex: number): void => {
    const index = calls.length;
    const u = rngCalls.next();
    const pLive = answerProbabilityAt(scenario, now);
    const pMachine = amd?.machineProbability ?? 0;
    const delay = sample(scenario.answerDelaySec, rngCalls);
    const amdU = rngCalls.next();
    let kind: CallKind = u < pLive ? 'live' : u < pLive + pMachine ? 'machine' : 'none';
    if (delay > timeout) kind = 'none';
    const amdSaysHuman =
      kind === 'live' ? amdU >= (amd?.falsePositiveRate ?? 0) : amdU < (amd?.falseNegativeRate ?? 0);
    const call: SimCall = {
      id: `c${index}`,
      index,
      kind,
      state: 'ringing',
      dialedAt: now,
      amdSaysHuman,
      agentIndex,
    };
    calls.push(call);
    active.set(index, call);
    dials += 1;
    if (now >= measureFrom) dialsMeasured += 1;
    if (kind === 'none') push(now + timeout, Priority.Call, Kind.NoAnswer, index);
    else push(now + delay, Priority.Call, Kind.Answer, index);
  };

  /** A person (or a machine AMD let through) is on the line and needs an agent now. */
  const needsAgent = (call: SimCall): void => {
    call.agentNeededAt = now;
    observe({
      type: 'answered',
      at: now,
      ringSec: (call.answeredAt ?? now) - call.dialedAt,
      needsAgent: true,
    });
    if (call.kind === 'live') recordLive();
    const agent = pickReadyAgent();
    if (agent) {
      connect(agent, call);
      return;
    }
    call.state = 'waiting';
    queue.push(call);
    push(now + grace, Priority.Grace, Kind.GraceExpire, call.index);
  };

  const decide = (): void => {
    if (ended) return;
    const agentSnaps: AgentSnapshot[] = [];
    for (const a of agents) if (a.state !== 'off') agentSnaps.push(a.snapshot);
    const callSnaps: CallSnapshot[] = [];
    for (const c of active.values()) callSnaps.push(c as CallSnapshot);
    const snapshot: CampaignSnapshot = {
      now,
      agents: agentSnaps,
      calls: callSnaps,
      shiftStartedAt: 0,
      shiftEndsAt: endAt,
    };
    const decision =
      agentless && pacer instanceof AgentlessPacer
        ? pacer.decideWithBusyLines(snapshot, busyLines)
        : pacer.decide(snapshot);
    if (agentFirst) {
      for (const id of decision.reserveAgentIds) {
        const agent = agents[Number(id.slice(1))];
        if (!agent || agent.state !== 'ready') {
          throw new PacingError('PACING_INVALID_ARGUMENT', `pacer reserved agent ${id}, which is not ready`);
        }
        setAgent(agent, 'reserved');
        let overhead = 0;
        if (policy.mode === 'manual') overhead = sample(scenario.manual!.dialOverheadSec, rngAgent);
        else if (policy.mode === 'preview') {
          overhead =
            sample(scenario.preview!.previewSec, rngAgent) +
            sample(scenario.preview!.agentAnswerSec, rngAgent);
        }
        push(now + overhead, Priority.Call, Kind.AgentDial, agent.index);
      }
      return;
    }
    for (let i = 0; i < decision.dials; i += 1) dial(-1);
  };

  push(0, Priority.Tick, Kind.Tick, 0);
  push(endAt, Priority.End, Kind.End, 0);

  for (let event = heap.pop(); event; event = heap.pop()) {
    now = event.time;
    let decideAfter = true;
    switch (event.kind) {
      case Kind.Login: {
        const agent = agents[event.ref]!;
        if (now >= endAt || now >= agent.logoutAt) break;
        agent.loginAt = now;
        agent.state = 'notReady'; // logged in; agentAvailable makes it ready or busy
        agentAvailable(agent);
        break;
      }
      case Kind.Logout: {
        const agent = agents[event.ref]!;
        if (agent.state === 'ready') setAgent(agent, 'off');
        // Busy agents log out when their current call and wrap-up end.
        break;
      }
      case Kind.TalkEnd: {
        const agent = agents[event.ref]!;
        const call = calls[agent.callIndex]!;
        if (call.kind === 'live') {
          talkSec += overlap(call.connectedAt!, now, measureFrom, endAt);
          observe({ type: 'talkEnded', at: now, talkSec: now - call.connectedAt! });
          call.state = 'ended';
          setAgent(agent, 'wrapping');
          push(now + sample(scenario.wrapSec, rngWrap), Priority.AgentFree, Kind.WrapEnd, agent.index);
        } else {
          call.state = 'ended';
          agentAvailable(agent);
        }
        break;
      }
      case Kind.WrapEnd: {
        const agent = agents[event.ref]!;
        observe({ type: 'wrapEnded', at: now, wrapSec: now - agent.since });
        agentAvailable(agent);
        break;
      }
      case Kind.AgentDial: {
        const agent = agents[event.ref]!;
        if (ended) agentAvailable(agent);
        else dial(agent.index);
        decideAfter = false;
        break;
      }
      case Kind.Answer: {
        const call = calls[event.ref]!;
        if (call.state !== 'ringing') {
          decideAfter = false;
          break; // cancelled at the end of the run
        }
        call.answeredAt = now;
        if (call.agentIndex >= 0) {
          // Agent-first: the agent is on the line; a person is connected at once, a
          // machine costs the agent a few seconds to recognise and hang up.
          const agent = agents[call.agentIndex]!;
          call.agentNeededAt = now;
          observe({
            type: 'answered',
            at: now,
            ringSec: now - call.dialedAt,
            needsAgent: call.kind === 'live',
          });
          if (call.kind === 'live') recordLive();
          connect(agent, call);
        } else if (agentless) {
          active.delete(call.index);
          call.state = 'connected';
          busyLines += 1;
          if (call.kind === 'live') {
            liveAnswered += 1;
            if (now >= measureFrom) contacts += 1;
          }
          push(
            now + sample(scenario.agentless!.messageSec, rngTalk),
            Priority.AgentFree,
            Kind.MessageEnd,
            call.index,
          );
        } else if (amd) {
          call.state = 'detecting';
          push(now + amd.detectionSec, Priority.Call, Kind.AmdDone, call.index);
        } else {
          needsAgent(call);
        }
        break;
      }
      case Kind.AmdDone: {
        const call = calls[event.ref]!;
        if (call.amdSaysHuman) {
          needsAgent(call);
          break;
        }
        // AMD hangs up (or leaves a message). On a person that is a false positive: the
        // UK rule counts it as an abandoned live call.
        call.state = 'ended';
        active.delete(call.index);
        observe({ type: 'answered', at: now, ringSec: call.answeredAt! - call.dialedAt, needsAgent: false });
        observe({ type: 'machineDetected', at: now });
        if (call.kind === 'live') {
          for (const l of ledgers) l.recordAmdFalsePositive(now);
        }
        break;
      }
      case Kind.NoAnswer: {
        const call = calls[event.ref]!;
        if (call.state !== 'ringing') {
          decideAfter = false;
          break;
        }
        call.state = 'ended';
        active.delete(call.index);
        observe({ type: 'noAnswer', at: now });
        if (call.agentIndex >= 0) agentAvailable(agents[call.agentIndex]!);
        break;
      }
      case Kind.GraceExpire: {
        const call = calls[event.ref]!;
        if (call.state !== 'waiting') {
          decideAfter = false;
          break;
        }
        // Nobody within the grace period: the identification message plays, the call drops.
        call.state = 'ended';
        active.delete(call.index);
        if (call.kind === 'live') {
          abandoned += 1;
          for (const l of ledgers) l.recordAbandon(now);
          observe({ type: 'abandoned', at: now });
        }
        break;
      }
      case Kind.MessageEnd:
        busyLines -= 1;
        calls[event.ref]!.state = 'ended';
        break;
      case Kind.Tick:
        if (!ended) push(now + scenario.decisionIntervalSec, Priority.Tick, Kind.Tick, 0);
        break;
      case Kind.End: {
        ended = true;
        decideAfter = false;
        // Calls still ringing are hung up before anyone answers: not answered, so never
        // abandoned and not in the denominator either. Answered calls play out.
        for (const call of [...active.values()]) {
          if (call.state !== 'ringing') continue;
          call.state = 'ended';
          active.delete(call.index);
          if (call.agentIndex >= 0) agentAvailable(agents[call.agentIndex]!);
        }
        for (const a of agents) if (a.state === 'ready' || a.state === 'reserved') setAgent(a, 'off');
        break;
      }
    }
    if (decideAfter && !ended && (agentless || agents.length > 0)) decide();
  }
  for (const a of agents) if (a.state !== 'off') setAgent(a, 'off');

  const loggedInHours = agentless
    ? (policy.mode === 'agentless' ? policy.lineLimit : 0) * (measureSec / 3600)
    : loggedInSec / 3600;
  const occupancy = !agentless && loggedInSec > 0 ? talkSec / loggedInSec : 0;
  return {
    mode: label.mode,
    policy: label.policy,
    seed,
    occupancy,
    talkMinutesPerAgentHour: occupancy * 60,
    abandonRate: referee.totals(-1, endAt + 1).live > 0 ? rate(referee, endAt) : 0,
    worstWindowAbandonRate: referee.worstWindowRate(0, endAt + 60),
    answerToAgentP50Ms: percentile(waitsMs, 50),
    answerToAgentP99Ms: percentile(waitsMs, 99),
    contactsPerAgentHour: loggedInHours > 0 ? contacts / loggedInHours : 0,
    dialsPerSecond: dialsMeasured / measureSec,
    dials,
    liveAnswered,
    abandoned,
    usAbandonRate: rate(us, endAt),
    ukAbandonRate: rate(uk, endAt),
    worstHourAbandonRate: hourly.worstWindowRate(0, endAt + 60),
  };
}

function rate(ledger: AbandonLedger, endAt: number): number {
  const t = ledger.totals(-1, endAt + 3600);
  return t.live > 0 ? t.abandoned / t.live : 0;
}
