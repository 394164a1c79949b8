export * from './call-events';
export * from './preview-events';
