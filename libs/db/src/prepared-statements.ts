import { createHash } from 'node:crypto';
import { Client, type PoolConfig } from 'pg';
import { DbError } from './db.errors';

/**
 * Named (server-side prepared) statements for every parameterised query.
 *
 * pg sends a query with values as an unnamed statement: PostgreSQL parses, analyses and
 * plans it on every execution. On the call path that planning cost as much as running the
 * statements (pg_stat_statements at 80 call attempts/s: 4.5 s of planning beside 6.1 s of
 * execution in 20 s). A named statement is parsed once per connection; after five runs
 * PostgreSQL keeps a generic plan when it costs no more than the custom ones (its
 * `plan_cache_mode = auto`), so a statement whose best plan depends on its values still
 * gets a custom plan.
 *
 * The name is a digest of the SQL text, so one text always has one name (pg refuses a name
 * reused for another text) and every connection of every pool shares the cache of names.
 * Names are given to at most `MAX_NAMED_STATEMENTS` distinct texts per process; SQL built
 * with a variable shape past that runs unnamed, so no connection holds an unbounded number
 * of prepared statements. A statement gone stale under a migration is prepared again
 * (`PreparingClient`).
 *
 * Off with `ATS_DB_PREPARED_STATEMENTS=off`: for a connection pooler that multiplexes
 * server connections per transaction (PgBouncer before 1.21 in transaction mode), where a
 * statement prepared on one server connection is missing on the next.
 */
export const MAX_NAMED_STATEMENTS = 2_000;

/** Names for SQL texts: a digest of the text, for at most `capacity` distinct texts. */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(readonly capacity = MAX_NAMED_STATEMENTS) {}

  /** The name for `text`, or undefined once `capacity` distinct texts have one. */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= this.capacity) return undefined;
    const name = `ats_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }

  get size(): number {
    return this.names.size;
  }
}

/** The process's names, shared by every connection of every pool. */
export const statementNames = new StatementNames();

type Callback = (err: Error | null, result?: unknown) => void;
type QueryFn = (config: unknown, values?: unknown, callback?: unknown) => unknown;
const plainQuery = Client.prototype.query as unknown as QueryFn;

interface QueryConfigLike {
  text: string;
  name?: string | null;
  values?: unknown;
  submit?: unknown;
}

/**
 * The server's answer when a prepared statement's result columns changed under it (a
 * migration added a column to a table a `SELECT *` reads), or when the statement is gone
 * from the server connection (`DISCARD ALL`, a pooler that switched connections).
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === '26000') return true; // invalid_sql_statement_name: prepared statement does not exist
  return (
    e.code === '0A000' &&
    typeof e.message === 'string' &&
    e.message.includes('cached plan must not change result type')
  );
}

/**
 * A pg Client that names each parameterised query it runs (see `StatementNames`). Queries
 * with no values (simple protocol: several statements in one text are allowed there),
 * queries already named, and submittables (cursors) go through unchanged.
 *
 * A stale statement (`isStalePreparedStatement`) moves this connection to fresh names
 * (a generation suffix), so the next run prepares the statement again. The failed query is
 * run again at once when it was alone on an idle connection (outside any transaction, so
 * it changed nothing); inside a transaction the error goes to the caller, as any other
 * error that aborts the transaction does.
 */
export class PreparingClient extends Client {
  /** Bumped on a stale statement: names get a `_g<n>` suffix, so each is prepared anew. */
  statementGeneration = 0;
}

function nameFor(client: PreparingClient, text: string): string | undefined {
  const base = statementNames.nameOf(text);
  if (base === undefined || client.statementGeneration === 0) return base;
  return `${base}_g${client.statementGeneration}`;
}

/** Idle, nothing queued: a query sent now runs in its own implicit transaction. */
function aloneAndIdle(client: PreparingClient): boolean {
  const internals = client as unknown as { _activeQuery: unknown; _queryQueue: unknown[] };
  return (
    client.getTransactionStatus() === 'I' && !internals._activeQuery && internals._queryQueue.length === 0
  );
}

function runNamed(client: PreparingClient, config: QueryConfigLike, callback: Callback | undefined): unknown {
  const retryable = aloneAndIdle(client);
  const attempt = (cb: Callback, again: boolean): void => {
    const name = nameFor(client, config.text);
    plainQuery.call(
      client,
      name === undefined ? config : { ...config, name },
      (err: Error | null, res?: unknown) => {
        if (err && name !== undefined && isStalePreparedStatement(err)) {
          client.statementGeneration += 1;
          if (again) return attempt(cb, false);
        }
        cb(err, res);
      },
    );
  };
  if (callback) {
    attempt(callback, retryable);
    return undefined;
  }
  return new Promise((resolve, reject) =>
    attempt((err, res) => (err ? reject(err) : resolve(res)), retryable),
  );
}

(PreparingClient.prototype as unknown as { query: QueryFn }).query = function (
  this: PreparingClient,
  config: unknown,
  values?: unknown,
  callback?: unknown,
) {
  if (typeof config === 'string') {
    if (hasValues(values) && (callback === undefined || typeof callback === 'function'))
      return runNamed(this, { text: config, values }, callback as Callback | undefined);
  } else if (config !== null && typeof config === 'object') {
    const c = config as QueryConfigLike;
    const cb = typeof values === 'function' ? values : callback;
    const vals = c.values ?? (Array.isArray(values) ? values : undefined);
    if (
      typeof c.submit !== 'function' &&
      typeof c.text === 'string' &&
      (c.name === undefined || c.name === null) &&
      hasValues(vals) &&
      (cb === undefined || typeof cb === 'function')
    )
      return runNamed(this, { ...c, values: vals }, cb as Callback | undefined);
  }
  return plainQuery.call(this, config, values, callback);
};

function hasValues(values: unknown): values is unknown[] {
  return Array.isArray(values) && values.length > 0;
}

/** True unless `ATS_DB_PREPARED_STATEMENTS` is `off` (or `false`, `0`). */
export function preparedStatementsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env['ATS_DB_PREPARED_STATEMENTS'] ?? 'on').trim().toLowerCase();
  if (v === 'on' || v === 'true' || v === '1' || v === '') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw new DbError('INVALID_DB_SETTING', `ATS_DB_PREPARED_STATEMENTS must be on or off, not '${v}'`);
}

/**
 * A pool configuration whose connections name their statements (`PreparingClient`),
 * unless `ATS_DB_PREPARED_STATEMENTS=off`.
 */
export function withPreparedStatements<T extends PoolConfig>(
  config: T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  return preparedStatementsEnabled(env) ? { ...config, Client: PreparingClient } : config;
}
