import type { StackUnderTest } from '@autotelesale/service-testing';
import { campaignRpcs, complianceRpcs, createAgentRpc } from '@autotelesale/contracts';
import type { Caller } from './gateway-app';
import {
  ADMIN,
  ALWAYS_OPEN,
  gatewayApi,
  login,
  personOf,
  startGatewayStack,
  type Api,
} from './gateway-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/** Do-not-call lists and the dial audit through the gateway's REST API (campaign-service behind it). */
let stack: StackUnderTest;
let api: Api;
let supervisor: Caller;
let agent: Caller;
let agentId: string;

beforeAll(async () => {
  stack = await startGatewayStack();
  api = gatewayApi(stack);
  const admin = await login(api, ADMIN.email, ADMIN.password);
  supervisor = await personOf(api, admin, 'supervisor');
  agentId = (await stack.bus.request(createAgentRpc, { name: 'Harassed agent', extension: '4001' })).agentId;
  agent = await personOf(api, admin, 'agent', agentId);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('imports a large CSV into the global list in pieces, with every bad row reported at its line', async () => {
  const rows = ['so_dien_thoai,ghi_chu'];
  const badLines: number[] = [];
  for (let i = 0; i < 15_000; i++) {
    const line = i + 2;
    if (i % 1_000 === 999) {
      rows.push(`call me maybe,${'x'.repeat(10)}`);
      badLines.push(line);
    } else rows.push(`09${String(70_000_000 + i)},khach hang ${i}`);
  }
  const csv = `${rows.join('\n')}\n`;
  expect(Buffer.byteLength(csv)).toBeGreaterThan(300 * 1024);
  const reply = await api('POST', '/api/v1/dnc/global/import', {
    as: supervisor,
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(reply.status).toBe(201);
  expect(reply.body).toMatchObject({
    added: 15_000 - badLines.length,
    alreadyListed: 0,
    headerDetected: true,
  });
  expect(reply.body.rejected.map((r: any) => [r.line, r.code])).toEqual(
    badLines.map((l) => [l, 'PHONE_INVALID']),
  );

  const page = await api('GET', '/api/v1/dnc/global?limit=2', { as: supervisor });
  expect(page.status).toBe(200);
  expect(page.body.items.map((e: any) => e.phone)).toEqual(['+84970000000', '+84970000001']);
  expect(page.body.items[0]).toMatchObject({
    kind: 'global',
    campaignId: null,
    source: expect.stringMatching(/^import:/),
  });
  const next = await api('GET', `/api/v1/dnc/global?limit=2&cursor=${page.body.nextCursor}`, {
    as: supervisor,
  });
  expect(next.body.items.map((e: any) => e.phone)).toEqual(['+84970000002', '+84970000003']);

  // The same file again lists nothing new.
  const again = await api('POST', '/api/v1/dnc/global/import', {
    as: supervisor,
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(again.body).toMatchObject({ added: 0, alreadyListed: 15_000 - badLines.length });
}, 60_000);

it('adds, checks and removes numbers; a campaign list needs its campaign', async () => {
  const campaign = (
    await api('POST', '/api/v1/campaigns', {
      as: supervisor,
      body: { name: 'DNC campaign', mode: 'predictive', callingHours: ALWAYS_OPEN },
    })
  ).body;
  expect(
    (await api('POST', '/api/v1/dnc/campaign', { as: supervisor, body: { phones: ['0912000001'] } })).status,
  ).toBe(400);
  const added = await api('POST', '/api/v1/dnc/campaign', {
    as: supervisor,
    body: { campaignId: campaign.id, phones: ['0912000001', 'nope'], reason: 'asked on the phone' },
  });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ added: 1, rejected: [{ line: 2, code: 'PHONE_INVALID' }] });

  const forCampaign = await api('GET', `/api/v1/dnc-check?phone=0912000001&campaignId=${campaign.id}`, {
    as: supervisor,
  });
  expect(forCampaign.body).toMatchObject({ phone: '+84912000001', allowed: false });
  const elsewhere = await api('GET', '/api/v1/dnc-check?phone=0912000001', { as: supervisor });
  expect(elsewhere.body).toMatchObject({ allowed: true });

  const removed = await api('POST', '/api/v1/dnc/campaign/remove', {
    as: supervisor,
    body: { campaignId: campaign.id, phones: ['+84912000001'] },
  });
  expect(removed.body).toEqual({ removed: 1 });
  expect(
    (await api('GET', `/api/v1/dnc-check?phone=0912000001&campaignId=${campaign.id}`, { as: supervisor }))
      .body,
  ).toMatchObject({ allowed: true });
});

it('lets an agent put the number harassing it on the blacklist, which refuses its calls in', async () => {
  const reported = await api('POST', '/api/v1/agents/me/blacklist', {
    as: agent,
    body: { phone: '0988 111 222', reason: 'insults agents' },
  });
  expect(reported.status).toBe(201);
  const check = await api('GET', '/api/v1/dnc-check?phone=0988111222&direction=inbound', { as: supervisor });
  expect(check.body).toMatchObject({
    allowed: false,
    entries: [{ kind: 'blacklist', source: `agent:${agentId}` }],
  });
  // Agents report; they do not read or edit the lists.
  expect((await api('GET', '/api/v1/dnc/blacklist', { as: agent })).status).toBe(403);
  expect(
    (await api('POST', '/api/v1/dnc/global', { as: agent, body: { phones: ['0988111223'] } })).status,
  ).toBe(403);
  expect(
    (await api('POST', '/api/v1/agents/me/blacklist', { as: agent, body: { phone: 'who?', reason: 'x' } }))
      .status,
  ).toBe(422);
});

it("shows a contact's dial decisions with the rules checked", async () => {
  const campaign = await stack.bus.request(campaignRpcs.createCampaign, {
    name: 'audited',
    mode: 'predictive',
    callingHours: ALWAYS_OPEN as never,
  });
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
  const list = await stack.bus.request(campaignRpcs.createList, { campaignId: campaign.id, name: 'one' });
  const started = await stack.bus.request(campaignRpcs.startImport, { listId: list.id, format: 'csv' });
  await stack.bus.request(campaignRpcs.importChunk, {
    importId: started.importId,
    seq: 0,
    data: Buffer.from('phone\n0913000001\n').toString('base64'),
    last: true,
  });
  const [leased] = (
    await stack.bus.request(campaignRpcs.leaseContacts, { campaignId: campaign.id, dialerId: 'd1', count: 1 })
  ).contacts;
  await stack.bus.request(complianceRpcs.clearToDial, { attemptId: leased!.attemptId, dialerId: 'd1' });

  const audit = await api('GET', `/api/v1/contacts/${leased!.id}/dial-audit`, { as: supervisor });
  expect(audit.status).toBe(200);
  expect(audit.body.items).toHaveLength(1);
  expect(audit.body.items[0]).toMatchObject({
    stage: 'dial',
    allowed: true,
    reason: null,
    phoneMasked: '+84******001',
    attemptId: leased!.attemptId,
  });
  expect(audit.body.items[0].checks.map((c: any) => c.rule)).toEqual([
    'lease',
    'campaignStatus',
    'invalidNumber',
    'doNotCall',
    'maxAttempts',
    'callingHours',
    'dailyCap',
  ]);
  expect((await api('GET', `/api/v1/contacts/${leased!.id}/dial-audit`, { as: agent })).status).toBe(403);
});
