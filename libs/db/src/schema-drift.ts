import { Client } from 'pg';
import { MIGRATIONS_TABLE } from './migrate';
import { readPrismaSchema, type PrismaField, type PrismaSchemaModel } from './prisma-schema';

/**
 * Compares what a service's Prisma schema expects with what its migrations built, so
 * the two cannot drift apart unnoticed: tables, columns, column types, nullability,
 * primary keys, unique constraints and enums.
 */

export interface DriftReport {
  ok: boolean;
  problems: string[];
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  character_maximum_length: number | null;
  datetime_precision: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
}

/** The PostgreSQL type Prisma creates for a field (as `udt_name`, with its modifier). */
export function expectedColumnType(field: PrismaField, enumDbNames: Map<string, string>): string {
  const native = field.nativeType;
  let base: string;
  if (enumDbNames.has(field.type)) {
    base = enumDbNames.get(field.type)!;
  } else if (native) {
    const [, name, args] = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(native) ?? [];
    const map: Record<string, string> = {
      Uuid: 'uuid',
      Text: 'text',
      VarChar: 'varchar',
      Char: 'bpchar',
      Citext: 'citext',
      Inet: 'inet',
      Timestamptz: 'timestamptz',
      Timestamp: 'timestamp',
      Date: 'date',
      Time: 'time',
      Timetz: 'timetz',
      Integer: 'int4',
      SmallInt: 'int2',
      BigInt: 'int8',
      DoublePrecision: 'float8',
      Real: 'float4',
      Decimal: 'numeric',
      Money: 'money',
      Boolean: 'bool',
      JsonB: 'jsonb',
      Json: 'json',
      ByteA: 'bytea',
      Xml: 'xml',
    };
    base = map[name ?? ''] ?? `unknown:${native}`;
    if (
      args &&
      ['varchar', 'bpchar', 'timestamptz', 'timestamp', 'time', 'timetz', 'numeric'].includes(base)
    ) {
      base = `${base}(${args.replace(/\s+/g, '')})`;
    }
  } else {
    const defaults: Record<string, string> = {
      String: 'text',
      Int: 'int4',
      BigInt: 'int8',
      Float: 'float8',
      Decimal: 'numeric(65,30)',
      Boolean: 'bool',
      DateTime: 'timestamp(3)',
      Json: 'jsonb',
      Bytes: 'bytea',
    };
    base = defaults[field.type] ?? `unknown:${field.type}`;
  }
  return field.list ? `${base}[]` : base;
}

function actualColumnType(row: ColumnRow): string {
  const isArray = row.data_type === 'ARRAY';
  const udt = isArray ? row.udt_name.replace(/^_/, '') : row.udt_name;
  let type = udt;
  if ((udt === 'varchar' || udt === 'bpchar') && row.character_maximum_length !== null) {
    type = `${udt}(${row.character_maximum_length})`;
  } else if (
    ['timestamptz', 'timestamp', 'time', 'timetz'].includes(udt) &&
    row.datetime_precision !== null
  ) {
    type = `${udt}(${row.datetime_precision})`;
  } else if (udt === 'numeric' && row.numeric_precision !== null) {
    type = `numeric(${row.numeric_precision},${row.numeric_scale ?? 0})`;
  }
  return isArray ? `${type}[]` : type;
}

/** A timestamp without precision in Prisma means precision 3; PostgreSQL's default is 6. */
function sameType(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const bare = /^(timestamptz|timestamp|time|timetz)$/.exec(expected);
  return Boolean(bare && actual === `${expected}(6)`);
}

export async function checkSchemaDrift(options: {
  connectionString: string;
  schema: string;
  prismaSchema: string | PrismaSchemaModel;
}): Promise<DriftReport> {
  const model =
    typeof options.prismaSchema === 'string' ? readPrismaSchema(options.prismaSchema) : options.prismaSchema;
  const client = new Client({ connectionString: options.connectionString });
  await client.connect();
  const problems: string[] = [];
  try {
    const columns = (
      await client.query<ColumnRow>(
        `SELECT table_name, column_name, data_type, udt_name, is_nullable, character_maximum_length,
                datetime_precision, numeric_precision, numeric_scale
           FROM information_schema.columns WHERE table_schema = $1`,
        [options.schema],
      )
    ).rows;
    const tables = (
      await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
        [options.schema],
      )
    ).rows.map((r) => r.table_name);
    const keys = (
      await client.query<{ table_name: string; constraint_type: string; columns: string[] }>(
        `SELECT tc.table_name, tc.constraint_type,
                array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu
             ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
          WHERE tc.table_schema = $1 AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
          GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type`,
        [options.schema],
      )
    ).rows;
    // Prisma makes @unique a unique index; count unique indexes as unique constraints too.
    const uniqueIndexes = (
      await client.query<{ table_name: string; columns: string[] }>(
        `SELECT t.relname AS table_name,
                array_agg(a.attname::text ORDER BY array_position(ix.indkey::int2[], a.attnum)) AS columns
           FROM pg_index ix
           JOIN pg_class t ON t.oid = ix.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)
          WHERE n.nspname = $1 AND ix.indisunique AND NOT ix.indisprimary
          GROUP BY t.relname, ix.indexrelid`,
        [options.schema],
      )
    ).rows;
    const enumRows = (
      await client.query<{ typname: string; labels: string[] }>(
        `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = $1 GROUP BY t.typname`,
        [options.schema],
      )
    ).rows;

    const enumDbNames = new Map(model.enums.map((e) => [e.name, e.dbName]));
    for (const e of model.enums) {
      const row = enumRows.find((r) => r.typname === e.dbName);
      if (!row) problems.push(`enum ${e.dbName}: missing in the database`);
      else if (JSON.stringify(row.labels) !== JSON.stringify(e.values)) {
        problems.push(
          `enum ${e.dbName}: values ${row.labels.join(',')} in the database, ${e.values.join(',')} in Prisma`,
        );
      }
    }
    for (const m of model.models) {
      if (!tables.includes(m.table)) {
        problems.push(`table ${m.table} (model ${m.name}): missing in the database`);
        continue;
      }
      const tableColumns = columns.filter((c) => c.table_name === m.table);
      for (const field of m.fields) {
        const row = tableColumns.find((c) => c.column_name === field.column);
        const label = `${m.table}.${field.column}`;
        if (!row) {
          problems.push(`column ${label}: missing in the database`);
          continue;
        }
        const expected = expectedColumnType(field, enumDbNames);
        const actual = actualColumnType(row);
        if (!sameType(expected, actual))
          problems.push(`column ${label}: type ${actual} in the database, ${expected} in Prisma`);
        const nullable = row.is_nullable === 'YES';
        const shouldBeNullable = field.optional;
        if (nullable !== shouldBeNullable && !(field.list && !nullable)) {
          problems.push(
            `column ${label}: ${nullable ? 'nullable' : 'NOT NULL'} in the database, ${shouldBeNullable ? 'optional' : 'required'} in Prisma`,
          );
        }
      }
      for (const row of tableColumns) {
        if (!m.fields.some((f) => f.column === row.column_name)) {
          problems.push(`column ${m.table}.${row.column_name}: in the database but not in Prisma`);
        }
      }
      const pk = keys.find((k) => k.table_name === m.table && k.constraint_type === 'PRIMARY KEY');
      if (!pk || JSON.stringify(pk.columns) !== JSON.stringify(m.primaryKey)) {
        problems.push(
          `table ${m.table}: primary key (${pk?.columns.join(', ') ?? 'none'}) in the database, (${m.primaryKey.join(', ')}) in Prisma`,
        );
      }
      const dbUniques = [
        ...keys
          .filter((k) => k.table_name === m.table && k.constraint_type === 'UNIQUE')
          .map((k) => k.columns),
        ...uniqueIndexes.filter((u) => u.table_name === m.table).map((u) => u.columns),
      ].map((cols) => cols.join(','));
      for (const unique of m.uniques) {
        if (!dbUniques.includes(unique.join(',')))
          problems.push(`table ${m.table}: unique (${unique.join(', ')}) missing in the database`);
      }
    }
    const modelTables = new Set(model.models.map((m) => m.table));
    for (const table of tables) {
      if (table !== MIGRATIONS_TABLE && !modelTables.has(table))
        problems.push(`table ${table}: in the database but not in Prisma`);
    }
  } finally {
    await client.end();
  }
  return { ok: problems.length === 0, problems };
}
