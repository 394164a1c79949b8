import type { AgentState } from '@autotelesale/contracts';
import type { AgentCommand, AgentCommandType } from './agent-command';
import { IllegalTransitionError, ReservationMismatchError } from './agent-domain.errors';

/** What the state machine needs to know about an agent (the persisted row's state part). */
export interface AgentSnapshot {
  version: number;
  state: AgentState;
  stateSince: Date;
  sessionExtension: string | null;
  reasonCode: string | null;
  campaignId: string | null;
  reservationId: string | null;
  callId: string | null;
  reservationExpiresAt: Date | null;
  wrapUpEndsAt: Date | null;
}

/**
 * The edges of the agent state machine: for each state, the commands it accepts. Any
 * other (state, command) pair is an IllegalTransitionError. Kept as data so that the
 * spec can check every pair and a reviewer can read the whole machine at a glance.
 *
 * Why these edges: an agent reserved for a call or on a call cannot walk away (logout,
 * not ready) until the dialer releases or ends the call, because a customer may be
 * bridged to them in the next milliseconds; wrap-up is the agent's own time, so they
 * may leave it any way they like.
 */
export const ALLOWED_COMMANDS: Readonly<Record<AgentState, readonly AgentCommandType[]>> = {
  logged_out: ['login'],
  not_ready: ['logout', 'ready', 'notReady'],
  ready: ['logout', 'ready', 'notReady', 'reserve'],
  reserved: ['confirm', 'release', 'reservationExpired'],
  on_call: ['callEnded'],
  wrap_up: ['logout', 'ready', 'notReady', 'wrapUpExtended', 'wrapUpCompleted', 'wrapUpElapsed'],
};

export type TransitionResult =
  /** Nothing to change (e.g. `ready` when already ready): no new version, no event. */
  | { changed: false; snapshot: AgentSnapshot }
  | {
      changed: true;
      from: AgentState;
      to: AgentState;
      cause: AgentCommandType;
      /** The agent after the change, its version one higher. */
      snapshot: AgentSnapshot;
    };

const IDLE: Omit<AgentSnapshot, 'version' | 'state' | 'stateSince' | 'sessionExtension'> = {
  reasonCode: null,
  campaignId: null,
  reservationId: null,
  callId: null,
  reservationExpiresAt: null,
  wrapUpEndsAt: null,
};

const addMs = (at: Date, ms: number) => new Date(at.getTime() + ms);
const laterOf = (a: Date | null, b: Date) => (a && a > b ? a : b);

/**
 * Applies one command to an agent at time `now`. Pure: same inputs, same answer.
 * Throws IllegalTransitionError for a command the current state does not accept and
 * ReservationMismatchError when a reservation command names another reservation.
 */
export function applyAgentCommand(agent: AgentSnapshot, command: AgentCommand, now: Date): TransitionResult {
  if (!ALLOWED_COMMANDS[agent.state].includes(command.type)) {
    throw new IllegalTransitionError(agent.state, command.type);
  }
  const to = (
    state: AgentState,
    fields: Partial<AgentSnapshot> = {},
    keepStateSince = false,
  ): TransitionResult => ({
    changed: true,
    from: agent.state,
    to: state,
    cause: command.type,
    snapshot: {
      ...agent,
      ...IDLE,
      ...fields,
      version: agent.version + 1,
      state,
      stateSince: keepStateSince ? agent.stateSince : now,
    },
  });
  const unchanged: TransitionResult = { changed: false, snapshot: agent };
  const holdsReservation = (reservationId: string) => {
    if (agent.reservationId !== reservationId) {
      throw new ReservationMismatchError(agent.reservationId, reservationId);
    }
  };

  switch (command.type) {
    case 'login':
      return to('not_ready', { sessionExtension: command.extension, reasonCode: 'login' });
    case 'logout':
      return to('logged_out', { sessionExtension: null });
    case 'ready':
      return agent.state === 'ready' ? unchanged : to('ready');
    case 'notReady':
      if (agent.state === 'not_ready' && agent.reasonCode === command.reasonCode) return unchanged;
      return to('not_ready', { reasonCode: command.reasonCode });
    case 'reserve':
      return to('reserved', {
        campaignId: command.campaignId,
        reservationId: command.reservationId,
        callId: command.callId,
        reservationExpiresAt: addMs(now, command.timeoutMs),
      });
    case 'confirm':
      holdsReservation(command.reservationId);
      return to('on_call', {
        campaignId: agent.campaignId,
        reservationId: agent.reservationId,
        callId: command.callId,
      });
    case 'release':
      holdsReservation(command.reservationId);
      return to('ready');
    case 'reservationExpired':
      holdsReservation(command.reservationId);
      // The sweeper may look at a reservation an instant before its deadline.
      if (agent.reservationExpiresAt && agent.reservationExpiresAt > now) return unchanged;
      return to('ready');
    case 'callEnded':
      holdsReservation(command.reservationId);
      if (command.wrapUpSeconds <= 0) return to('ready');
      return to('wrap_up', {
        campaignId: agent.campaignId,
        reservationId: agent.reservationId,
        callId: agent.callId,
        wrapUpEndsAt: addMs(now, command.wrapUpSeconds * 1000),
      });
    case 'wrapUpExtended':
      // Extending keeps the wrap-up interval going: the state did not change, its end did.
      // From now when the end has passed already (the sweeper has not got to it yet).
      return to(
        'wrap_up',
        {
          campaignId: agent.campaignId,
          reservationId: agent.reservationId,
          callId: agent.callId,
          wrapUpEndsAt: addMs(laterOf(agent.wrapUpEndsAt, now), command.seconds * 1000),
        },
        true,
      );
    case 'wrapUpCompleted':
      return command.notReadyReasonCode
        ? to('not_ready', { reasonCode: command.notReadyReasonCode })
        : to('ready');
    case 'wrapUpElapsed':
      if (agent.wrapUpEndsAt && agent.wrapUpEndsAt > now) return unchanged;
      return to('ready');
  }
}

/** A state change that opens a new interval for reporting (an extension of wrap-up does not). */
export function opensNewInterval(result: TransitionResult): boolean {
  return result.changed && result.cause !== 'wrapUpExtended';
}
