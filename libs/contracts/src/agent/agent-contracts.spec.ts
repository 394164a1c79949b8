import { createEvent, parseEvent } from '../envelope';
import { createTopology } from '../topology';
import { agentStateChangedEvent } from './agent-events';
import { QueryIntervalsRequest, ReserveAgentReply, ReserveAgentRequest, reserveAgentRpc } from './agent-rpcs';

const agentId = '6f1c1e0e-5d8a-4c3e-9d7e-1a2b3c4d5e6f';

describe('agent contracts', () => {
  it('derives the reserve subject from the topology', () => {
    expect(createTopology('t1').rpc.subject(reserveAgentRpc)).toBe('t1.rpc.agent.reservations.reserve');
  });

  it('refuses a reserve that names no eligible agent, and fills the defaults otherwise', () => {
    expect(ReserveAgentRequest.safeParse({ campaignId: 'c1' }).success).toBe(false);
    expect(ReserveAgentRequest.parse({ campaignId: 'c1', eligibleAgentIds: [agentId] })).toEqual({
      campaignId: 'c1',
      eligibleAgentIds: [agentId],
      eligibleGroupIds: [],
      requiredSkills: [],
      timeoutMs: 10_000,
    });
  });

  it('answers "no agent" as a typed outcome, not an error', () => {
    expect(ReserveAgentReply.parse({ outcome: 'noAgent' })).toEqual({ outcome: 'noAgent' });
  });

  it('refuses an interval query whose range is empty', () => {
    const at = '2026-11-23T08:00:00.000Z';
    expect(QueryIntervalsRequest.safeParse({ agentId, from: at, to: at }).success).toBe(false);
  });

  it('round-trips a state change event through the envelope', () => {
    const event = createEvent(agentStateChangedEvent, {
      aggregateId: agentId,
      aggregateVersion: 3,
      producer: 'agent-test',
      payload: {
        agentId,
        from: 'ready',
        to: 'reserved',
        cause: 'reserve',
        at: '2026-11-23T08:00:00.000Z',
        sessionExtension: '1001',
        reasonCode: null,
        campaignId: 'c1',
        reservationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        callId: null,
        reservationExpiresAt: '2026-11-23T08:00:10.000Z',
        wrapUpEndsAt: null,
      },
    });
    expect(parseEvent(agentStateChangedEvent, JSON.parse(JSON.stringify(event)))).toEqual(event);
  });
});
