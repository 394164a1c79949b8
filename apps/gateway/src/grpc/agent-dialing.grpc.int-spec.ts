import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { AtsError, dialerAgentRpcs } from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { grpcClients } from '../../test/grpc-client';
import { restClient } from '../../test/http-client';
import { AppModule, SERVICE_OPTIONS } from '../app.module';
import { atsErrorOf } from './grpc-errors';
import { GatewayGrpcServer } from './gateway-grpc.server';

/**
 * The agent's dialing over gRPC (`AgentService/ManualDial`, `AcceptPreview`,
 * `SkipPreview`): the gateway alone on real NATS and PostgreSQL, the dialer stood in by a
 * responder on its real subject (the whole loop with the dialer and fs-sim is
 * apps/e2e/src/dialer-agent-rest.int-spec.ts). What reaches the dialer, who may ask, and
 * how each refusal leaves: the same as the REST routes, through the same use case.
 */
const ADMIN = { email: 'grpc-dialing-admin@example.test', password: 'first-admin-password' };
const AGENT = { email: 'dialing-agent@example.test', password: 'agent-password-1' };

let gateway: ServiceUnderTest;
let grpc: ReturnType<typeof grpcClients>;
let crm: { apiKey: string };
let agent: { token: string };
const agentId = randomUUID();
const otherAgentId = randomUUID();
const campaignId = randomUUID();
/** A contact the stand-in dialer does not know in the campaign (as the real one answers). */
const unknownContactId = randomUUID();
/** A contact the stand-in dialer finds already done. */
const doneContactId = randomUUID();

/** What the stand-in dialer was asked, in order. */
const asked: { rpc: string; request: Record<string, unknown> }[] = [];

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** The dialer that owns the campaign, as far as the gateway can tell: its replies and refusals. */
function standInDialer(gatewayUnderTest: ServiceUnderTest): void {
  const bus = gatewayUnderTest.bus;
  bus.serve(dialerAgentRpcs.manualDial, async (request) => {
    asked.push({ rpc: 'manualDial', request });
    if (request.contactId === unknownContactId)
      throw new AtsError('NOT_FOUND', `contact ${request.contactId} not found in this campaign`);
    if (request.contactId === doneContactId)
      throw new AtsError('CONFLICT', 'the contact is done', { reason: 'CONTACT_DONE' });
    return {
      callId: randomUUID(),
      campaignId: request.campaignId,
      agentId: request.agentId,
      contact: {
        contactId: request.contactId ?? randomUUID(),
        attemptId: randomUUID(),
        phone: '+84900000001',
        name: null,
        fields: { crmId: 'A-17', vip: true },
        attemptNumber: 2,
      },
      dialedAt: new Date().toISOString(),
    };
  });
  bus.serve(dialerAgentRpcs.acceptPreview, async (request) => {
    asked.push({ rpc: 'acceptPreview', request });
    return { previewId: request.previewId, callId: randomUUID(), dialedAt: new Date().toISOString() };
  });
  bus.serve(dialerAgentRpcs.skipPreview, async (request) => {
    asked.push({ rpc: 'skipPreview', request });
    throw new AtsError('CONFLICT', 'the preview was already decided', { reason: 'PREVIEW_DECIDED' });
  });
}

beforeAll(async () => {
  gateway = await startServiceForTest(AppModule, SERVICE_OPTIONS, {
    env: { ATS_ADMIN_EMAIL: ADMIN.email, ATS_ADMIN_PASSWORD: ADMIN.password, ATS_GRPC_PORT: '0' },
  });
  standInDialer(gateway);
  const api = restClient(`http://127.0.0.1:${gateway.httpPort}`);
  const admin = { token: (await api('POST', '/api/v1/auth/login', { body: ADMIN })).body.token };
  crm = {
    apiKey: (await api('POST', '/api/v1/api-keys', { as: admin, body: { name: 'crm', role: 'supervisor' } }))
      .body.key,
  };
  await api('POST', '/api/v1/users', { as: admin, body: { ...AGENT, role: 'agent', agentId } });
  agent = { token: (await api('POST', '/api/v1/auth/login', { body: AGENT })).body.token };
  grpc = grpcClients(gateway.app.get(GatewayGrpcServer).port);
});

afterAll(async () => {
  grpc?.close();
  await gateway?.stop();
});

beforeEach(() => {
  asked.length = 0;
});

describe('ManualDial', () => {
  it("an agent's click-to-call reaches the dialer for that agent and contact, and answers the call and the contact", async () => {
    const contactId = randomUUID();
    const reply = await grpc.call('agents', 'ManualDial', { agentId, campaignId, contactId }, agent);
    expect(asked).toEqual([{ rpc: 'manualDial', request: { agentId, campaignId, contactId } }]);
    expect(reply).toMatchObject({
      campaignId,
      agentId,
      contact: { contactId, phone: '+84900000001', attemptNumber: 2 },
    });
    expect(reply.callId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.contact.name).toBeUndefined(); // no name: left out, as every empty field
    expect(reply.contact.fields.fields).toEqual({
      crmId: { stringValue: 'A-17', kind: 'stringValue' },
      vip: { boolValue: true, kind: 'boolValue' },
    });
  });

  it('without contact_id dials the next contact; a supervisor key may dial for any agent', async () => {
    await grpc.call('agents', 'ManualDial', { agentId: otherAgentId, campaignId }, crm);
    expect(asked).toEqual([{ rpc: 'manualDial', request: { agentId: otherAgentId, campaignId } }]);
  });

  it('names the bad fields: INVALID_ARGUMENT, and the dialer is never asked', async () => {
    const bad = await rejection(
      grpc.call('agents', 'ManualDial', { agentId, campaignId: 'x', contactId: 'c-42' }, agent),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/^invalid manual dial request: .*campaignId.*contactId/);
    expect(atsErrorOf(bad)).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'campaignId' }, { path: 'contactId' }],
    });
    const missing = await rejection(grpc.call('agents', 'ManualDial', { agentId }, agent));
    expect([missing.code, missing.details]).toEqual([
      status.INVALID_ARGUMENT,
      expect.stringMatching(/campaignId/),
    ]);
    const noAgent = await rejection(grpc.call('agents', 'ManualDial', { campaignId }, crm));
    expect([noAgent.code, noAgent.details]).toEqual([
      status.INVALID_ARGUMENT,
      expect.stringMatching(/agentId/),
    ]);
    expect(asked).toEqual([]);
  });

  it('answers NOT_FOUND when an agent dials for another agent (as REST and the session methods), before reading the rest', async () => {
    const error = await rejection(
      grpc.call('agents', 'ManualDial', { agentId: otherAgentId, campaignId: 'x' }, agent),
    );
    expect(error.code).toBe(status.NOT_FOUND);
    expect(atsErrorOf(error)).toMatchObject({
      code: 'NOT_FOUND',
      message: `agent ${otherAgentId} not found`,
    });
    expect(asked).toEqual([]);
  });

  it("maps the dialer's answers: a contact not of the campaign NOT_FOUND, a done contact ABORTED with the reason", async () => {
    const unknown = await rejection(
      grpc.call('agents', 'ManualDial', { agentId, campaignId, contactId: unknownContactId }, agent),
    );
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toBe(`contact ${unknownContactId} not found in this campaign`);
    const done = await rejection(
      grpc.call('agents', 'ManualDial', { agentId, campaignId, contactId: doneContactId }, agent),
    );
    expect(done.code).toBe(status.ABORTED);
    expect(atsErrorOf(done)).toMatchObject({ code: 'CONFLICT', details: { reason: 'CONTACT_DONE' } });
  });

  it('refuses a caller without credentials: UNAUTHENTICATED', async () => {
    const error = await rejection(grpc.call('agents', 'ManualDial', { agentId, campaignId }, {}));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(asked).toEqual([]);
  });
});

describe('AcceptPreview and SkipPreview', () => {
  it("reach the dialer with the agent, the preview and the campaign, and answer the dialer's reply or refusal", async () => {
    const previewId = randomUUID();
    const accepted = await grpc.call('agents', 'AcceptPreview', { agentId, previewId, campaignId }, agent);
    expect(accepted).toMatchObject({ previewId, callId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const skipped = await rejection(
      grpc.call('agents', 'SkipPreview', { agentId, previewId, campaignId }, crm),
    );
    expect(skipped.code).toBe(status.ABORTED);
    expect(atsErrorOf(skipped)?.details).toEqual({ reason: 'PREVIEW_DECIDED' });
    expect(asked).toEqual([
      { rpc: 'acceptPreview', request: { agentId, previewId, campaignId } },
      { rpc: 'skipPreview', request: { agentId, previewId, campaignId } },
    ]);
  });

  it("refuse a bad preview id (INVALID_ARGUMENT) and another agent's preview (NOT_FOUND)", async () => {
    const bad = await rejection(
      grpc.call('agents', 'SkipPreview', { agentId, previewId: 'p-1', campaignId }, agent),
    );
    expect([bad.code, bad.details]).toEqual([status.INVALID_ARGUMENT, expect.stringMatching(/previewId/)]);
    const foreign = await rejection(
      grpc.call(
        'agents',
        'AcceptPreview',
        { agentId: otherAgentId, previewId: randomUUID(), campaignId },
        agent,
      ),
    );
    expect(foreign.code).toBe(status.NOT_FOUND);
    expect(asked).toEqual([]);
  });
});

it("the REST document names each route's gRPC twin, for a CRM choosing between them", async () => {
  const docs = await restClient(`http://127.0.0.1:${gateway.httpPort}`)('GET', '/api/docs-json');
  const described = (path: string) => docs.body.paths[path].post.description as string;
  expect(described('/api/v1/agents/{agentId}/manual-dial')).toContain('AgentService/ManualDial');
  expect(described('/api/v1/agents/{agentId}/previews/{previewId}/accept')).toContain(
    'AgentService/AcceptPreview',
  );
  expect(described('/api/v1/agents/{agentId}/previews/{previewId}/skip')).toContain(
    'AgentService/SkipPreview',
  );
});
