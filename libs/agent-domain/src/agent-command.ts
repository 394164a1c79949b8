/**
 * Everything that can happen to an agent's state. Durations are given, never end
 * times: the state machine computes them from the `now` it is handed (the database's
 * clock), so two service instances never disagree about a deadline.
 */
export type AgentCommand =
  | { type: 'login'; extension: string }
  | { type: 'logout' }
  | { type: 'ready' }
  | { type: 'notReady'; reasonCode: string }
  | { type: 'reserve'; reservationId: string; campaignId: string; callId: string | null; timeoutMs: number }
  | { type: 'confirm'; reservationId: string; callId: string }
  | { type: 'release'; reservationId: string }
  | { type: 'reservationExpired'; reservationId: string }
  | { type: 'callEnded'; reservationId: string; wrapUpSeconds: number }
  | { type: 'wrapUpExtended'; seconds: number }
  | { type: 'wrapUpCompleted'; notReadyReasonCode?: string }
  | { type: 'wrapUpElapsed' };

export type AgentCommandType = AgentCommand['type'];

export const AGENT_COMMAND_TYPES: readonly AgentCommandType[] = [
  'login',
  'logout',
  'ready',
  'notReady',
  'reserve',
  'confirm',
  'release',
  'reservationExpired',
  'callEnded',
  'wrapUpExtended',
  'wrapUpCompleted',
  'wrapUpElapsed',
];
