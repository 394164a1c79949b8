import type { KV } from '@nats-io/kv';
import { decideOwnership, type OwnershipRecord } from '@autotelesale/dialer-domain';

export type ClaimResult =
  /** `previousSince`: when the previous owner took the campaign (its calls start after). */
  | { owned: true; previousOwner: string | undefined; previousSince?: number }
  | { owned: false; owner: string | undefined };

/**
 * Campaign ownership in JetStream KV (`topology.kv.campaignOwnership`), one entry per
 * campaign: `{ dialerId, expiresAt, since }`. Every write is a compare-and-set on the
 * revision just read (create when absent), so of two replicas racing for a campaign
 * exactly one wins, and an owner that was taken over finds out on its next renewal.
 * Expiry is wall-clock time: replicas must run NTP (a skew of s ms shortens or lengthens
 * the effective lease by s).
 */
export class CampaignOwnershipStore {
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly kv: KV,
    readonly dialerId: string,
    readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Acquires, renews or takes over the campaign if the record allows it. */
  async claim(campaignId: string): Promise<ClaimResult> {
    const entry = await this.kv.get(campaignId);
    const current =
      entry && entry.operation === 'PUT' && entry.value.length > 0
        ? (JSON.parse(entry.string()) as OwnershipRecord)
        : undefined;
    const decision = decideOwnership(current, this.dialerId, this.now(), this.leaseMs);
    if (decision.action === 'leave') {
      this.revisions.delete(campaignId);
      return { owned: false, owner: decision.owner };
    }
    const value = JSON.stringify(decision.record);
    try {
      const revision =
        !entry || entry.operation !== 'PUT'
          ? await this.createOrReplaceDeleted(campaignId, value, entry?.revision)
          : await this.kv.update(campaignId, value, entry.revision);
      this.revisions.set(campaignId, revision);
    } catch {
      // Lost the compare-and-set: another replica wrote first.
      this.revisions.delete(campaignId);
      return { owned: false, owner: undefined };
    }
    if (decision.action === 'takeOver')
      return { owned: true, previousOwner: decision.previousOwner, previousSince: current?.since };
    return { owned: true, previousOwner: undefined };
  }

  /** Gives the campaign up (graceful shutdown, campaign stopped); only if still ours. */
  async release(campaignId: string): Promise<boolean> {
    const revision = this.revisions.get(campaignId);
    this.revisions.delete(campaignId);
    if (revision === undefined) return false;
    try {
      await this.kv.delete(campaignId, { previousSeq: revision });
      return true;
    } catch {
      return false;
    }
  }

  async ownerOf(campaignId: string): Promise<OwnershipRecord | undefined> {
    const entry = await this.kv.get(campaignId);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return undefined;
    return JSON.parse(entry.string()) as OwnershipRecord;
  }

  private async createOrReplaceDeleted(key: string, value: string, deletedRevision: number | undefined) {
    if (deletedRevision === undefined) return this.kv.create(key, value);
    return this.kv.update(key, value, deletedRevision);
  }
}
