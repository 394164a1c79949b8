import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentState, InboundRejectionList, type Kpis } from '@autotelesale/contracts';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import {
  callCountsAdded,
  DEFAULT_ABANDON_RATE_CAP,
  REGULATOR_RULES,
  regulatorAbandonRate,
  regulatorWindow,
  type CallFacts,
} from '@autotelesale/reporting-domain';
import { createCounter, createGauge, createHistogram } from '@autotelesale/telemetry';
import type { Registry } from 'prom-client';
import { REPORTING_SERVICE_CONFIG, type ReportingServiceConfig } from '../config/reporting-service.config';
import { ReportingDatabase } from '../db/reporting-database';
import { QueryKpisUseCase } from '../kpis/query-kpis.use-case';

export type EventResult = 'applied' | 'replay' | 'ignored' | 'rejected';
export type ReportingStream = 'calls' | 'agents' | 'campaigns';

/** Campaigns whose calls the window gauges cover: those with a call in the last day. */
const ACTIVE_CAMPAIGN_WINDOW_MS = 86_400_000;
/** Occupancy gauge window. */
const OCCUPANCY_WINDOW_MS = 15 * 60_000;
/**
 * Window of the KPI gauges below: the day that decides which campaigns are reported.
 * Handle times and rates per agent-hour need more than a few minutes of calls to mean
 * anything; for shorter views use the counters.
 */
const KPI_GAUGE_WINDOW_MS = ACTIVE_CAMPAIGN_WINDOW_MS;

/**
 * The KPIs of `kpis.query` (issue 7) that no counter gives, as gauges per campaign over
 * the last 24 h: the figures GET /reports/kpis answers for that range, from the same use
 * case. Labelled by campaign only (never by agent: bounded series).
 */
const KPI_GAUGES: ReadonlyArray<{ name: string; help: string; value: (kpis: Kpis) => number }> = [
  {
    name: 'autotelesale_reporting_average_handle_seconds',
    help: '(Talk + wrap-up time) / connects of the campaign over the last 24 h',
    value: (k) => k.averageHandleSeconds,
  },
  {
    name: 'autotelesale_reporting_average_hold_seconds',
    help: "Mean wait of the campaign's ended live answers (answer to agent, or to the abandon) over the last 24 h",
    value: (k) => k.averageHoldSeconds,
  },
  {
    name: 'autotelesale_reporting_talk_minutes_per_agent_hour',
    help: "Talk minutes per logged-in hour of the campaign's agents over the last 24 h",
    value: (k) => k.talkMinutesPerAgentHour,
  },
  {
    name: 'autotelesale_reporting_contacts_per_agent_hour',
    help: "Connects per logged-in hour of the campaign's agents over the last 24 h",
    value: (k) => k.contactsPerAgentHour,
  },
  {
    name: 'autotelesale_reporting_conversion_ratio',
    help: 'Calls with a sale disposition / connects of the campaign over the last 24 h',
    value: (k) => k.conversionRate,
  },
  {
    name: 'autotelesale_reporting_sales',
    help: 'Calls with a sale disposition of the campaign over the last 24 h (by dial time)',
    value: (k) => k.sales,
  },
  {
    name: 'autotelesale_reporting_sale_value',
    help: "Sum of the campaign's sale values over the last 24 h (all currencies added up, as the KPI)",
    value: (k) => k.saleValue,
  },
];

interface GaugeSnapshot {
  abandon: Array<{ campaignId: string; rule: string; rate: number }>;
  caps: Array<{ campaignId: string; cap: number }>;
  agents: Array<{ state: string; n: number }>;
  occupancy: Array<{ campaignId: string; ratio: number }>;
  kpis: Array<{ campaignId: string; kpis: Kpis }>;
}

/**
 * Prometheus metrics of reporting-service. Labels are campaign ids, states, outcomes and
 * rules, never a phone number or a call id (one series per call would explode).
 *
 * Counters count what this process applied (a replayed event adds nothing; use
 * `increase()`/`rate()`, as counters reset with the process). The gauges are read from
 * the database (every replica reports the same truth), cached for a few seconds, and only
 * for campaigns that placed a call in the last 24 h, so that finished campaigns leave.
 */
@Injectable()
export class ReportingMetrics {
  private readonly logger = new Logger(ReportingMetrics.name);
  private readonly events;
  private readonly calls;
  private readonly dials;
  private readonly liveAnswers;
  private readonly connects;
  private readonly abandons;
  private readonly amdFalsePositives;
  private readonly answerToAgent;
  private readonly inboundRejections;
  private snapshot: Promise<GaugeSnapshot> | null = null;
  private snapshotStartedAt = 0;

  constructor(
    private readonly db: ReportingDatabase,
    private readonly kpiQuery: QueryKpisUseCase,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(REPORTING_SERVICE_CONFIG) private readonly config: ReportingServiceConfig,
  ) {
    this.events = createCounter(registry, {
      name: 'autotelesale_reporting_events_total',
      help: 'Events consumed, by stream and result (applied, replay, ignored, rejected)',
      labelNames: ['stream', 'result'] as const,
    });
    this.calls = createCounter(registry, {
      name: 'autotelesale_reporting_calls_total',
      help: 'Calls ended, by campaign and outcome',
      labelNames: ['campaign_id', 'outcome'] as const,
    });
    this.dials = createCounter(registry, {
      name: 'autotelesale_reporting_dials_total',
      help: 'Calls placed, by campaign',
      labelNames: ['campaign_id'] as const,
    });
    this.liveAnswers = createCounter(registry, {
      name: 'autotelesale_reporting_live_answers_total',
      help: 'Calls answered by a person (the abandon rate denominator, US rule), by campaign',
      labelNames: ['campaign_id'] as const,
    });
    this.connects = createCounter(registry, {
      name: 'autotelesale_reporting_connects_total',
      help: 'Customers connected to an agent, by campaign',
      labelNames: ['campaign_id'] as const,
    });
    this.abandons = createCounter(registry, {
      name: 'autotelesale_reporting_abandons_total',
      help: 'Live answers not connected to an agent within 2 s (US rule), by campaign',
      labelNames: ['campaign_id'] as const,
    });
    this.amdFalsePositives = createCounter(registry, {
      name: 'autotelesale_reporting_amd_false_positives_total',
      help: 'People answering machine detection hung up on (UK rule abandons), by campaign',
      labelNames: ['campaign_id'] as const,
    });
    this.answerToAgent = createHistogram(registry, {
      name: 'autotelesale_reporting_answer_to_agent_seconds',
      help: "Customer's answer to the agent bridge, by campaign",
      labelNames: ['campaign_id'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10],
    });
    this.inboundRejections = createCounter(registry, {
      name: 'autotelesale_reporting_inbound_rejections_total',
      help: 'Inbound calls the gate refused (call.inboundRejected), by the list that matched',
      labelNames: ['list'] as const,
    });
    // Present at 0 from the start, so that increase() sees the first refusal.
    for (const list of InboundRejectionList.values) this.inboundRejections.inc({ list }, 0);
    createGauge(registry, {
      name: 'autotelesale_reporting_abandon_ratio',
      help: 'Abandoned / live-answered calls over the regulator window ending now (US 30 days, UK 24 h), by campaign',
      labelNames: ['campaign_id', 'rule'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const a of (await this.gauges()).abandon)
          gauge.set({ campaign_id: a.campaignId, rule: a.rule }, a.rate);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_reporting_abandon_cap_ratio',
      help: "The campaign's abandon-rate cap (compare with autotelesale_reporting_abandon_ratio)",
      labelNames: ['campaign_id'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const c of (await this.gauges()).caps) gauge.set({ campaign_id: c.campaignId }, c.cap);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_reporting_agents',
      help: 'Agents by their latest state, as reporting has seen it',
      labelNames: ['state'] as const,
      collect: async (gauge) => {
        const { agents } = await this.gauges();
        for (const state of AgentState.options) {
          gauge.set({ state }, agents.find((a) => a.state === state)?.n ?? 0);
        }
      },
    });
    createGauge(registry, {
      name: 'autotelesale_reporting_occupancy_ratio',
      help: "Talk time / logged-in time of the campaign's agents over the last 15 minutes, by campaign",
      labelNames: ['campaign_id'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const o of (await this.gauges()).occupancy) gauge.set({ campaign_id: o.campaignId }, o.ratio);
      },
    });
    for (const kpi of KPI_GAUGES) {
      createGauge(registry, {
        name: kpi.name,
        help: kpi.help,
        labelNames: ['campaign_id'] as const,
        collect: async (gauge) => {
          gauge.reset();
          for (const c of (await this.gauges()).kpis)
            gauge.set({ campaign_id: c.campaignId }, kpi.value(c.kpis));
        },
      });
    }
  }

  event(stream: ReportingStream, result: EventResult): void {
    this.events.inc({ stream, result });
  }

  /** Counts one refused inbound call, once it is stored (never for a replay). */
  inboundRejected(list: string): void {
    this.inboundRejections.inc({ list });
  }

  /** Counts what merging one call event added (nothing for a replay). */
  callMerged(before: CallFacts | null, after: CallFacts): void {
    const added = callCountsAdded(before, after);
    const campaign_id = after.campaignId;
    if (added.dials) this.dials.inc({ campaign_id }, added.dials);
    if (added.liveAnswers) this.liveAnswers.inc({ campaign_id }, added.liveAnswers);
    if (added.connects) this.connects.inc({ campaign_id }, added.connects);
    if (added.abandons) this.abandons.inc({ campaign_id }, added.abandons);
    if (added.amdFalsePositives) this.amdFalsePositives.inc({ campaign_id }, added.amdFalsePositives);
    for (const [outcome, n] of Object.entries(added.outcomes)) this.calls.inc({ campaign_id, outcome }, n);
    const latencyKnownNow =
      after.connectedAt !== null &&
      after.answeredAt !== null &&
      after.answerToAgentMs !== null &&
      !(before?.connectedAt && before.answeredAt);
    if (latencyKnownNow) this.answerToAgent.observe({ campaign_id }, after.answerToAgentMs! / 1_000);
  }

  /** One database read serves every gauge of a scrape (and of the scrapes within the refresh time). */
  private gauges(): Promise<GaugeSnapshot> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshotStartedAt >= Math.max(1, this.config.gaugeRefreshMs)) {
      this.snapshotStartedAt = now;
      this.snapshot = this.readGauges(now).catch((error: unknown) => {
        this.logger.warn({ err: String(error) }, 'could not read the gauges from the database');
        return { abandon: [], caps: [], agents: [], occupancy: [], kpis: [] };
      });
    }
    return this.snapshot;
  }

  private async readGauges(now: number): Promise<GaugeSnapshot> {
    const at = new Date(now);
    const active = new Date(now - ACTIVE_CAMPAIGN_WINDOW_MS);
    const abandon: GaugeSnapshot['abandon'] = [];
    for (const rule of REGULATOR_RULES) {
      const window = regulatorWindow(rule, at);
      const { rows } = await this.db.query<{
        campaign_id: string;
        live: number;
        abandons: number;
        fp: number;
        verdicts: number;
        estimated: number;
      }>(
        `SELECT campaign_id,
                count(*) FILTER (WHERE counted_live)::int AS live,
                count(*) FILTER (WHERE counted_abandon)::int AS abandons,
                count(*) FILTER (WHERE amd_false_positive)::int AS fp,
                count(*) FILTER (WHERE machine_verdict)::int AS verdicts,
                coalesce(sum(amd_false_positive_estimate), 0)::float8 AS estimated
           FROM call_record
          WHERE dialed_at >= $1 AND dialed_at < $2
            AND campaign_id IN (SELECT DISTINCT campaign_id FROM call_record WHERE dialed_at >= $3)
          GROUP BY campaign_id`,
        [window.from, window.to, active],
      );
      for (const r of rows) {
        // The rate abandon.windows reports (UK: with the estimated AMD false positives).
        const rate = regulatorAbandonRate(rule, {
          liveAnswers: r.live,
          abandons: r.abandons,
          amdFalsePositives: r.fp,
          machineVerdicts: r.verdicts,
          amdFalsePositivesEstimated: r.estimated,
        });
        abandon.push({ campaignId: r.campaign_id, rule, rate });
      }
    }
    const campaigns = [...new Set(abandon.map((a) => a.campaignId))];
    const { rows: capRows } = await this.db.query<{ campaign_id: string; cap: number }>(
      `SELECT campaign_id, abandon_rate_cap AS cap FROM campaign WHERE campaign_id = ANY($1::uuid[])`,
      [campaigns],
    );
    const caps = campaigns.map((campaignId) => ({
      campaignId,
      cap: capRows.find((r) => r.campaign_id === campaignId)?.cap ?? DEFAULT_ABANDON_RATE_CAP,
    }));
    const { rows: agents } = await this.db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM agent_state_interval i
        WHERE version = (SELECT max(version) FROM agent_state_interval j WHERE j.agent_id = i.agent_id)
        GROUP BY state`,
    );
    const occupancy = await this.readOccupancy(new Date(now - OCCUPANCY_WINDOW_MS), at);
    const kpis = await this.readKpis(campaigns, new Date(now - KPI_GAUGE_WINDOW_MS), at);
    return { abandon, caps, agents, occupancy, kpis };
  }

  /** The active campaigns' KPIs over the window, as `kpis.query` answers them (one bucket). */
  private async readKpis(campaignIds: string[], from: Date, to: Date): Promise<GaugeSnapshot['kpis']> {
    if (campaignIds.length === 0) return [];
    const reply = await this.kpiQuery.execute({
      from: from.toISOString(),
      to: to.toISOString(),
      interval: 'total',
      groupBy: 'campaign',
      campaignIds,
    });
    return reply.rows.map((row) => ({ campaignId: row.campaignId!, kpis: row.kpis }));
  }

  /** Talk / logged-in of each campaign's agents (those who held a state for it in the window). */
  private async readOccupancy(from: Date, to: Date): Promise<GaugeSnapshot['occupancy']> {
    const { rows } = await this.db.query<{ campaign_id: string; talk: number; logged_in: number }>(
      `WITH t AS (
         SELECT agent_id, campaign_id, state,
                greatest(0, extract(epoch FROM least(coalesce(ended_at, $2), $2) - greatest(started_at, $1)))::float8 AS s
           FROM agent_state_interval
          WHERE started_at < $2 AND coalesce(ended_at, $2) > $1
       ), staff AS (
         SELECT DISTINCT campaign_id, agent_id FROM t
          WHERE campaign_id IS NOT NULL AND state IN ('reserved', 'on_call', 'wrap_up')
       )
       SELECT staff.campaign_id,
              coalesce(sum(t.s) FILTER (WHERE t.state = 'on_call' AND t.campaign_id = staff.campaign_id), 0)::float8 AS talk,
              coalesce(sum(t.s) FILTER (WHERE t.state <> 'logged_out'), 0)::float8 AS logged_in
         FROM staff JOIN t ON t.agent_id = staff.agent_id
        GROUP BY staff.campaign_id`,
      [from, to],
    );
    return rows.map((r) => ({
      campaignId: r.campaign_id,
      ratio: r.logged_in > 0 ? r.talk / r.logged_in : 0,
    }));
  }
}
