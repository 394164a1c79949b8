import fc from 'fast-check';
import {
  advanceCall,
  graceDeadline,
  resumeCall,
  type AmdPolicy,
  type CallInput,
  type CallState,
  type FoundCall,
} from './call-machine';
import { agent, run, types } from './call-machine.fixtures';
import { DialerError } from './dialer-error';

/**
 * A replica takes a campaign over while its calls are in answering-machine detection or
 * leaving the machine message (issue 8): each call resumes where it stood, and what arrives
 * after the take-over is handled as the dead owner would have. Answered at 5.000 s, a
 * 1.3 s window (ends 6.300 s), a 2 s grace.
 */
const policy = (action: AmdPolicy['action']) => ({
  introMs: 0,
  graceMs: 2_000,
  amd: { action, hasMessage: true, windowMs: 1_300 },
});
const detecting = (
  takenOverAt: number,
  beepAt: number | null,
  more: Partial<Extract<FoundCall, { phase: 'detecting' }>> = {},
): FoundCall => ({ phase: 'detecting', dialedAt: 0, answeredAt: 5_000, takenOverAt, beepAt, ...more });

/** The take-over itself is the first input, at the moment the replica took the call. */
function takeOver(action: AmdPolicy['action'], found: FoundCall, inputs: CallInput[] = []) {
  const at = found.phase === 'detecting' ? found.takenOverAt : 7_500;
  return run(resumeCall('c1', policy(action), found), [{ type: 'resumed', at }, ...inputs]);
}

const hangup = (at: number, by: 'customer' | 'system' = 'system'): CallInput => ({
  type: 'hangup',
  at,
  cause: 'NORMAL_CLEARING',
  by,
});

describe('taken over during detection: a beep heard while nobody owned the call is the machine verdict', () => {
  it.each<[string, AmdPolicy['action'], FoundCall, string[]]>([
    [
      'hang up: hung up at the take-over, the answer published with the verdict',
      'hangup',
      detecting(7_500, 5_900),
      ['publishAnswered', 'hangupMachine', 'recordOutcome', 'publishEnded'],
    ],
    [
      'leave a message: the message played at the take-over',
      'leaveMessage',
      detecting(7_500, 5_900),
      ['publishAnswered', 'leaveMessage', 'recordOutcome', 'publishEnded'],
    ],
    [
      'the reservation the dead owner made for it goes back',
      'hangup',
      detecting(7_500, 5_900, { agent: agent() }),
      ['releaseReservation', 'publishAnswered', 'hangupMachine', 'recordOutcome', 'publishEnded'],
    ],
  ])('%s', (_, action, found, effects) => {
    const { state, effects: all } = takeOver(action, found, [hangup(9_000)]);
    expect(types(all)).toEqual(effects);
    expect(state).toMatchObject({
      outcome: 'machine',
      amd: 'machine',
      amdDecidedAt: 5_900,
      connectedAt: null,
      abandonedAt: null,
    });
    expect(types(all)).not.toContain('bridge');
    expect(types(all)).not.toContain('reserveAgent');
  });

  it('pass to agent: goes on like a person, who needs an agent from the take-over', () => {
    const { state, effects } = takeOver('passToAgent', detecting(7_500, 5_900));
    expect(types(effects)).toEqual(['stopAmd', 'publishAnswered', 'reserveAgent', 'playHoldMusic', 'wakeAt']);
    expect(state).toMatchObject({ phase: 'waiting', amd: 'machine', agentNeededAt: 7_500 });
  });

  it('a beep after the window is one the dead owner would not have heard: a person', () => {
    const { state } = takeOver('hangup', detecting(7_500, 6_400));
    expect(state).toMatchObject({ phase: 'waiting', amd: 'human' });
  });
});

describe('taken over during detection, no beep', () => {
  it('window over meanwhile: a person from the take-over, the grace counted from it, bridged to the agent reserved then', () => {
    const { state, effects } = takeOver('hangup', detecting(7_500, null), [
      { type: 'agentReserved', at: 7_600, agent: agent() },
      { type: 'bridged', at: 7_620 },
      hangup(60_000, 'customer'),
    ]);
    expect(types(effects)).toEqual([
      'stopAmd',
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
    expect(effects).toContainEqual({ type: 'wakeAt', at: 9_500 });
    expect(state).toMatchObject({
      outcome: 'answered',
      amd: 'human',
      amdDecidedAt: 7_500,
      agentNeededAt: 7_500,
    });
  });

  it('window over meanwhile, the old reservation still held: bridged at once', () => {
    const { state, effects } = takeOver('hangup', detecting(7_500, null, { agent: agent() }));
    expect(types(effects)).toEqual(['stopAmd', 'publishAnswered', 'bridge']);
    expect(state).toMatchObject({ phase: 'bridging', agent: agent() });
  });

  it('window still open: detection goes on (an agent reserved meanwhile), the window ends at the same time as for the old owner', () => {
    const t = advanceCall(resumeCall('c1', policy('hangup'), detecting(5_800, null)), {
      type: 'resumed',
      at: 5_800,
    });
    expect(t.state.phase).toBe('detecting');
    expect(t.effects).toEqual([{ type: 'reserveAgent' }, { type: 'wakeAt', at: 6_300 }]);
    // Nobody counts a grace while nobody knows whether it is a person.
    expect(graceDeadline(t.state)).toBeNull();
  });

  it.each<[string, CallInput[], Partial<CallState>, string[]]>([
    [
      'a beep after the take-over: the campaign action, the reservation back',
      [
        { type: 'agentReserved', at: 5_900, agent: agent() },
        { type: 'machineDetected', at: 6_000 },
        hangup(6_050),
      ],
      { outcome: 'machine', amd: 'machine', amdDecidedAt: 6_000 },
      ['releaseReservation', 'publishAnswered', 'hangupMachine', 'recordOutcome', 'publishEnded'],
    ],
    [
      'the window ends after the take-over: a person, bridged, the grace from that moment',
      [
        { type: 'agentReserved', at: 5_900, agent: agent() },
        { type: 'tick', at: 6_300 },
        { type: 'bridged', at: 6_320 },
      ],
      { phase: 'connected', amd: 'human', agentNeededAt: 6_300, connectedAt: 6_320 },
      ['stopAmd', 'publishAnswered', 'bridge', 'confirmReservation', 'publishAgentConnected'],
    ],
    [
      'nobody free within the grace from the verdict: abandoned with the identification message',
      [
        { type: 'agentReserved', at: 5_900, agent: null },
        { type: 'tick', at: 6_300 },
        { type: 'tick', at: 8_300 },
        { type: 'tick', at: 8_301 },
      ],
      { phase: 'abandoned', abandonReason: 'noAgentWithinGrace', abandonedAt: 8_301, amd: 'human' },
      [
        'stopAmd',
        'publishAnswered',
        'reserveAgent',
        'playHoldMusic',
        'wakeAt',
        'playIdentificationAndHangup',
        'publishAbandoned',
      ],
    ],
    [
      'the customer hangs up during detection: an abandon, verdict unknown, the answer published',
      [{ type: 'agentReserved', at: 5_900, agent: agent() }, hangup(6_100, 'customer')],
      { outcome: 'abandoned', amd: 'unknown', abandonReason: 'customerHungUpWaiting' },
      ['publishAnswered', 'publishAbandoned', 'releaseReservation', 'recordOutcome', 'publishEnded'],
    ],
  ])('%s', (_, inputs, expected, effects) => {
    const { state, effects: all } = takeOver('hangup', detecting(5_800, null), inputs);
    expect(types(all).slice(2)).toEqual(effects);
    expect(state).toMatchObject(expected);
  });
});

describe('taken over while ringing, on an AMD campaign', () => {
  it.each<[string, CallInput[], string[], Partial<CallState>]>([
    [
      'a machine: detected on the answer, its agent (carried) given back, never bridged',
      [
        { type: 'answered', at: 9_000 },
        { type: 'machineDetected', at: 9_800 },
      ],
      ['wakeAt', 'releaseReservation', 'publishAnswered', 'hangupMachine'],
      { phase: 'machine', amd: 'machine', agent: null },
    ],
    [
      'a person: bridged to the carried agent at the window end, the grace from the answer',
      [
        { type: 'answered', at: 9_000 },
        { type: 'tick', at: 10_300 },
      ],
      ['wakeAt', 'stopAmd', 'publishAnswered', 'bridge'],
      { phase: 'bridging', amd: 'human', agentNeededAt: 9_000 },
    ],
  ])('%s', (_, inputs, effects, expected) => {
    const found: FoundCall = { phase: 'dialing', dialedAt: 5_000, agent: agent() };
    const { state, effects: all } = run(resumeCall('c1', policy('hangup'), found), [
      { type: 'resumed', at: 7_500 },
      ...inputs,
    ]);
    expect(types(all)).toEqual(effects);
    expect(state).toMatchObject(expected);
  });
});

describe('taken over while the machine message plays', () => {
  it('waits for the hang-up the message ends with: outcome machine, no agent, no second message', () => {
    const { state, effects } = takeOver(
      'leaveMessage',
      { phase: 'machineMessage', dialedAt: 0, answeredAt: 5_000 },
      [{ type: 'tick', at: 9_000 }, hangup(12_000)],
    );
    expect(types(effects)).toEqual(['recordOutcome', 'publishEnded']);
    expect(state).toMatchObject({ outcome: 'machine', amd: 'machine', connectedAt: null, abandonedAt: null });
  });

  it('a reservation that lands meanwhile goes straight back', () => {
    const { effects } = takeOver(
      'leaveMessage',
      { phase: 'machineMessage', dialedAt: 0, answeredAt: 5_000 },
      [{ type: 'agentReserved', at: 8_000, agent: agent(2) }],
    );
    expect(effects).toEqual([{ type: 'releaseReservation', reservationId: 'res-2' }]);
  });
});

describe('taken over after the verdict (marked human or machine on the channel)', () => {
  it('a person found waiting keeps the verdict and is abandoned properly on the take-over', () => {
    const { state, effects } = takeOver('hangup', {
      phase: 'waiting',
      dialedAt: 0,
      answeredAt: 5_000,
      amd: 'human',
    });
    expect(types(effects)).toEqual(['playIdentificationAndHangup', 'publishAbandoned']);
    expect(state).toMatchObject({ phase: 'abandoned', amd: 'human' });
  });
});

it('refuses to resume a call in detection without the campaign AMD policy', () => {
  expect(() => resumeCall('c1', { introMs: 0, graceMs: 2_000 }, detecting(7_500, null))).toThrow(DialerError);
});

describe('whatever arrives after a take-over in detection, in any order', () => {
  const at = fc.integer({ min: 5_000, max: 15_000 });
  const input: fc.Arbitrary<CallInput> = fc.oneof(
    fc.record({ type: fc.constant('machineDetected' as const), at }),
    fc.record({ type: fc.constant('tick' as const), at }),
    fc.record({
      type: fc.constant('agentReserved' as const),
      at,
      agent: fc.option(fc.integer({ min: 1, max: 4 }).map(agent), { nil: null }),
    }),
    fc.record({ type: fc.constant('bridged' as const), at }),
    fc.record({ type: fc.constant('bridgeFailed' as const), at }),
  );

  it('records one outcome, never bridges a machine the campaign hangs up on or leaves a message, and gives every reservation back', () => {
    fc.assert(
      fc.property(
        fc.array(input, { maxLength: 20 }),
        fc.constantFrom<AmdPolicy['action']>('hangup', 'leaveMessage'),
        fc.option(fc.integer({ min: 5_000, max: 8_000 }), { nil: null }),
        fc.integer({ min: 5_000, max: 9_000 }),
        fc.boolean(),
        (inputs, action, beepAt, takenOverAt, carried) => {
          const found = detecting(takenOverAt, beepAt, carried ? { agent: agent(9) } : {});
          const { state, effects } = takeOver(action, found, [...inputs, hangup(30_000, 'customer')]);
          expect(effects.filter((e) => e.type === 'recordOutcome')).toHaveLength(1);
          if (state.amd === 'machine') {
            expect(state.outcome).toBe('machine');
            expect(types(effects)).not.toContain('bridge');
          }
          const entered = new Set<string>(carried ? ['res-9'] : []);
          for (const i of inputs)
            if (i.type === 'agentReserved' && i.agent) entered.add(i.agent.reservationId);
          const closed = effects.flatMap((e) =>
            e.type === 'releaseReservation' || e.type === 'agentCallEnded' ? [e.reservationId] : [],
          );
          for (const id of entered) expect(closed).toContain(id);
        },
      ),
      { numRuns: 500 },
    );
  });
});
