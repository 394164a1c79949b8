import type { GatewayRole } from '@autotelesale/contracts';

/** Who is calling: a person with a session token, or a system with an API key. */
export interface Principal {
  kind: 'user' | 'apiKey';
  id: string;
  role: GatewayRole;
  /** Set for agent accounts: the only agent this caller may act as. */
  agentId: string | null;
}

/** A stable name for per-caller records (idempotency keys). */
export function principalKey(principal: Principal): string {
  return `${principal.kind}:${principal.id}`;
}
