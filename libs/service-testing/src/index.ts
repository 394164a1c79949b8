export * from './service-harness';
export * from './stack-harness';
