import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventEnvelope } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { PG_POOL } from '@autotelesale/service-kit';
import { AGENT_SERVICE_CONFIG, type AgentServiceConfig } from '../config/agent-service.config';
import { AGENT_DATABASE } from '../db/agent-db.constants';
import { scopePoolToSchema } from '../db/scope-pool-to-schema';

/** Any constant: the key of the advisory lock that lets one relay publish at a time. */
const RELAY_LOCK_KEY = 47_011_006;
const BATCH = 200;
/** How often published events older than the retention are deleted (and at start-up). */
const PURGE_EVERY_MS = 60_000;
/** Rows deleted per statement: a large backlog goes in short transactions. */
const PURGE_BATCH = 5_000;

/**
 * Publishes the outbox to the agents stream, in `seq` order. Why an outbox: a change and
 * its event commit together, so a crash between the two can neither lose an event nor
 * leave a gap in an agent's versions. Why one relay at a time (advisory lock across
 * instances): two relays could publish version 6 of an agent before version 5, and a
 * consumer that ignores versions at or below its last would then drop 5.
 * At-least-once: a publish retried after a crash carries the same event id (Nats-Msg-Id),
 * which JetStream de-duplicates, and consumers ignore versions they have.
 * Published rows stay for `outboxRetentionMinutes` (to look at), then are deleted, every
 * minute and at start-up; an unpublished row is never deleted.
 */
@Injectable()
export class AgentEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('agent-event-relay');
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private purgeTimer: NodeJS.Timeout | null = null;
  private purging: Promise<number> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    @Inject(AGENT_SERVICE_CONFIG) private readonly config: AgentServiceConfig,
  ) {
    scopePoolToSchema(pool, AGENT_DATABASE.schema);
  }

  onApplicationBootstrap(): void {
    const purge = () => {
      this.purging ??= this.purgePublished()
        .catch((error: unknown) => {
          // The rows stay; the next round tries again.
          this.logger.error({ err: String(error) }, 'deleting published agent events failed');
          return 0;
        })
        .finally(() => {
          this.purging = null;
        });
    };
    purge();
    this.purgeTimer = setInterval(purge, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /**
   * Deletes the events published longer than the retention ago, oldest first, in batches
   * (instances may do it side by side: a row deleted by another is skipped). Returns how many.
   */
  async purgePublished(): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM agent_event_outbox WHERE seq = ANY(ARRAY(
           SELECT seq FROM agent_event_outbox
            WHERE published_at < now() - make_interval(mins => $1::int)
            ORDER BY published_at LIMIT ${PURGE_BATCH}))`,
        [this.config.outboxRetentionMinutes],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < PURGE_BATCH || this.stopped) return total;
    }
  }

  /** Publishes what is waiting, soon; coalesces calls while a drain runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drainWhileAsked().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when nothing that was waiting when called is left unpublished (tests, shutdown). */
  async flush(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.flush().catch(() => undefined);
    this.stopped = true;
    await this.purging;
  }

  private async drainWhileAsked(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.publishBatch()) === BATCH);
      } catch (error) {
        // The rows stay unpublished; the next kick (the sweeper's tick at the latest) retries.
        this.logger.error({ err: String(error) }, 'publishing agent events failed');
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async publishBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      // BEGIN and the lock in one round trip (a constant key: nothing to escape).
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${RELAY_LOCK_KEY})`);
      const { rows } = await client.query<{ seq: string; agent_id: string; envelope: unknown }>(
        `SELECT seq, agent_id, envelope FROM agent_event_outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT ${BATCH}`,
      );
      // One chain per agent, the chains at once: an agent's events still go out one after
      // the other (version 6 is sent only once 5 is acked), but the batch no longer waits
      // for each ack in turn while it holds a database connection. A chain that fails
      // stops there; what the others published is marked, the rest is retried.
      const chains = new Map<string, typeof rows>();
      for (const row of rows) {
        const chain = chains.get(row.agent_id);
        if (chain) chain.push(row);
        else chains.set(row.agent_id, [row]);
      }
      const published: string[] = [];
      const results = await Promise.allSettled(
        [...chains.values()].map(async (chain) => {
          for (const row of chain) {
            // publishEvent validates the envelope (a typed error for a bad row).
            await this.bus.publishEvent(
              this.bus.topology.events.agent(row.agent_id),
              row.envelope as EventEnvelope,
            );
            published.push(row.seq);
          }
        }),
      );
      // The marking and COMMIT in one round trip: the seqs are the database's own bigints
      // (digits only, checked), so they go in as a literal array.
      const seqs = published.filter((seq) => /^\d+$/.test(seq));
      await client.query(
        seqs.length > 0
          ? `UPDATE agent_event_outbox SET published_at = now() WHERE seq = ANY('{${seqs.join(',')}}'::bigint[]); COMMIT`
          : 'COMMIT',
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
