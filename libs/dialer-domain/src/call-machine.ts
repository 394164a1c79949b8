import { decideAmdAction, type AmdAction } from '@autotelesale/compliance-domain';
import { DialerError } from './dialer-error';

/**
 * The life of one customer leg as the dialer drives it, as a pure reducer: the service
 * feeds it what FreeSWITCH and agent-service said (with the time it happened, epoch ms)
 * and executes the effects it returns. Time never comes from a clock here, so the
 * 2-second rule is tested to the millisecond.
 *
 *   dialing -answered-> intro -introEnded-> waiting -agentReserved-> bridging -bridged-> connected
 *                  \----------(no intro)----^  \-graceExpired-> abandoned
 *   any -hangup-> ended
 *
 * Agent-first modes (manual, preview, progressive) reserve the agent before dialing: the
 * call starts with `agent` set and goes from answer straight to bridging. Manual and
 * preview (`bridgeOnMedia`) bridge even sooner, on the first media (`media`: early media
 * or the answer), so the agent hears the ringback like on a phone; the call is then
 * connected at the answer, and the dialer enforces the ring time itself (`cancelRing`),
 * because FreeSWITCH stops timing the ring once it has media.
 *
 * Answering-machine detection (`policy.amd`): the answer leads to `detecting` while
 * mod_avmd listens for a voicemail beep (an agent is reserved meanwhile). A beep
 * (`machineDetected`) is a machine: the campaign's action hangs up (`machine`), leaves
 * the message then hangs up (`machine`), or goes on like a person. No beep by the end of
 * the window is a person (avmd has no other verdict): on to the intro or the bridge. The
 * person has been live since the answer, so the grace runs from the answer, detection
 * included (`abandonVerdict`: the clock starts at the answer, or at the intro's end).
 *
 *   dialing -answered-> detecting -window over-> (intro ->) waiting | bridging -> ...
 *                                 \-machineDetected-> machine (hang up / message) -hangup-> ended
 *
 * Take-over (`resumeCall`, then the `resumed` input): a replica that takes a campaign over
 * rebuilds each live call from the switch and resumes it where it stood, detection and
 * the machine message included (see `resumeCall`).
 */
export type CallPhase =
  | 'dialing'
  | 'detecting'
  | 'intro'
  | 'waiting'
  | 'bridging'
  | 'connected'
  | 'abandoned'
  | 'machine'
  | 'ended';

/**
 * What detection said: `notRun` (no AMD on the campaign), `human` (the window ended with
 * no beep), `machine` (a beep), `unknown` (the call ended before a verdict: unsure).
 */
export type CallAmd = 'notRun' | 'human' | 'machine' | 'unknown';

export interface AmdPolicy {
  /** What the campaign does with a machine. */
  action: AmdAction;
  /** The campaign has a message to leave (without one `leaveMessage` hangs up). */
  hasMessage: boolean;
  /** How long after the answer a beep is waited for; no beep by then is a person. */
  windowMs: number;
}

export type CallOutcome =
  'answered' | 'busy' | 'noAnswer' | 'machine' | 'failed' | 'abandoned' | 'invalidNumber';
export type AbandonReason = 'noAgentWithinGrace' | 'customerHungUpWaiting';
export type HangupBy = 'customer' | 'agent' | 'system' | 'network';

export interface AgentAssignment {
  agentId: string;
  extension: string;
  reservationId: string;
  /** The agent's nailed-up leg (parked on the node), the other end of the bridge. */
  agentLegUuid: string;
}

export interface CallTimingPolicy {
  /** Length of the intro message played before the bridge (0: none). */
  introMs: number;
  /** The campaign's grace: an answered person gets an agent within it or is abandoned. */
  graceMs: number;
  /**
   * How long before the end of the grace the identification message is started when no
   * agent has come (default 0): the rule wants the message *playing* within the grace,
   * and the transfer that starts it takes a switch round trip. An agent who comes in that
   * last stretch before the message started is still bridged.
   */
  messageLeadMs?: number;
  /** Manual and preview: bridge the pre-reserved agent on the first media, before the answer. */
  bridgeOnMedia?: boolean;
  /** With `bridgeOnMedia`: hang up a call still unanswered this long after the dial. */
  ringTimeoutMs?: number;
  /** Answering-machine detection after the answer (not with `bridgeOnMedia`: the agent already listens). */
  amd?: AmdPolicy;
}

/** Where a bridge made before the answer stands (`bridgeOnMedia`). */
export type EarlyBridge = 'none' | 'bridging' | 'bridged';

export interface CallState {
  readonly phase: CallPhase;
  readonly callId: string;
  readonly policy: CallTimingPolicy;
  readonly dialedAt: number;
  readonly answeredAt: number | null;
  /** When the person started needing an agent (answer, or the end of the intro). */
  readonly agentNeededAt: number | null;
  readonly connectedAt: number | null;
  readonly abandonedAt: number | null;
  readonly abandonReason: AbandonReason | null;
  readonly endedAt: number | null;
  readonly hangupCause: string | null;
  readonly hangupBy: HangupBy | null;
  /** Reserved (agent-first modes: before the dial) or being bridged or connected. */
  readonly agent: AgentAssignment | null;
  /** A reservation was asked for and not answered yet (predictive). */
  readonly reserving: boolean;
  readonly outcome: CallOutcome | null;
  /** A bridge to the agent made before the answer (absent: none). */
  readonly earlyBridge?: EarlyBridge;
  /** Detection's verdict (absent: `notRun`). */
  readonly amd?: CallAmd;
  /** When detection gave its verdict (absent or null: it did not). */
  readonly amdDecidedAt?: number | null;
  /**
   * A call taken over from a dead replica: when this replica took it (absent: it dialed
   * it). A person's verdict given after a take-over starts the grace at the verdict.
   */
  readonly resumedAt?: number | null;
  /** Taken over in detection: when the switch heard a beep while nobody owned the call (null: none). */
  readonly amdBeepAt?: number | null;
  /** Bridged to a standby agent at the answer: no hold music has played yet (absent: false). */
  readonly standbyBridge?: boolean;
}

export type CallInput =
  /**
   * The customer answered. `standby`: an agent the dialer held reserved ahead for the
   * campaign (`StandbyPool`), bridged at once when the call can take one
   * (`takesStandbyAgent`); handed back otherwise.
   */
  | { type: 'answered'; at: number; standby?: AgentAssignment }
  /** The customer leg has media (early media, or the answer): originate returned. */
  | { type: 'media'; at: number }
  | { type: 'introEnded'; at: number }
  /** agent-service answered a reserve for this call (null: no agent was ready). */
  | { type: 'agentReserved'; at: number; agent: AgentAssignment | null }
  | { type: 'bridged'; at: number }
  | { type: 'bridgeFailed'; at: number }
  /** Detection heard a voicemail beep (mod_avmd `avmd::beep`). */
  | { type: 'machineDetected'; at: number }
  /** A timer fired (or any moment the caller wants the deadlines checked). */
  | { type: 'tick'; at: number }
  /** This replica has just taken the call over (`resumeCall`): redo what the dead owner's timers and requests did. */
  | { type: 'resumed'; at: number }
  | { type: 'hangup'; at: number; cause: string; by: HangupBy };

export type CallEffect =
  | { type: 'playIntro' }
  | { type: 'playHoldMusic' }
  | { type: 'reserveAgent' }
  | { type: 'bridge'; agent: AgentAssignment }
  | { type: 'releaseReservation'; reservationId: string }
  | { type: 'confirmReservation'; reservationId: string }
  | { type: 'playIdentificationAndHangup' }
  | { type: 'publishAnswered' }
  | { type: 'publishAgentConnected' }
  | { type: 'publishAbandoned' }
  | { type: 'agentCallEnded'; reservationId: string }
  | { type: 'recordOutcome'; outcome: CallOutcome }
  | { type: 'publishEnded' }
  /** When the caller should come back with a `tick` (the grace deadline). */
  | { type: 'wakeAt'; at: number }
  /** Hang the unanswered customer leg up (NO_ANSWER): its ring time is over. */
  | { type: 'cancelRing' }
  /**
   * Detection is over and the call goes on to an agent (a person, or a machine passed to
   * one): stop the detector, and mark the verdict on the channel (`ats_amd`).
   */
  | { type: 'stopAmd' }
  /** A machine: hang up on it. */
  | { type: 'hangupMachine' }
  /** A machine, after its beep: play the campaign's message (marking the channel `message`), then hang up. */
  | { type: 'leaveMessage' };

export interface Transition {
  state: CallState;
  effects: CallEffect[];
}

export function startCall(
  callId: string,
  dialedAt: number,
  policy: CallTimingPolicy,
  preReservedAgent: AgentAssignment | null = null,
): CallState {
  if (!(policy.graceMs >= 0) || !(policy.introMs >= 0))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'grace and intro must be non-negative', { ...policy });
  return {
    phase: 'dialing',
    callId,
    policy,
    dialedAt,
    answeredAt: null,
    agentNeededAt: null,
    connectedAt: null,
    abandonedAt: null,
    abandonReason: null,
    endedAt: null,
    hangupCause: null,
    hangupBy: null,
    agent: preReservedAgent,
    reserving: false,
    outcome: null,
  };
}

/** The deadline of the 2-second rule, or null when no person is waiting for an agent. */
export function graceDeadline(state: CallState): number | null {
  if (state.agentNeededAt === null) return null;
  return state.agentNeededAt + state.policy.graceMs;
}

/**
 * The dialer's lead (`messageLeadMs`): the transfer that starts the identification message
 * is one ESL round trip and a dialplan step (milliseconds idle, ~100 ms on a loaded node),
 * so it is sent this long before the grace ends to be playing within it.
 */
export const IDENTIFICATION_MESSAGE_LEAD_MS = 300;

/**
 * When the identification message is started if no agent has come by then: the grace's
 * deadline less the policy's lead (never before the person started waiting).
 */
export function messageDeadline(state: CallState): number | null {
  const deadline = graceDeadline(state);
  if (deadline === null) return null;
  return Math.max(state.agentNeededAt!, deadline - (state.policy.messageLeadMs ?? 0));
}

/**
 * An agent who is bridged at exactly the deadline still counts as "within 2 s" (the same
 * edge libs/pacing's ledger uses).
 */
export function isPastGrace(state: CallState, at: number): boolean {
  const deadline = graceDeadline(state);
  return deadline !== null && at > deadline;
}

const UNANSWERED: Record<string, CallOutcome> = {
  USER_BUSY: 'busy',
  NO_ANSWER: 'noAnswer',
  NO_USER_RESPONSE: 'noAnswer',
  ORIGINATOR_CANCEL: 'noAnswer',
  ALLOTTED_TIMEOUT: 'noAnswer',
  // The number does not exist (SIP 404, 484, 410): never dialed again, in any campaign.
  UNALLOCATED_NUMBER: 'invalidNumber',
  INVALID_NUMBER_FORMAT: 'invalidNumber',
  NUMBER_CHANGED: 'invalidNumber',
  // NO_ROUTE_DESTINATION is not among them: FreeSWITCH gives it for a 485/604 from the
  // carrier, but also when its own dialplan or gateway has no route for the call, a
  // configuration fault that would mark every number of the list dead for good. It is a
  // failure: retried by the campaign's rules, never more than their maximum.
};

/** What an attempt that was never answered ends as, from FreeSWITCH's hangup cause. */
export function outcomeOfUnansweredCall(cause: string): CallOutcome {
  return UNANSWERED[cause] ?? 'failed';
}

function illegal(state: CallState, input: CallInput): never {
  throw new DialerError('DIALER_ILLEGAL_TRANSITION', `${input.type} is not possible in ${state.phase}`, {
    callId: state.callId,
    phase: state.phase,
    input: input.type,
  });
}

function needAgent(state: CallState, at: number): Transition {
  const waiting: CallState = { ...state, phase: 'waiting', agentNeededAt: at };
  if (state.agent)
    return { state: { ...waiting, phase: 'bridging' }, effects: [{ type: 'bridge', agent: state.agent }] };
  const effects: CallEffect[] = [
    { type: 'playHoldMusic' },
    { type: 'wakeAt', at: messageDeadline(waiting)! },
  ];
  if (!state.reserving) effects.unshift({ type: 'reserveAgent' });
  return { state: { ...waiting, reserving: true }, effects };
}

function abandon(state: CallState, at: number, reason: AbandonReason): Transition {
  const effects: CallEffect[] = [];
  if (reason === 'noAgentWithinGrace') effects.push({ type: 'playIdentificationAndHangup' });
  effects.push({ type: 'publishAbandoned' });
  // A reservation that arrived for a bridge that never happened goes back at once, so the
  // agent is not held until its expiry.
  if (state.agent && state.phase !== 'connected')
    effects.push({ type: 'releaseReservation', reservationId: state.agent.reservationId });
  return {
    state: { ...state, phase: 'abandoned', abandonedAt: at, abandonReason: reason, agent: null },
    effects,
  };
}

function end(state: CallState, at: number, cause: string, by: HangupBy): Transition {
  const effects: CallEffect[] = [];
  let outcome: CallOutcome;
  let next: CallState = { ...state, phase: 'ended', endedAt: at, hangupCause: cause, hangupBy: by };
  switch (state.phase) {
    case 'dialing':
      outcome = outcomeOfUnansweredCall(cause);
      if (state.agent) effects.push({ type: 'releaseReservation', reservationId: state.agent.reservationId });
      break;
    case 'connected':
      outcome = 'answered';
      if (state.agent) effects.push({ type: 'agentCallEnded', reservationId: state.agent.reservationId });
      break;
    case 'abandoned':
      outcome = 'abandoned';
      break;
    case 'machine':
      outcome = 'machine';
      break;
    default: {
      // intro, waiting or bridging: a person hung up before reaching an agent.
      // During detection: nobody knows who it was (unsure); the answer is published now.
      if (state.phase === 'detecting') {
        state = { ...state, amd: 'unknown', amdDecidedAt: null };
        effects.push({ type: 'publishAnswered' });
      }
      const abandoned = abandon(state, at, 'customerHungUpWaiting');
      effects.push(...abandoned.effects);
      next = { ...abandoned.state, phase: 'ended', endedAt: at, hangupCause: cause, hangupBy: by };
      outcome = 'abandoned';
    }
  }
  next = { ...next, outcome };
  effects.push({ type: 'recordOutcome', outcome }, { type: 'publishEnded' });
  return { state: next, effects };
}

/**
 * Whether a call can be given a standby agent at its answer: a predictive call still
 * dialing, with no agent of its own, that bridges on the answer (no detection or intro
 * first: those reserve while they run, and would hold a standby reservation past the
 * time it is safe to use).
 */
export function takesStandbyAgent(state: CallState): boolean {
  return (
    state.phase === 'dialing' &&
    state.agent === null &&
    !state.reserving &&
    state.policy.introMs === 0 &&
    !state.policy.amd &&
    state.policy.bridgeOnMedia !== true
  );
}

/** Applies one input; inputs that no longer matter (late, duplicated) change nothing. */
export function advanceCall(state: CallState, input: CallInput): Transition {
  if (state.phase === 'ended') {
    // A reservation that lands after the call ended must not keep the agent.
    if (input.type === 'agentReserved' && input.agent)
      return { state, effects: [{ type: 'releaseReservation', reservationId: input.agent.reservationId }] };
    if (input.type === 'answered' && input.standby)
      return { state, effects: [{ type: 'releaseReservation', reservationId: input.standby.reservationId }] };
    return { state, effects: [] };
  }
  if (input.type === 'hangup') return end(state, input.at, input.cause, input.by);
  switch (input.type) {
    case 'answered': {
      if (input.standby && !takesStandbyAgent(state)) {
        const handedBack = advanceCall(state, { type: 'answered', at: input.at });
        handedBack.effects.push({ type: 'releaseReservation', reservationId: input.standby.reservationId });
        return handedBack;
      }
      if (state.phase !== 'dialing') return { state, effects: [] };
      if (input.standby) {
        // An agent held ready: bridged now (the bridge goes out first), no hold music, no
        // reservation round trip.
        const answered: CallState = {
          ...state,
          answeredAt: input.at,
          agent: input.standby,
          standbyBridge: true,
        };
        const next = needAgent(answered, input.at);
        return { state: next.state, effects: [...next.effects, { type: 'publishAnswered' }] };
      }
      const answered: CallState = { ...state, answeredAt: input.at };
      const effects: CallEffect[] = [{ type: 'publishAnswered' }];
      if (state.agent && state.earlyBridge === 'bridged') {
        // The agent has been on the line since the ringback: connected at the answer.
        return {
          state: { ...answered, phase: 'connected', agentNeededAt: input.at, connectedAt: input.at },
          effects: [
            ...effects,
            { type: 'confirmReservation', reservationId: state.agent.reservationId },
            { type: 'publishAgentConnected' },
          ],
        };
      }
      if (state.agent && state.earlyBridge === 'bridging')
        return { state: { ...answered, phase: 'bridging', agentNeededAt: input.at }, effects };
      const amd = state.policy.amd;
      if (amd && !state.policy.bridgeOnMedia) {
        // The answer is published with the verdict; an agent is reserved while detection runs.
        const detecting: CallEffect[] = [];
        if (!state.agent && !state.reserving) detecting.push({ type: 'reserveAgent' });
        detecting.push({ type: 'wakeAt', at: input.at + amd.windowMs });
        return {
          state: { ...answered, phase: 'detecting', agentNeededAt: input.at, reserving: !state.agent },
          effects: detecting,
        };
      }
      if (state.policy.introMs > 0) {
        effects.push({ type: 'playIntro' });
        // Predictive: ask for an agent while the intro plays, so one is usually there at its end.
        if (!state.agent) effects.push({ type: 'reserveAgent' });
        return { state: { ...answered, phase: 'intro', reserving: !state.agent }, effects };
      }
      const next = needAgent(answered, input.at);
      return { state: next.state, effects: [...effects, ...next.effects] };
    }
    case 'media': {
      if (state.phase !== 'dialing' || !state.agent || !state.policy.bridgeOnMedia)
        return { state, effects: [] };
      if (state.earlyBridge === 'bridging' || state.earlyBridge === 'bridged') return { state, effects: [] };
      const effects: CallEffect[] = [{ type: 'bridge', agent: state.agent }];
      if (state.policy.ringTimeoutMs !== undefined)
        effects.push({ type: 'wakeAt', at: state.dialedAt + state.policy.ringTimeoutMs });
      return { state: { ...state, earlyBridge: 'bridging' }, effects };
    }
    case 'introEnded': {
      if (state.phase !== 'intro') return { state, effects: [] };
      return needAgent(state, input.at);
    }
    case 'agentReserved': {
      const agent = input.agent;
      // One agent per call: a second reservation (a retry answered twice, an agent-first
      // call that already has its agent) goes straight back.
      if (agent && state.agent) {
        if (state.agent.reservationId === agent.reservationId) return { state, effects: [] };
        return { state, effects: [{ type: 'releaseReservation', reservationId: agent.reservationId }] };
      }
      if (state.phase === 'intro' || state.phase === 'waiting' || state.phase === 'detecting') {
        if (!agent) {
          // Nobody ready: ask again while the grace lasts (the caller decides how often).
          return { state: { ...state, reserving: false }, effects: [] };
        }
        if (state.phase === 'intro' || state.phase === 'detecting')
          return { state: { ...state, agent, reserving: false }, effects: [] };
        if (isPastGrace(state, input.at)) {
          const abandoned = abandon(state, input.at, 'noAgentWithinGrace');
          abandoned.effects.push({ type: 'releaseReservation', reservationId: agent.reservationId });
          return abandoned;
        }
        return {
          state: { ...state, phase: 'bridging', agent, reserving: false },
          effects: [{ type: 'bridge', agent }],
        };
      }
      if (agent)
        return { state, effects: [{ type: 'releaseReservation', reservationId: agent.reservationId }] };
      return { state, effects: [] };
    }
    case 'bridged': {
      if (state.phase === 'dialing' && state.earlyBridge === 'bridging')
        return { state: { ...state, earlyBridge: 'bridged' }, effects: [] };
      if (state.phase !== 'bridging' || !state.agent) return { state, effects: [] };
      return {
        state: { ...state, phase: 'connected', connectedAt: input.at },
        effects: [
          { type: 'confirmReservation', reservationId: state.agent.reservationId },
          { type: 'publishAgentConnected' },
        ],
      };
    }
    case 'bridgeFailed': {
      // Bridged on the answer instead.
      if (state.phase === 'dialing' && state.earlyBridge === 'bridging')
        return { state: { ...state, earlyBridge: 'none' }, effects: [] };
      if (state.phase === 'bridging' && state.earlyBridge === 'bridging' && state.agent)
        return needAgent({ ...state, earlyBridge: 'none' }, state.agentNeededAt ?? input.at);
      if (state.phase !== 'bridging' || !state.agent) return { state, effects: [] };
      const released: CallEffect = { type: 'releaseReservation', reservationId: state.agent.reservationId };
      const back = needAgent(
        { ...state, agent: null, reserving: false, standbyBridge: false },
        state.agentNeededAt ?? input.at,
      );
      if (isPastGrace(back.state, input.at)) {
        const abandoned = abandon(back.state, input.at, 'noAgentWithinGrace');
        return { state: abandoned.state, effects: [released, ...abandoned.effects] };
      }
      // Hold music is already playing, unless the customer went straight to a standby agent.
      return {
        state: back.state,
        effects: [
          released,
          ...back.effects.filter((e) => e.type !== 'playHoldMusic' || state.standbyBridge === true),
        ],
      };
    }
    case 'machineDetected': {
      if (state.phase !== 'detecting') return { state, effects: [] };
      return afterDetection(state, input.at, 'machine');
    }
    case 'resumed':
      return resume(state, input.at);
    case 'tick': {
      if (state.phase === 'detecting') {
        if (input.at < state.answeredAt! + state.policy.amd!.windowMs) return { state, effects: [] };
        return afterDetection(state, input.at, 'human');
      }
      const ringLimit = state.policy.bridgeOnMedia ? state.policy.ringTimeoutMs : undefined;
      if (state.phase === 'dialing' && ringLimit !== undefined && input.at >= state.dialedAt + ringLimit)
        return { state, effects: [{ type: 'cancelRing' }] };
      // No agent yet when the message must start: it plays within the grace.
      if (state.phase === 'waiting' && input.at > messageDeadline(state)!)
        return abandon(state, input.at, 'noAgentWithinGrace');
      return { state, effects: [] };
    }
    default:
      return illegal(state, input);
  }
}

/**
 * Detection's verdict applied: a person (or a machine the campaign passes to an agent)
 * goes on to the intro or the agent, the grace still counted from the answer; a machine
 * is hung up on or left the message, and a reservation made meanwhile goes back.
 */
function afterDetection(state: CallState, at: number, verdict: 'human' | 'machine', now = at): Transition {
  const amd = state.policy.amd!;
  const decided: CallState = { ...state, amd: verdict, amdDecidedAt: at };
  const decision = decideAmdAction(verdict, amd.action, amd.hasMessage);
  if (decision.action !== 'continue') {
    const effects: CallEffect[] = [];
    if (state.agent) effects.push({ type: 'releaseReservation', reservationId: state.agent.reservationId });
    effects.push({ type: 'publishAnswered' });
    effects.push({ type: decision.action === 'hangup' ? 'hangupMachine' : 'leaveMessage' });
    return {
      state: { ...decided, phase: 'machine', agent: null, reserving: false, agentNeededAt: null },
      effects,
    };
  }
  const effects: CallEffect[] = [{ type: 'stopAmd' }, { type: 'publishAnswered' }];
  if (state.policy.introMs > 0) {
    effects.push({ type: 'playIntro' });
    return { state: { ...decided, phase: 'intro' }, effects };
  }
  // A verdict after the grace (a late timer): that person can no longer reach an agent in time.
  if (isPastGrace(decided, now)) {
    const abandoned = abandon(decided, now, 'noAgentWithinGrace');
    return { state: abandoned.state, effects: [...effects, ...abandoned.effects] };
  }
  // Taken over in detection: the dead owner lost the person's seconds, and this replica
  // can only count from what it saw: the verdict. Reporting still counts from the answer.
  const needFrom = isResumed(state) ? now : (state.agentNeededAt ?? state.answeredAt ?? now);
  const next = needAgent(decided, needFrom);
  return { state: next.state, effects: [...effects, ...next.effects] };
}

function isResumed(state: CallState): boolean {
  return state.resumedAt !== undefined && state.resumedAt !== null;
}

/**
 * What a dead owner's timers and requests did, redone by the replica that took the call
 * over: detection's window timer and the reservation made during it (a beep heard while
 * nobody owned the call is the verdict), and the grace of a person found waiting.
 */
function resume(state: CallState, at: number): Transition {
  if (state.phase === 'waiting') return advanceCall(state, { type: 'tick', at });
  if (state.phase !== 'detecting' || !state.policy.amd || state.answeredAt === null)
    return { state, effects: [] };
  const windowEnd = state.answeredAt + state.policy.amd.windowMs;
  const beepAt = state.amdBeepAt ?? null;
  // A beep after the window is one the old owner would not have heard (it stops the detector).
  if (beepAt !== null && beepAt <= windowEnd) return afterDetection(state, beepAt, 'machine', at);
  if (at >= windowEnd) return afterDetection(state, at, 'human');
  const effects: CallEffect[] = [];
  if (!state.agent && !state.reserving) effects.push({ type: 'reserveAgent' });
  effects.push({ type: 'wakeAt', at: windowEnd });
  return { state: { ...state, reserving: !state.agent }, effects };
}

/** Seconds between two epoch-ms instants, never negative, to the millisecond. */
export function secondsBetween(from: number | null, to: number | null): number {
  if (from === null || to === null || to < from) return 0;
  return Math.round(to - from) / 1000;
}

/** A call found live on a node after a take-over, as the switch and agent-service describe it. */
export type FoundCall =
  /** Ringing; `agent`: the reservation of the agent it was dialed for (agent-first modes), carried. */
  | { phase: 'dialing'; dialedAt: number; agent?: AgentAssignment | null }
  /** Talking to an agent. */
  | {
      phase: 'connected';
      dialedAt: number;
      answeredAt: number;
      connectedAt: number;
      agent: AgentAssignment;
      /** Detection's verdict, when it ran (marked on the channel). */
      amd?: CallAmd;
    }
  /** Answered, past detection (or without it), no agent. */
  | { phase: 'waiting'; dialedAt: number; answeredAt: number; amd?: CallAmd }
  /**
   * Answered, still in detection (`ats_amd=detecting`): `beepAt` when the switch heard a
   * beep meanwhile (`avmd_detect`), else null; `agent` the reservation made for it that
   * agent-service still holds.
   */
  | {
      phase: 'detecting';
      dialedAt: number;
      answeredAt: number;
      takenOverAt: number;
      beepAt: number | null;
      agent?: AgentAssignment | null;
    }
  /**
   * A machine being left the campaign's message (`ats_amd=message`): it hangs up by itself.
   * Also a machine hung up on or left the message that ended while nobody owned the call.
   */
  | { phase: 'machineMessage'; dialedAt: number; answeredAt: number };

/**
 * A call found live on a node after a take-over, rebuilt from what the node and
 * agent-service still know; the caller then feeds it `resumed` (now) to restart its timers:
 *
 * - ringing (`dialing`: with its agent in agent-first modes; detection then runs on the
 *   answer when the policy has it, as for a call this replica dialed), talking to an agent
 *   (`connected`);
 * - answered without an agent (`waiting`): it has been waiting for as long as its old
 *   owner was dead, which is past any grace: `resumed` abandons it properly
 *   (identification message, outcome `abandoned`) rather than leaving the person on hold;
 * - in detection (`detecting`): detection goes on as the old owner would have run it. A
 *   beep heard while nobody owned the call, within the window, is the machine verdict (the
 *   campaign's action now); the window's end (at once if it passed meanwhile) is the
 *   person's, who then needs an agent from that moment with the grace from that moment; a
 *   hang-up meanwhile is an abandon with the verdict `unknown`. An agent is reserved during
 *   detection again unless the old reservation is still held;
 * - leaving the machine message (`machineMessage`): phase `machine`, ended as `machine` by
 *   the hang-up the message's own dialplan does.
 */
export function resumeCall(callId: string, policy: CallTimingPolicy, found: FoundCall): CallState {
  const base = startCall(callId, found.dialedAt, policy);
  switch (found.phase) {
    case 'dialing':
      return found.agent ? { ...base, agent: found.agent } : base;
    case 'connected':
      return {
        ...base,
        phase: 'connected',
        answeredAt: found.answeredAt,
        agentNeededAt: found.answeredAt,
        connectedAt: found.connectedAt,
        agent: found.agent,
        ...(found.amd ? { amd: found.amd } : {}),
      };
    case 'waiting':
      return {
        ...base,
        phase: 'waiting',
        answeredAt: found.answeredAt,
        agentNeededAt: found.answeredAt,
        ...(found.amd ? { amd: found.amd } : {}),
      };
    case 'detecting':
      if (!policy.amd)
        throw new DialerError('DIALER_INVALID_ARGUMENT', 'a call in detection needs the AMD policy', {
          callId,
        });
      return {
        ...base,
        phase: 'detecting',
        answeredAt: found.answeredAt,
        // Nobody can count this person's grace yet: it starts at the verdict (see above).
        agentNeededAt: null,
        agent: found.agent ?? null,
        resumedAt: found.takenOverAt,
        amdBeepAt: found.beepAt,
      };
    case 'machineMessage':
      return { ...base, phase: 'machine', answeredAt: found.answeredAt, amd: 'machine', amdDecidedAt: null };
  }
}
