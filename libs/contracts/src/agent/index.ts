// Generic helpers (IsoTime, CampaignRef, CallRef) stay private to the agent contracts,
// so that they never collide with another service's names at the package root.
export {
  AgentState,
  AgentStateCause,
  ReservationStatus,
  SipExtension,
  NotReadyReasonCode,
  AgentSkill,
} from './agent-values';
export * from './agent-models';
export * from './agent-rpcs';
export * from './agent-events';
export * from './agent-status-projection';
