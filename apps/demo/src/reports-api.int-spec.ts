// Reports through the gateway's REST API, on real NATS and PostgreSQL: reporting-service
// fed with call events exactly as the dialer publishes them, agent-service for the agents'
// real state changes, the gateway in front (roles, validation, cursor pages, CSV stream).
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { AppModule as AgentModule, SERVICE_OPTIONS as AGENT } from '@autotelesale/agent-service';
import {
  callAgentConnectedEvent,
  callDialedEvent,
  callEndedEvent,
  createEvent,
  exportKpisCsvRpc,
  type CallRecord,
  type EventEnvelope,
  type KpiRow,
  type QueryKpisReply,
} from '@autotelesale/contracts';
import { AppModule as GatewayModule, SERVICE_OPTIONS as GATEWAY } from '@autotelesale/gateway';
import { AppModule as ReportingModule, SERVICE_OPTIONS as REPORTING } from '@autotelesale/reporting-service';
import { CALL_CSV_COLUMNS, KPI_CSV_COLUMNS, unescapeFormula } from '@autotelesale/reporting-domain';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor } from '@autotelesale/testing';
import { GatewayClient, GatewayError, type Caller } from './gateway-client';

const ADMIN = { email: 'admin@reports.test', password: 'reports-admin-password' };
const campaignId = randomUUID();
const T0 = Date.parse('2026-11-23T08:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** The dialer's call ids are the customer legs' uuids. */
const call = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`;

let stack: StackUnderTest;
let api: GatewayClient;
let admin: Caller;
let supervisor: Caller;
let agentA: { agentId: string; caller: Caller };
let agentB: { agentId: string };

function record(patch: Partial<CallRecord> & { callId: string; dialedAt: string }): CallRecord {
  return {
    campaignId,
    attemptId: randomUUID(),
    contactId: randomUUID(),
    dialerId: 'dialer-1',
    node: 'fs1',
    mode: 'predictive',
    phone: '+84961000001',
    outcome: 'answered',
    liveAnswer: true,
    abandoned: false,
    abandonReason: null,
    amd: 'notRun',
    agentId: null,
    extension: null,
    answeredAt: null,
    connectedAt: null,
    endedAt: patch.dialedAt,
    ringSeconds: 0,
    holdSeconds: 0,
    talkSeconds: 0,
    hangupCause: 'NORMAL_CLEARING',
    hangupBy: 'customer',
    recordingPath: null,
    ...patch,
  };
}

/** Five calls of one campaign: two agents, an unanswered one, an abandon, an intro. */
function calls(): { records: CallRecord[]; events: EventEnvelope[] } {
  const records = [
    record({
      callId: call(1),
      phone: '+84961000001',
      agentId: agentA.agentId,
      extension: '3001',
      dialedAt: at(0),
      answeredAt: at(8),
      connectedAt: at(8.4),
      endedAt: at(68.4),
      ringSeconds: 8,
      holdSeconds: 0.4,
      talkSeconds: 60,
      recordingPath: '/recordings/call 1.wav',
    }),
    record({
      callId: call(2),
      phone: '+84961000002',
      agentId: agentB.agentId,
      extension: '3002',
      dialedAt: at(10),
      answeredAt: at(15),
      connectedAt: at(15.2),
      endedAt: at(45.2),
      ringSeconds: 5,
      holdSeconds: 0.2,
      talkSeconds: 30,
      hangupBy: 'agent',
    }),
    record({
      callId: call(3),
      phone: '+84961000003',
      outcome: 'noAnswer',
      liveAnswer: false,
      dialedAt: at(20),
      endedAt: at(45),
      ringSeconds: 25,
      // A value a spreadsheet would run as a formula: the export must defuse it.
      hangupCause: '=HYPERLINK("http://x")',
      hangupBy: 'system',
    }),
    record({
      callId: call(4),
      phone: '+84961000004',
      outcome: 'abandoned',
      abandoned: true,
      abandonReason: 'noAgentWithinGrace',
      dialedAt: at(30),
      answeredAt: at(36),
      endedAt: at(42),
      ringSeconds: 6,
      holdSeconds: 2,
      hangupBy: 'system',
    }),
    // An intro of 6 s, then the agent 1.5 s after its end: 7.5 s after the answer, in time.
    record({
      callId: call(5),
      phone: '+84961000005',
      agentId: agentA.agentId,
      extension: '3001',
      dialedAt: at(40),
      answeredAt: at(44),
      connectedAt: at(51.5),
      endedAt: at(101.5),
      ringSeconds: 4,
      holdSeconds: 7.5,
      talkSeconds: 50,
      introEndedAt: at(50),
    }),
  ];
  const events: EventEnvelope[] = [];
  for (const r of records) {
    let version = 1;
    const common = { aggregateId: r.callId, producer: 'dialer-1' };
    events.push(
      createEvent(callDialedEvent, {
        ...common,
        aggregateVersion: version++,
        payload: {
          callId: r.callId,
          campaignId,
          attemptId: r.attemptId,
          contactId: r.contactId,
          dialerId: r.dialerId,
          node: r.node,
          mode: r.mode,
          phone: r.phone,
          dialedAt: r.dialedAt,
        },
      }),
    );
    if (r.connectedAt)
      events.push(
        createEvent(callAgentConnectedEvent, {
          ...common,
          aggregateVersion: version++,
          payload: {
            callId: r.callId,
            campaignId,
            contactId: r.contactId,
            agentId: r.agentId!,
            extension: r.extension!,
            phone: r.phone,
            connectedAt: r.connectedAt,
            ...(r.introEndedAt ? { introEndedAt: r.introEndedAt } : {}),
          },
        }),
      );
    events.push(createEvent(callEndedEvent, { ...common, aggregateVersion: version++, payload: r }));
  }
  return { records, events };
}

async function person(role: 'agent' | 'supervisor', agentId?: string): Promise<Caller> {
  const email = `${role}-${randomUUID().slice(0, 8)}@reports.test`;
  const password = 'a-long-enough-password';
  await api.request('POST', '/api/v1/users', { as: admin, body: { email, password, role, agentId } });
  return api.login(email, password);
}

const status = async (work: Promise<unknown>) =>
  work.then(
    () => 200,
    (error: unknown) => (error instanceof GatewayError ? error.status : -1),
  );

beforeAll(async () => {
  stack = await startStackForTest(
    [
      { module: AgentModule, options: AGENT },
      { module: ReportingModule, options: REPORTING },
      { module: GatewayModule, options: GATEWAY },
    ],
    {
      ATS_ADMIN_EMAIL: ADMIN.email,
      ATS_ADMIN_PASSWORD: ADMIN.password,
      ATS_TOKEN_SECRET: 'reports-secret-long-enough-for-hmac-signing',
      ATS_GRPC_PORT: '0',
      ATS_REPORTING_GAUGE_REFRESH_MS: '0',
    },
  );
  api = new GatewayClient(`http://127.0.0.1:${stack.services.gateway!.httpPort}`);
  admin = await api.login(ADMIN.email, ADMIN.password);
  supervisor = await person('supervisor');
  const a = await api.request<{ agentId: string }>('POST', '/api/v1/agents', {
    as: admin,
    body: { name: 'Agent A', extension: '3001' },
  });
  const b = await api.request<{ agentId: string }>('POST', '/api/v1/agents', {
    as: admin,
    body: { name: 'Agent B', extension: '3002' },
  });
  agentA = { agentId: a.agentId, caller: await person('agent', a.agentId) };
  agentB = { agentId: b.agentId };
  for (const event of calls().events)
    await stack.bus.publishEvent(stack.topology.events.call(event.aggregateId), event);
  await waitFor(
    async () => {
      const page = await api.request<{ items: Array<{ ended: boolean }> }>(
        'GET',
        `/api/v1/reports/calls?campaignId=${campaignId}&ended=true&limit=10`,
        { as: admin },
      );
      return page.items.length === 5;
    },
    { timeoutMs: 30_000 },
  );
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

const range = `from=${encodeURIComponent(at(-60))}&to=${encodeURIComponent(at(3600))}`;

describe('call records', () => {
  it('pages the records with a cursor, newest first, with the fields of seed 000', async () => {
    type Page = { items: Array<Record<string, unknown>>; nextCursor: string | null };
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await api.request<Page>(
        'GET',
        `/api/v1/reports/calls?campaignId=${campaignId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: supervisor },
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((c) => c['callId'])).toEqual([call(5), call(4), call(3), call(2), call(1)]);
    expect(seen.at(-1)).toMatchObject({
      phone: '+84961000001',
      extension: '3001',
      dialedAt: at(0),
      ringSeconds: 8,
      talkSeconds: 60,
      outcome: 'answered',
      hangupCause: 'NORMAL_CLEARING',
      recordingPath: '/recordings/call 1.wav',
      recordingLink: 'file:///recordings/call%201.wav',
    });
  });

  it('filters by status, agent, call and time range', async () => {
    const ids = async (query: string) =>
      (
        await api.request<{ items: Array<{ callId: string }> }>(
          'GET',
          `/api/v1/reports/calls?campaignId=${campaignId}&${query}`,
          { as: admin },
        )
      ).items.map((c) => c.callId);
    expect(await ids('status=noAnswer,abandoned&order=asc')).toEqual([call(3), call(4)]);
    expect(await ids(`agentId=${agentB.agentId}`)).toEqual([call(2)]);
    expect(await ids(`callId=${call(4)}`)).toEqual([call(4)]);
    expect(
      await ids(`from=${encodeURIComponent(at(10))}&to=${encodeURIComponent(at(30))}&order=asc`),
    ).toEqual([call(2), call(3)]);
    expect(await ids('abandoned=true')).toEqual([call(4)]);
  });

  it('counts an intro call connected within the grace after the intro as not abandoned', async () => {
    const page = await api.request<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `/api/v1/reports/calls?callId=${call(5)}`,
      { as: admin },
    );
    expect(page.items[0]).toMatchObject({ regulatorLiveAnswer: true, regulatorAbandoned: false });
  });

  it('shows an agent its own calls only, whatever it asks for', async () => {
    const mine = await api.request<{ items: Array<{ callId: string }> }>('GET', '/api/v1/reports/calls', {
      as: agentA.caller,
    });
    expect(mine.items.map((c) => c.callId)).toEqual([call(5), call(1)]);
    expect(
      await status(
        api.request('GET', `/api/v1/reports/calls?agentId=${agentB.agentId}`, { as: agentA.caller }),
      ),
    ).toBe(404);
  });

  it('refuses a bad query with a 400 naming the field', async () => {
    const error = await api
      .request('GET', '/api/v1/reports/calls?limit=0&abandoned=maybe', { as: admin })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    expect(JSON.stringify((error as GatewayError).body)).toMatch(/limit/);
  });
});

describe('CSV export', () => {
  it('streams a header row and one escaped line per call', async () => {
    const response = await fetch(`${api.baseUrl}/api/v1/reports/calls.csv?campaignId=${campaignId}`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="calls-.*\.csv"$/);
    const lines = (await response.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(CALL_CSV_COLUMNS.map((c) => c.header).join(','));
    expect(lines).toHaveLength(6);
    const row3 = lines.find((l) => l.startsWith(`${call(3)},`))!;
    // The formula is written with a leading ' (quoted, as it holds quotes and a comma-free text).
    expect(row3).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(unescapeFormula(`'=HYPERLINK("http://x")`)).toBe('=HYPERLINK("http://x")');
    expect(lines.find((l) => l.startsWith(`${call(1)},`))).toContain(',+84961000001,');
  });

  it('gives an agent its own calls only', async () => {
    const response = await fetch(`${api.baseUrl}/api/v1/reports/calls.csv`, {
      headers: { authorization: `Bearer ${agentA.caller.token}` },
    });
    const lines = (await response.text()).split('\r\n').filter(Boolean);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([call(1), call(5)]);
  });
});

describe('KPIs', () => {
  it('per campaign: the regulator abandon rate, connects and talk', async () => {
    const reply = await api.request<{ rows: Array<{ campaignId: string; kpis: Record<string, number> }> }>(
      'GET',
      `/api/v1/reports/kpis?${range}&groupBy=campaign&campaignIds=${campaignId}`,
      { as: supervisor },
    );
    expect(reply.rows).toHaveLength(1);
    expect(reply.rows[0]!.kpis).toMatchObject({
      dials: 5,
      liveAnswers: 4,
      connects: 3,
      abandons: 1,
      abandonRate: 0.25,
      averageTalkSeconds: (60 + 30 + 50) / 3,
    });
  });

  it('per interval: 15 min buckets of the same hour', async () => {
    const reply = await api.request<{ rows: Array<{ bucketStart: string; kpis: { dials: number } }> }>(
      'GET',
      `/api/v1/reports/kpis?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(3600))}&interval=15m&groupBy=none`,
      { as: admin },
    );
    expect(reply.rows.map((r) => [r.bucketStart, r.kpis.dials])).toEqual([[at(0), 5]]);
  });

  it('per agent; an agent sees its own and no campaign view', async () => {
    const own = await api.request<{ rows: Array<{ agentId: string; kpis: { connects: number } }> }>(
      'GET',
      `/api/v1/reports/kpis?${range}&groupBy=agent`,
      { as: agentA.caller },
    );
    expect(own.rows.map((r) => [r.agentId, r.kpis.connects])).toEqual([[agentA.agentId, 2]]);
    expect(
      await status(
        api.request('GET', `/api/v1/reports/kpis?${range}&groupBy=campaign`, { as: agentA.caller }),
      ),
    ).toBe(403);
    expect(
      await status(
        api.request('GET', `/api/v1/reports/kpis?${range}&groupBy=agent&agentIds=${agentB.agentId}`, {
          as: agentA.caller,
        }),
      ),
    ).toBe(404);
  });

  it('the manual comparison and abandon windows are for supervisors', async () => {
    const comparison = await api.request<{
      campaign: { connects: number };
      manual: { contactsPerAgentHour: number };
    }>('GET', `/api/v1/reports/campaigns/${campaignId}/manual-comparison?${range}`, { as: supervisor });
    expect(comparison.campaign.connects).toBe(3);
    const windows = await api.request<{ windows: Array<{ rule: string }> }>(
      'GET',
      `/api/v1/reports/campaigns/${campaignId}/abandon-windows?at=${encodeURIComponent(at(3600))}`,
      { as: supervisor },
    );
    expect(windows.windows.map((w) => w.rule).sort()).toEqual(['UK', 'US']);
    expect(
      await status(
        api.request('GET', `/api/v1/reports/campaigns/${campaignId}/manual-comparison?${range}`, {
          as: agentA.caller,
        }),
      ),
    ).toBe(403);
  });
});

describe('KPI CSV', () => {
  const kpiCsv = (query: string, as: Caller) =>
    fetch(`${api.baseUrl}/api/v1/reports/kpis.csv?${query}`, {
      headers: { authorization: `Bearer ${as.token}` },
    });
  const kpiJson = (query: string, as: Caller) =>
    api.request<QueryKpisReply>('GET', `/api/v1/reports/kpis?${query}`, { as });

  /** The CSV, read by a strict RFC 4180 reader, must say exactly what the JSON route says. */
  function expectSameKpis(csv: string, rows: KpiRow[]): void {
    const [header, ...lines] = parse(csv, { relax_quotes: false, record_delimiter: '\r\n' }) as string[][];
    expect(header).toEqual(KPI_CSV_COLUMNS.map((c) => c.header));
    expect(lines).toHaveLength(rows.length);
    const cell = (line: string[], name: string) => line[header!.indexOf(name)]!;
    lines.forEach((line, i) => {
      const row = rows[i]!;
      expect(cell(line, 'campaign_id')).toBe(row.campaignId ?? '');
      expect(cell(line, 'agent_id')).toBe(row.agentId ?? '');
      expect(cell(line, 'bucket_start')).toBe(row.bucketStart);
      expect(cell(line, 'bucket_end')).toBe(row.bucketEnd);
      for (const column of KPI_CSV_COLUMNS) {
        if (!column.kpi || column.kpi === 'saleValueByCurrency') continue;
        expect([column.header, Number(cell(line, column.header))]).toEqual([
          column.header,
          row.kpis[column.kpi],
        ]);
      }
    });
  }

  it.each([
    ['per campaign, in one bucket', `${range}&groupBy=campaign&campaignIds=${campaignId}`, 1],
    ['per agent, per 15 minutes', `${range}&groupBy=agent&interval=15m`, 2],
    ['for everything, per hour', `${range}&groupBy=none&interval=1h`, 1],
  ])('%s: a line per row of the JSON route, with its numbers', async (_, query, expectedRows) => {
    const response = await kpiCsv(query, supervisor);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="kpis-[a-z]+-\w+-2026-11-23\.csv"$/,
    );
    const csv = await response.text();
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
    const json = await kpiJson(query, supervisor);
    // Only the groups and buckets with calls or agent time have a row.
    expect(json.rows).toHaveLength(expectedRows);
    expectSameKpis(csv, json.rows);
  });

  it('per campaign: the regulator abandon rate and talk as numbers a spreadsheet reads', async () => {
    const csv = await (
      await kpiCsv(`${range}&groupBy=campaign&campaignIds=${campaignId}`, supervisor)
    ).text();
    const [row] = parse(csv, { columns: true, record_delimiter: '\r\n' }) as Array<Record<string, string>>;
    expect(row).toMatchObject({
      campaign_id: campaignId,
      agent_id: '',
      dials: '5',
      live_answers: '4',
      connects: '3',
      abandons: '1',
      abandon_rate: '0.25',
      average_talk_seconds: String((60 + 30 + 50) / 3),
      sale_value_by_currency: '',
    });
  });

  it('answers the header alone when nothing happened', async () => {
    const empty = `from=${encodeURIComponent('2020-01-01T00:00:00Z')}&to=${encodeURIComponent('2020-01-02T00:00:00Z')}`;
    const response = await kpiCsv(empty, admin);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`${KPI_CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`);
  });

  it('resumes chunk after chunk through reporting-service to the same file', async () => {
    const query = { from: at(-60), to: at(3600), interval: '15m' as const, groupBy: 'agent' as const };
    const whole = await stack.bus.request(exportKpisCsvRpc, { query, maxRows: 5_000 });
    expect(whole.nextCursor).toBeNull();
    let joined = '';
    let chunks = 0;
    let cursor: string | undefined;
    do {
      const chunk = await stack.bus.request(exportKpisCsvRpc, { query, maxRows: 1, cursor });
      joined += chunk.chunk;
      chunks += 1;
      cursor = chunk.nextCursor ?? undefined;
    } while (cursor);
    expect(chunks).toBe(whole.rows);
    expect(joined).toBe(whole.chunk);
  });

  it("gives an agent its own KPIs only, by the JSON route's rules", async () => {
    const own = `${range}&groupBy=agent`;
    const response = await kpiCsv(own, agentA.caller);
    expect(response.status).toBe(200);
    const json = await kpiJson(own, agentA.caller);
    expect(json.rows.map((r) => r.agentId)).toEqual([agentA.agentId]);
    expectSameKpis(await response.text(), json.rows);
    // Asking for its own id is the same file.
    const byId = await kpiCsv(`${own}&agentIds=${agentA.agentId}`, agentA.caller);
    expect(byId.status).toBe(200);
    // Another agent's KPIs: 403 for a campaign or whole view, 404 for another agent's id
    // (as the JSON route and every agent route: whether that agent exists is not said).
    for (const groupBy of ['campaign', 'none']) {
      const refused = await kpiCsv(`${range}&groupBy=${groupBy}`, agentA.caller);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('FORBIDDEN');
    }
    const other = await kpiCsv(`${own}&agentIds=${agentB.agentId}`, agentA.caller);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/json/);
    expect(
      await status(
        api.request('GET', `/api/v1/reports/kpis?${own}&agentIds=${agentB.agentId}`, { as: agentA.caller }),
      ),
    ).toBe(404);
    expect((await kpiCsv(`${own}&agentIds=${agentA.agentId},${agentB.agentId}`, agentA.caller)).status).toBe(
      404,
    );
  });

  it.each([
    ['no range', 'groupBy=campaign', 'from'],
    ['an unknown interval', `${range}&interval=5m`, 'interval'],
    ['an unknown grouping', `${range}&groupBy=team`, 'groupBy'],
    ['a campaign id that is no uuid', `${range}&campaignIds=abc`, 'campaignIds'],
    ['an unknown parameter', `${range}&bucket=1h`, 'bucket'],
  ])('refuses %s with a 400 naming the field', async (_, query, field) => {
    const response = await kpiCsv(query, supervisor);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(body)).toContain(field);
  });

  it('refuses a range that ends before it starts as the JSON route does', async () => {
    const backwards = `from=${encodeURIComponent(at(3600))}&to=${encodeURIComponent(at(0))}`;
    const response = await kpiCsv(backwards, supervisor);
    const jsonStatus = await status(kpiJson(backwards, supervisor));
    expect([400, 422]).toContain(jsonStatus);
    expect(response.status).toBe(jsonStatus);
    expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it("is in the OpenAPI document as text/csv with the JSON route's parameters", async () => {
    type Operation = {
      parameters: Array<{ name: string }>;
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    const docs = await api.request<{ paths: Record<string, { get?: Operation }> }>('GET', '/api/docs-json');
    const csv = docs.paths['/api/v1/reports/kpis.csv']?.get;
    expect(csv).toBeDefined();
    expect(Object.keys(csv!.responses['200']!.content)).toEqual(['text/csv']);
    const names = (route: Operation | undefined) => route!.parameters.map((p) => p.name).sort();
    expect(names(csv)).toEqual(names(docs.paths['/api/v1/reports/kpis']?.get));
    expect(names(csv)).toEqual(['agentIds', 'campaignIds', 'from', 'groupBy', 'interval', 'to']);
  });
});

describe('agent state intervals', () => {
  it("adds up an agent's real states, and shows an agent its own only", async () => {
    const from = new Date().toISOString();
    await api.request('POST', `/api/v1/agents/${agentA.agentId}/login`, {
      as: agentA.caller,
      body: { extension: '3001' },
    });
    await api.request('POST', `/api/v1/agents/${agentA.agentId}/ready`, { as: agentA.caller, body: {} });
    const to = () => encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    await waitFor(
      async () => {
        const reply = await api.request<{
          items: Array<{ agentId: string; state: string; seconds: number }>;
        }>('GET', `/api/v1/reports/agent-states?from=${encodeURIComponent(from)}&to=${to()}`, {
          as: agentA.caller,
        });
        return (
          reply.items.every((i) => i.agentId === agentA.agentId) &&
          reply.items.some((i) => i.state === 'ready' && i.seconds > 0)
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(
      await status(
        api.request(
          'GET',
          `/api/v1/reports/agent-states?from=${encodeURIComponent(from)}&to=${to()}&agentId=${agentB.agentId}`,
          {
            as: agentA.caller,
          },
        ),
      ),
    ).toBe(404);
  });
});
