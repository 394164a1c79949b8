import fc from 'fast-check';
import {
  advanceCall,
  startCall,
  takesStandbyAgent,
  type AmdPolicy,
  type CallEffect,
  type CallInput,
  type CallState,
  type CallTimingPolicy,
} from './call-machine';
import { agent, anyInput, run, types } from './call-machine.fixtures';

// A predictive campaign's standby agent (StandbyPool) comes with the answer: a call that
// can take it is bridged at once; any other call hands it straight back.

const predictive: CallTimingPolicy = { introMs: 0, graceMs: 2_000 };
const withIntro: CallTimingPolicy = { introMs: 6_000, graceMs: 2_000 };
const amd: AmdPolicy = { action: 'hangup', hasMessage: false, windowMs: 1_300 };
const withAmd: CallTimingPolicy = { introMs: 0, graceMs: 2_000, amd };
const standby = agent(7);
const released = (reservationId: string): CallEffect => ({ type: 'releaseReservation', reservationId });

describe('a call that can take the standby agent', () => {
  it('is bridged at once on the answer: bridge first, no hold music, no reservation asked for', () => {
    const t = advanceCall(startCall('c1', 0, predictive), { type: 'answered', at: 5_000, standby });
    expect(t.effects).toEqual([{ type: 'bridge', agent: standby }, { type: 'publishAnswered' }]);
    expect(t.state).toMatchObject({
      phase: 'bridging',
      agent: standby,
      answeredAt: 5_000,
      agentNeededAt: 5_000,
      reserving: false,
    });
  });

  it('connects on the bridge, confirming the standby reservation, and sends that agent to wrap-up at the end', () => {
    const { state, effects } = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000, standby },
      { type: 'bridged', at: 5_020 },
      { type: 'hangup', at: 60_000, cause: 'NORMAL_CLEARING', by: 'customer' },
    ]);
    expect(types(effects)).toEqual([
      'bridge',
      'publishAnswered',
      'confirmReservation',
      'publishAgentConnected',
      'agentCallEnded',
      'recordOutcome',
      'publishEnded',
    ]);
    expect(effects).toContainEqual({ type: 'confirmReservation', reservationId: 'res-7' });
    expect(effects).toContainEqual({ type: 'agentCallEnded', reservationId: 'res-7' });
    expect(state).toMatchObject({ phase: 'ended', outcome: 'answered', connectedAt: 5_020 });
  });

  it('a reservation answered late for it goes back: the call keeps its standby agent', () => {
    const { state, effects } = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000, standby },
      { type: 'agentReserved', at: 5_010, agent: agent(2) },
    ]);
    expect(effects.at(-1)).toEqual(released('res-2'));
    expect(state.agent).toEqual(standby);
  });
});

describe('takesStandbyAgent', () => {
  it.each<[string, CallState, boolean]>([
    ['a predictive call ringing', startCall('c1', 0, predictive), true],
    ['a call with an intro (it reserves while the intro plays)', startCall('c1', 0, withIntro), false],
    ['a call with machine detection (it reserves while detecting)', startCall('c1', 0, withAmd), false],
    ['an agent-first call (its own agent)', startCall('c1', 0, predictive, agent(1)), false],
    [
      'a manual or preview call (bridged on media)',
      startCall('c1', 0, { ...predictive, bridgeOnMedia: true, ringTimeoutMs: 30_000 }),
      false,
    ],
    ['a call with a reservation out', { ...startCall('c1', 0, predictive), reserving: true }, false],
    [
      'a call already answered',
      run(startCall('c1', 0, predictive), [{ type: 'answered', at: 1 }]).state,
      false,
    ],
  ])('%s', (_name, state, expected) => {
    expect(takesStandbyAgent(state)).toBe(expected);
  });
});

describe('a call that cannot take it hands it back and is answered as usual', () => {
  it('machine detection: detects and reserves as without a standby agent, and releases the standby', () => {
    const plain = advanceCall(startCall('c1', 0, withAmd), { type: 'answered', at: 5_000 });
    const t = advanceCall(startCall('c1', 0, withAmd), { type: 'answered', at: 5_000, standby });
    expect(t.effects).toEqual([...plain.effects, released('res-7')]);
    expect(t.state).toEqual(plain.state);
    expect(t.state).toMatchObject({ phase: 'detecting', agent: null });
    expect(types(t.effects)).not.toContain('bridge');
  });

  it('an intro: plays it and reserves meanwhile, and releases the standby', () => {
    const t = advanceCall(startCall('c1', 0, withIntro), { type: 'answered', at: 5_000, standby });
    expect(t.effects).toEqual([
      { type: 'publishAnswered' },
      { type: 'playIntro' },
      { type: 'reserveAgent' },
      released('res-7'),
    ]);
    expect(t.state).toMatchObject({ phase: 'intro', agent: null });
  });

  it('its own agent (agent first): bridges that agent and releases the standby', () => {
    const t = advanceCall(startCall('c1', 0, predictive, agent(1)), { type: 'answered', at: 5_000, standby });
    expect(t.effects).toEqual([
      { type: 'publishAnswered' },
      { type: 'bridge', agent: agent(1) },
      released('res-7'),
    ]);
    expect(t.state).toMatchObject({ phase: 'bridging', agent: agent(1) });
  });

  it('already answered (a repeated answer): nothing changes but the standby goes back', () => {
    const waiting = run(startCall('c1', 0, predictive), [{ type: 'answered', at: 5_000 }]).state;
    const t = advanceCall(waiting, { type: 'answered', at: 5_010, standby });
    expect(t.effects).toEqual([released('res-7')]);
    expect(t.state).toEqual(waiting);

    const bridging = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000, standby: agent(8) },
    ]).state;
    const again = advanceCall(bridging, { type: 'answered', at: 5_010, standby });
    expect(again.effects).toEqual([released('res-7')]);
    expect(again.state.agent).toEqual(agent(8));
  });

  it('ended (the answer came after the hang-up): the standby goes back', () => {
    const ended = run(startCall('c1', 0, predictive), [
      { type: 'hangup', at: 5_000, cause: 'NO_ANSWER', by: 'network' },
    ]).state;
    const t = advanceCall(ended, { type: 'answered', at: 5_010, standby });
    expect(t.effects).toEqual([released('res-7')]);
    expect(t.state).toEqual(ended);
  });
});

describe('after a standby bridge', () => {
  it('a hang-up before the bridge is up is an abandon that releases the standby, as for a reserved agent', () => {
    const hangup: CallInput = { type: 'hangup', at: 5_030, cause: 'NORMAL_CLEARING', by: 'customer' };
    const viaStandby = run(startCall('c1', 0, predictive), [{ type: 'answered', at: 5_000, standby }]).state;
    const viaReserve = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000 },
      { type: 'agentReserved', at: 5_010, agent: standby },
    ]).state;
    const t = advanceCall(viaStandby, hangup);
    expect(t.effects).toEqual([
      { type: 'publishAbandoned' },
      released('res-7'),
      { type: 'recordOutcome', outcome: 'abandoned' },
      { type: 'publishEnded' },
    ]);
    expect(t.effects).toEqual(advanceCall(viaReserve, hangup).effects);
    expect(t.state).toMatchObject({
      phase: 'ended',
      outcome: 'abandoned',
      abandonReason: 'customerHungUpWaiting',
      agent: null,
    });
  });

  it('a failed bridge gives the standby back, starts the hold music it never had and asks for another agent, the grace still counted from the answer', () => {
    const { state, effects } = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000, standby },
      { type: 'bridgeFailed', at: 5_400 },
    ]);
    expect(effects.slice(2)).toEqual([
      released('res-7'),
      { type: 'reserveAgent' },
      { type: 'playHoldMusic' },
      { type: 'wakeAt', at: 7_000 },
    ]);
    // A second failure (the music is playing by then) does not start it again.
    const again = run(state, [
      { type: 'agentReserved', at: 5_500, agent: agent(3) },
      { type: 'bridgeFailed', at: 5_600 },
    ]);
    expect(again.effects).not.toContainEqual({ type: 'playHoldMusic' });
    expect(state).toMatchObject({ phase: 'waiting', agent: null, reserving: true, agentNeededAt: 5_000 });

    const next = run(state, [
      { type: 'agentReserved', at: 5_500, agent: agent(2) },
      { type: 'bridged', at: 5_520 },
    ]);
    expect(next.effects).toEqual([
      { type: 'bridge', agent: agent(2) },
      { type: 'confirmReservation', reservationId: 'res-2' },
      { type: 'publishAgentConnected' },
    ]);
  });

  it('a bridge that fails after the grace abandons with the identification message and gives the standby back', () => {
    const { state, effects } = run(startCall('c1', 0, predictive), [
      { type: 'answered', at: 5_000, standby },
      { type: 'bridgeFailed', at: 7_001 },
    ]);
    expect(effects.slice(2)).toEqual([
      released('res-7'),
      { type: 'playIdentificationAndHangup' },
      { type: 'publishAbandoned' },
    ]);
    expect(state).toMatchObject({ phase: 'abandoned', abandonReason: 'noAgentWithinGrace', agent: null });
  });
});

describe('whatever order inputs come in', () => {
  // Each answer brings its own standby reservation (the pool never hands one out twice).
  const input = (i: number) =>
    anyInput(
      fc.record({
        type: fc.constant('answered' as const),
        at: fc.integer({ min: 0, max: 20_000 }),
        standby: fc.option(fc.constant(agent(100 + i)), { nil: undefined }),
      }),
      ['NORMAL_CLEARING', 'NO_ANSWER'],
    );
  const inputs = fc
    .integer({ min: 0, max: 20 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => input(i))));

  it('bridges a standby agent only when the call could take it, and every standby reservation leaves exactly once', () => {
    fc.assert(
      fc.property(
        inputs,
        fc.constantFrom(predictive, withIntro, withAmd),
        fc.boolean(),
        (list, policy, agentFirst) => {
          let state = startCall('c', 0, policy, agentFirst ? agent(9) : null);
          const effects: CallEffect[] = [];
          const given: string[] = [];
          for (const i of [
            ...(list as CallInput[]),
            { type: 'hangup' as const, at: 30_000, cause: 'NORMAL_CLEARING', by: 'customer' as const },
          ]) {
            const could = takesStandbyAgent(state);
            const t = advanceCall(state, i);
            if (i.type === 'answered' && i.standby) {
              given.push(i.standby.reservationId);
              const bridgedStandby = t.effects.some(
                (e) => e.type === 'bridge' && e.agent.reservationId === i.standby!.reservationId,
              );
              expect(bridgedStandby).toBe(could);
              if (could) expect(types(t.effects)).not.toContain('playHoldMusic');
            }
            state = t.state;
            effects.push(...t.effects);
          }
          const confirmed = effects
            .filter((e) => e.type === 'confirmReservation')
            .map((e) => e.reservationId);
          const ended = effects.filter((e) => e.type === 'agentCallEnded').map((e) => e.reservationId);
          const releases = effects.filter((e) => e.type === 'releaseReservation').map((e) => e.reservationId);
          expect(ended).toEqual(confirmed);
          for (const id of given)
            expect(releases.filter((r) => r === id).length + ended.filter((r) => r === id).length).toBe(1);
          expect(effects.filter((e) => e.type === 'recordOutcome')).toHaveLength(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
