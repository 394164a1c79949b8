export * from './db.errors';
export * from './migrate';
export * from './prisma-schema';
export * from './schema-drift';
export * from './prepared-statements';
export * from './pg-errors';
