import { PacingError } from '../errors';
import {
  countAgents,
  countCalls,
  type CampaignSnapshot,
  type Pacer,
  type PacingDecision,
  type PacingEvent,
} from './campaign-snapshot';

/**
 * The seed documents' rule: calls in flight (ringing, or answered and waiting for an
 * agent) <= k x free agents. `k` is the user's knob (1 / expected live-answer share);
 * it knows nothing about when busy agents will free up, so it idles agents while they
 * are busy and over-dials when the list answers better than `k` assumed.
 */
export class RatioPacer implements Pacer {
  readonly mode = 'ratio' as const;
  readonly policy = 'k-free';

  constructor(private readonly k: number) {
    if (!(k >= 0) || !Number.isFinite(k))
      throw new PacingError('PACING_INVALID_ARGUMENT', `k must be a finite number >= 0, got ${k}`);
  }

  decide(snapshot: CampaignSnapshot): PacingDecision {
    const free = countAgents(snapshot, 'ready');
    const inFlight =
      countCalls(snapshot, 'ringing') + countCalls(snapshot, 'detecting') + countCalls(snapshot, 'waiting');
    const dials = Math.max(0, Math.floor(this.k * free + 1e-9) - inFlight);
    return { dials, reserveAgentIds: [], reason: dials > 0 ? 'below-k-x-free' : 'at-k-x-free' };
  }

  observe(_event: PacingEvent): void {
    // A fixed ratio learns nothing.
  }
}
