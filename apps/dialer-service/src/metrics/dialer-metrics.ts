import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { EventEnvelope } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createCounter, createGauge, createHistogram } from '@autotelesale/telemetry';
import { CallDriverService } from '../calls/call-driver.service';
import { FsNodesService } from '../telephony/fs-nodes.service';

/** Event lag buckets: an ESL event normally reaches us within milliseconds. */
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** The 2-second rule sits in the middle of these. */
const ANSWER_TO_AGENT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10];

type Payload = Record<string, unknown>;
const text = (payload: Payload, key: string): string | undefined =>
  typeof payload[key] === 'string' ? (payload[key] as string) : undefined;
const num = (payload: Payload, key: string): number | undefined =>
  typeof payload[key] === 'number' ? (payload[key] as number) : undefined;

/**
 * What the dialer counts, live, per replica (sum over replicas in queries). Call counters
 * come from the call events this replica publishes (the facts, counted once: a duplicate
 * publish is not counted); ESL figures from the node pool. Labels are campaign ids, agent
 * ids, node ids, outcomes and reasons, never a phone number, a contact id or a call id.
 */
@Injectable()
export class DialerMetrics implements OnModuleDestroy {
  private readonly stopObserving: () => void;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    bus: NatsBus,
    nodes: FsNodesService,
    calls: CallDriverService,
  ) {
    const dials = createCounter(registry, {
      name: 'autotelesale_dialer_dials_total',
      help: 'Calls placed (originates started), by campaign and mode; rate() is the dial rate',
      labelNames: ['campaign_id', 'mode'] as const,
    });
    const liveAnswers = createCounter(registry, {
      name: 'autotelesale_dialer_live_answers_total',
      help: 'Calls answered, by campaign',
      labelNames: ['campaign_id'] as const,
    });
    const connects = createCounter(registry, {
      name: 'autotelesale_dialer_agent_connects_total',
      help: 'Answered customers bridged to an agent, by campaign',
      labelNames: ['campaign_id'] as const,
    });
    const abandons = createCounter(registry, {
      name: 'autotelesale_dialer_abandons_total',
      help: 'Answered customers not connected to an agent, by campaign and reason',
      labelNames: ['campaign_id', 'reason'] as const,
    });
    const outcomes = createCounter(registry, {
      name: 'autotelesale_dialer_calls_total',
      help: 'Calls ended, by campaign and outcome',
      labelNames: ['campaign_id', 'outcome'] as const,
    });
    const talk = createCounter(registry, {
      name: 'autotelesale_dialer_talk_seconds_total',
      help: 'Agent talk time of ended calls, by campaign (increase over 1h = talk time per hour)',
      labelNames: ['campaign_id'] as const,
    });
    const agentCalls = createCounter(registry, {
      name: 'autotelesale_dialer_agent_calls_total',
      help: 'Calls an agent talked on, ended, by agent',
      labelNames: ['agent_id'] as const,
    });
    const agentTalk = createCounter(registry, {
      name: 'autotelesale_dialer_agent_talk_seconds_total',
      help: 'Talk time of ended calls, by agent',
      labelNames: ['agent_id'] as const,
    });
    const answerToAgent = createHistogram(registry, {
      name: 'autotelesale_dialer_answer_to_agent_seconds',
      help: "Customer's answer to the bridge with an agent, by campaign",
      labelNames: ['campaign_id'] as const,
      buckets: ANSWER_TO_AGENT_BUCKETS,
    });
    createGauge(registry, {
      name: 'autotelesale_dialer_live_calls',
      help: 'Customer legs this replica drives now, by campaign and phase (dialing, intro, waiting, bridging, connected)',
      labelNames: ['campaign_id', 'phase'] as const,
      collect: (gauge) => {
        gauge.reset();
        const counts = new Map<string, { campaign_id: string; phase: string; n: number }>();
        for (const call of calls.liveCalls()) {
          const key = `${call.campaign.id}|${call.state.phase}`;
          const entry = counts.get(key) ?? { campaign_id: call.campaign.id, phase: call.state.phase, n: 0 };
          entry.n++;
          counts.set(key, entry);
        }
        for (const { campaign_id, phase, n } of counts.values()) gauge.set({ campaign_id, phase }, n);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_dialer_standby_agents',
      help: 'Agents a predictive campaign holds reserved ahead of its answers (bridged the moment a customer answers), by campaign',
      labelNames: ['campaign_id'] as const,
      collect: (gauge) => {
        gauge.reset();
        for (const { campaignId, held } of calls.standbySizes()) gauge.set({ campaign_id: campaignId }, held);
      },
    });
    const standbyAnswers = createCounter(registry, {
      name: 'autotelesale_dialer_standby_answers_total',
      help: 'Answers of campaigns that keep standby agents, by how the agent came: standby (bridged at once) or reserved (asked for on the answer)',
      labelNames: ['campaign_id', 'outcome'] as const,
    });
    calls.onStandbyAnswer = (campaignId, outcome) => standbyAnswers.inc({ campaign_id: campaignId, outcome });
    createGauge(registry, {
      name: 'autotelesale_dialer_esl_connected',
      help: 'ESL connection to each FreeSWITCH node up (1) or not (0)',
      labelNames: ['node'] as const,
      collect: (gauge) => {
        for (const h of nodes.health()) gauge.set({ node: h.id }, h.state === 'connected' ? 1 : 0);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_dialer_esl_in_flight',
      help: 'ESL commands and background jobs awaiting their reply, per node',
      labelNames: ['node'] as const,
      collect: (gauge) => {
        for (const h of nodes.health()) gauge.set({ node: h.id }, h.inFlight);
      },
    });
    const lag = createHistogram(registry, {
      name: 'autotelesale_dialer_esl_event_lag_seconds',
      help: 'Delay from an ESL event being created on FreeSWITCH (Event-Date-Timestamp) to the dialer receiving it, per node',
      labelNames: ['node'] as const,
      buckets: LAG_BUCKETS,
    });
    nodes.onEvent((nodeId, event) => {
      if (event.timestampUs > 0)
        lag.observe({ node: nodeId }, Math.max(0, Date.now() / 1000 - event.timestampUs / 1e6));
    });

    const count = (event: EventEnvelope) => {
      const p = (event.payload ?? {}) as Payload;
      const campaign_id = text(p, 'campaignId');
      if (!campaign_id) return;
      switch (event.type) {
        case 'call.dialed':
          dials.inc({ campaign_id, mode: text(p, 'mode') ?? 'unknown' });
          return;
        case 'call.answered':
          liveAnswers.inc({ campaign_id });
          return;
        case 'call.agentConnected': {
          connects.inc({ campaign_id });
          const ms = num(p, 'answerToAgentMs');
          if (ms !== undefined) answerToAgent.observe({ campaign_id }, ms / 1000);
          return;
        }
        case 'call.abandoned':
          abandons.inc({ campaign_id, reason: text(p, 'reason') ?? 'unknown' });
          return;
        case 'call.ended': {
          outcomes.inc({ campaign_id, outcome: text(p, 'outcome') ?? 'unknown' });
          const seconds = num(p, 'talkSeconds') ?? 0;
          if (seconds > 0) talk.inc({ campaign_id }, seconds);
          const agent_id = text(p, 'agentId');
          if (agent_id) {
            agentCalls.inc({ agent_id });
            if (seconds > 0) agentTalk.inc({ agent_id }, seconds);
          }
          return;
        }
        default:
          return;
      }
    };
    this.stopObserving = bus.observe({
      published: (o) => {
        if (!o.duplicate) count(o.event);
      },
    });
  }

  onModuleDestroy(): void {
    this.stopObserving();
  }
}
