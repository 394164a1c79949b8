import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { campaignRpcs } from '@autotelesale/contracts';
import { expectEventually } from '@autotelesale/testing';
import { GatewayGrpcServer, grpcClients, type Caller } from './gateway-app';
import { ADMIN, ALWAYS_OPEN, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/**
 * What compliance leaves behind, read through the gateway: the dials it refused (counted
 * by reporting-service from campaign-service's `contact.dialRefused`) and the cells an
 * import left out (bad alternate numbers).
 */
let stack: StackUnderTest;
let api: Api;
let supervisor: Caller;

beforeAll(async () => {
  stack = await startStackForTest([SERVICES.campaign, SERVICES.reporting, SERVICES.gateway], {
    ATS_ADMIN_EMAIL: ADMIN.email,
    ATS_ADMIN_PASSWORD: ADMIN.password,
    ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
    ATS_GRPC_PORT: '0',
  });
  api = gatewayApi(stack);
  const admin = await login(api, ADMIN.email, ADMIN.password);
  supervisor = await personOf(api, admin, 'supervisor');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function campaignWithList(name: string): Promise<{ campaignId: string; listId: string }> {
  const campaign = await api('POST', '/api/v1/campaigns', {
    as: supervisor,
    body: { name, mode: 'predictive', callingHours: ALWAYS_OPEN },
  });
  expect(campaign.status).toBe(201);
  const list = await api('POST', `/api/v1/campaigns/${campaign.body.id}/lists`, {
    as: supervisor,
    body: { name: `${name} list`, defaultRegion: 'VN' },
  });
  expect(list.status).toBe(201);
  return { campaignId: campaign.body.id, listId: list.body.id };
}

it('reports the dials compliance refused, per campaign and rule, as JSON and CSV', async () => {
  const from = new Date(Date.now() - 60_000).toISOString();
  const { campaignId, listId } = await campaignWithList('refusals');
  const dnc = await api('POST', '/api/v1/dnc/campaign', {
    as: supervisor,
    body: { campaignId, phones: ['0912000001', '0912000002'], reason: 'asked on the phone' },
  });
  expect(dnc.status).toBe(201);
  const upload = await api('POST', `/api/v1/lists/${listId}/imports`, {
    as: supervisor,
    rawBody: 'phone\n0912000001\n0912000002\n0912000003\n',
    headers: { 'content-type': 'text/csv' },
  });
  expect(upload.body).toMatchObject({ state: 'completed', accepted: 3 });
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId, action: 'start' });
  const leased = await stack.bus.request(campaignRpcs.leaseContacts, {
    campaignId,
    dialerId: 'd1',
    count: 3,
  });
  // The two listed numbers are refused at lease time; only the third is handed out.
  expect(leased.contacts.map((c) => c.phone)).toEqual(['+84912000003']);

  const to = new Date(Date.now() + 60_000).toISOString();
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&campaignIds=${campaignId}`;
  const expected = { campaignId, stage: 'lease', rule: 'doNotCall', result: 'finished', refusals: 2 };
  await expectEventually(async () => {
    const report = await api('GET', `/api/v1/reports/dial-refusals?${query}`, { as: supervisor });
    expect(report.status).toBe(200);
    expect(report.body).toEqual({ from, to, rows: [expected], total: 2 });
  });
  const csv = await api('GET', `/api/v1/reports/dial-refusals.csv?${query}`, { as: supervisor });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(csv.body).toBe(
    `campaignId,stage,rule,result,refusals\r\n${campaignId},lease,doNotCall,finished,2\r\n`,
  );

  const backwards = await api(
    'GET',
    `/api/v1/reports/dial-refusals?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
    {
      as: supervisor,
    },
  );
  // Well-formed, refused by reporting-service: 422.
  expect(backwards.status).toBe(422);
  expect(backwards.body.code).toBe('VALIDATION_FAILED');
});

it('lists the cells an import left out (bad alternate numbers) over REST and gRPC, paged by row', async () => {
  const { listId } = await campaignWithList('alternates');
  const csv = [
    'phone,name,phone2,mobile',
    '0961166133,A,0912 345 678,+33 6 12 34 56 78',
    '0961166134,B,=1+2,0987654321',
    '0961166135,C,,12',
    '0961166136,D,n/a,abc',
    'abc,E,0912345678,',
  ].join('\n');
  const upload = await api('POST', `/api/v1/lists/${listId}/imports`, {
    as: supervisor,
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(upload.status).toBe(201);
  expect(upload.body).toMatchObject({ state: 'completed', rowsIn: 5, accepted: 4, rejected: 1, warnings: 4 });
  const importId = upload.body.importId as string;
  const expected = [
    { line: 3, row: 2, column: 'phone2', code: 'ALT_PHONE_INVALID', value: "'=1+2" },
    { line: 4, row: 3, column: 'mobile', code: 'ALT_PHONE_INVALID', value: '12' },
    // Within a row, by column name.
    { line: 5, row: 4, column: 'mobile', code: 'ALT_PHONE_INVALID', value: 'abc' },
    { line: 5, row: 4, column: 'phone2', code: 'ALT_PHONE_INVALID', value: 'n/a' },
  ];

  const all = await api('GET', `/api/v1/imports/${importId}/warnings`, { as: supervisor });
  expect(all.status).toBe(200);
  expect(all.body).toMatchObject({ nextCursor: null, totalWarnings: 4 });
  expect(all.body.items).toEqual(expected.map((w) => ({ ...w, reason: expect.any(String) })));

  // One row per page at least: row 4's two warnings stay together.
  const seen: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: any = await api(
      'GET',
      `/api/v1/imports/${importId}/warnings?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      { as: supervisor },
    );
    expect(page.status).toBe(200);
    seen.push(...page.body.items.map((w: any) => [w.row, w.column]));
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual(expected.map((w) => [w.row, w.column]));

  const grpc = grpcClients(stack.services.gateway!.app.get(GatewayGrpcServer).port);
  const grpcPage = await grpc.call('lists', 'ListImportWarnings', { importId, limit: 2 }, supervisor);
  expect(grpcPage.totalWarnings).toBe(4);
  expect(grpcPage.items.map((w: any) => [w.line, w.row, w.column, w.code, w.value])).toEqual(
    expected.slice(0, 2).map((w) => [w.line, w.row, w.column, w.code, w.value]),
  );
  const grpcNext = await grpc.call(
    'lists',
    'ListImportWarnings',
    { importId, cursor: grpcPage.nextCursor },
    supervisor,
  );
  expect(grpcNext.items.map((w: any) => [w.row, w.column])).toEqual([
    [4, 'mobile'],
    [4, 'phone2'],
  ]);
  expect(grpcNext.nextCursor ?? '').toBe('');
  Object.values(grpc.clients).forEach((client: any) => client.close());

  const badImport = await api('GET', '/api/v1/imports/not-a-uuid/warnings', { as: supervisor });
  expect(badImport.status).toBe(400);
  expect(badImport.body.code).toBe('VALIDATION_FAILED');
});
