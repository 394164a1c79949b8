import { createEvent } from '../envelope';
import { agentCreatedEvent, agentDeletedEvent, agentStateChangedEvent } from './agent-events';
import { AgentStatusProjection } from './agent-status-projection';
import type { AgentState, AgentStateCause } from './agent-values';

const agentId = '6f1c1e0e-5d8a-4c3e-9d7e-1a2b3c4d5e6f';

const created = () =>
  createEvent(agentCreatedEvent, {
    aggregateId: agentId,
    aggregateVersion: 1,
    producer: 'test',
    payload: { agentId, name: 'Lan', extension: '1001', skills: [], groupIds: [] },
  });

const changed = (version: number, from: AgentState, to: AgentState, cause: AgentStateCause) =>
  createEvent(agentStateChangedEvent, {
    aggregateId: agentId,
    aggregateVersion: version,
    producer: 'test',
    payload: {
      agentId,
      from,
      to,
      cause,
      at: '2026-11-23T09:00:00.000Z',
      sessionExtension: '1001',
      reasonCode: null,
      campaignId: null,
      reservationId: null,
      callId: null,
      reservationExpiresAt: null,
      wrapUpEndsAt: null,
    },
  });

describe('AgentStatusProjection', () => {
  it('follows an agent through its versions', () => {
    const projection = new AgentStatusProjection();
    expect(projection.apply(created())).toBe('applied');
    expect(projection.get(agentId)).toMatchObject({ version: 1, state: null });
    expect(projection.apply(changed(2, 'logged_out', 'not_ready', 'login'))).toBe('applied');
    expect(projection.apply(changed(3, 'not_ready', 'ready', 'ready'))).toBe('applied');
    expect(projection.get(agentId)).toMatchObject({ version: 3, state: { to: 'ready' } });
  });

  it('ignores a replayed or older event: the view does not move back', () => {
    const projection = new AgentStatusProjection();
    const events = [
      created(),
      changed(2, 'logged_out', 'not_ready', 'login'),
      changed(3, 'not_ready', 'ready', 'ready'),
    ];
    for (const event of events) projection.apply(event);
    const before = structuredClone(projection.get(agentId));
    expect(events.map((event) => projection.apply(event))).toEqual(['replay', 'replay', 'replay']);
    expect(projection.get(agentId)).toEqual(before);
  });

  it('reports a gap but still applies the newer state', () => {
    const projection = new AgentStatusProjection();
    projection.apply(created());
    expect(projection.apply(changed(4, 'not_ready', 'ready', 'ready'))).toBe('gap');
    expect(projection.get(agentId)?.state?.to).toBe('ready');
  });

  it('keeps a deleted agent deleted when an older event is replayed', () => {
    const projection = new AgentStatusProjection();
    projection.apply(created());
    projection.apply(
      createEvent(agentDeletedEvent, {
        aggregateId: agentId,
        aggregateVersion: 2,
        producer: 'test',
        payload: { agentId },
      }),
    );
    expect(projection.get(agentId)).toBeUndefined();
    expect(projection.apply(created())).toBe('replay');
    expect(projection.all()).toEqual([]);
  });
});
