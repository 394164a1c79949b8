/** Errors of the migrator and the drift check, each with a stable code. */
export class DbError extends Error {
  constructor(
    readonly code:
      | 'MIGRATION_CHECKSUM_MISMATCH'
      | 'MIGRATION_FAILED'
      | 'MIGRATION_DIR_INVALID'
      | 'INVALID_SCHEMA_NAME'
      | 'PRISMA_SCHEMA_UNSUPPORTED'
      | 'INVALID_DB_SETTING',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** PostgreSQL schema names we create are plain lower-case identifiers, always quoted. */
export function quoteSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema))
    throw new DbError('INVALID_SCHEMA_NAME', `schema name "${schema}" must match ${IDENTIFIER}`);
  return `"${schema}"`;
}
