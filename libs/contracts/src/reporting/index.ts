export * from './reporting-models';
export * from './reporting-rpcs';
