import fc from 'fast-check';
import type { AgentState } from '@autotelesale/contracts';
import type { AgentCommand } from './agent-command';
import { AgentDomainError } from './agent-domain.errors';
import { applyAgentCommand, type AgentSnapshot } from './agent-state-machine';

const RESERVATIONS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

const command: fc.Arbitrary<AgentCommand> = fc.oneof(
  fc.constantFrom('1001', '1002').map((extension) => ({ type: 'login' as const, extension })),
  fc.constant({ type: 'logout' as const }),
  fc.constant({ type: 'ready' as const }),
  fc.constantFrom('lunch', 'break').map((reasonCode) => ({ type: 'notReady' as const, reasonCode })),
  fc.record({
    type: fc.constant('reserve' as const),
    reservationId: fc.constantFrom(...RESERVATIONS),
    campaignId: fc.constantFrom('c1', 'c2'),
    callId: fc.constant(null),
    timeoutMs: fc.integer({ min: 50, max: 10_000 }),
  }),
  fc.record({
    type: fc.constant('confirm' as const),
    reservationId: fc.constantFrom(...RESERVATIONS),
    callId: fc.constant('call-1'),
  }),
  fc.record({ type: fc.constant('release' as const), reservationId: fc.constantFrom(...RESERVATIONS) }),
  fc.record({
    type: fc.constant('reservationExpired' as const),
    reservationId: fc.constantFrom(...RESERVATIONS),
  }),
  fc.record({
    type: fc.constant('callEnded' as const),
    reservationId: fc.constantFrom(...RESERVATIONS),
    wrapUpSeconds: fc.constantFrom(0, 0.5, 30),
  }),
  fc.integer({ min: 1, max: 60 }).map((seconds) => ({ type: 'wrapUpExtended' as const, seconds })),
  fc.option(fc.constant('break')).map((reason) => ({
    type: 'wrapUpCompleted' as const,
    ...(reason ? { notReadyReasonCode: reason } : {}),
  })),
  fc.constant({ type: 'wrapUpElapsed' as const }),
);

const CAMPAIGN_STATES: AgentState[] = ['reserved', 'on_call', 'wrap_up'];

/** What must hold of an agent whatever happened to it before. */
function expectConsistent(agent: AgentSnapshot): void {
  expect(agent.sessionExtension === null).toBe(agent.state === 'logged_out');
  expect(agent.campaignId !== null).toBe(CAMPAIGN_STATES.includes(agent.state));
  expect(agent.reservationId !== null).toBe(CAMPAIGN_STATES.includes(agent.state));
  expect(agent.reservationExpiresAt !== null).toBe(agent.state === 'reserved');
  expect(agent.wrapUpEndsAt !== null).toBe(agent.state === 'wrap_up');
  expect(agent.callId !== null).toBe(agent.state === 'on_call' || agent.state === 'wrap_up');
  expect(agent.reasonCode !== null).toBe(agent.state === 'not_ready');
}

describe('the agent state machine, on any sequence of commands', () => {
  it('keeps every agent consistent, versions +1 per change, and refusals change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(command, fc.integer({ min: 0, max: 20_000 })), { maxLength: 60 }),
        (steps) => {
          let agent: AgentSnapshot = {
            version: 1,
            state: 'logged_out',
            stateSince: new Date(0),
            sessionExtension: null,
            reasonCode: null,
            campaignId: null,
            reservationId: null,
            callId: null,
            reservationExpiresAt: null,
            wrapUpEndsAt: null,
          };
          let now = 1_000;
          for (const [next, elapsedMs] of steps) {
            now += elapsedMs;
            let result;
            try {
              result = applyAgentCommand(agent, next, new Date(now));
            } catch (error) {
              expect(error).toBeInstanceOf(AgentDomainError);
              continue;
            }
            if (!result.changed) {
              expect(result.snapshot).toBe(agent);
              continue;
            }
            expect(result.snapshot.version).toBe(agent.version + 1);
            expect(result.from).toBe(agent.state);
            agent = result.snapshot;
            expectConsistent(agent);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
