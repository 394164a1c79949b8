import { z } from 'zod';

/**
 * Who may call the gateway. Admins manage users, keys and everything else; supervisors
 * run campaigns, lists and agents; an agent reaches only its own session and calls.
 */
export const GatewayRole = z.enum(['admin', 'supervisor', 'agent']);
export type GatewayRole = z.infer<typeof GatewayRole>;

/** API keys belong to systems (CRMs, ERPs), never to an agent: no agent role for a key. */
export const ApiKeyRole = z.enum(['admin', 'supervisor']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;
