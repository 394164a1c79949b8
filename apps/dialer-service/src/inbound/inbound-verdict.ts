import type { CheckNumberReply } from '@autotelesale/contracts';
import type { InboundContinueTarget } from './inbound-gate.config';

/** What the gate did with one inbound call (the metric's `result` label). */
export type InboundResult = 'rejected' | 'allowed' | 'failed_open';

/** What compliance said about the caller, or why it said nothing. */
export type CallerCheck =
  | { kind: 'answered'; reply: CheckNumberReply }
  /** No caller number, or one compliance cannot read (anonymous, too short): no list can hold it. */
  | { kind: 'unreadableCaller' }
  /** campaign-service did not answer in time, or failed. */
  | { kind: 'unavailable'; error: string };

export type InboundVerdict =
  | { result: 'rejected'; command: string; listReason: string | null; callerNumber: string }
  | { result: 'allowed' | 'failed_open'; command: string };

/**
 * The gate's decision. Only the blacklist refuses an inbound call (compliance answers
 * `allowed: false` for `direction: inbound` only then). When compliance cannot answer we
 * FAIL OPEN: the blacklist keeps a few harassers away from agents, while failing closed
 * would hang up on every real customer for as long as campaign-service is down; the
 * caller goes on, counted as `failed_open` and logged, so an operator sees the gap.
 */
export function decideInbound(
  uuid: string,
  check: CallerCheck,
  continueTo: InboundContinueTarget,
): InboundVerdict {
  const go = `uuid_transfer ${uuid} ${continueTo.extension} ${continueTo.dialplan} ${continueTo.context}`;
  if (check.kind === 'unavailable') return { result: 'failed_open', command: go };
  if (check.kind === 'unreadableCaller' || check.reply.allowed) return { result: 'allowed', command: go };
  const entry = check.reply.entries.find((e) => e.kind === 'blacklist');
  return {
    result: 'rejected',
    // CALL_REJECTED (Q.850 21): FreeSWITCH answers the unanswered INVITE with 603 Decline.
    command: `uuid_kill ${uuid} CALL_REJECTED`,
    listReason: entry?.reason ?? null,
    callerNumber: check.reply.phone,
  };
}
