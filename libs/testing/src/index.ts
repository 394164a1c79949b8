export * from './wait-for';
export * from './infra';
export * from './nats-namespace';
