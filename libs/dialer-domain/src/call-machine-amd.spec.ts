import { abandonVerdict } from '@autotelesale/contracts';
import { advanceCall, graceDeadline, startCall, type AmdPolicy } from './call-machine';
import { agent, run, types } from './call-machine.fixtures';

const amd = (action: AmdPolicy['action'], hasMessage = true): AmdPolicy => ({
  action,
  hasMessage,
  windowMs: 1_300,
});
const policy = (action: AmdPolicy['action'], hasMessage = true) => ({
  introMs: 0,
  graceMs: 2_000,
  amd: amd(action, hasMessage),
});

describe('answering-machine detection: answered -> detecting', () => {
  it('detects after the answer, reserving an agent meanwhile; the answer is published with the verdict', () => {
    const t = advanceCall(startCall('c1', 0, policy('hangup')), { type: 'answered', at: 5_000 });
    expect(t.state).toMatchObject({ phase: 'detecting', answeredAt: 5_000, agentNeededAt: 5_000 });
    expect(t.effects).toEqual([{ type: 'reserveAgent' }, { type: 'wakeAt', at: 6_300 }]);
    // The regulator's clock runs from the answer, detection included.
    expect(graceDeadline(t.state)).toBe(7_000);
  });

  it('a pre-reserved agent (progressive) is kept, not asked for again', () => {
    const t = advanceCall(startCall('c1', 0, policy('hangup'), agent()), { type: 'answered', at: 5_000 });
    expect(t.state.phase).toBe('detecting');
    expect(types(t.effects)).toEqual(['wakeAt']);
  });

  it('manual and preview (bridge on media) do not detect: the agent already listens', () => {
    const t = advanceCall(
      startCall('c1', 0, { ...policy('hangup'), bridgeOnMedia: true, ringTimeoutMs: 30_000 }, agent()),
      { type: 'answered', at: 5_000 },
    );
    expect(t.state.phase).not.toBe('detecting');
  });

  it('a tick before the end of the window changes nothing', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup')), [
      { type: 'answered', at: 5_000 },
      { type: 'tick', at: 6_299 },
    ]);
    expect(state.phase).toBe('detecting');
    expect(types(effects)).toEqual(['reserveAgent', 'wakeAt']);
  });
});

describe('detecting -> human (no beep within the window)', () => {
  it('goes on to the agent reserved meanwhile, bridged within the grace counted from the answer', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup')), [
      { type: 'answered', at: 5_000 },
      { type: 'agentReserved', at: 5_200, agent: agent() },
      { type: 'tick', at: 6_300 },
      { type: 'bridged', at: 6_320 },
      { type: 'hangup', at: 60_000, cause: 'NORMAL_CLEARING', by: 'customer' },
    ]);
    expect(types(effects)).toEqual([
      'reserveAgent',
      'wakeAt',
      'stopAmd',
      'publishAnswered',
      'bridge',
      'confirmReservation',
      'publishAgentConnected',
      'agentCallEnded',
      'recordOutcome',
      'publishEnded',
    ]);
    expect(state).toMatchObject({
      outcome: 'answered',
      amd: 'human',
      amdDecidedAt: 6_300,
      connectedAt: 6_320,
    });
    expect(abandonVerdict({ answeredAt: 5_000, connectedAt: 6_320, over: true, graceMs: 2_000 })).toBe(
      'connectedInTime',
    );
  });

  it('with nobody reserved yet, waits with hold music until the answer + grace, then abandons', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup')), [
      { type: 'answered', at: 5_000 },
      { type: 'agentReserved', at: 5_100, agent: null },
      { type: 'tick', at: 6_300 },
      { type: 'tick', at: 7_000 },
      { type: 'tick', at: 7_001 },
    ]);
    expect(effects).toContainEqual({ type: 'wakeAt', at: 7_000 });
    expect(types(effects)).toEqual([
      'reserveAgent',
      'wakeAt',
      'stopAmd',
      'publishAnswered',
      'reserveAgent',
      'playHoldMusic',
      'wakeAt',
      'playIdentificationAndHangup',
      'publishAbandoned',
    ]);
    expect(state).toMatchObject({
      phase: 'abandoned',
      abandonReason: 'noAgentWithinGrace',
      abandonedAt: 7_001,
    });
  });

  it('a verdict that comes only after the grace abandons at once (the agent goes back)', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup'), agent()), [
      { type: 'answered', at: 5_000 },
      { type: 'tick', at: 7_050 },
    ]);
    expect(state).toMatchObject({ phase: 'abandoned', abandonReason: 'noAgentWithinGrace', amd: 'human' });
    expect(effects).toContainEqual({ type: 'releaseReservation', reservationId: 'res-1' });
    expect(types(effects)).not.toContain('bridge');
  });

  it('plays the intro after detection when the campaign has one', () => {
    const { state, effects } = run(
      startCall('c1', 0, { introMs: 6_000, graceMs: 2_000, amd: amd('hangup') }),
      [
        { type: 'answered', at: 5_000 },
        { type: 'tick', at: 6_300 },
      ],
    );
    expect(state.phase).toBe('intro');
    expect(types(effects)).toEqual(['reserveAgent', 'wakeAt', 'stopAmd', 'publishAnswered', 'playIntro']);
  });

  it('a hang-up during detection is an abandon with an unsure verdict (the person was live)', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup'), agent()), [
      { type: 'answered', at: 5_000 },
      { type: 'hangup', at: 5_800, cause: 'NORMAL_CLEARING', by: 'customer' },
    ]);
    expect(state).toMatchObject({
      outcome: 'abandoned',
      amd: 'unknown',
      abandonReason: 'customerHungUpWaiting',
    });
    expect(types(effects)).toEqual([
      'wakeAt',
      'publishAnswered',
      'publishAbandoned',
      'releaseReservation',
      'recordOutcome',
      'publishEnded',
    ]);
  });
});

describe('detecting -> machine (a beep)', () => {
  it('hang up: hangs up, releases the reservation made meanwhile, records machine once', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup')), [
      { type: 'answered', at: 5_000 },
      { type: 'agentReserved', at: 5_200, agent: agent() },
      { type: 'machineDetected', at: 5_500 },
      { type: 'tick', at: 6_300 },
      { type: 'machineDetected', at: 5_600 },
      { type: 'hangup', at: 5_550, cause: 'NORMAL_CLEARING', by: 'system' },
      { type: 'hangup', at: 5_560, cause: 'NORMAL_CLEARING', by: 'system' },
    ]);
    expect(types(effects)).toEqual([
      'reserveAgent',
      'wakeAt',
      'releaseReservation',
      'publishAnswered',
      'hangupMachine',
      'recordOutcome',
      'publishEnded',
    ]);
    expect(effects.filter((e) => e.type === 'recordOutcome')).toEqual([
      { type: 'recordOutcome', outcome: 'machine' },
    ]);
    expect(state).toMatchObject({
      outcome: 'machine',
      amd: 'machine',
      amdDecidedAt: 5_500,
      connectedAt: null,
    });
  });

  it('a reservation that lands after the machine verdict goes straight back', () => {
    const { effects } = run(startCall('c1', 0, policy('hangup')), [
      { type: 'answered', at: 5_000 },
      { type: 'machineDetected', at: 5_500 },
      { type: 'agentReserved', at: 5_600, agent: agent(2) },
    ]);
    expect(effects).toContainEqual({ type: 'releaseReservation', reservationId: 'res-2' });
    expect(types(effects)).not.toContain('bridge');
  });

  it('leave a message: plays it after the beep, then the hang-up ends it as machine', () => {
    const { state, effects } = run(startCall('c1', 0, policy('leaveMessage'), agent()), [
      { type: 'answered', at: 5_000 },
      { type: 'machineDetected', at: 5_500 },
      { type: 'hangup', at: 9_000, cause: 'NORMAL_CLEARING', by: 'system' },
    ]);
    expect(types(effects)).toEqual([
      'wakeAt',
      'releaseReservation',
      'publishAnswered',
      'leaveMessage',
      'recordOutcome',
      'publishEnded',
    ]);
    expect(state.outcome).toBe('machine');
  });

  it('leave a message without a message hangs up', () => {
    const { effects } = run(startCall('c1', 0, policy('leaveMessage', false)), [
      { type: 'answered', at: 5_000 },
      { type: 'machineDetected', at: 5_500 },
    ]);
    expect(types(effects)).toContain('hangupMachine');
    expect(types(effects)).not.toContain('leaveMessage');
  });

  it('pass to agent: bridged like a person, the verdict kept', () => {
    const { state, effects } = run(startCall('c1', 0, policy('passToAgent'), agent()), [
      { type: 'answered', at: 5_000 },
      { type: 'machineDetected', at: 5_500 },
      { type: 'bridged', at: 5_520 },
    ]);
    expect(types(effects)).toEqual([
      'wakeAt',
      'stopAmd',
      'publishAnswered',
      'bridge',
      'confirmReservation',
      'publishAgentConnected',
    ]);
    expect(state).toMatchObject({ phase: 'connected', amd: 'machine' });
  });

  it('a beep after the verdict (the person is with the agent) changes nothing', () => {
    const { state, effects } = run(startCall('c1', 0, policy('hangup'), agent()), [
      { type: 'answered', at: 5_000 },
      { type: 'tick', at: 6_300 },
      { type: 'bridged', at: 6_310 },
      { type: 'machineDetected', at: 8_000 },
    ]);
    expect(state).toMatchObject({ phase: 'connected', amd: 'human' });
    expect(types(effects)).not.toContain('hangupMachine');
  });
});
