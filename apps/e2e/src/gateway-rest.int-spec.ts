import { randomUUID } from 'node:crypto';
import { ServiceKitModule } from '@autotelesale/service-kit';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { waitFor } from '@autotelesale/testing';
import { GATEWAY, GatewayModule, controllersOf, routePermissions, type Caller } from './gateway-app';
import {
  ADMIN,
  ALWAYS_OPEN,
  apiKeyOf,
  gatewayApi,
  generateList,
  login,
  personOf,
  startGatewayStack,
  type Api,
} from './gateway-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/**
 * The supervisor's side of the core loop, end to end through the gateway's REST API on
 * real NATS and PostgreSQL: campaign-service and agent-service answer behind it.
 */

let stack: StackUnderTest;
let api: Api;
let admin: Caller;
let supervisor: Caller;
let crm: Caller;
let campaignId: string;
const agents: Array<{ agentId: string; extension: string; caller: Caller }> = [];

beforeAll(async () => {
  stack = await startGatewayStack();
  api = gatewayApi(stack);
  admin = await login(api, ADMIN.email, ADMIN.password);
  supervisor = await personOf(api, admin, 'supervisor');
  crm = await apiKeyOf(api, admin, 'supervisor');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('creates a campaign, once, for a retried request with the same Idempotency-Key', async () => {
  const body = { name: 'Spring upsell', mode: 'predictive', callingHours: ALWAYS_OPEN, wrapUpSeconds: 0 };
  const headers = { 'idempotency-key': 'spring-upsell-1' };
  const first = await api('POST', '/api/v1/campaigns', { as: supervisor, body, headers });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({
    name: 'Spring upsell',
    mode: 'predictive',
    status: 'draft',
    version: 1,
  });
  const retry = await api('POST', '/api/v1/campaigns', { as: supervisor, body, headers });
  expect(retry.body.id).toBe(first.body.id);
  const clash = await api('POST', '/api/v1/campaigns', {
    as: supervisor,
    body: { ...body, name: 'Another' },
    headers,
  });
  expect(clash.status).toBe(409);
  campaignId = first.body.id;

  const listed = await api('GET', '/api/v1/campaigns?status=draft&limit=10', { as: crm });
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([campaignId]);
});

it('imports a 10,000-row list with bad rows as a stream, with an exact report and every reject by line', async () => {
  const list = await api('POST', `/api/v1/campaigns/${campaignId}/lists`, {
    as: supervisor,
    body: { name: 'March leads', defaultRegion: 'VN' },
  });
  expect(list.status).toBe(201);
  const file = generateList(10_000, 6);
  // Bigger than one chunk: the gateway must cut it for NATS's 1 MB limit.
  expect(file.csv.length).toBeGreaterThan(512 * 1024);

  const upload = await api('POST', `/api/v1/lists/${list.body.id}/imports?fileName=march.csv`, {
    as: crm,
    rawBody: file.csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(upload.status).toBe(201);
  expect(upload.body).toMatchObject({
    state: 'completed',
    rowsIn: 10_000,
    accepted: file.accepted,
    merged: file.merged,
    rejected: file.rejects.length,
    bytesReceived: file.csv.length,
    progress: 1,
  });
  expect(upload.body.accepted + upload.body.merged + upload.body.rejected).toBe(upload.body.rowsIn);

  const progress = await api('GET', `/api/v1/imports/${upload.body.importId}`, { as: supervisor });
  expect(progress.body).toMatchObject({ state: 'completed', progress: 1 });

  const rejects: Array<{ line: number; code: string }> = [];
  let cursor: string | null = null;
  do {
    const page: any = await api(
      'GET',
      `/api/v1/imports/${upload.body.importId}/rejects?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      { as: supervisor },
    );
    expect(page.status).toBe(200);
    expect(page.body.totalRejected).toBe(file.rejects.length);
    rejects.push(
      ...page.body.items.map((r: { line: number; code: string }) => ({ line: r.line, code: r.code })),
    );
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(rejects).toEqual(file.rejects);

  const contacts = await api('GET', `/api/v1/campaigns/${campaignId}/contacts?limit=3`, { as: supervisor });
  expect(contacts.body.items).toHaveLength(3);
  expect(contacts.body.items[0].phone).toMatch(/^\+8496\d{7}$/);
  expect(contacts.body.nextCursor).toEqual(expect.any(String));
});

it('shows the progress of an import while its file is still arriving, then the exact report', async () => {
  const campaign = await api('POST', '/api/v1/campaigns', {
    as: supervisor,
    body: { name: 'Progress', mode: 'preview' },
  });
  const list = await api('POST', `/api/v1/campaigns/${campaign.body.id}/lists`, {
    as: supervisor,
    body: { name: 'Big' },
  });
  const file = generateList(10_000, 7);
  const started = await api('POST', `/api/v1/lists/${list.body.id}/imports/start`, {
    as: supervisor,
    body: { format: 'csv', totalBytes: file.csv.length, fileName: 'big.csv' },
  });
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({ state: 'receiving', bytesReceived: 0, progress: 0 });
  const importId = started.body.importId as string;

  // The upload holds back its second half until the first has shown up as progress.
  const firstPart = file.csv.subarray(0, 600 * 1024);
  let releaseRest!: () => void;
  const restMayGo = new Promise<void>((resolve) => (releaseRest = resolve));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(firstPart);
      await restMayGo;
      controller.enqueue(file.csv.subarray(firstPart.length));
      controller.close();
    },
  });
  const uploading = fetch(
    `http://127.0.0.1:${stack.services.gateway!.httpPort}/api/v1/imports/${importId}/file`,
    {
      method: 'PUT',
      body,
      headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'text/csv' },
      duplex: 'half',
    } as RequestInit,
  );

  const midway = await waitFor(async () => {
    const status = await api('GET', `/api/v1/imports/${importId}`, { as: supervisor });
    return status.body.bytesReceived > 0 ? status.body : undefined;
  });
  expect(midway.state).toBe('receiving');
  expect(midway.progress).toBeGreaterThan(0);
  expect(midway.progress).toBeLessThan(1);
  expect(midway.rowsIn).toBeGreaterThan(0);
  releaseRest();

  const done = await uploading;
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({
    state: 'completed',
    progress: 1,
    rowsIn: 10_000,
    accepted: file.accepted,
    merged: file.merged,
    rejected: file.rejects.length,
  });
  const again = await api('PUT', `/api/v1/imports/${importId}/file`, {
    as: supervisor,
    rawBody: 'phone\n0961166133\n',
    headers: { 'content-type': 'text/csv' },
  });
  expect(again.status).toBe(409);
});

it('imports JSON and NDJSON too, and never echoes a formula cell unescaped', async () => {
  const list = await api('POST', `/api/v1/campaigns/${campaignId}/lists`, {
    as: supervisor,
    body: { name: 'JSON' },
  });
  const rows = [
    { phone: '0971 000 001', name: '=HYPERLINK("http://evil.test")', tier: 'gold' },
    { phone: 'nope', name: 'Bad' },
    { name: 'No phone' },
  ];
  // Small JSON as application/json (the body parser reads it first)...
  const json = await api('POST', `/api/v1/lists/${list.body.id}/imports`, { as: crm, body: rows });
  expect(json.status).toBe(201);
  expect(json.body).toMatchObject({ format: 'json', rowsIn: 3, accepted: 1, rejected: 2 });
  // ...and NDJSON as a stream.
  const ndjson = await api('POST', `/api/v1/lists/${list.body.id}/imports`, {
    as: crm,
    rawBody: `${JSON.stringify({ phone: '0971000002' })}\n${JSON.stringify({ phone: '0971000001' })}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(ndjson.body).toMatchObject({ format: 'ndjson', rowsIn: 2, accepted: 1, merged: 1, rejected: 0 });

  const found = await api('GET', `/api/v1/campaigns/${campaignId}/contacts?phone=0971000001`, {
    as: supervisor,
  });
  expect(found.body.items).toHaveLength(1);
  expect(found.body.items[0]).toMatchObject({ phone: '+84971000001', fields: { tier: 'gold' } });
  expect(found.body.items[0].name).toBe(`'=HYPERLINK("http://evil.test")`);

  const unknownFormat = await api('POST', `/api/v1/lists/${list.body.id}/imports`, {
    as: crm,
    rawBody: 'phone\n0971000003\n',
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(unknownFormat.status).toBe(400);
});

it('pages a campaign’s lists, and refuses a page size it does not serve', async () => {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `limit=1&cursor=${encodeURIComponent(cursor)}` : 'limit=1';
    const page = await api('GET', `/api/v1/campaigns/${campaignId}/lists?${query}`, { as: supervisor });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    ids.push(page.body.items[0].id);
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  expect(pages).toBeGreaterThanOrEqual(2);
  expect(new Set(ids).size).toBe(ids.length);
  const whole = await api('GET', `/api/v1/campaigns/${campaignId}/lists`, { as: supervisor });
  expect(whole.body.items.map((list: { id: string }) => list.id).sort()).toEqual([...ids].sort());
  expect(whole.body.nextCursor).toBeNull();
  const tooBig = await api('GET', `/api/v1/campaigns/${campaignId}/lists?limit=100000`, { as: supervisor });
  expect(tooBig.status).toBe(400);
  expect(tooBig.body.code).toBe('VALIDATION_FAILED');
});

it('logs agents in and sets them ready, each with its own credentials', async () => {
  for (const extension of ['1001', '1002', '1003']) {
    const created = await api('POST', '/api/v1/agents', {
      as: supervisor,
      body: { name: `Agent ${extension}`, extension },
    });
    expect(created.status).toBe(201);
    const agentId = created.body.agentId as string;
    agents.push({ agentId, extension, caller: await personOf(api, admin, 'agent', agentId) });
  }
  for (const agent of agents) {
    const loggedIn = await api('POST', `/api/v1/agents/${agent.agentId}/login`, {
      as: agent.caller,
      body: {},
    });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body).toMatchObject({ state: 'not_ready', sessionExtension: agent.extension });
    const ready = await api('POST', `/api/v1/agents/${agent.agentId}/ready`, { as: agent.caller, body: {} });
    expect(ready.body.state).toBe('ready');
  }
  // An agent cannot touch a colleague's session: NOT_FOUND, as if it did not exist.
  const [a, b] = agents;
  const reach = await api('POST', `/api/v1/agents/${b!.agentId}/not-ready`, {
    as: a!.caller,
    body: { reasonCode: 'lunch' },
  });
  expect(reach.status).toBe(404);
  const statuses = await api('POST', '/api/v1/agent-statuses/query', {
    as: supervisor,
    body: { agentIds: agents.map((x) => x.agentId) },
  });
  expect(statuses.body.items.map((s: { state: string }) => s.state)).toEqual(['ready', 'ready', 'ready']);
});

it('never reserves an agent twice, whatever the number of concurrent reservers', async () => {
  const eligibleAgentIds = agents.map((a) => a.agentId);
  const replies = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      api('POST', '/api/v1/reservations', {
        as: crm,
        body: { campaignId, callId: `call-r${i}`, eligibleAgentIds, timeoutMs: 60_000 },
      }),
    ),
  );
  expect(replies.every((r) => r.status === 200)).toBe(true);
  const won = replies.filter((r) => r.body.outcome === 'reserved').map((r) => r.body.reservation);
  expect(won).toHaveLength(3);
  expect(new Set(won.map((r: { agentId: string }) => r.agentId)).size).toBe(3);
  expect(replies.filter((r) => r.body.outcome === 'noAgent')).toHaveLength(9);
  for (const reservation of won) {
    const released = await api('POST', `/api/v1/reservations/${reservation.reservationId}/release`, {
      as: crm,
    });
    expect(released.body.agent.state).toBe('ready');
  }
});

it('leases contacts to 8 concurrent dialers without ever leasing one twice, and records outcomes exactly once', async () => {
  const started = await api('POST', `/api/v1/campaigns/${campaignId}/transitions`, {
    as: supervisor,
    body: { action: 'start' },
  });
  expect(started.body.status).toBe('running');

  const lessees = Array.from({ length: 8 }, (_, i) => `dialer-${i}`);
  const leased = (
    await Promise.all(
      lessees.map(async (dialerId) => {
        const mine: any[] = [];
        for (let round = 0; round < 5; round++) {
          const reply = await api('POST', `/api/v1/campaigns/${campaignId}/leases`, {
            as: crm,
            body: { dialerId, count: 40, leaseSeconds: 300 },
          });
          expect(reply.status).toBe(200);
          mine.push(...reply.body.contacts.map((c: any) => ({ ...c, dialerId })));
        }
        return mine;
      }),
    )
  ).flat();
  expect(leased).toHaveLength(8 * 5 * 40);
  expect(new Set(leased.map((c) => c.id)).size).toBe(leased.length);
  expect(new Set(leased.map((c) => c.attemptId)).size).toBe(leased.length);

  // The same outcome arriving twice at once (a retried report) is recorded once.
  const reported = leased.slice(0, 50);
  const results = await Promise.all(
    reported.flatMap((c) =>
      [1, 2].map(() =>
        api('POST', `/api/v1/attempts/${c.attemptId}/outcome`, {
          as: crm,
          body: { dialerId: c.dialerId, outcome: 'busy', callId: `call-${c.attemptId}` },
        }),
      ),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
  for (let i = 0; i < results.length; i += 2) {
    expect(results[i + 1]!.body.recordedAt).toBe(results[i]!.body.recordedAt);
  }
  const changed = await api('POST', `/api/v1/attempts/${reported[0].attemptId}/outcome`, {
    as: crm,
    body: { dialerId: reported[0].dialerId, outcome: 'answered' },
  });
  expect(changed.status).toBe(409);
  expect(changed.body.code).toBe('CONFLICT');

  const stats = await api('GET', `/api/v1/campaigns/${campaignId}/stats`, { as: supervisor });
  expect(stats.body.outcomes).toMatchObject({ busy: 50 });
  expect(stats.body.contacts.leased).toBe(leased.length - 50);
});

it('lets an agent record the disposition of its own call, and see only its own calls and callbacks', async () => {
  const [agent, other] = agents;
  const contact = (
    await api('GET', `/api/v1/campaigns/${campaignId}/contacts?limit=1&status=pending`, { as: supervisor })
  ).body.items[0];
  const disposition = {
    campaignId,
    contactId: contact.id,
    callId: `call-${randomUUID()}`,
    code: 'CALLBACK',
    callbackAt: new Date(Date.now() + 3_600_000).toISOString(),
    notes: 'call back after lunch',
  };
  const recorded = await api('POST', '/api/v1/dispositions', {
    as: agent!.caller,
    body: { ...disposition, agentId: agent!.agentId },
  });
  expect(recorded.status).toBe(201);
  expect(recorded.body).toMatchObject({ code: 'CALLBACK', agentId: agent!.agentId });
  const forOther = await api('POST', '/api/v1/dispositions', {
    as: agent!.caller,
    body: { ...disposition, callId: `call-${randomUUID()}`, agentId: other!.agentId },
  });
  expect(forOther.status).toBe(404);

  // An agent's lists show its own calls and callbacks only.
  const mine = await api('GET', `/api/v1/campaigns/${campaignId}/dispositions`, { as: other!.caller });
  expect(mine.body.items).toEqual([]);
  const callbacks = await api('GET', `/api/v1/campaigns/${campaignId}/callbacks`, { as: agent!.caller });
  expect(callbacks.body.items.map((c: { contactId: string }) => c.contactId)).toEqual([contact.id]);
});

it('refuses every role on every route it is not listed for (and lets it through where listed), and callers without credentials everywhere', async () => {
  const table = routePermissions(
    controllersOf(GatewayModule),
    ServiceKitModule.forRoot(GATEWAY).controllers as never,
  );
  const agent = agents[0]!.caller;
  const callers: Array<[string, Caller]> = [
    ['agent', agent],
    ['supervisor', supervisor],
    ['none', {}],
  ];
  const wrong: string[] = [];
  for (const { route, access } of table) {
    if (access.startsWith('public')) continue;
    const [method, path] = route.split(' ') as [string, string];
    const url = path.replace(/:[A-Za-z]+/g, randomUUID());
    for (const [role, caller] of callers) {
      const allowed = role !== 'none' && access.split(', ').includes(role);
      const response = await api(method, url, { as: caller, body: method === 'GET' ? undefined : {} });
      // Allowed callers get past the guard (to a 400 or 404 for these made-up ids), never a 401/403.
      if (allowed && [401, 403].includes(response.status)) wrong.push(`${role} refused ${route}`);
      const expected = role === 'none' ? 401 : 403;
      if (!allowed && response.status !== expected) wrong.push(`${role} ${route}: ${response.status}`);
    }
  }
  expect(wrong).toEqual([]);
});
