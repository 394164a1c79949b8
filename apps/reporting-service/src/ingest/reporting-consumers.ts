import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import {
  agentStateChangedEvent,
  callAbandonedEvent,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
  campaignEvents,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import type { CallEvent } from '@autotelesale/reporting-domain';
import type { z } from 'zod';
import { REPORTING_SERVICE_CONFIG, type ReportingServiceConfig } from '../config/reporting-service.config';
import { ReportingMetrics, type EventResult, type ReportingStream } from '../metrics/reporting-metrics';
import { ApplyAgentStateUseCase } from './apply-agent-state.use-case';
import { ApplyCallEventUseCase } from './apply-call-event.use-case';
import { ApplyCampaignEventUseCase } from './apply-campaign-event.use-case';
import { parseStreamEvent } from './parse-stream-event';

type DispositionPayload = z.output<typeof campaignEvents.dispositionRecorded.payload>;
type CampaignPayload = z.output<typeof campaignEvents.campaignCreated.payload>;

const CALL_EVENTS = [
  callDialedEvent,
  callAnsweredEvent,
  callAgentConnectedEvent,
  callAbandonedEvent,
  callEndedEvent,
];
const AGENT_EVENTS = [agentStateChangedEvent];
const CAMPAIGN_EVENTS = [
  campaignEvents.dispositionRecorded,
  campaignEvents.campaignCreated,
  campaignEvents.campaignUpdated,
];

/**
 * The three durable consumers of reporting-service (`<ns>_reporting_calls`, `_agents`,
 * `_campaigns`): thin adapters that validate each event, hand it to one use case and
 * count the result. Replicas share the durables. A message is acknowledged once its
 * transaction commits; a failure (database down) leaves it to be delivered again; an
 * event that can never apply (bad payload, unknown schema version) is terminated and
 * reported, and the consumer goes on.
 */
@Injectable()
export class ReportingConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReportingConsumers.name);
  private readonly stops: Array<() => Promise<void>> = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly calls: ApplyCallEventUseCase,
    private readonly agents: ApplyAgentStateUseCase,
    private readonly campaigns: ApplyCampaignEventUseCase,
    private readonly metrics: ReportingMetrics,
    @Inject(REPORTING_SERVICE_CONFIG) private readonly config: ReportingServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams, events, consumers } = this.bus.topology;
    await this.start(
      'calls',
      streams.calls.name,
      events.allCalls,
      consumers.durable('reporting', 'calls'),
      (e, m) => this.onCallEvent(e, m),
    );
    await this.start(
      'agents',
      streams.agents.name,
      events.allAgents,
      consumers.durable('reporting', 'agents'),
      (e, m) => this.onAgentEvent(e, m),
    );
    await this.start(
      'campaigns',
      streams.campaigns.name,
      events.allCampaigns,
      consumers.durable('reporting', 'campaigns'),
      (e, m) => this.onCampaignEvent(e, m),
    );
  }

  async onModuleDestroy(): Promise<void> {
    // Stop pulling and let the events in hand finish (they are acknowledged or redelivered).
    for (const stop of this.stops.splice(0)) await stop().catch(() => undefined);
  }

  private async start(
    stream: ReportingStream,
    streamName: string,
    filterSubject: string,
    durable: string,
    handle: (event: EventEnvelope, msg: JsMsg) => Promise<EventResult>,
  ): Promise<void> {
    const stop = await this.bus.consume(
      { stream: streamName, durable, filterSubject, ackWaitMs: this.config.ackWaitMs, maxDeliver: -1 },
      async (event, msg) => this.metrics.event(stream, await handle(event, msg)),
    );
    this.stops.push(stop);
  }

  private async onCallEvent(envelope: EventEnvelope, msg: JsMsg): Promise<EventResult> {
    const verdict = parseStreamEvent(CALL_EVENTS, envelope);
    if (verdict.kind !== 'apply') return this.settle('calls', envelope, msg, verdict);
    const event = {
      type: verdict.event.definition.type,
      version: envelope.aggregateVersion,
      payload: verdict.event.payload,
    } as CallEvent;
    const result = await this.calls.execute(envelope.id, event);
    if (!result.applied) return 'replay';
    this.metrics.callMerged(result.before, result.after);
    return 'applied';
  }

  private async onAgentEvent(envelope: EventEnvelope, msg: JsMsg): Promise<EventResult> {
    const verdict = parseStreamEvent(AGENT_EVENTS, envelope);
    if (verdict.kind !== 'apply') return this.settle('agents', envelope, msg, verdict);
    const change = verdict.event.payload;
    return (await this.agents.execute(envelope.id, envelope.aggregateVersion, change)) ? 'applied' : 'replay';
  }

  private async onCampaignEvent(envelope: EventEnvelope, msg: JsMsg): Promise<EventResult> {
    const verdict = parseStreamEvent(CAMPAIGN_EVENTS, envelope);
    if (verdict.kind !== 'apply') return this.settle('campaigns', envelope, msg, verdict);
    const { definition, payload } = verdict.event;
    const applied =
      definition === campaignEvents.dispositionRecorded
        ? await this.campaigns.recordDisposition(envelope.id, (payload as DispositionPayload).disposition)
        : await this.campaigns.recordCampaign(envelope.id, (payload as CampaignPayload).campaign);
    return applied ? 'applied' : 'replay';
  }

  /** Ignores an event of a type reporting does not read, or terminates and reports one that can never apply. */
  private settle(
    stream: ReportingStream,
    envelope: EventEnvelope,
    msg: JsMsg,
    verdict: { kind: 'ignore' } | { kind: 'reject'; reason: string; details?: unknown },
  ): EventResult {
    if (verdict.kind === 'ignore') return 'ignored';
    this.logger.warn(
      {
        stream,
        eventId: envelope.id,
        type: envelope.type,
        aggregateId: envelope.aggregateId,
        seq: msg.seq,
        reason: verdict.reason,
        details: verdict.details,
      },
      'rejected an event that can never apply; terminated',
    );
    // No reason on the +TERM: servers before 2.10 do not read one and would redeliver.
    msg.term();
    return 'rejected';
  }
}
