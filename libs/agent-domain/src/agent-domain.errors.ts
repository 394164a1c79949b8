import type { AgentState, ReservationStatus } from '@autotelesale/contracts';
import type { AgentCommandType } from './agent-command';

/** A rule of the agent's life refused a change; `code` is stable and reaches the caller. */
export abstract class AgentDomainError extends Error {
  abstract readonly code: string;
  abstract readonly details: Record<string, unknown>;
}

/** The state machine has no edge for this command from this state. */
export class IllegalTransitionError extends AgentDomainError {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly state: AgentState,
    readonly command: AgentCommandType,
  ) {
    super(`an agent in state ${state} cannot ${command}`);
  }
  get details() {
    return { state: this.state, command: this.command };
  }
}

/** The command names a reservation the agent does not hold. */
export class ReservationMismatchError extends AgentDomainError {
  readonly code = 'RESERVATION_MISMATCH';
  constructor(
    readonly held: string | null,
    readonly given: string,
  ) {
    super(`the agent holds reservation ${held ?? 'none'}, not ${given}`);
  }
  get details() {
    return { held: this.held, given: this.given };
  }
}

/** The reservation is past the point where this operation could apply to it. */
export class ReservationClosedError extends AgentDomainError {
  readonly code = 'RESERVATION_CLOSED';
  constructor(
    readonly status: ReservationStatus,
    readonly operation: string,
  ) {
    super(`cannot ${operation} a reservation that is ${status}`);
  }
  get details() {
    return { status: this.status, operation: this.operation };
  }
}

/** The reservation was confirmed for another call. */
export class CallMismatchError extends AgentDomainError {
  readonly code = 'CALL_MISMATCH';
  constructor(
    readonly confirmedCallId: string | null,
    readonly givenCallId: string,
  ) {
    super(`the reservation belongs to call ${confirmedCallId ?? 'none'}, not ${givenCallId}`);
  }
  get details() {
    return { confirmedCallId: this.confirmedCallId, givenCallId: this.givenCallId };
  }
}
