import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import type { EventEnvelope } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';

const BATCH = 500;
const IDLE_POLL_MS = 1_000;
/** Only one replica relays at a time, so events leave in the order they were written. */
const RELAY_LOCK_KEY = 'campaign-outbox-relay';

/**
 * Publishes the outbox to JetStream in order and deletes what the server acknowledged.
 * A publish that fails leaves the rows for the next round; a row published twice (crash
 * between ack and delete) is dropped by the stream's de-duplication on the event id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('outbox');
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Called after a commit that wrote events: publish them now rather than at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    clearTimeout(this.timer);
    this.current = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'outbox relay round failed'))
      .finally(() => {
        this.running = false;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), IDLE_POLL_MS);
          this.timer.unref();
        }
      });
  }

  /** Publishes until the outbox is empty; resolves when nothing is left (tests await it). */
  async flush(): Promise<void> {
    while (true) {
      await this.current;
      const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
      if (Number(rows[0]!.n) === 0) return;
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async drain(): Promise<void> {
    let published = BATCH;
    while (published === BATCH && !this.stopped) published = await this.round();
  }

  private async round(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`,
        [RELAY_LOCK_KEY],
      );
      if (!lock.rows[0]!.ok) {
        await client.query('ROLLBACK');
        return 0;
      }
      const { rows } = await client.query<{ seq: string; subject: string; event: EventEnvelope }>(
        `SELECT seq, subject, event FROM outbox ORDER BY seq LIMIT ${BATCH}`,
      );
      // Pipelined on one connection: the server stores them in this order.
      await Promise.all(rows.map((row) => this.bus.publishEvent(row.subject, row.event)));
      if (rows.length > 0) {
        await client.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
