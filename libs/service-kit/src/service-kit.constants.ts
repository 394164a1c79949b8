export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_KIT_OPTIONS = Symbol('SERVICE_KIT_OPTIONS');
export const PG_POOL = Symbol('PG_POOL');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
