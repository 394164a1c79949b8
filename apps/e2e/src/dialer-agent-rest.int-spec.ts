import { status, type ServiceError } from '@grpc/grpc-js';
import { campaignRpcs } from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { startFsSimProcess, waitFor, waitForQuiescence, type FsSimProcess } from '@autotelesale/testing';
import {
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { atsErrorOf, GatewayGrpcServer, grpcClients, type Caller } from './gateway-app';
import { ADMIN, apiKeyOf, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';

/**
 * The agent's dialing through the gateway's REST API (and its gRPC twin, the CRM's
 * click-to-call), on the whole stack with fs-sim: an agent dials (the next contact, or the
 * one chosen in the CRM) and decides previews for itself only; a supervisor may act for an
 * agent. The preview campaign here skips a
 * preview nobody decides (`pacing.previewTimeoutAction: skip`, checked at the REST
 * boundary): the contact gets a `skipped` outcome and comes back, never dialed behind the
 * agent's back, never lost.
 */
const EXTENSIONS = ['6001', '6002', '6003', '6004', '6005', '6006'];
let fs: FsSimProcess;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
let api: Api;
let admin: Caller;
let grpc: ReturnType<typeof grpcClients>;

beforeAll(async () => {
  fs = await startFsSimProcess({ nodes: 1, scenario: scenario(EXTENSIONS), timeScale: 0.1 });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer, SERVICES.gateway], {
    ATS_FS_NODES: fs.nodesEnv,
    ATS_DIALER_ID: 'dialer-agent-rest',
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
    ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
    ATS_ADMIN_EMAIL: ADMIN.email,
    ATS_ADMIN_PASSWORD: ADMIN.password,
    ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
    ATS_GRPC_PORT: '0',
  });
  calls = collectCallEvents(stack.bus);
  api = gatewayApi(stack);
  admin = await login(api, ADMIN.email, ADMIN.password);
  grpc = grpcClients(stack.services.gateway!.app.get(GatewayGrpcServer).port);
}, 90_000);

afterAll(async () => {
  grpc?.close();
  calls?.stop();
  await stack?.stop();
  await fs?.stop();
});

/** A contact added to a running campaign (a one-row list), by id. */
async function addContact(campaignId: string, phone: string): Promise<string> {
  const list = await stack.bus.request(campaignRpcs.createList, { campaignId, name: `one ${phone}` });
  const started = await stack.bus.request(campaignRpcs.startImport, { listId: list.id, format: 'csv' });
  await stack.bus.request(campaignRpcs.importChunk, {
    importId: started.importId,
    seq: 0,
    data: Buffer.from(`phone\n${phone}\n`).toString('base64'),
    last: true,
  });
  const page = await stack.bus.request(campaignRpcs.listContacts, { campaignId, limit: 10 });
  return page.items.find((c) => c.phone === phone)!.id;
}

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

it('manual: the agent dials for itself (another agent is NOT_FOUND), a supervisor for an agent; refusals are 409 with the reason', async () => {
  const [mine, other] = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
  const phones = [phoneEnding('01'), phoneEnding('06')];
  const campaign = await createRunningCampaign(
    stack.bus,
    { mode: 'manual', agents: [{ agentId: mine! }, { agentId: other! }] },
    phones,
  );
  const agent = await personOf(api, admin, 'agent', mine);
  const supervisor = await personOf(api, admin, 'supervisor');
  const body = { campaignId: campaign.id };

  const foreign = await api('POST', `/api/v1/agents/${other}/manual-dial`, { as: agent, body });
  expect(foreign.status).toBe(404);
  const bad = await api('POST', `/api/v1/agents/${mine}/manual-dial`, {
    as: agent,
    body: { campaignId: 'x' },
  });
  expect(bad.status).toBe(400);

  // Until the agent's phone leg is up the click is refused, typed; then it dials.
  const own = await waitFor(
    async () => {
      const r = await api('POST', `/api/v1/agents/${mine}/manual-dial`, { as: agent, body });
      if (r.status === 409) expect(r.body.details.reason).toBe('AGENT_NOT_READY');
      return r.status === 200 ? r : undefined;
    },
    { timeoutMs: 15_000 },
  );
  expect(own.body).toMatchObject({ campaignId: campaign.id, agentId: mine, contact: { attemptNumber: 1 } });
  const forOther = await waitFor(async () => {
    const r = await api('POST', `/api/v1/agents/${other}/manual-dial`, { as: supervisor, body });
    return r.status === 200 ? r : undefined;
  });
  expect(new Set([own.body.contact.phone, forOther.body.contact.phone])).toEqual(new Set(phones));

  await waitFor(() => forCampaign('call.ended', campaign.id).length === 2, { timeoutMs: 30_000 });
  const ended = forCampaign('call.ended', campaign.id);
  expect(ended.map((e) => [e['callId'], e['agentId'], e['outcome']]).sort()).toEqual(
    [
      [own.body.callId, mine, 'answered'],
      [forOther.body.callId, other, 'answered'],
    ].sort(),
  );

  // Click-to-call: the chosen contact, or 400 / 404 / 409 with the reason.
  const dialAgain = (contactId: unknown) =>
    api('POST', `/api/v1/agents/${mine}/manual-dial`, { as: agent, body: { ...body, contactId } });
  expect((await dialAgain('c-42')).status).toBe(400);
  // call.ended and the agent's return to ready go out together: the contact is checked once
  // the agent may dial again (until then the click is AGENT_NOT_READY, whatever the contact).
  await waitFor(async () => (await agentStates(stack.bus, [mine!])).every((s) => s === 'ready'));
  expect((await dialAgain('5f0c2d1e-8a3b-4c6d-9e7f-0a1b2c3d4e5f')).status).toBe(404);
  const done = await dialAgain(own.body.contact.contactId);
  expect([done.status, done.body.details?.reason]).toEqual([409, 'CONTACT_DONE']);
  const third = phoneEnding('06');
  const thirdId = await addContact(campaign.id, third);
  await waitFor(async () => (await agentStates(stack.bus, [mine!])).every((s) => s === 'ready'));
  const chosen = await dialAgain(thirdId);
  expect([chosen.status, chosen.body.contact?.contactId, chosen.body.contact?.phone]).toEqual([
    200,
    thirdId,
    third,
  ]);
  await waitFor(() => forCampaign('call.ended', campaign.id).length === 3, { timeoutMs: 30_000 });
  await waitFor(async () => (await agentStates(stack.bus, [mine!, other!])).every((s) => s === 'ready'));
  const none = await api('POST', `/api/v1/agents/${mine}/manual-dial`, { as: agent, body });
  expect([none.status, none.body.details?.reason]).toEqual([409, 'NO_CONTACT_DIALABLE']);
}, 90_000);

it('preview: a preview nobody decides is skipped (this dialer says so), the contact comes back; the agent accepts and skips through REST', async () => {
  const [mine] = await createAgents(stack.bus, EXTENSIONS.slice(2, 3));
  const phones = [phoneEnding('01'), phoneEnding('01')];
  // The timeout action is a campaign setting, checked at the REST boundary.
  const draft = await api('POST', '/api/v1/campaigns', {
    as: admin,
    body: { name: 'preview rest', mode: 'preview', pacing: { previewTimeoutAction: 'later' } },
  });
  expect([draft.status, draft.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  const made = await api('POST', '/api/v1/campaigns', {
    as: admin,
    body: { name: 'preview rest', mode: 'preview' },
  });
  expect(made.body.pacing.previewTimeoutAction).toBe('dial');
  const patched = await api('PATCH', `/api/v1/campaigns/${made.body.id}`, {
    as: admin,
    body: { expectedVersion: made.body.version, changes: { pacing: { previewTimeoutAction: 'skip' } } },
  });
  expect([patched.status, patched.body.pacing?.previewTimeoutAction]).toEqual([200, 'skip']);
  const campaign = await createRunningCampaign(
    stack.bus,
    {
      mode: 'preview',
      agents: [{ agentId: mine! }],
      pacing: { previewSeconds: 1, previewTimeoutAction: 'skip' },
    },
    phones,
  );
  const agent = await personOf(api, admin, 'agent', mine);
  // Nobody decides: each preview times out and is skipped, then offered again.
  await waitFor(() => forCampaign('call.previewDecided', campaign.id).length >= 3, { timeoutMs: 30_000 });
  expect(forCampaign('call.dialed', campaign.id)).toEqual([]);
  expect(forCampaign('call.previewOffered', campaign.id)[0]).toMatchObject({
    onTimeout: 'skip',
    previewSeconds: 1,
  });
  for (const d of forCampaign('call.previewDecided', campaign.id))
    expect([d['decision'], d['decidedBy'], d['callId']]).toEqual(['skip', 'timeout', null]);
  const stats = await stack.bus.request(campaignRpcs.campaignStats, { campaignId: campaign.id });
  expect(stats.contacts.done).toBe(0);
  expect(stats.contacts.total).toBe(2);
  // Each skip is a `skipped` outcome, not a dial attempt.
  expect(stats.attempts).toBe(0);
  expect(stats.outcomes['skipped']).toBeGreaterThanOrEqual(3);

  // The agent acts within the preview time: skip the next one, accept the one after.
  const decide = async (action: 'skip' | 'accept') =>
    waitFor(
      async () => {
        const decided = new Set(forCampaign('call.previewDecided', campaign.id).map((d) => d['previewId']));
        const open = forCampaign('call.previewOffered', campaign.id).find(
          (o) => !decided.has(o['previewId']),
        );
        if (!open) return undefined;
        const r = await api(
          'POST',
          `/api/v1/agents/${mine}/previews/${open['previewId'] as string}/${action}`,
          {
            as: agent,
            body: { campaignId: campaign.id },
          },
        );
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 10 },
    );
  expect((await decide('skip')).body).toMatchObject({ contactReturned: true });
  const accepted = await decide('accept');
  await waitFor(() => forCampaign('call.ended', campaign.id).length === 1, { timeoutMs: 30_000 });
  expect(forCampaign('call.ended', campaign.id)[0]).toMatchObject({
    callId: accepted.body.callId,
    agentId: mine,
    outcome: 'answered',
  });
  // Stop the offers; the other contact is still in the campaign, not lost.
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
  await waitForQuiescence(() => forCampaign('call.previewDecided', campaign.id).length, { quietMs: 1_500 });
  const after = await stack.bus.request(campaignRpcs.campaignStats, { campaignId: campaign.id });
  expect(after.contacts).toMatchObject({ total: 2, leased: 0 });
  expect(after.contacts.due).toBeGreaterThanOrEqual(1);
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
  await waitFor(async () => (await agentStates(stack.bus, [mine!])).every((s) => s === 'ready'));
}, 90_000);

async function grpcFailure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

it('gRPC: the CRM clicks to call for an agent (AgentService/ManualDial): the chosen contact is dialed; refusals are typed statuses', async () => {
  const [mine, other] = await createAgents(stack.bus, EXTENSIONS.slice(3, 5));
  const phones = [phoneEnding('01'), phoneEnding('01')];
  const campaign = await createRunningCampaign(
    stack.bus,
    { mode: 'manual', agents: [{ agentId: mine! }, { agentId: other! }] },
    phones,
  );
  const contacts = await stack.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 });
  const chosen = contacts.items.find((c) => c.phone === phones[1])!;
  const agent = await personOf(api, admin, 'agent', mine);
  const crm = await apiKeyOf(api, admin, 'supervisor');
  const dial = (agentId: string | undefined, as: Caller, fields: Record<string, unknown>) =>
    grpc.call('agents', 'ManualDial', { agentId, campaignId: campaign.id, ...fields }, as);

  // Before anything reaches the dialer: bad fields, another agent's id.
  const bad = await grpcFailure(dial(mine, agent, { contactId: 'c-42' }));
  expect([bad.code, bad.details]).toEqual([status.INVALID_ARGUMENT, expect.stringMatching(/contactId/)]);
  expect((await grpcFailure(dial(other, agent, { contactId: chosen.id }))).code).toBe(status.NOT_FOUND);

  // Until the agent's leg is up the click is refused, typed (ABORTED: AGENT_NOT_READY, or
  // UNAVAILABLE while the campaign is handed to the dialer); then the chosen contact is dialed.
  const refusals = new Set<string>();
  const own = await waitFor(
    async () => {
      try {
        return await dial(mine, agent, { contactId: chosen.id });
      } catch (error) {
        const e = error as ServiceError;
        refusals.add(`${status[e.code]} ${JSON.stringify(atsErrorOf(e)?.details ?? null)}`);
        return undefined;
      }
    },
    { timeoutMs: 15_000 },
  );
  for (const refusal of refusals)
    expect(['ABORTED {"reason":"AGENT_NOT_READY"}', 'UNAVAILABLE null']).toContain(refusal);
  expect(own).toMatchObject({
    campaignId: campaign.id,
    agentId: mine,
    contact: { contactId: chosen.id, phone: chosen.phone, attemptNumber: 1 },
  });
  // A supervisor's key dials the next contact for the other agent.
  const forOther = await waitFor(async () => dial(other, crm, {}).catch(() => undefined), {
    timeoutMs: 15_000,
  });
  expect(forOther.contact.phone).toBe(phones[0]);

  await waitFor(() => forCampaign('call.ended', campaign.id).length === 2, { timeoutMs: 30_000 });
  expect(
    forCampaign('call.ended', campaign.id)
      .map((e) => [e['callId'], e['agentId'], e['outcome']])
      .sort(),
  ).toEqual(
    [
      [own.callId, mine, 'answered'],
      [forOther.callId, other, 'answered'],
    ].sort(),
  );
  // Back to ready, the agent clicks a contact the campaign does not have (NOT_FOUND, from
  // the dialer) and the one just called (ABORTED: CONTACT_DONE).
  await waitFor(async () => (await agentStates(stack.bus, [mine!])).every((s) => s === 'ready'));
  const unknown = await grpcFailure(dial(mine, agent, { contactId: '5f0c2d1e-8a3b-4c6d-9e7f-0a1b2c3d4e5f' }));
  expect([unknown.code, unknown.details]).toEqual([status.NOT_FOUND, expect.stringMatching(/not found/)]);
  const done = await grpcFailure(dial(mine, agent, { contactId: chosen.id }));
  expect([done.code, atsErrorOf(done)?.details]).toEqual([status.ABORTED, { reason: 'CONTACT_DONE' }]);
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
}, 90_000);

it('gRPC: a supervisor skips a preview for the agent (AgentService/SkipPreview), the agent accepts the next (AcceptPreview); a decided preview is NOT_FOUND', async () => {
  const [mine] = await createAgents(stack.bus, EXTENSIONS.slice(5, 6));
  const phones = [phoneEnding('01'), phoneEnding('01')];
  // A long preview time: the decisions here are the agent's and the supervisor's, not the timer's.
  const campaign = await createRunningCampaign(
    stack.bus,
    { mode: 'preview', agents: [{ agentId: mine! }], pacing: { previewSeconds: 60 } },
    phones,
  );
  const agent = await personOf(api, admin, 'agent', mine);
  const crm = await apiKeyOf(api, admin, 'supervisor');
  const openPreview = () =>
    waitFor(
      () => {
        const decided = new Set(forCampaign('call.previewDecided', campaign.id).map((d) => d['previewId']));
        return forCampaign('call.previewOffered', campaign.id)
          .map((o) => o['previewId'] as string)
          .find((id) => !decided.has(id));
      },
      { timeoutMs: 15_000 },
    );
  const decide = (method: 'AcceptPreview' | 'SkipPreview', previewId: string, as: Caller) =>
    grpc.call('agents', method, { agentId: mine, previewId, campaignId: campaign.id }, as);

  const first = await openPreview();
  expect(await decide('SkipPreview', first, crm)).toEqual({ previewId: first, contactReturned: true });
  const again = await grpcFailure(decide('AcceptPreview', first, agent));
  expect([again.code, again.details]).toEqual([status.NOT_FOUND, `preview ${first} not found`]);

  const second = await waitFor(async () => {
    const id = await openPreview();
    return id === first ? undefined : id;
  });
  const accepted = await decide('AcceptPreview', second, agent);
  expect(accepted).toMatchObject({ previewId: second, callId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  await waitFor(() => forCampaign('call.ended', campaign.id).length === 1, { timeoutMs: 30_000 });
  expect(forCampaign('call.ended', campaign.id)[0]).toMatchObject({
    callId: accepted.callId,
    agentId: mine,
    outcome: 'answered',
  });
  expect(
    forCampaign('call.previewDecided', campaign.id)
      .filter((d) => [first, second].includes(d['previewId'] as string))
      .map((d) => [d['previewId'], d['decision']]),
  ).toEqual([
    [first, 'skip'],
    [second, 'dial'],
  ]);
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
  await waitFor(async () => (await agentStates(stack.bus, [mine!])).every((s) => s === 'ready'));
}, 90_000);
