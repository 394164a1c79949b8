import { AgentState, AgentStateCause } from '@autotelesale/contracts';
import { AGENT_COMMAND_TYPES, type AgentCommand, type AgentCommandType } from './agent-command';
import { IllegalTransitionError, ReservationMismatchError } from './agent-domain.errors';
import { applyAgentCommand, opensNewInterval, type AgentSnapshot } from './agent-state-machine';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const EARLIER = new Date('2026-11-23T08:59:00.000Z');
const RES = '11111111-1111-4111-8111-111111111111';

/** An agent in `state` with the fields that state carries, as the service would hold it. */
function agentIn(state: AgentState): AgentSnapshot {
  const base: AgentSnapshot = {
    version: 7,
    state,
    stateSince: EARLIER,
    sessionExtension: state === 'logged_out' ? null : '1001',
    reasonCode: state === 'not_ready' ? 'lunch' : null,
    campaignId: null,
    reservationId: null,
    callId: null,
    reservationExpiresAt: null,
    wrapUpEndsAt: null,
  };
  if (state === 'reserved') {
    return { ...base, campaignId: 'c1', reservationId: RES, reservationExpiresAt: EARLIER };
  }
  if (state === 'on_call') return { ...base, campaignId: 'c1', reservationId: RES, callId: 'call-1' };
  if (state === 'wrap_up') {
    return { ...base, campaignId: 'c1', reservationId: RES, callId: 'call-1', wrapUpEndsAt: EARLIER };
  }
  return base;
}

const COMMANDS: Record<AgentCommandType, AgentCommand> = {
  login: { type: 'login', extension: '1002' },
  logout: { type: 'logout' },
  ready: { type: 'ready' },
  notReady: { type: 'notReady', reasonCode: 'training' },
  reserve: { type: 'reserve', reservationId: RES, campaignId: 'c1', callId: null, timeoutMs: 5_000 },
  confirm: { type: 'confirm', reservationId: RES, callId: 'call-1' },
  release: { type: 'release', reservationId: RES },
  reservationExpired: { type: 'reservationExpired', reservationId: RES },
  callEnded: { type: 'callEnded', reservationId: RES, wrapUpSeconds: 30 },
  wrapUpExtended: { type: 'wrapUpExtended', seconds: 15 },
  wrapUpCompleted: { type: 'wrapUpCompleted' },
  wrapUpElapsed: { type: 'wrapUpElapsed' },
};

type Outcome = AgentState | 'unchanged' | 'illegal';
const X = 'illegal' as const;

/** The whole machine, written out independently of the implementation's table. */
const EXPECTED: Record<AgentState, Record<AgentCommandType, Outcome>> = {
  // prettier-ignore
  logged_out: { login: 'not_ready', logout: X, ready: X, notReady: X, reserve: X, confirm: X, release: X, reservationExpired: X, callEnded: X, wrapUpExtended: X, wrapUpCompleted: X, wrapUpElapsed: X },
  // prettier-ignore
  not_ready: { login: X, logout: 'logged_out', ready: 'ready', notReady: 'not_ready', reserve: X, confirm: X, release: X, reservationExpired: X, callEnded: X, wrapUpExtended: X, wrapUpCompleted: X, wrapUpElapsed: X },
  // prettier-ignore
  ready: { login: X, logout: 'logged_out', ready: 'unchanged', notReady: 'not_ready', reserve: 'reserved', confirm: X, release: X, reservationExpired: X, callEnded: X, wrapUpExtended: X, wrapUpCompleted: X, wrapUpElapsed: X },
  // prettier-ignore
  reserved: { login: X, logout: X, ready: X, notReady: X, reserve: X, confirm: 'on_call', release: 'ready', reservationExpired: 'ready', callEnded: X, wrapUpExtended: X, wrapUpCompleted: X, wrapUpElapsed: X },
  // prettier-ignore
  on_call: { login: X, logout: X, ready: X, notReady: X, reserve: X, confirm: X, release: X, reservationExpired: X, callEnded: 'wrap_up', wrapUpExtended: X, wrapUpCompleted: X, wrapUpElapsed: X },
  // prettier-ignore
  wrap_up: { login: X, logout: 'logged_out', ready: 'ready', notReady: 'not_ready', reserve: X, confirm: X, release: X, reservationExpired: X, callEnded: X, wrapUpExtended: 'wrap_up', wrapUpCompleted: 'ready', wrapUpElapsed: 'ready' },
};

const CASES = AgentState.options.flatMap((state) =>
  AGENT_COMMAND_TYPES.map((command) => [state, command, EXPECTED[state][command]] as const),
);

describe('the agent state machine', () => {
  it('names its commands exactly as the events name their causes', () => {
    expect([...AGENT_COMMAND_TYPES].sort()).toEqual([...AgentStateCause.options].sort());
  });

  it.each(CASES)('%s + %s -> %s', (state, command, expected) => {
    const agent = agentIn(state);
    if (expected === 'illegal') {
      let thrown: unknown;
      try {
        applyAgentCommand(agent, COMMANDS[command], NOW);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransitionError);
      expect(thrown).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { state, command } });
      return;
    }
    const result = applyAgentCommand(agent, COMMANDS[command], NOW);
    if (expected === 'unchanged') {
      expect(result).toEqual({ changed: false, snapshot: agent });
      return;
    }
    expect(result).toMatchObject({ changed: true, from: state, to: expected, cause: command });
    expect(result.snapshot.version).toBe(agent.version + 1);
    expect(result.snapshot.state).toBe(expected);
  });

  it('does not change an agent that is already not ready for the same reason', () => {
    const agent = agentIn('not_ready');
    expect(applyAgentCommand(agent, { type: 'notReady', reasonCode: 'lunch' }, NOW).changed).toBe(false);
  });

  it('logs in not ready at the chosen extension, and logs out with no extension', () => {
    const loggedIn = applyAgentCommand(agentIn('logged_out'), COMMANDS.login, NOW).snapshot;
    expect(loggedIn).toMatchObject({ state: 'not_ready', sessionExtension: '1002', stateSince: NOW });
    const loggedOut = applyAgentCommand(loggedIn, { type: 'logout' }, NOW).snapshot;
    expect(loggedOut).toMatchObject({ state: 'logged_out', sessionExtension: null, reasonCode: null });
  });

  it('reserves for the campaign until now + timeout, and keeps the campaign through the call', () => {
    const reserved = applyAgentCommand(agentIn('ready'), COMMANDS.reserve, NOW).snapshot;
    expect(reserved).toMatchObject({
      state: 'reserved',
      campaignId: 'c1',
      reservationId: RES,
      reservationExpiresAt: new Date(NOW.getTime() + 5_000),
    });
    const onCall = applyAgentCommand(reserved, COMMANDS.confirm, NOW).snapshot;
    expect(onCall).toMatchObject({ state: 'on_call', campaignId: 'c1', callId: 'call-1' });
    expect(onCall.reservationExpiresAt).toBeNull();
    const wrapUp = applyAgentCommand(onCall, COMMANDS.callEnded, NOW).snapshot;
    expect(wrapUp).toMatchObject({
      state: 'wrap_up',
      campaignId: 'c1',
      wrapUpEndsAt: new Date(NOW.getTime() + 30_000),
    });
    const ready = applyAgentCommand(wrapUp, { type: 'wrapUpCompleted' }, NOW).snapshot;
    expect(ready).toMatchObject({ state: 'ready', campaignId: null, reservationId: null, callId: null });
    expect(ready.sessionExtension).toBe('1001');
  });

  it('goes straight back to ready when the campaign has no wrap-up time', () => {
    const result = applyAgentCommand(
      agentIn('on_call'),
      { type: 'callEnded', reservationId: RES, wrapUpSeconds: 0 },
      NOW,
    );
    expect(result).toMatchObject({ to: 'ready', cause: 'callEnded' });
  });

  it('extends wrap-up from its current end without starting a new interval', () => {
    const wrapUp = { ...agentIn('wrap_up'), wrapUpEndsAt: new Date(NOW.getTime() + 10_000) };
    const result = applyAgentCommand(wrapUp, { type: 'wrapUpExtended', seconds: 15 }, NOW);
    expect(result.snapshot.wrapUpEndsAt).toEqual(new Date(NOW.getTime() + 25_000));
    expect(result.snapshot.stateSince).toEqual(EARLIER);
    expect(opensNewInterval(result)).toBe(false);
    expect(opensNewInterval(applyAgentCommand(wrapUp, { type: 'wrapUpCompleted' }, NOW))).toBe(true);
  });

  it('extends an overdue wrap-up from now, not from its past end', () => {
    const overdue = { ...agentIn('wrap_up'), wrapUpEndsAt: new Date(NOW.getTime() - 5_000) };
    const result = applyAgentCommand(overdue, { type: 'wrapUpExtended', seconds: 15 }, NOW);
    expect(result.snapshot.wrapUpEndsAt).toEqual(new Date(NOW.getTime() + 15_000));
  });

  it('completes wrap-up into not ready when the agent asks for a break', () => {
    const result = applyAgentCommand(
      agentIn('wrap_up'),
      { type: 'wrapUpCompleted', notReadyReasonCode: 'break' },
      NOW,
    );
    expect(result.snapshot).toMatchObject({ state: 'not_ready', reasonCode: 'break', campaignId: null });
  });

  it('leaves a reservation or a wrap-up alone until its deadline has passed', () => {
    const future = new Date(NOW.getTime() + 1);
    const reserved = { ...agentIn('reserved'), reservationExpiresAt: future };
    expect(applyAgentCommand(reserved, COMMANDS.reservationExpired, NOW).changed).toBe(false);
    const wrapUp = { ...agentIn('wrap_up'), wrapUpEndsAt: future };
    expect(applyAgentCommand(wrapUp, COMMANDS.wrapUpElapsed, NOW).changed).toBe(false);
  });

  it.each(['confirm', 'release', 'reservationExpired'] as const)(
    'refuses to %s a reservation the agent does not hold',
    (type) => {
      const other = '22222222-2222-4222-8222-222222222222';
      const command = { ...COMMANDS[type], reservationId: other } as AgentCommand;
      expect(() => applyAgentCommand(agentIn('reserved'), command, NOW)).toThrow(ReservationMismatchError);
    },
  );
});
