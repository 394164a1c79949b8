import fc from 'fast-check';
import { advanceCall, outcomeOfUnansweredCall, resumeCall, startCall, type CallEffect } from './call-machine';
import { agent, anyInput, run, types } from './call-machine.fixtures';

const noIntro = { introMs: 0, graceMs: 2_000 };

describe('predictive call (agent found after the answer)', () => {
  it('answers, asks for an agent with hold music, bridges, confirms, ends answered with the agent sent to wrap-up', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 5_000 },
      { type: 'agentReserved', at: 5_050, agent: agent() },
      { type: 'bridged', at: 5_060 },
      { type: 'hangup', at: 65_000, cause: 'NORMAL_CLEARING', by: 'customer' },
    ]);
    expect(types(effects)).toEqual([
      'publishAnswered',
      'reserveAgent',
      'playHoldMusic',
      'wakeAt',
      'bridge',
      'confirmReservation',
      'publishAgentConnected',
      'agentCallEnded',
      'recordOutcome',
      'publishEnded',
    ]);
    expect(effects).toContainEqual({ type: 'wakeAt', at: 7_000 });
    expect(state).toMatchObject({
      phase: 'ended',
      outcome: 'answered',
      connectedAt: 5_060,
      answeredAt: 5_000,
    });
  });

  it('bridges an agent found at exactly the 2 s deadline ("within 2 s")', () => {
    const { state } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'tick', at: 3_000 },
      { type: 'agentReserved', at: 3_000, agent: agent() },
    ]);
    expect(state.phase).toBe('bridging');
  });

  it('abandons one millisecond after the deadline: identification message, event, and the late agent released', () => {
    const afterGrace = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'tick', at: 3_001 },
    ]);
    expect(afterGrace.state).toMatchObject({ phase: 'abandoned', abandonReason: 'noAgentWithinGrace' });
    expect(types(afterGrace.effects)).toContain('playIdentificationAndHangup');
    const late = advanceCall(afterGrace.state, { type: 'agentReserved', at: 3_100, agent: agent(2) });
    expect(late.effects).toEqual([{ type: 'releaseReservation', reservationId: 'res-2' }]);
    const ended = advanceCall(late.state, {
      type: 'hangup',
      at: 9_000,
      cause: 'NORMAL_CLEARING',
      by: 'system',
    });
    expect(ended.state.outcome).toBe('abandoned');
    expect(ended.effects).toContainEqual({ type: 'recordOutcome', outcome: 'abandoned' });
  });

  describe('with a message lead (the message must be playing within the grace)', () => {
    const led = { introMs: 0, graceMs: 2_000, messageLeadMs: 300 };

    it('wakes and starts the identification message the lead before the deadline', () => {
      const answered = advanceCall(startCall('c1', 0, led), { type: 'answered', at: 1_000 });
      expect(answered.effects).toContainEqual({ type: 'wakeAt', at: 2_700 });
      const onTime = advanceCall(answered.state, { type: 'tick', at: 2_700 });
      expect(onTime.state.phase).toBe('waiting');
      const started = advanceCall(answered.state, { type: 'tick', at: 2_701 });
      expect(started.state).toMatchObject({ phase: 'abandoned', abandonReason: 'noAgentWithinGrace' });
      expect(types(started.effects)).toContain('playIdentificationAndHangup');
    });

    it('still bridges an agent who comes in the lead, before the message started', () => {
      const { state } = run(startCall('c1', 0, led), [
        { type: 'answered', at: 1_000 },
        { type: 'agentReserved', at: 2_900, agent: agent() },
      ]);
      expect(state.phase).toBe('bridging');
    });

    it('never starts the message before the person waits (a lead longer than the grace)', () => {
      const answered = advanceCall(startCall('c1', 0, { introMs: 0, graceMs: 200, messageLeadMs: 300 }), {
        type: 'answered',
        at: 1_000,
      });
      expect(answered.effects).toContainEqual({ type: 'wakeAt', at: 1_000 });
    });
  });

  it('releases an agent reserved too late even if no tick came first', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'agentReserved', at: 3_500, agent: agent() },
    ]);
    expect(state.phase).toBe('abandoned');
    expect(effects).toContainEqual({ type: 'releaseReservation', reservationId: 'res-1' });
    expect(types(effects)).not.toContain('bridge');
  });

  it('counts a person who hangs up while waiting as abandoned, without playing them a message', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'hangup', at: 1_500, cause: 'NORMAL_CLEARING', by: 'customer' },
    ]);
    expect(state).toMatchObject({ outcome: 'abandoned', abandonReason: 'customerHungUpWaiting' });
    expect(types(effects)).not.toContain('playIdentificationAndHangup');
  });

  it('asks again when no agent was ready and bridges one found later within the grace', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'agentReserved', at: 1_010, agent: null },
      { type: 'agentReserved', at: 2_500, agent: agent() },
    ]);
    expect(state.phase).toBe('bridging');
    expect(state.reserving).toBe(false);
    expect(types(effects).filter((t) => t === 'bridge')).toHaveLength(1);
  });
});

describe('intro message', () => {
  it('reserves during the intro and starts the 2 s clock at its end', () => {
    const policy = { introMs: 8_000, graceMs: 2_000 };
    const { state, effects } = run(startCall('c1', 0, policy), [
      { type: 'answered', at: 1_000 },
      { type: 'agentReserved', at: 1_100, agent: null },
      { type: 'introEnded', at: 9_000 },
      { type: 'tick', at: 10_500 },
    ]);
    expect(types(effects).slice(0, 3)).toEqual(['publishAnswered', 'playIntro', 'reserveAgent']);
    expect(state.phase).toBe('waiting');
    expect(effects).toContainEqual({ type: 'wakeAt', at: 11_000 });
  });

  it('bridges at the end of the intro an agent reserved while it played', () => {
    const policy = { introMs: 8_000, graceMs: 2_000 };
    const { state, effects } = run(startCall('c1', 0, policy), [
      { type: 'answered', at: 1_000 },
      { type: 'agentReserved', at: 1_100, agent: agent() },
      { type: 'introEnded', at: 9_000 },
    ]);
    expect(state.phase).toBe('bridging');
    expect(effects).toContainEqual({ type: 'bridge', agent: agent() });
  });
});

describe('agent-first call (progressive, preview, manual)', () => {
  it('bridges at once on answer with the agent reserved before dialing', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro, agent()), [{ type: 'answered', at: 4_000 }]);
    expect(state.phase).toBe('bridging');
    expect(types(effects)).toEqual(['publishAnswered', 'bridge']);
  });

  it('releases the agent when the customer never answers and reports why', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro, agent()), [
      { type: 'hangup', at: 25_000, cause: 'NO_ANSWER', by: 'network' },
    ]);
    expect(state.outcome).toBe('noAnswer');
    expect(types(effects)).toEqual(['releaseReservation', 'recordOutcome', 'publishEnded']);
  });
});

describe('outcomeOfUnansweredCall', () => {
  it.each([
    ['USER_BUSY', 'busy'],
    ['NO_ANSWER', 'noAnswer'],
    ['UNALLOCATED_NUMBER', 'invalidNumber'],
    ['INVALID_NUMBER_FORMAT', 'invalidNumber'],
    ['NUMBER_CHANGED', 'invalidNumber'],
    // No route: the switch's own dialplan or gateway may be at fault, not the number.
    ['NO_ROUTE_DESTINATION', 'failed'],
    ['NORMAL_TEMPORARY_FAILURE', 'failed'],
    ['CALL_REJECTED', 'failed'],
  ])('%s -> %s', (cause, outcome) => {
    expect(outcomeOfUnansweredCall(cause)).toBe(outcome);
  });
});

describe('invariants under any order of inputs', () => {
  const input = anyInput(
    fc.record({ type: fc.constant('answered' as const), at: fc.integer({ min: 0, max: 20_000 }) }),
    ['NORMAL_CLEARING', 'NO_ANSWER', 'USER_BUSY'],
  );

  it('records exactly one outcome once ended, and never holds an agent it did not bridge or give back', () => {
    fc.assert(
      fc.property(
        fc.array(input, { maxLength: 25 }),
        fc.constantFrom(0, 6_000),
        fc.boolean(),
        (inputs, introMs, agentFirst) => {
          let state = startCall('c', 0, { introMs, graceMs: 2_000 }, agentFirst ? agent(9) : null);
          const effects: CallEffect[] = [];
          for (const i of [
            ...inputs,
            { type: 'hangup' as const, at: 30_000, cause: 'NORMAL_CLEARING', by: 'customer' as const },
          ]) {
            const t = advanceCall(state, i);
            state = t.state;
            effects.push(...t.effects);
          }
          expect(effects.filter((e) => e.type === 'recordOutcome')).toHaveLength(1);
          expect(effects.filter((e) => e.type === 'publishEnded')).toHaveLength(1);
          // Every reservation that entered the call leaves it exactly once: released, or confirmed then ended.
          const entered = new Set<string>(agentFirst ? ['res-9'] : []);
          for (const i of inputs)
            if (i.type === 'agentReserved' && i.agent) entered.add(i.agent.reservationId);
          const confirmed = effects
            .filter((e) => e.type === 'confirmReservation')
            .map((e) => e.reservationId);
          const ended = effects.filter((e) => e.type === 'agentCallEnded').map((e) => e.reservationId);
          const released = effects.filter((e) => e.type === 'releaseReservation').map((e) => e.reservationId);
          expect(confirmed.length).toBeLessThanOrEqual(1);
          expect(ended).toEqual(confirmed);
          for (const id of entered) {
            const closes = released.filter((r) => r === id).length + ended.filter((r) => r === id).length;
            expect(closes).toBeGreaterThanOrEqual(1);
          }
          // Never two bridges to different agents without a release in between.
          if (state.outcome === 'answered') expect(state.connectedAt).not.toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('duplicated replies', () => {
  it('ignores the same reservation answered twice instead of releasing the agent being bridged', () => {
    const { state, effects } = run(startCall('c1', 0, noIntro), [
      { type: 'answered', at: 1_000 },
      { type: 'agentReserved', at: 1_010, agent: agent() },
      { type: 'agentReserved', at: 1_020, agent: agent() },
      { type: 'bridged', at: 1_030 },
    ]);
    expect(state.phase).toBe('connected');
    expect(types(effects)).not.toContain('releaseReservation');
  });
});

describe('resumeCall (take-over)', () => {
  it('carries a call found talking to its end: answered, agent sent to wrap-up', () => {
    const state = resumeCall('c1', noIntro, {
      phase: 'connected',
      dialedAt: 0,
      answeredAt: 1_000,
      connectedAt: 1_050,
      agent: agent(),
    });
    const t = advanceCall(state, { type: 'hangup', at: 60_000, cause: 'NORMAL_CLEARING', by: 'customer' });
    expect(t.state.outcome).toBe('answered');
    expect(t.effects).toContainEqual({ type: 'agentCallEnded', reservationId: 'res-1' });
  });

  it('abandons on the first tick a person found waiting with no agent since the old owner died', () => {
    const state = resumeCall('c1', noIntro, { phase: 'waiting', dialedAt: 0, answeredAt: 1_000 });
    const t = advanceCall(state, { type: 'tick', at: 20_000 });
    expect(t.state.phase).toBe('abandoned');
    expect(types(t.effects)).toContain('playIdentificationAndHangup');
  });
});
