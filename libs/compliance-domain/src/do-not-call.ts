/** The lists a number can be barred by. `blacklist`: numbers that harass agents (seed 003), also refused inbound. */
export type DncListKind = 'global' | 'campaign' | 'blacklist';

export interface DncEntry {
  kind: DncListKind;
  /** E.164. */
  phone: string;
  /** The campaign of a `campaign` entry; null for global and blacklist entries. */
  campaignId: string | null;
  /** Epoch ms after which the entry no longer bars (a time-limited opt-out); null: forever. */
  expiresAt: number | null;
}

export interface DncVerdict {
  allowed: boolean;
  /** The entries that bar the number, most general first (global, blacklist, campaign). */
  hits: Array<Pick<DncEntry, 'kind' | 'campaignId'>>;
}

const ORDER: Record<DncListKind, number> = { global: 0, blacklist: 1, campaign: 2 };

/**
 * Whether the entries found for a number bar an outbound call of `campaignId` at `at`:
 * global and blacklist entries bar every campaign, a campaign entry only its own; an
 * expired entry bars nothing.
 */
export function checkDoNotCall(input: {
  phone: string;
  campaignId: string;
  at: number;
  entries: readonly DncEntry[];
}): DncVerdict {
  const hits = input.entries
    .filter(
      (e) =>
        e.phone === input.phone &&
        (e.expiresAt === null || e.expiresAt > input.at) &&
        (e.kind !== 'campaign' || e.campaignId === input.campaignId),
    )
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind])
    .map((e) => ({ kind: e.kind, campaignId: e.campaignId }));
  return { allowed: hits.length === 0, hits };
}

/** Inbound: only the blacklist refuses a caller (a customer on a do-not-call list may still call us). */
export function isInboundRefused(input: {
  phone: string;
  at: number;
  entries: readonly DncEntry[];
}): boolean {
  return input.entries.some(
    (e) =>
      e.kind === 'blacklist' && e.phone === input.phone && (e.expiresAt === null || e.expiresAt > input.at),
  );
}
