import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentStatus, CampaignStats, CompareManualReply, KpiRow } from '@autotelesale/contracts';
import { formatManualComparison } from '@autotelesale/reporting-domain';
import {
  createTestDatabase,
  DEFAULT_NATS_URL,
  DEFAULT_PG_ADMIN_URL,
  deleteNamespaceStreams,
  testNamespace,
  uniqueSuffix,
  type TestDatabase,
} from '@autotelesale/testing';
import { AgentSimulator, sleep, type SimulatedAgent } from './agent-simulator';
import { GatewayClient, type Caller } from './gateway-client';
import type { DemoOptions } from './options';
import { DemoProcesses, workspaceRoot } from './processes';
import { agentExtensions, contactsCsv, demoScenario } from './scenario';
import { perSimulatedHour, type DemoResult } from './result';

const ADMIN = { email: 'demo-admin@autotelesale.test', password: 'demo-admin-password' };
const ESL_PASSWORD = 'DemoClueCon';
const ALWAYS_OPEN = {
  timeZone: 'Asia/Ho_Chi_Minh',
  timeZonePolicy: 'campaign',
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
};

export class DemoFailure extends Error {}

/** What the demo started, for the stop (on success, failure and Ctrl-C alike). */
export class DemoRun {
  processes: DemoProcesses | undefined;
  database: TestDatabase | undefined;
  namespace: string | undefined;
  simulator: AgentSimulator | undefined;

  async cleanUp(options: DemoOptions, say: (line: string) => void): Promise<void> {
    await this.simulator?.stop().catch(() => undefined);
    await this.processes?.stopAll();
    if (options.keep) {
      say(`kept: database ${this.database?.name ?? '-'}, NATS namespace ${this.namespace ?? '-'}`);
      return;
    }
    if (this.namespace)
      await deleteNamespaceStreams(process.env['ATS_NATS_URL'] ?? DEFAULT_NATS_URL, this.namespace).catch(
        () => undefined,
      );
    await this.database?.drop().catch(() => undefined);
  }
}

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new DemoFailure(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/**
 * The whole demo: a fresh database and NATS namespace, fs-sim and the five services as
 * processes, ten agents and a predictive campaign through the gateway, `minutes` of
 * dialing, then the campaign's KPIs beside manual dialing of the same list.
 */
export async function runDemo(
  options: DemoOptions,
  run: DemoRun,
  say: (line: string) => void,
): Promise<DemoResult> {
  const root = workspaceRoot();
  const natsUrl = process.env['ATS_NATS_URL'] ?? DEFAULT_NATS_URL;
  const logDir = join(root, 'tmp', 'demo');
  const processes = (run.processes = new DemoProcesses(root, logDir));
  const step = <T>(work: Promise<T>) => Promise.race([work, processes.died]);

  say('AutoTelesale demo: a predictive campaign on fs-sim, driven through the gateway');
  say(
    `  ${options.agents} agents, ${options.contacts} contacts, ${options.minutes} min of wall time, ` +
      `fs-sim time scale ${options.timeScale} (1 s of wall time = ${(1 / options.timeScale).toFixed(0)} simulated s)`,
  );
  say(`  logs of every process: ${logDir}/<name>.log\n`);

  run.database = await createTestDatabase('ats_demo', process.env['ATS_PG_URL'] ?? DEFAULT_PG_ADMIN_URL);
  run.namespace = testNamespace('demo');
  say(`1. database ${run.database.name}, NATS namespace ${run.namespace} (both new, removed at the end)`);

  const extensions = agentExtensions(options.agents);
  const fs = await step(
    processes.startFsSim({
      scenario: demoScenario(extensions, options.seed),
      timeScale: options.timeScale,
      seed: options.seed,
      password: ESL_PASSWORD,
    }),
  );
  say(`2. fs-sim: ESL on 127.0.0.1:${fs.eslPort}, control API ${fs.controlUrl}`);

  const common = {
    ATS_NATS_URL: natsUrl,
    ATS_NAMESPACE: run.namespace,
    ATS_DATABASE_URL: run.database.url,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  };
  for (const app of ['campaign-service', 'agent-service', 'reporting-service'])
    await processes.startService(app, common);
  await processes.startService('dialer-service', {
    ...common,
    ATS_FS_NODES: `fs1=127.0.0.1:${fs.eslPort}:${ESL_PASSWORD}`,
    ATS_DIALER_ID: 'demo-dialer',
    ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
  });
  const gatewayPort = await processes.startService('gateway', {
    ...common,
    ATS_ADMIN_EMAIL: ADMIN.email,
    ATS_ADMIN_PASSWORD: ADMIN.password,
    ATS_TOKEN_SECRET: `demo-${uniqueSuffix(16)}`,
    ATS_TOKEN_TTL_SECONDS: '86400',
    ATS_GRPC_PORT: '0',
  });
  const api = new GatewayClient(`http://127.0.0.1:${gatewayPort}`);
  const health = await step(
    waitUntil(
      'every service to answer healthy through the gateway',
      async () => {
        const body = await api.request<{ ok: boolean; services: Array<{ service: string }> }>(
          'GET',
          '/api/v1/system/health',
          { timeoutMs: 5_000 },
        );
        return body.ok ? body : undefined;
      },
      90_000,
    ),
  );
  say(`3. services up (${health.services.map((s) => s.service).join(', ')}); gateway ${api.baseUrl}/api/v1`);

  // ---- people ---------------------------------------------------------------------
  const admin = await step(api.login(ADMIN.email, ADMIN.password));
  const agents: SimulatedAgent[] = [];
  for (const extension of extensions) {
    const agent = await api.request<{ agentId: string }>('POST', '/api/v1/agents', {
      as: admin,
      body: { name: `Agent ${extension}`, extension },
    });
    const email = `agent-${extension}@autotelesale.test`;
    const password = `agent-${extension}-password`;
    await api.request('POST', '/api/v1/users', {
      as: admin,
      body: { email, password, role: 'agent', agentId: agent.agentId },
    });
    const caller: Caller = await api.login(email, password);
    await api.request('POST', `/api/v1/agents/${agent.agentId}/login`, { as: caller, body: { extension } });
    await api.request('POST', `/api/v1/agents/${agent.agentId}/ready`, { as: caller, body: {} });
    agents.push({ agentId: agent.agentId, extension, caller });
  }
  say(
    `4. ${agents.length} agents signed in with their own accounts, logged in on extensions ${extensions[0]}-${extensions.at(-1)}, ready`,
  );

  // ---- campaign -------------------------------------------------------------------
  const campaign = await api.request<{ id: string; pacing: { abandonRateCap: number } }>(
    'POST',
    '/api/v1/campaigns',
    {
      as: admin,
      body: {
        name: 'Demo: predictive',
        mode: 'predictive',
        defaultRegion: 'VN',
        callingHours: ALWAYS_OPEN,
        pacing: {
          abandonRateCap: 0.03,
          ringTimeoutSeconds: 25,
          abandonGraceSeconds: 2,
          ratio: options.ratio,
        },
        wrapUpSeconds: 30,
        agents: agents.map((a) => ({ agentId: a.agentId })),
      },
    },
  );
  const list = await api.request<{ id: string }>('POST', `/api/v1/campaigns/${campaign.id}/lists`, {
    as: admin,
    body: { name: 'generated contacts' },
  });
  const imported = await api.request<{ accepted: number; rejected: number; merged: number }>(
    'POST',
    `/api/v1/lists/${list.id}/imports?format=csv&fileName=demo-contacts.csv`,
    {
      as: admin,
      raw: contactsCsv(options.contacts, options.seed),
      contentType: 'text/csv',
      timeoutMs: 120_000,
    },
  );
  if (imported.accepted !== options.contacts)
    throw new DemoFailure(
      `the import accepted ${imported.accepted} of ${options.contacts} contacts: ${JSON.stringify(imported)}`,
    );
  say(
    `5. predictive campaign ${campaign.id} (${options.ratio === null ? 'forecast pacer' : `fixed ratio k = ${options.ratio}`}, ` +
      `abandon cap 3 %): CSV import of ${imported.accepted} contacts accepted`,
  );

  const simulator = (run.simulator = new AgentSimulator(api, admin, agents, {
    campaignId: campaign.id,
    timeScale: options.timeScale,
    seed: options.seed,
  }));
  simulator.start();
  const from = new Date();
  await api.request('POST', `/api/v1/campaigns/${campaign.id}/transitions`, {
    as: admin,
    body: { action: 'start' },
  });
  say(`6. started at ${from.toISOString()}; running ${options.minutes} min`);

  const runMs = options.minutes * 60_000;
  const progressEvery = Math.min(30_000, Math.max(5_000, runMs / 6));
  const stats = () =>
    api.request<CampaignStats>('GET', `/api/v1/campaigns/${campaign.id}/stats`, { as: admin });
  for (let elapsed = 0; elapsed < runMs;) {
    const wait = Math.min(progressEvery, runMs - elapsed);
    await step(sleep(wait));
    elapsed += wait;
    const [s, states] = await Promise.all([stats(), simulator.statuses()]);
    say(
      `   ${(elapsed / 1000).toFixed(0).padStart(4)} s  attempts ${String(s.attempts).padStart(5)}  agents ${summarize(states)}`,
    );
  }
  await api.request('POST', `/api/v1/campaigns/${campaign.id}/transitions`, {
    as: admin,
    body: { action: 'pause' },
  });
  const to = new Date();
  say(`7. paused at ${to.toISOString()}; letting the calls in progress end`);

  await step(
    waitUntil(
      'the calls in progress to end',
      async () => {
        const states = await simulator.statuses();
        return states.every((s) => s.state !== 'reserved' && s.state !== 'on_call') ? true : undefined;
      },
      Math.max(60_000, 600_000 * options.timeScale),
    ),
  );
  await simulator.stop();
  await step(
    waitUntil(
      'reporting to record every call as ended',
      async () => {
        const live = await api.request<{ items: unknown[] }>(
          'GET',
          `/api/v1/reports/calls?campaignId=${campaign.id}&ended=false&limit=1`,
          { as: admin },
        );
        return live.items.length === 0 ? true : undefined;
      },
      60_000,
    ),
  );

  // ---- figures --------------------------------------------------------------------
  const range = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  const comparison = await api.request<CompareManualReply>(
    'GET',
    `/api/v1/reports/campaigns/${campaign.id}/manual-comparison?${range}` +
      `&dialOverheadSeconds=${6 * options.timeScale}&machineListenSeconds=${5 * options.timeScale}`,
    { as: admin },
  );
  const kpis = await api.request<{ rows: KpiRow[] }>(
    'GET',
    `/api/v1/reports/kpis?${range}&groupBy=campaign&campaignIds=${campaign.id}`,
    { as: admin },
  );
  const k = kpis.rows[0]?.kpis;
  const result = perSimulatedHour(comparison, options.timeScale);

  say('\n8. KPIs through the gateway (GET /api/v1/reports/...), campaign vs manual dialing of the same list');
  say(`   (per agent-hour figures are per simulated hour: wall-clock rates x ${options.timeScale})\n`);
  say(indent(formatManualComparison(result), '   '));
  if (k) {
    say('');
    say(
      `   average talk ${(k.averageTalkSeconds / options.timeScale).toFixed(0)} s, average handle ` +
        `${(k.averageHandleSeconds / options.timeScale).toFixed(0)} s (simulated); answer-to-agent p50 ` +
        `${k.answerToAgentP50Ms.toFixed(0)} ms, p99 ${k.answerToAgentP99Ms.toFixed(0)} ms (wall); ` +
        `sales ${k.sales}, conversion ${(k.conversionRate * 100).toFixed(1)} %`,
    );
  }
  say(
    `   agents recorded ${simulator.stats.dispositions} dispositions (${simulator.stats.sales} sales) through the gateway`,
  );
  say(
    '   manual: one agent dialing the same attempts by hand: 6 s to dial each number, its ring time, 5 s on',
  );
  say('   each answering machine, every person answered talked to for the campaign mean talk and wrap-up');
  say('   (reporting-domain estimateManualDialing; the 6 s and 5 s scaled like fs-sim).');
  if (simulator.stats.errors.length)
    say(
      `   agent desk errors (first ${simulator.stats.errors.length}): ${simulator.stats.errors.slice(0, 3).join(' | ')}`,
    );

  if (options.json) {
    const file = resolve(process.cwd(), options.json);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    say(`\n   wrote ${file}`);
  }
  if (result.campaign.connects === 0)
    throw new DemoFailure('the campaign connected no customer to an agent: see the logs');
  const advantage =
    result.campaign.talkMinutesPerAgentHour / Math.max(1e-9, result.manual.talkMinutesPerAgentHour);
  if (options.minAdvantage > 0 && !(advantage > options.minAdvantage))
    throw new DemoFailure(
      `talk time per agent-hour (${result.campaign.talkMinutesPerAgentHour.toFixed(1)} min) is ${advantage.toFixed(2)}x ` +
        `manual (${result.manual.talkMinutesPerAgentHour.toFixed(1)} min), not above ${options.minAdvantage}x: see the logs`,
    );
  return result;
}

function summarize(states: AgentStatus[]): string {
  const count = new Map<string, number>();
  for (const s of states) count.set(s.state, (count.get(s.state) ?? 0) + 1);
  return [...count].map(([state, n]) => `${state} ${n}`).join(', ');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
