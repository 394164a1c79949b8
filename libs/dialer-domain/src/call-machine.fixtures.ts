import {
  advanceCall,
  type AgentAssignment,
  type CallEffect,
  type CallInput,
  type CallState,
} from './call-machine';

/** Test helpers shared by the call machine's specs. */
export const agent = (n = 1): AgentAssignment => ({
  agentId: `agent-${n}`,
  extension: `100${n}`,
  reservationId: `res-${n}`,
  agentLegUuid: `leg-${n}`,
});

/** Feeds the inputs in order and collects every effect. */
export function run(state: CallState, inputs: CallInput[]): { state: CallState; effects: CallEffect[] } {
  const effects: CallEffect[] = [];
  for (const input of inputs) {
    const t = advanceCall(state, input);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

export const types = (effects: CallEffect[]) => effects.map((e) => e.type);
