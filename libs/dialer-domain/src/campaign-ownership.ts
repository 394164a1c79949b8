/**
 * One dialer replica paces a campaign at a time. The owner writes a record with an
 * expiry into a KV entry (compare-and-set on the entry's revision) and renews it well
 * before it expires; a replica that finds the record expired (its owner died or lost
 * NATS) may take it over and must then reconcile the calls still live on the nodes.
 * This decides, from the record and the time; the service does the CAS.
 */
export interface OwnershipRecord {
  dialerId: string;
  /** Epoch ms after which another replica may take the campaign. */
  expiresAt: number;
  /** Epoch ms when this owner first took it (kept across renewals). */
  since: number;
}

export type OwnershipDecision =
  /** Nobody holds it: create the entry. */
  | { action: 'acquire'; record: OwnershipRecord }
  /** We hold it: write the renewed expiry (CAS on the revision we read). */
  | { action: 'renew'; record: OwnershipRecord }
  /** Its owner let it expire: overwrite (CAS) and reconcile the owner's live calls. */
  | { action: 'takeOver'; record: OwnershipRecord; previousOwner: string }
  /** Someone else holds it and it has not expired: leave it alone. */
  | { action: 'leave'; owner: string; expiresAt: number };

export function decideOwnership(
  current: OwnershipRecord | undefined,
  dialerId: string,
  now: number,
  leaseMs: number,
): OwnershipDecision {
  if (!current) return { action: 'acquire', record: { dialerId, expiresAt: now + leaseMs, since: now } };
  if (current.dialerId === dialerId)
    return { action: 'renew', record: { dialerId, expiresAt: now + leaseMs, since: current.since } };
  if (now >= current.expiresAt)
    return {
      action: 'takeOver',
      record: { dialerId, expiresAt: now + leaseMs, since: now },
      previousOwner: current.dialerId,
    };
  return { action: 'leave', owner: current.dialerId, expiresAt: current.expiresAt };
}

/** Renew at a third of the lease: two renewals may fail (a NATS hiccup) before it lapses. */
export function renewalIntervalMs(leaseMs: number): number {
  return Math.max(50, Math.floor(leaseMs / 3));
}
