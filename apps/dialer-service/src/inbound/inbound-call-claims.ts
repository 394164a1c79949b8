import type { KV } from '@nats-io/kv';

/**
 * Which dialer replica decides an inbound call. Every replica is subscribed to every
 * node's gate (the ESL filter cannot say "only one of you"), so each sees the same
 * CHANNEL_PARK. The first to create the channel's key in JetStream KV
 * (`topology.kv.inboundCallClaims`, create-if-absent, atomic on the server) owns the call;
 * the others stand aside. We chose this over "the replica that holds the node" (the dialer
 * has no node ownership: campaigns, not nodes, are owned) and over a queue group (the
 * events come from ESL, not NATS). A later CHANNEL_PARK of the same channel (the continue
 * extension parks too) finds the key taken, so a call is decided once. Keys expire with
 * the bucket's TTL.
 */
export class InboundCallClaims {
  constructor(private readonly kv: KV) {}

  /** True when this replica now owns the call; false when another (or an earlier event) has it. */
  async claim(channelUuid: string, dialerId: string): Promise<boolean> {
    try {
      await this.kv.create(channelUuid, JSON.stringify({ dialerId, at: Date.now() }));
      return true;
    } catch (error) {
      if (isAlreadyClaimed(error)) return false;
      throw error;
    }
  }
}

/** JetStream's answer to a create on an existing key: "wrong last sequence" (code 10071). */
function isAlreadyClaimed(error: unknown): boolean {
  const text = String((error as { message?: unknown })?.message ?? error);
  const code = (error as { api_error?: { err_code?: number } })?.api_error?.err_code;
  return code === 10071 || /wrong last sequence|key exists/i.test(text);
}
