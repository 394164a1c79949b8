import type { Logger } from '@nestjs/common';
import { campaignRpcs, complianceRpcs, type LeasedContact } from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';

/**
 * Asks campaign-service, right before an originate, whether the contact may be dialed at
 * this instant (DNC lists, calling hours in the contact's zones, caps: the rules may have
 * changed since the lease). A refused contact has already been given back by
 * campaign-service (finished, or due later) and is dropped here, never dialed. No answer
 * means no clearance: the lease is released (no attempt counted) and nothing is dialed.
 */
export async function clearedToDial(
  bus: NatsBus,
  dialerId: string,
  contact: LeasedContact,
  logger: Pick<Logger, 'log' | 'warn'>,
): Promise<boolean> {
  try {
    const reply = await bus.request(complianceRpcs.clearToDial, { attemptId: contact.attemptId, dialerId });
    if (!reply.allowed)
      logger.log({ msg: 'dial refused by compliance', contactId: contact.id, reason: reply.reason });
    return reply.allowed;
  } catch (error) {
    logger.warn({ msg: 'no dial clearance: not dialed', contactId: contact.id, error: String(error) });
    await bus
      .request(campaignRpcs.releaseLease, {
        dialerId,
        attemptIds: [contact.attemptId],
        reason: 'no dial clearance',
      })
      .catch(() => undefined); // the lease then expires and the contact comes back by itself
    return false;
  }
}
