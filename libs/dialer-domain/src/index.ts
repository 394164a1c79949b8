export * from './dialer-error';
export * from './node-config';
export * from './call-machine';
export * from './campaign-ownership';
export * from './channel-variables';
export * from './originate-plan';
export * from './preview-offer';
export * from './recording-path';
