export * from './call-events';
export * from './preview-events';
export * from './inbound-events';
