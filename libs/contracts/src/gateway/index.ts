export * from './roles';
export * from './auth';
export * from './pagination';
export * from './errors-http';
export * from './proto-path';
export * from './rest-queries';
