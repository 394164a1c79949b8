import { AtsError } from '@autotelesale/contracts';
import type { Principal } from './principal';

/**
 * The one access check on resources an agent may own. Admins, supervisors and systems
 * reach every agent; an agent only itself. A refused id answers NOT_FOUND, like a
 * missing one, so an agent cannot learn which other agent ids exist.
 */
export function requireAgentAccess(principal: Principal, agentIds: readonly string[]): void {
  if (principal.role !== 'agent') return;
  for (const agentId of agentIds) {
    if (agentId !== principal.agentId) throw new AtsError('NOT_FOUND', `agent ${agentId} not found`);
  }
}
