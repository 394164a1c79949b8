export * from './service-config';
export * from './service-kit.constants';
export * from './service-kit.options';
export * from './service-kit.module';
export * from './health.service';
export * from './bootstrap-service';
export * from './run-service';
