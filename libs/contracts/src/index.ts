export * from './topology';
export * from './errors';
export * from './envelope';
export * from './rpc';
export * from './health';
export * from './agent';
export * from './campaign';
export * from './gateway';
