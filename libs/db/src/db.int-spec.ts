import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@autotelesale/testing';
import { checkSchemaDrift, migrate } from './index';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ats-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const INIT = `
CREATE TYPE call_status AS ENUM ('answered', 'abandoned');
CREATE TABLE call_record (
  id uuid PRIMARY KEY,
  phone text NOT NULL,
  status call_status NOT NULL,
  talk_seconds integer,
  started_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX call_record_phone_started_key ON call_record (phone, started_at);
`;

const PRISMA = `
enum CallStatus {
  answered
  abandoned
  @@map("call_status")
}
model CallRecord {
  id          String     @id @db.Uuid
  phone       String
  status      CallStatus
  talkSeconds Int?       @map("talk_seconds")
  startedAt   DateTime   @default(now()) @map("started_at") @db.Timestamptz(3)
  @@unique([phone, startedAt])
  @@map("call_record")
}
`;

let db: TestDatabase;
let sql: Client;

beforeAll(async () => {
  db = await createTestDatabase('ats_dbtest');
  sql = new Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql.end();
  await db.drop();
});

describe('migrate', () => {
  it('applies migrations to a fresh database once, then finds nothing to do', async () => {
    const dir = migrationsDir({ '20261123000000_init': INIT });
    const first = await migrate({ connectionString: db.url, schema: 'reporting', migrationsDir: dir });
    expect(first.applied).toEqual(['20261123000000_init']);
    const second = await migrate({ connectionString: db.url, schema: 'reporting', migrationsDir: dir });
    expect(second).toEqual({ applied: [], alreadyApplied: ['20261123000000_init'], unknown: [] });
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM reporting.call_record`);
    expect(rows[0].n).toBe(0);
  });

  it('applies each file exactly once when five replicas start at the same moment', async () => {
    const dir = migrationsDir({
      '001_a': 'CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (1);',
      '002_b': 'UPDATE counter SET n = n + 1;',
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        migrate({ connectionString: db.url, schema: 'race', migrationsDir: dir }),
      ),
    );
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['001_a', '002_b']);
    const { rows } = await sql.query('SELECT n FROM race.counter');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('rolls back a failing migration whole and records nothing', async () => {
    const dir = migrationsDir({
      '001_ok': 'CREATE TABLE a (id int PRIMARY KEY);',
      '002_bad': 'CREATE TABLE b (id int); SELECT no_such_fn();',
    });
    await expect(
      migrate({ connectionString: db.url, schema: 'broken', migrationsDir: dir }),
    ).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
    });
    const tables = await sql.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'broken' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['_migrations', 'a']);
    const recorded = await sql.query('SELECT name FROM broken._migrations');
    expect(recorded.rows.map((r) => r.name)).toEqual(['001_ok']);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = migrationsDir({ '001_init': 'CREATE TABLE t (id int PRIMARY KEY);' });
    await migrate({ connectionString: db.url, schema: 'edited', migrationsDir: dir });
    writeFileSync(join(dir, '001_init', 'migration.sql'), 'CREATE TABLE t (id bigint PRIMARY KEY);');
    await expect(
      migrate({ connectionString: db.url, schema: 'edited', migrationsDir: dir }),
    ).rejects.toMatchObject({
      code: 'MIGRATION_CHECKSUM_MISMATCH',
    });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const dir = migrationsDir({});
    await expect(
      migrate({ connectionString: db.url, schema: 'x"; DROP SCHEMA public; --', migrationsDir: dir }),
    ).rejects.toMatchObject({
      code: 'INVALID_SCHEMA_NAME',
    });
  });
});

describe('checkSchemaDrift', () => {
  beforeAll(async () => {
    await migrate({
      connectionString: db.url,
      schema: 'drift',
      migrationsDir: migrationsDir({ '001_init': INIT }),
    });
  });

  it('passes when the migrated database is what the Prisma schema expects', async () => {
    await expect(
      checkSchemaDrift({ connectionString: db.url, schema: 'drift', prismaSchema: PRISMA }),
    ).resolves.toEqual({
      ok: true,
      problems: [],
    });
  });

  it.each([
    [
      'a column the database lacks',
      PRISMA.replace('@@unique', 'note String?\n  @@unique'),
      'column call_record.note: missing in the database',
    ],
    [
      'a type that differs',
      PRISMA.replace('talkSeconds Int?', 'talkSeconds BigInt?'),
      'column call_record.talk_seconds: type int4 in the database, int8 in Prisma',
    ],
    [
      'nullability that differs',
      PRISMA.replace('phone       String', 'phone       String?'),
      'column call_record.phone: NOT NULL in the database, optional in Prisma',
    ],
    [
      'a column Prisma does not know',
      PRISMA.replace(/ *talkSeconds.*\n/, ''),
      'column call_record.talk_seconds: in the database but not in Prisma',
    ],
    [
      'a missing unique constraint',
      PRISMA.replace('@@unique([phone, startedAt])', '@@unique([phone, status])'),
      'table call_record: unique (phone, status) missing in the database',
    ],
    [
      'an enum value that differs',
      PRISMA.replace('abandoned\n', 'abandoned\n  dropped\n'),
      'enum call_status: values answered,abandoned in the database, answered,abandoned,dropped in Prisma',
    ],
    [
      'a table the database lacks',
      `${PRISMA}\nmodel Agent {\n id Int @id\n @@map("agent")\n}`,
      'table agent (model Agent): missing in the database',
    ],
  ])('fails on %s', async (_label, prisma, problem) => {
    const report = await checkSchemaDrift({
      connectionString: db.url,
      schema: 'drift',
      prismaSchema: prisma,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toContain(problem);
  });
});
