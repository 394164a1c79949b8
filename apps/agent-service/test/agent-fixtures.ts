import { randomUUID } from 'node:crypto';
import { AtsError, createAgentRpc, loginRpc, readyRpc, type Agent } from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';

let nextExtension = 1000;

/** A new agent with a fresh extension. */
export function createAgent(
  bus: NatsBus,
  fields: { name?: string; skills?: string[]; groupIds?: string[] } = {},
) {
  nextExtension += 1;
  return bus.request(createAgentRpc, {
    name: fields.name ?? `Agent ${nextExtension}`,
    extension: String(nextExtension),
    skills: fields.skills ?? [],
    groupIds: fields.groupIds ?? [],
  });
}

/** A new agent, logged in at its own extension and ready. */
export async function createReadyAgent(
  bus: NatsBus,
  fields: { skills?: string[]; groupIds?: string[] } = {},
): Promise<Agent> {
  const agent = await createAgent(bus, fields);
  await bus.request(loginRpc, { agentId: agent.agentId });
  await bus.request(readyRpc, { agentId: agent.agentId });
  return agent;
}

/** The typed error a request failed with (fails the test when it succeeded). */
export async function errorOf(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AtsError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

export const newId = () => randomUUID();
