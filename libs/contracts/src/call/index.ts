export * from './call-events';
