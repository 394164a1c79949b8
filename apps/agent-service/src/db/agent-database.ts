import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { AtsError } from '@autotelesale/contracts';
import { isDeadlock, withPreparedStatements } from '@autotelesale/db';
import { PG_POOL, SERVICE_CONFIG, type ServiceConfig } from '@autotelesale/service-kit';
import { AgentEventRelay } from '../events/agent-event-relay';
import { AGENT_DATABASE } from './agent-db.constants';
import { scopePoolToSchema } from './scope-pool-to-schema';

/** The database clock as AgentTx.now reads it. */
export const NOW_SQL = `SELECT date_trunc('milliseconds', clock_timestamp()) AS now`;

/**
 * Statements sent with BEGIN, in its round trip (one simple query: no parameters, so
 * values go in through `literal`, the connection's escaping). They run in order, each
 * after the one before (a lock, then the clock read after it).
 */
export type OpeningStatements = (literal: (value: string) => string) => string[];

/** One database transaction of agent-service, counting the events it puts in the outbox. */
export class AgentTx {
  eventsEnqueued = 0;
  /** The results of the opening statements, in order. */
  opened: QueryResult[] = [];
  constructor(private readonly client: PoolClient) {}

  query<R extends QueryResultRow>(text: string, values?: unknown[]) {
    return this.client.query<R>(text, values);
  }

  /**
   * The database's clock, read after the locks the transaction needs are held: every
   * deadline and interval boundary comes from it (never from a service's clock), and a
   * change that waited for a lock never gets a time before the change it waited for.
   */
  async now(): Promise<Date> {
    const result = await this.client.query<{ now: Date }>(NOW_SQL);
    return result.rows[0]!.now;
  }
}

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === UNIQUE_VIOLATION && (!constraint || pgError.constraint === constraint);
}

/** Connections of the reserve lane (see AgentDatabase). */
export const RESERVE_LANE_CONNECTIONS = 10;

/**
 * Raw SQL through the service-kit pool for every write: the state changes need
 * conditional UPDATEs, `FOR UPDATE SKIP LOCKED` and the outbox in one transaction,
 * which Prisma expresses badly. Prisma serves the plain reads.
 *
 * Reserves have a lane of their own (`lane: 'reserve'`, a small second pool): a reserve
 * is on the path from a customer's answer to the bridge, and in the shared pool it queued
 * behind confirms, ended calls, the relay and the sweeper (at 100 calls/s under load the
 * shared pool's ten connections can all be busy). Same database, same locks: only the queue
 * differs.
 */
@Injectable()
export class AgentDatabase implements OnApplicationShutdown {
  private readonly reserveLane: Pool;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly relay: AgentEventRelay,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    scopePoolToSchema(pool, AGENT_DATABASE.schema);
    this.reserveLane = scopePoolToSchema(
      new Pool(
        withPreparedStatements({ connectionString: config.databaseUrl, max: RESERVE_LANE_CONNECTIONS }),
      ),
      AGENT_DATABASE.schema,
    );
  }

  /** After every module stopped (no reserve left running): close the lane. */
  async onApplicationShutdown(): Promise<void> {
    await this.reserveLane.end().catch(() => undefined);
  }

  /**
   * Runs `work` in a READ COMMITTED transaction; after a commit with events, wakes the relay.
   * `advisoryLock`: a transaction-scoped advisory lock on (space, hashtext(key)) taken
   * right after BEGIN, in BEGIN's own round trip (one simple query, no parameters: the key
   * goes in as an escaped literal), so `work`'s first statement already sees everything
   * the lock's previous holder committed.
   */
  async transaction<T>(
    work: (tx: AgentTx) => Promise<T>,
    options: {
      advisoryLock?: { space: number; key: string } | { space: number; keys: string[] };
      lane?: 'reserve';
      opening?: OpeningStatements;
    } = {},
  ): Promise<T> {
    const pool = options.lane === 'reserve' ? this.reserveLane : this.pool;
    for (let attempt = 1; ; attempt += 1) {
      const client = await pool.connect();
      const tx = new AgentTx(client);
      try {
        const literal = (value: string) => client.escapeLiteral(value);
        const lock = options.advisoryLock;
        // Several keys are locked in one statement, in sorted order: two transactions whose
        // key sets overlap wait for each other instead of deadlocking.
        const keys = lock ? [...new Set('keys' in lock ? lock.keys : [lock.key])].sort() : [];
        const opening = [
          ...(lock
            ? [
                keys.length === 1
                  ? `SELECT pg_advisory_xact_lock(${Math.trunc(lock.space)}, hashtext(${literal(keys[0]!)}))`
                  : `SELECT count(pg_advisory_xact_lock(${Math.trunc(lock.space)}, hashtext(k)))
                       FROM (SELECT k FROM unnest(ARRAY[${keys.map(literal).join(', ')}]::text[]) k ORDER BY hashtext(k)) sorted`,
              ]
            : []),
          ...(options.opening?.(literal) ?? []),
        ];
        if (opening.length === 0) await client.query('BEGIN');
        else {
          // A simple query with several statements answers one result per statement.
          const results = (await client.query(['BEGIN', ...opening].join('; '))) as unknown as QueryResult[];
          tx.opened = results.slice(1 + (lock ? 1 : 0));
        }
        const result = await work(tx);
        await client.query('COMMIT');
        if (tx.eventsEnqueued > 0) this.relay.kick();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // Lock order is reservation -> agent everywhere, so a deadlock should not occur;
        // if one does, PostgreSQL aborted one side and trying again is safe.
        if (isDeadlock(error) && attempt < 3) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  async query<R extends QueryResultRow>(text: string, values?: unknown[]) {
    return this.pool.query<R>(text, values);
  }

  /**
   * Runs `work` on one connection, outside a transaction (each statement its own
   * snapshot): statements that must run in order without waiting for the pool between them.
   */
  async session<T>(work: (client: Pick<PoolClient, 'query'>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
}

export function notFound(what: string, id: string): AtsError {
  return new AtsError('NOT_FOUND', `${what} ${id} does not exist`, { id });
}
