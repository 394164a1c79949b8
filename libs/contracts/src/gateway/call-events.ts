import { z } from 'zod';
import { defineEvent } from '../envelope';

/**
 * A customer was connected to an agent: the fact behind a screen-pop. Published on the
 * calls stream, `topology.events.call(callId)`, with the call id as aggregate. The
 * dialer produces it (when it exists); the gateway streams it to CRMs and agent
 * desktops. Defined here, where its first consumer lives, until the dialer's call
 * contracts take it over.
 */
export const callAgentConnectedEvent = defineEvent(
  'call.agentConnected',
  1,
  z.object({
    callId: z.string().min(1).max(200),
    campaignId: z.uuid(),
    contactId: z.uuid(),
    agentId: z.string().min(1).max(100),
    extension: z.string().min(1).max(40),
    /** The customer's number, E.164. */
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/),
    connectedAt: z.iso.datetime({ offset: true }),
  }),
);
export type CallAgentConnected = z.infer<typeof callAgentConnectedEvent.payload>;
