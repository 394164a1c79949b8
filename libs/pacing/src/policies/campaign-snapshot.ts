import type { AbandonBudget } from '../abandon/abandon-ledger';

/**
 * What a pacing decision sees: the campaign's live state at `now`. The dialer-service
 * builds it from its live calls and the agent projection; the simulator builds it from
 * virtual time. Times are seconds on any monotonic clock both sides agree on.
 */
export type AgentState = 'ready' | 'reserved' | 'talking' | 'wrapping' | 'notReady';

export interface AgentSnapshot {
  readonly id: string;
  readonly state: AgentState;
  /** When the agent entered `state`. */
  readonly since: number;
}

/**
 * ringing: dialed, not answered yet. detecting: answered, answering-machine detection
 * still listening. waiting: a person is on the line and no agent yet (the 2-second clock
 * runs from `agentNeededAt`).
 */
export interface CallSnapshot {
  readonly id: string;
  readonly state: 'ringing' | 'detecting' | 'waiting';
  readonly dialedAt: number;
  readonly answeredAt?: number;
  readonly agentNeededAt?: number;
}

export interface CampaignSnapshot {
  readonly now: number;
  readonly agents: readonly AgentSnapshot[];
  readonly calls: readonly CallSnapshot[];
  /** End of the agents' shift, when known (the tapered VICIdial variant uses it). */
  readonly shiftEndsAt?: number;
  /** When the shift started (for shift-fraction arithmetic). */
  readonly shiftStartedAt?: number;
}

export interface PacingDecision {
  /** Calls to originate now. */
  readonly dials: number;
  /** Agent-first modes (manual, preview, progressive): the ready agents reserved for
   * those dials, one per dial. Empty for modes that dial before an agent is chosen. */
  readonly reserveAgentIds: readonly string[];
  /** Short machine-readable reason, for logs and the wallboard. */
  readonly reason: string;
  /** Predictive pacers: the abandon budget left in the regulator window. */
  readonly budget?: AbandonBudget;
}

/** Outcomes the dialer reports back so the estimators learn. */
export type PacingEvent =
  /** A call was answered `ringSec` after dialing; `needsAgent` is false for machines AMD
   * caught and for people AMD wrongly took for machines. */
  | { readonly type: 'answered'; readonly at: number; readonly ringSec: number; readonly needsAgent: boolean }
  | { readonly type: 'noAnswer'; readonly at: number }
  /** A person (per the regulator rule in force) answered and needs an agent. */
  | { readonly type: 'liveAnswered'; readonly at: number }
  | { readonly type: 'connected'; readonly at: number; readonly waitSec: number }
  | { readonly type: 'abandoned'; readonly at: number }
  /** AMD hung up on a call; the UK rule counts the estimated share of people among them. */
  | { readonly type: 'machineDetected'; readonly at: number }
  | { readonly type: 'talkEnded'; readonly at: number; readonly talkSec: number }
  | { readonly type: 'wrapEnded'; readonly at: number; readonly wrapSec: number };

export interface Pacer {
  readonly mode: PacingMode;
  readonly policy: string;
  decide(snapshot: CampaignSnapshot): PacingDecision;
  observe(event: PacingEvent): void;
  /**
   * What the pacer has learned (estimates, budget integrals) as plain JSON, for a pacer
   * that learns; another instance with the same settings continues from it
   * (`importState`) instead of starting cautiously again, e.g. after a take-over.
   */
  exportState?(): unknown;
  /** Continues from `exportState`'s output; throws PacingError PACING_INVALID_STATE if it does not fit. */
  importState?(state: unknown): void;
}

export type PacingMode = 'manual' | 'preview' | 'progressive' | 'predictive' | 'ratio' | 'agentless';

export function countAgents(snapshot: CampaignSnapshot, state: AgentState): number {
  let n = 0;
  for (const a of snapshot.agents) if (a.state === state) n += 1;
  return n;
}

/** Agents who can take calls in the near future (everyone but not-ready). */
export function countWorkingAgents(snapshot: CampaignSnapshot): number {
  let n = 0;
  for (const a of snapshot.agents) if (a.state !== 'notReady') n += 1;
  return n;
}

export function countCalls(snapshot: CampaignSnapshot, state: CallSnapshot['state']): number {
  let n = 0;
  for (const c of snapshot.calls) if (c.state === state) n += 1;
  return n;
}
