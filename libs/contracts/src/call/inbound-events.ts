import { z } from 'zod';
import { defineEvent } from '../envelope';
import { E164, ExternalId, IsoDateTime, Uuid } from '../campaign/campaign.schemas';

/**
 * The inbound gate (issue 8, seed 003): FreeSWITCH parks every carrier call in the gate
 * extension (deploy/freeswitch `dialplan/public.xml`), and one dialer replica asks
 * compliance about the caller. A caller on the blacklist is refused with `CALL_REJECTED`
 * (SIP 603 Decline to the carrier) and this event is published on the calls stream at
 * `topology.events.call(channelUuid)` (aggregate: the refused channel, version 1), so
 * audit and reports can show who was turned away. Allowed callers leave no event here:
 * they go on to the operator's extension and its own records.
 */
/**
 * The channel variable the gate extension sets (`ats_inbound_gate=true`) before it parks
 * the call; the dialer filters its ESL events on it. Written here once for the dialer,
 * the shipped dialplan's conformance test and fs-sim scenarios.
 */
export const INBOUND_GATE_VARIABLE = 'ats_inbound_gate';

export const callInboundRejectedEvent = defineEvent(
  'call.inboundRejected',
  1,
  z.object({
    /** The FreeSWITCH channel (Unique-ID) of the refused call. */
    channelUuid: Uuid,
    dialerId: ExternalId,
    /** The FreeSWITCH node (its ESL address name) the call arrived on. */
    node: z.string().min(1).max(200),
    /** The caller, normalised by compliance (E.164). */
    callerNumber: E164,
    /** The number the caller dialled (the carrier's destination number, as received). */
    calledNumber: z.string().max(100),
    /** Always `blacklist` today: only that list refuses inbound calls. */
    list: z.literal('blacklist'),
    /** The blacklist entry's reason, if one was given. */
    listReason: z.string().nullable(),
    hangupCause: z.literal('CALL_REJECTED'),
    rejectedAt: IsoDateTime,
  }),
);
export type CallInboundRejected = z.infer<typeof callInboundRejectedEvent.payload>;
