import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AgentDatabase } from '../db/agent-database';
import type { AgentRow, ReservationRow } from '../db/agent-rows';
import { AgentEventRelay } from '../events/agent-event-relay';
import { AGENT_SERVICE_CONFIG, type AgentServiceConfig } from '../config/agent-service.config';
import { AgentTransitions } from '../states/agent-transitions';
import { expireReservation } from '../reservations/reservation-store';

const BATCH = 100;
/** Past a deadline by this much before the timer fires: database and process clocks differ a little. */
const TIMER_SLACK_MS = 5;

/**
 * Honours deadlines: expires unconfirmed reservations and ends elapsed wrap-ups, by
 * database time. Deadlines live in the database, not in this process: a timer set for
 * each known deadline makes them prompt, and a periodic sweep (also at start-up) finds
 * every deadline this instance never knew of, after a restart or set by another
 * instance. Rows are taken `FOR UPDATE SKIP LOCKED`, so instances sweep side by side.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('deadline-sweeper');
  private interval: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
    private readonly relay: AgentEventRelay,
    @Inject(AGENT_SERVICE_CONFIG) private readonly config: AgentServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepSoon();
    this.interval = setInterval(() => this.sweepSoon(), this.config.sweepIntervalMs);
    this.interval.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  /** Sweeps just after `deadline` (a reservation's expiry, a wrap-up's end). */
  wakeAt(deadline: Date): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.sweepSoon();
      },
      Math.max(0, deadline.getTime() - Date.now()) + TIMER_SLACK_MS,
    );
    timer.unref();
    this.timers.add(timer);
  }

  /** Runs one sweep now, or right after the one in progress. */
  sweepSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.sweep();
        } catch (error) {
          this.logger.error({ err: String(error) }, 'sweeping deadlines failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Expires every reservation and ends every wrap-up past its deadline. Returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = (await this.expireReservations()) + (await this.endWrapUps());
      total += done;
      if (done === 0) break;
    }
    // Events an earlier publish could not deliver (NATS down, a crash) go out now.
    this.relay.kick();
    return total;
  }

  private expireReservations(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<ReservationRow>(
        `SELECT * FROM reservation
          WHERE status = 'pending' AND expires_at <= clock_timestamp()
          ORDER BY expires_at LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
      );
      for (const reservation of rows) {
        await expireReservation(tx, this.transitions, reservation, await tx.now());
      }
      return rows.length;
    });
  }

  private endWrapUps(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(
        `SELECT a.*, '{}'::text[] AS group_ids FROM agent a
          WHERE a.state = 'wrap_up' AND a.wrap_up_ends_at <= clock_timestamp()
          ORDER BY a.wrap_up_ends_at LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
      );
      for (const agent of rows) {
        await this.transitions.apply(tx, agent, { type: 'wrapUpElapsed' }, await tx.now());
      }
      return rows.length;
    });
  }
}
