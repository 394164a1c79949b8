// Builders for pacing specs (not exported from the lib; .ts so specs share them).
import type { AgentSnapshot, AgentState, CallSnapshot, CampaignSnapshot } from './campaign-snapshot';

export function agentsInState(now: number, spec: readonly [AgentState, number][]): AgentSnapshot[] {
  return spec.map(([state, elapsed], i) => ({ id: `a${i}`, state, since: now - elapsed }));
}

export function ringingCalls(now: number, ages: readonly number[]): CallSnapshot[] {
  return ages.map((age, i) => ({ id: `c${i}`, state: 'ringing', dialedAt: now - age }));
}

export function snapshot(now: number, agents: AgentSnapshot[], calls: CallSnapshot[] = []): CampaignSnapshot {
  return { now, agents, calls, shiftStartedAt: 0, shiftEndsAt: 8 * 3600 };
}
