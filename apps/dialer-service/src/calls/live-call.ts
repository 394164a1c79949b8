import type { Campaign, CampaignMode, LeasedContact } from '@autotelesale/contracts';
import type { CallState } from '@autotelesale/dialer-domain';

/** One customer leg this replica drives: the pure state plus the facts the events need. */
export interface LiveCall {
  callId: string;
  campaign: Campaign;
  mode: CampaignMode;
  contact: Pick<LeasedContact, 'id' | 'attemptId' | 'phone'>;
  nodeId: string;
  state: CallState;
  /** Aggregate version of the last call event published (call.dialed is 1). */
  eventVersion: number;
  /** Reservation attempts made for this call (predictive asks again while the grace lasts). */
  reserveAttempts: number;
  /** The agent's leg hung up first: the agent ended the call. */
  agentHungUp: boolean;
  /** An outcome was accepted by campaign-service (so a retry loop can stop). */
  outcomeRecorded: boolean;
  timer: NodeJS.Timeout | undefined;
  /**
   * `call.answered` (with detection's verdict) on its way to the calls stream: a machine is
   * hung up on or left the message only once it is there, so a replica that takes over
   * after this one dies mid-message still knows the call was answered by a machine.
   */
  answeredPublished?: Promise<void>;
}
