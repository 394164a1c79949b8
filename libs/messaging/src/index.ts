export * from './nats-bus';
export * from './nats-bus-observer';
