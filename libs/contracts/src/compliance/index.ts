export * from './compliance.schemas';
export * from './compliance.rpcs';
