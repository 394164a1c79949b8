import { DeliverPolicy } from '@nats-io/jetstream';
import type { EventEnvelope } from '@autotelesale/contracts';
import type { CallAmd } from '@autotelesale/dialer-domain';
import type { NatsBus } from '@autotelesale/messaging';

/** What the calls stream says about one call a replica placed and never reported ended. */
export interface UnfinishedCall {
  callId: string;
  attemptId: string;
  contactId: string;
  phone: string;
  node: string;
  dialedAt: number;
  answeredAt: number | null;
  /** Detection's verdict as `call.answered` gave it (null: not answered). */
  amd: CallAmd | null;
  connected: { at: number; agentId: string; extension: string; reservationId: string } | null;
}

/**
 * Reads the calls stream from `since` for the calls `dialerId` placed for the campaign and
 * never ended. A replica that dies loses the calls that end before another takes over:
 * the switch forgets a channel once it hangs up, but the facts the dead replica published
 * (dialed, answered, connected to whom) are still here, enough to report each outcome and
 * send its agent to wrap-up. Cost: the stream since the old owner took the campaign.
 */
export async function findUnfinishedCalls(
  bus: NatsBus,
  campaignId: string,
  dialerId: string,
  since: Date,
): Promise<UnfinishedCall[]> {
  const consumer = await bus.js.consumers.get(bus.topology.streams.calls.name, {
    filter_subjects: bus.topology.events.allCalls,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  const calls = new Map<string, UnfinishedCall>();
  const ended = new Set<string>();
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 1_000, expires: 1_000 });
    let n = 0;
    for await (const msg of batch) {
      n++;
      const event = msg.json<EventEnvelope>();
      const p = event.payload as Record<string, unknown>;
      if (p['campaignId'] !== campaignId) continue;
      const callId = p['callId'] as string;
      if (event.type === 'call.dialed' && p['dialerId'] === dialerId) {
        calls.set(callId, {
          callId,
          attemptId: p['attemptId'] as string,
          contactId: p['contactId'] as string,
          phone: p['phone'] as string,
          node: p['node'] as string,
          dialedAt: Date.parse(p['dialedAt'] as string),
          answeredAt: null,
          amd: null,
          connected: null,
        });
      }
      const call = calls.get(callId);
      if (event.type === 'call.ended') ended.add(callId);
      if (!call) continue;
      if (event.type === 'call.answered') {
        call.answeredAt = Date.parse(p['answeredAt'] as string);
        call.amd = (p['amd'] as CallAmd | undefined) ?? 'notRun';
      }
      if (event.type === 'call.agentConnected' && typeof p['reservationId'] === 'string')
        call.connected = {
          at: Date.parse(p['connectedAt'] as string),
          agentId: p['agentId'] as string,
          extension: p['extension'] as string,
          reservationId: p['reservationId'],
        };
    }
    if (n === 0) break;
  }
  return [...calls.values()].filter((c) => !ended.has(c.callId));
}
