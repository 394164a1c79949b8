import { Client, Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@autotelesale/testing';
import {
  DbError,
  PreparingClient,
  StatementNames,
  isStalePreparedStatement,
  preparedStatementsEnabled,
  statementNames,
  withPreparedStatements,
} from './index';

let db: TestDatabase;
let admin: Client;

beforeAll(async () => {
  db = await createTestDatabase('ats_prepared');
  admin = new Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE TABLE item (id int PRIMARY KEY, label text NOT NULL)`);
  await admin.query(`INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 50) g`);
});

afterAll(async () => {
  await admin.end();
  await db.drop();
});

/** The statements the server holds prepared for the connection `client` is on. */
async function preparedOn(client: { query: Client['query'] }): Promise<string[]> {
  const { rows } = await client.query<{ statement: string }>(
    `SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`,
  );
  return rows.map((r) => r.statement);
}

describe('PreparingClient', () => {
  let client: PreparingClient;
  beforeEach(async () => {
    client = new PreparingClient({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
  });

  it('prepares a parameterised query once on its connection and answers each run with its own values', async () => {
    const text = 'SELECT label FROM item WHERE id = $1';
    for (const id of [3, 7, 3, 42, 9, 11, 12])
      expect((await client.query<{ label: string }>(text, [id])).rows).toEqual([{ label: `item ${id}` }]);
    expect(await preparedOn(client)).toEqual([text]);
  });

  it('names config-object queries too, keeping their options (rowMode), and leaves value-less texts unprepared', async () => {
    const res = await client.query({
      text: 'SELECT id, label FROM item WHERE id = $1',
      values: [5],
      rowMode: 'array',
    });
    expect(res.rows).toEqual([[5, 'item 5']]);
    // Several statements in one text: allowed only on the simple protocol, which is kept.
    const multi = (await client.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as { rows: unknown[] }[];
    expect(multi.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect(await preparedOn(client)).toEqual(['SELECT id, label FROM item WHERE id = $1']);
  });

  it('keeps a name given by the caller and passes callbacks through', async () => {
    const rows = await new Promise<unknown[]>((resolve, reject) =>
      client.query({ name: 'by_hand', text: 'SELECT $1::int + 1 AS n', values: [1] }, (err, res) =>
        err ? reject(err) : resolve(res.rows),
      ),
    );
    expect(rows).toEqual([{ n: 2 }]);
    const viaCallback = await new Promise<unknown[]>((resolve, reject) =>
      client.query('SELECT $1::text AS s', ['x'], (err, res) => (err ? reject(err) : resolve(res.rows))),
    );
    expect(viaCallback).toEqual([{ s: 'x' }]);
    const { rows: named } = await client.query<{ name: string }>(
      'SELECT name FROM pg_prepared_statements ORDER BY prepare_time',
    );
    expect(named.map((r) => r.name)).toEqual(['by_hand', statementNames.nameOf('SELECT $1::text AS s')]);
  });

  it('a statement whose parse failed is not taken as prepared: the same text fails the same way each time', async () => {
    for (let i = 0; i < 2; i++)
      await expect(client.query('SELECT nope FROM item WHERE id = $1', [1])).rejects.toMatchObject({
        code: '42703',
      });
    expect(await preparedOn(client)).toEqual([]);
  });

  it('after a migration adds a column under a prepared SELECT *, a lone query runs again prepared afresh', async () => {
    await admin.query(`CREATE TABLE widget (id int PRIMARY KEY, label text)`);
    await admin.query(`INSERT INTO widget VALUES (1, 'one')`);
    const text = 'SELECT * FROM widget WHERE id = $1';
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, label: 'one' }]);
    await admin.query(`ALTER TABLE widget ADD COLUMN colour text NOT NULL DEFAULT 'blue'`);
    // An unnamed statement would see the new column; so must the prepared one.
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, label: 'one', colour: 'blue' }]);
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, label: 'one', colour: 'blue' }]);
    expect(client.statementGeneration).toBe(1);
  });

  it('inside a transaction the stale statement fails that transaction only; the next one succeeds', async () => {
    await admin.query(`CREATE TABLE gadget (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO gadget VALUES (1)`);
    const text = 'SELECT * FROM gadget WHERE id = $1';
    await client.query(text, [1]);
    await admin.query(`ALTER TABLE gadget ADD COLUMN size int NOT NULL DEFAULT 3`);
    await client.query('BEGIN');
    const failed = await client.query(text, [1]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStalePreparedStatement(failed)).toBe(true);
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, size: 3 }]);
    await client.query('COMMIT');
  });

  it('a statement dropped on the server (DEALLOCATE ALL) is prepared again', async () => {
    const text = 'SELECT label FROM item WHERE id = $1';
    await client.query(text, [1]);
    await client.query('DEALLOCATE ALL');
    expect((await client.query(text, [2])).rows).toEqual([{ label: 'item 2' }]);
    expect(await preparedOn(client)).toEqual([text]);
  });
});

describe('a pool configured withPreparedStatements', () => {
  it('prepares on every connection, under concurrency, with results equal to unnamed statements', async () => {
    const prepared = new Pool(withPreparedStatements({ connectionString: db.url, max: 4 }, {}));
    const plain = new Pool({ connectionString: db.url, max: 2 });
    try {
      const text = 'SELECT id, label FROM item WHERE id BETWEEN $1 AND $2 ORDER BY id';
      const ranges = Array.from({ length: 40 }, (_, i) => [i % 50, (i % 50) + (i % 7)]);
      const got = await Promise.all(ranges.map((r) => prepared.query(text, r)));
      const want = await Promise.all(ranges.map((r) => plain.query(text, r)));
      expect(got.map((r) => r.rows)).toEqual(want.map((r) => r.rows));
      const held = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const c = await prepared.connect();
          try {
            return await preparedOn(c);
          } finally {
            c.release();
          }
        }),
      );
      expect(held.some((statements) => statements.includes(text))).toBe(true);
      expect(prepared.options.Client).toBe(PreparingClient);
    } finally {
      await prepared.end();
      await plain.end();
    }
  });

  it('off leaves the pool with plain clients', async () => {
    const pool = new Pool(
      withPreparedStatements({ connectionString: db.url, max: 1 }, { ATS_DB_PREPARED_STATEMENTS: 'off' }),
    );
    try {
      await pool.query('SELECT label FROM item WHERE id = $1', [1]);
      expect(await preparedOn(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});

describe('StatementNames', () => {
  it('gives one stable name per text, distinct texts distinct names, and none past its capacity', () => {
    const names = new StatementNames(3);
    const a = names.nameOf('SELECT $1');
    expect(a).toMatch(/^ats_[0-9a-f]{24}$/);
    expect(names.nameOf('SELECT $1')).toBe(a);
    const b = names.nameOf('SELECT $1, $2');
    const c = names.nameOf('SELECT $1, $2, $3');
    expect(new Set([a, b, c]).size).toBe(3);
    expect(names.nameOf('SELECT $1, $2, $3, $4')).toBeUndefined();
    expect(names.nameOf('SELECT $1, $2')).toBe(b);
    expect(names.size).toBe(3);
  });
});

describe('preparedStatementsEnabled', () => {
  it('is on by default and reads on/off, refusing anything else with a typed error', () => {
    expect(preparedStatementsEnabled({})).toBe(true);
    expect(preparedStatementsEnabled({ ATS_DB_PREPARED_STATEMENTS: 'OFF' })).toBe(false);
    expect(preparedStatementsEnabled({ ATS_DB_PREPARED_STATEMENTS: 'on' })).toBe(true);
    expect(() => preparedStatementsEnabled({ ATS_DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(DbError);
  });
});
