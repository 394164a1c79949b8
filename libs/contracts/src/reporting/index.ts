export * from './reporting-models';
export * from './reporting-rpcs';
export * from './abandon-rule';
