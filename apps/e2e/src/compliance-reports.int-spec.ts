import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { campaignRpcs } from '@autotelesale/contracts';
import { expectEventually } from '@autotelesale/testing';
import type { Caller } from './gateway-app';
import { ADMIN, ALWAYS_OPEN, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';

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
