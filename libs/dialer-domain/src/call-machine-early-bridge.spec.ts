import { advanceCall, startCall, type AgentAssignment } from './call-machine';
import { run, types } from './call-machine.fixtures';

// Manual and preview: the agent is reserved before the dial and bridged on the first media,
// so they hear the ringback; the call counts as connected only when the customer answers.

const agent: AgentAssignment = {
  agentId: 'agent-1',
  extension: '1001',
  reservationId: 'res-1',
  agentLegUuid: 'leg-1',
};
const policy = { introMs: 0, graceMs: 2_000, bridgeOnMedia: true, ringTimeoutMs: 25_000 };

it('bridges on early media, connects at the answer, ends answered with the agent sent to wrap-up', () => {
  const { state, effects } = run(startCall('c1', 0, policy, agent), [
    { type: 'media', at: 1_000 },
    { type: 'bridged', at: 1_010 },
    { type: 'answered', at: 6_000 },
    { type: 'hangup', at: 60_000, cause: 'NORMAL_CLEARING', by: 'customer' },
  ]);
  expect(types(effects)).toEqual([
    'bridge',
    'wakeAt',
    'publishAnswered',
    'confirmReservation',
    'publishAgentConnected',
    'agentCallEnded',
    'recordOutcome',
    'publishEnded',
  ]);
  expect(effects).toContainEqual({ type: 'wakeAt', at: 25_000 });
  expect(effects).toContainEqual({ type: 'recordOutcome', outcome: 'answered' });
  expect(state).toMatchObject({ phase: 'ended', answeredAt: 6_000, connectedAt: 6_000, outcome: 'answered' });
});

it('a customer who never answers is hung up at the ring time, noAnswer, the agent released (not to wrap-up)', () => {
  const { state, effects } = run(startCall('c1', 0, policy, agent), [
    { type: 'media', at: 1_000 },
    { type: 'bridged', at: 1_010 },
    { type: 'tick', at: 24_999 },
    { type: 'tick', at: 25_001 },
    { type: 'hangup', at: 25_050, cause: 'NO_ANSWER', by: 'system' },
  ]);
  expect(types(effects)).toEqual([
    'bridge',
    'wakeAt',
    'cancelRing',
    'releaseReservation',
    'recordOutcome',
    'publishEnded',
  ]);
  expect(state).toMatchObject({ phase: 'ended', outcome: 'noAnswer', connectedAt: null });
});

it('the answer that comes while the early bridge is still being made connects when it is up', () => {
  const { state, effects } = run(startCall('c1', 0, policy, agent), [
    { type: 'media', at: 1_000 },
    { type: 'answered', at: 1_005 },
    { type: 'bridged', at: 1_020 },
  ]);
  expect(types(effects)).toEqual([
    'bridge',
    'wakeAt',
    'publishAnswered',
    'confirmReservation',
    'publishAgentConnected',
  ]);
  expect(state).toMatchObject({ phase: 'connected', connectedAt: 1_020 });
});

it('an early bridge that fails is made again at the answer, with the same agent', () => {
  const { state, effects } = run(startCall('c1', 0, policy, agent), [
    { type: 'media', at: 1_000 },
    { type: 'bridgeFailed', at: 1_005 },
    { type: 'answered', at: 3_000 },
    { type: 'bridged', at: 3_010 },
  ]);
  expect(types(effects)).toEqual([
    'bridge',
    'wakeAt',
    'publishAnswered',
    'bridge',
    'confirmReservation',
    'publishAgentConnected',
  ]);
  expect(state).toMatchObject({ phase: 'connected', agent });
});

it('media is ignored without bridgeOnMedia (progressive bridges at the answer) and after the answer', () => {
  const progressive = startCall('c1', 0, { introMs: 0, graceMs: 2_000 }, agent);
  expect(advanceCall(progressive, { type: 'media', at: 1_000 }).effects).toEqual([]);
  const answered = run(startCall('c1', 0, policy, agent), [{ type: 'answered', at: 1_000 }]).state;
  expect(advanceCall(answered, { type: 'media', at: 1_001 }).effects).toEqual([]);
  expect(advanceCall(progressive, { type: 'tick', at: 3_600_000 }).effects).toEqual([]);
});
