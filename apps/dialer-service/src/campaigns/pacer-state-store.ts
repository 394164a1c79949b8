import type { KV } from '@nats-io/kv';

/** How long a campaign's learned pace is kept after its last save: the abandon rule's day. */
export const PACER_STATE_TTL_MS = 24 * 3_600_000;

/** One campaign's entry in `topology.kv.pacerStates`. */
export interface SavedPacerState {
  campaignId: string;
  /** The replica that saved it. */
  dialerId: string;
  /** When (epoch ms). */
  savedAt: number;
  /** The pacer's `exportState()`; the pacer itself validates it on import. */
  state: unknown;
}

export type PacerStateLoad =
  { found: true; saved: SavedPacerState } | { found: false; reason: 'none' | 'unreadable'; detail?: string };

/**
 * What each campaign's pacer has learned (libs/pacing `exportState`), in JetStream KV,
 * one key per campaign, kept 24 h after its last write. The owning replica saves it as
 * it paces and when it hands the campaign over; a replica that starts or takes the
 * campaign over loads it and goes on at the pace reached instead of starting cautiously
 * (a rolling deploy would otherwise slow every campaign for its first hundreds of live
 * answers). Only the owner writes; whether a state fits the campaign's current settings
 * is the pacer's decision, not this store's.
 */
export class PacerStateStore {
  constructor(
    private readonly kv: KV,
    private readonly dialerId: string,
  ) {}

  async save(campaignId: string, state: unknown, savedAt = Date.now()): Promise<void> {
    const entry: SavedPacerState = { campaignId, dialerId: this.dialerId, savedAt, state };
    await this.kv.put(campaignId, JSON.stringify(entry));
  }

  async load(campaignId: string): Promise<PacerStateLoad> {
    const entry = await this.kv.get(campaignId);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0)
      return { found: false, reason: 'none' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(entry.string());
    } catch (error) {
      return { found: false, reason: 'unreadable', detail: String(error) };
    }
    if (!isSavedState(parsed, campaignId))
      return { found: false, reason: 'unreadable', detail: 'not a saved pacer state of this campaign' };
    return { found: true, saved: parsed };
  }
}

function isSavedState(value: unknown, campaignId: string): value is SavedPacerState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['campaignId'] === campaignId &&
    typeof v['dialerId'] === 'string' &&
    typeof v['savedAt'] === 'number' &&
    Number.isFinite(v['savedAt']) &&
    'state' in v
  );
}
