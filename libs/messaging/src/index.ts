export * from './nats-bus';
export * from './nats-bus-observer';
export * from './request-batcher';
