/**
 * Agent-first dialing (progressive, call-back) reserves an agent before it leases the
 * contact for them. With nothing due (a list worked through, every contact waiting for its
 * retry time) each pacing tick would reserve an idle agent and give them back at once:
 * five reservations a second per campaign, each one a state change the agent, the
 * supervisor's wallboard and the interval report see. After a lease that found nothing,
 * the next try waits `firstMs`, doubling up to `maxMs`; a lease that finds a contact ends
 * the wait. A contact that becomes due meanwhile is dialed at most `maxMs` later.
 */
export interface EmptyQueueBackoffSettings {
  firstMs: number;
  maxMs: number;
}

export const EMPTY_QUEUE_BACKOFF: EmptyQueueBackoffSettings = { firstMs: 500, maxMs: 4_000 };

export class EmptyQueueBackoff {
  private waitMs = 0;
  private until = 0;

  constructor(private readonly settings: EmptyQueueBackoffSettings = EMPTY_QUEUE_BACKOFF) {}

  /** Whether a reserve-then-lease may be tried at `now` (ms). */
  mayTry(now: number): boolean {
    return now >= this.until;
  }

  /** A lease at `now` found nothing to dial. */
  foundNothing(now: number): void {
    this.waitMs = this.waitMs === 0 ? this.settings.firstMs : Math.min(this.settings.maxMs, this.waitMs * 2);
    this.until = now + this.waitMs;
  }

  /** A lease found a contact: the next tick may try again. */
  foundContact(): void {
    this.waitMs = 0;
    this.until = 0;
  }
}
