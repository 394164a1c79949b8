import type { Logger } from '@nestjs/common';
import {
  CLEAR_TO_DIAL_MANY_MAX,
  campaignRpcs,
  complianceRpcs,
  type LeasedContact,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';

type ClearanceLogger = Pick<Logger, 'log' | 'warn'>;

/**
 * Asks campaign-service, right before an originate, whether the contact may be dialed at
 * this instant (DNC lists, calling hours in the contact's zones, caps: the rules may have
 * changed since the lease). A refused contact has already been given back by
 * campaign-service (finished, or due later) and is dropped here, never dialed. No answer
 * means no clearance: the lease is released (no attempt counted) and nothing is dialed.
 *
 * The questions asked in the same turn of the event loop (the contacts of one lease) go
 * in one `clearToDialMany` request: one transaction in campaign-service instead of one
 * per contact, each contact decided and audited as alone.
 */
export function clearedToDial(
  bus: NatsBus,
  dialerId: string,
  contact: LeasedContact,
  logger: ClearanceLogger,
): Promise<boolean> {
  let batches = batchesByBus.get(bus);
  if (!batches) batchesByBus.set(bus, (batches = new Map()));
  let batch = batches.get(dialerId);
  if (!batch) batches.set(dialerId, (batch = new ClearanceBatch(bus, dialerId)));
  return batch.clear(contact, logger);
}

const batchesByBus = new WeakMap<NatsBus, Map<string, ClearanceBatch>>();

interface Waiting {
  contact: LeasedContact;
  logger: ClearanceLogger;
  resolve: (allowed: boolean) => void;
}

/** The clearance questions of one dialer, gathered over a turn of the event loop. */
export class ClearanceBatch {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly dialerId: string,
  ) {}

  clear(contact: LeasedContact, logger: ClearanceLogger): Promise<boolean> {
    return new Promise((resolve) => {
      this.queue.push({ contact, logger, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.queue;
    this.queue = [];
    // One request per distinct attempt: the same attempt asked twice gets one answer.
    const byAttempt = new Map<string, Waiting[]>();
    for (const w of waiting) {
      const same = byAttempt.get(w.contact.attemptId);
      if (same) same.push(w);
      else byAttempt.set(w.contact.attemptId, [w]);
    }
    const ids = [...byAttempt.keys()];
    for (let i = 0; i < ids.length; i += CLEAR_TO_DIAL_MANY_MAX) {
      const chunk = ids.slice(i, i + CLEAR_TO_DIAL_MANY_MAX);
      void this.send(new Map(chunk.map((id) => [id, byAttempt.get(id)!])));
    }
  }

  private async send(byAttempt: Map<string, Waiting[]>): Promise<void> {
    let reply;
    try {
      reply = await this.bus.request(complianceRpcs.clearToDialMany, {
        attemptIds: [...byAttempt.keys()],
        dialerId: this.dialerId,
      });
    } catch (error) {
      return this.giveBack([...byAttempt.values()].flat(), error);
    }
    for (const result of reply.results) {
      for (const w of byAttempt.get(result.attemptId) ?? []) {
        if (!result.allowed)
          w.logger.log({ msg: 'dial refused by compliance', contactId: w.contact.id, reason: result.reason });
        w.resolve(result.allowed);
      }
      byAttempt.delete(result.attemptId);
    }
    // Attempts campaign-service does not know (notFound), or left out of the reply.
    if (byAttempt.size > 0) await this.giveBack([...byAttempt.values()].flat(), 'attempt not found');
  }

  private async giveBack(waiting: Waiting[], error: unknown): Promise<void> {
    for (const w of waiting)
      w.logger.warn({ msg: 'no dial clearance: not dialed', contactId: w.contact.id, error: String(error) });
    await this.bus
      .request(campaignRpcs.releaseLease, {
        dialerId: this.dialerId,
        attemptIds: [...new Set(waiting.map((w) => w.contact.attemptId))],
        reason: 'no dial clearance',
      })
      .catch(() => undefined); // the leases then expire and the contacts come back by themselves
    for (const w of waiting) w.resolve(false);
  }
}
