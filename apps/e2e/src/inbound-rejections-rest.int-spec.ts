import { randomUUID } from 'node:crypto';
import { callInboundRejectedEvent, createAgentRpc, createEvent } from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import type { Caller } from './gateway-app';
import { ADMIN, apiKeyOf, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/**
 * Issue 8: the inbound calls the dialer's gate refused, read through the gateway (kept by
 * reporting-service from `call.inboundRejected`). The events are published here exactly
 * as the dialer publishes them; inbound-blacklist.int-spec.ts has the whole path from a
 * carrier call.
 */
let stack: StackUnderTest;
let api: Api;
let supervisor: Caller;
let crm: Caller;
let agent: Caller;

beforeAll(async () => {
  stack = await startStackForTest([SERVICES.agent, SERVICES.reporting, SERVICES.gateway], {
    ATS_ADMIN_EMAIL: ADMIN.email,
    ATS_ADMIN_PASSWORD: ADMIN.password,
    ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
    ATS_GRPC_PORT: '0',
  });
  api = gatewayApi(stack);
  const admin = await login(api, ADMIN.email, ADMIN.password);
  supervisor = await personOf(api, admin, 'supervisor');
  crm = await apiKeyOf(api, admin, 'supervisor');
  const { agentId } = await stack.bus.request(createAgentRpc, { name: 'Harassed agent', extension: '4101' });
  agent = await personOf(api, admin, 'agent', agentId);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const HARASSER = '+84961166133';

async function rejectInbound(callerNumber: string, rejectedAt: string, listReason: string | null) {
  const channelUuid = randomUUID();
  const event = createEvent(callInboundRejectedEvent, {
    id: randomUUID(),
    aggregateId: channelUuid,
    aggregateVersion: 1,
    producer: 'dialer:dialer-1',
    payload: {
      channelUuid,
      dialerId: 'dialer-1',
      node: 'fs1',
      callerNumber,
      calledNumber: '19001234',
      list: 'blacklist',
      listReason,
      hangupCause: 'CALL_REJECTED',
      rejectedAt,
    },
  });
  await stack.bus.publishEvent(stack.bus.topology.events.call(channelUuid), event);
  return { eventId: event.id, ...event.payload };
}

it('lists who was turned away, when, on which line and why; filters and pages; CSV too', async () => {
  const first = await rejectInbound(HARASSER, '2026-11-20T09:01:00.000Z', 'threatens agents');
  const other = await rejectInbound('+84961166140', '2026-11-20T09:02:00.000Z', null);
  const second = await rejectInbound(HARASSER, '2026-11-20T09:03:00.000Z', '@agent: "insults", again');
  const range = `from=${encodeURIComponent('2026-11-20T09:00:00Z')}&to=${encodeURIComponent('2026-11-20T10:00:00Z')}`;

  await expectEventually(async () => {
    const all = await api('GET', `/api/v1/reports/inbound-rejections?${range}`, { as: supervisor });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ items: [second, other, first], nextCursor: null });
  });

  const harasser = await api(
    'GET',
    `/api/v1/reports/inbound-rejections?${range}&callerNumber=${encodeURIComponent(HARASSER)}&list=blacklist&order=asc`,
    { as: crm },
  );
  expect(harasser.status).toBe(200);
  expect(harasser.body.items).toEqual([first, second]);

  const page1 = await api('GET', `/api/v1/reports/inbound-rejections?${range}&limit=2`, { as: supervisor });
  expect(page1.body.items).toEqual([second, other]);
  const page2 = await api(
    'GET',
    `/api/v1/reports/inbound-rejections?${range}&limit=2&cursor=${page1.body.nextCursor}`,
    { as: supervisor },
  );
  expect(page2.body).toEqual({ items: [first], nextCursor: null });

  const csv = await api('GET', `/api/v1/reports/inbound-rejections.csv?${range}`, { as: crm });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(csv.headers.get('content-disposition')).toBe('attachment; filename="inbound-rejections.csv"');
  const line = (r: typeof first, reason: string) =>
    `${r.rejectedAt},${r.callerNumber},19001234,fs1,blacklist,${reason},CALL_REJECTED,${r.channelUuid},dialer-1,${r.eventId}\r\n`;
  expect(csv.body).toBe(
    'rejected_at,caller_number,called_number,node,list,list_reason,hangup_cause,channel_uuid,dialer_id,event_id\r\n' +
      line(first, 'threatens agents') +
      line(other, '') +
      line(second, `"'@agent: ""insults"", again"`),
  );
});

it('refuses an agent (403) and bad filters (400 at the gateway, 422 from reporting)', async () => {
  for (const path of ['/api/v1/reports/inbound-rejections', '/api/v1/reports/inbound-rejections.csv']) {
    const forbidden = await api('GET', path, { as: agent });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    expect((await api('GET', path)).status).toBe(401);
  }
  const unknownList = await api('GET', '/api/v1/reports/inbound-rejections?list=vip', { as: supervisor });
  expect(unknownList.status).toBe(400);
  expect(unknownList.body.code).toBe('VALIDATION_FAILED');
  const national = await api('GET', '/api/v1/reports/inbound-rejections?callerNumber=0961166133', {
    as: supervisor,
  });
  expect(national.status).toBe(422);
  const badCursor = await api('GET', '/api/v1/reports/inbound-rejections?cursor=not-ours', {
    as: supervisor,
  });
  expect(badCursor.status).toBe(422);
  expect(badCursor.body.details.reason).toBe('REPORTING_INVALID_CURSOR');
});

it('documents both routes in the OpenAPI document', async () => {
  const docs = await api('GET', '/api/docs-json');
  expect(docs.status).toBe(200);
  expect(Object.keys(docs.body.paths)).toEqual(
    expect.arrayContaining(['/api/v1/reports/inbound-rejections', '/api/v1/reports/inbound-rejections.csv']),
  );
  const list = docs.body.paths['/api/v1/reports/inbound-rejections'].get;
  expect(list.parameters.map((p: any) => p.name)).toEqual(
    expect.arrayContaining(['from', 'to', 'callerNumber', 'list', 'order', 'limit', 'cursor']),
  );
});
