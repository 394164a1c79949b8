export * from './wait-for';
export * from './infra';
export * from './nats-namespace';
export * from './fs-sim-process';
