import fc from 'fast-check';
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

const at = () => fc.integer({ min: 0, max: 20_000 });

/**
 * Any one input of the call machine at 0-20 s, for the property tests: `answered` as the
 * spec wants it (with a standby agent or not), hangups with the given causes.
 */
export function anyInput(answered: fc.Arbitrary<CallInput>, hangupCauses: string[]): fc.Arbitrary<CallInput> {
  return fc.oneof(
    answered,
    fc.record({ type: fc.constant('introEnded' as const), at: at() }),
    fc.record({
      type: fc.constant('agentReserved' as const),
      at: at(),
      agent: fc.option(fc.integer({ min: 1, max: 4 }).map(agent), { nil: null }),
    }),
    fc.record({ type: fc.constant('bridged' as const), at: at() }),
    fc.record({ type: fc.constant('bridgeFailed' as const), at: at() }),
    fc.record({ type: fc.constant('tick' as const), at: at() }),
    fc.record({
      type: fc.constant('hangup' as const),
      at: at(),
      cause: fc.constantFrom(...hangupCauses),
      by: fc.constantFrom('customer' as const, 'agent' as const),
    }),
  );
}
