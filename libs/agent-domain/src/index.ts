export * from './agent-command';
export * from './agent-domain.errors';
export * from './agent-state-machine';
export * from './reservation-policy';
export * from './state-intervals';
