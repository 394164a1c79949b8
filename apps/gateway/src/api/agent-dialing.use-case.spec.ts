import { randomUUID } from 'node:crypto';
import { AtsError, dialerAgentRpcs } from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import type { Principal } from '../auth/principal';
import { BoundaryValidationError } from '../http/ats-exception.filter';
import { AgentDialingUseCase } from './agent-dialing.use-case';

/**
 * The checks REST and gRPC share, in their order. The dialer's side (and NATS) is in the
 * integration specs; here the bus only records what would have been asked.
 */
const agentId = randomUUID();
const campaignId = randomUUID();
const agent: Principal = { kind: 'user', id: 'u-1', role: 'agent', agentId };
const supervisor: Principal = { kind: 'apiKey', id: 'k-1', role: 'supervisor', agentId: null };

function useCase() {
  const asked: { rpc: string; payload: unknown }[] = [];
  const bus = {
    request: async (rpc: { name: string }, payload: unknown) => {
      asked.push({ rpc: rpc.name, payload });
      return { asked: rpc.name };
    },
  } as unknown as NatsBus;
  return { dialing: new AgentDialingUseCase(bus), asked };
}

async function failure(promise: Promise<unknown>): Promise<AtsError> {
  try {
    await promise;
  } catch (error) {
    return error as AtsError;
  }
  throw new Error('expected a refusal');
}

it("asks the dialer for the agent's own manual dial, with the chosen contact", async () => {
  const { dialing, asked } = useCase();
  const contactId = randomUUID();
  await dialing.manualDial(agent, { agentId }, { campaignId, contactId });
  expect(asked).toEqual([
    { rpc: dialerAgentRpcs.manualDial.name, payload: { agentId, campaignId, contactId } },
  ]);
});

it("refuses another agent's id as NOT_FOUND before reading the rest of the request", async () => {
  const { dialing, asked } = useCase();
  const error = await failure(dialing.manualDial(agent, { agentId: randomUUID() }, { campaignId: 'x' }));
  expect(error).toBeInstanceOf(AtsError);
  expect(error.code).toBe('NOT_FOUND');
  expect(asked).toEqual([]);
});

it('lets a supervisor act for any agent', async () => {
  const { dialing, asked } = useCase();
  const other = randomUUID();
  const previewId = randomUUID();
  await dialing.skipPreview(supervisor, { agentId: other, previewId }, { campaignId });
  expect(asked).toEqual([
    { rpc: dialerAgentRpcs.skipPreview.name, payload: { agentId: other, previewId, campaignId } },
  ]);
});

it('names every bad field in the message and the details (a 400 / INVALID_ARGUMENT)', async () => {
  const { dialing, asked } = useCase();
  const error = await failure(
    dialing.manualDial(agent, { agentId }, { campaignId: 'nope', contactId: 'c-42', phone: '+1' }),
  );
  expect(error).toBeInstanceOf(BoundaryValidationError);
  expect(error.message).toMatch(/^invalid manual dial request: /);
  expect(error.message).toContain('campaignId');
  expect(error.message).toContain('contactId');
  expect((error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
    '',
    'campaignId',
    'contactId',
  ]);
  const missing = await failure(dialing.acceptPreview(agent, { agentId }, { campaignId }));
  expect(missing.message).toMatch(/^invalid agent dialing target request: previewId: /);
  expect(asked).toEqual([]);
});
