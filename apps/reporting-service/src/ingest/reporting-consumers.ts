import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import {
  agentStateChangedEvent,
  callAbandonedEvent,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
  callInboundRejectedEvent,
  campaignEvents,
  type CallInboundRejected,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import type { CallEvent } from '@autotelesale/reporting-domain';
import type { z } from 'zod';
import { REPORTING_SERVICE_CONFIG, type ReportingServiceConfig } from '../config/reporting-service.config';
import { ReportingDatabase, type ReportingTx } from '../db/reporting-database';
import { ReportingMetrics, type EventResult, type ReportingStream } from '../metrics/reporting-metrics';
import { ApplyAgentStateUseCase } from './apply-agent-state.use-case';
import { ApplyCallEventUseCase } from './apply-call-event.use-case';
import { ApplyCampaignEventUseCase, type DialRefusedPayload } from './apply-campaign-event.use-case';
import { consumeInBatches, type Delivered } from './batch-consumer';
import { parseStreamEvent, type StreamEventVerdict } from './parse-stream-event';
import { RecordInboundRejectionUseCase } from './record-inbound-rejection.use-case';

type DispositionPayload = z.output<typeof campaignEvents.dispositionRecorded.payload>;
type CampaignPayload = z.output<typeof campaignEvents.campaignCreated.payload>;

const CALL_EVENTS = [
  callDialedEvent,
  callAnsweredEvent,
  callAgentConnectedEvent,
  callAbandonedEvent,
  callEndedEvent,
  // Not a call attempt: the inbound gate's refusals, kept apart (RecordInboundRejectionUseCase).
  callInboundRejectedEvent,
];
const AGENT_EVENTS = [agentStateChangedEvent];
const CAMPAIGN_EVENTS = [
  campaignEvents.dispositionRecorded,
  campaignEvents.campaignCreated,
  campaignEvents.campaignUpdated,
  campaignEvents.contactDialRefused,
];

/** Events applied per database transaction at most. */
const MAX_BATCH = 256;

/** One event to apply: its database work, and what to do once it is committed. */
interface Work {
  delivered: Delivered;
  apply(tx: ReportingTx): Promise<{ result: EventResult; afterCommit?: () => void }>;
}

/**
 * The three durable consumers of reporting-service (`<ns>_reporting_calls`, `_agents`,
 * `_campaigns`), shared by the replicas: thin adapters that validate each event, hand it
 * to one use case and count the result.
 *
 * The events already received are applied together in one transaction (one commit per
 * batch, not per event), each marked in processed_message, and acknowledged only after
 * the commit. If the batch fails, its events are applied one transaction each, so that
 * one failing event holds back no other; a failed one is left to be delivered again. An
 * event that can never apply (payload breaking its schema, an unknown schema version) is
 * terminated and reported, and the consumer goes on.
 */
@Injectable()
export class ReportingConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReportingConsumers.name);
  private readonly stops: Array<() => Promise<void>> = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly db: ReportingDatabase,
    private readonly calls: ApplyCallEventUseCase,
    private readonly agents: ApplyAgentStateUseCase,
    private readonly campaigns: ApplyCampaignEventUseCase,
    private readonly inboundRejections: RecordInboundRejectionUseCase,
    private readonly metrics: ReportingMetrics,
    @Inject(REPORTING_SERVICE_CONFIG) private readonly config: ReportingServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { events } = this.bus.topology;
    await this.start('calls', events.allCalls, (d) => this.callWork(d));
    await this.start('agents', events.allAgents, (d) => this.agentWork(d));
    await this.start('campaigns', events.allCampaigns, (d) => this.campaignWork(d));
  }

  async onModuleDestroy(): Promise<void> {
    // Stop pulling and let the batch in hand finish (it is acknowledged or redelivered).
    for (const stop of this.stops.splice(0)) await stop().catch(() => undefined);
  }

  private async start(
    stream: ReportingStream,
    filterSubject: string,
    prepare: (delivered: Delivered) => Work | EventResult,
  ): Promise<void> {
    const { streams, consumers } = this.bus.topology;
    const stop = await consumeInBatches(
      this.bus,
      {
        stream: streams[stream].name,
        durable: consumers.durable('reporting', stream),
        filterSubject,
        ackWaitMs: this.config.ackWaitMs,
        maxBatch: MAX_BATCH,
      },
      async (batch) => {
        const work: Work[] = [];
        for (const delivered of batch) {
          const prepared = prepare(delivered);
          if (typeof prepared === 'string') this.metrics.event(stream, prepared);
          else work.push(prepared);
        }
        if (work.length > 0) await this.applyBatch(stream, work);
      },
      (error, msg) =>
        this.logger.warn(
          { stream, seq: msg.seq, subject: msg.subject, err: String(error) },
          'terminated a message that is not an event envelope',
        ),
    );
    this.stops.push(stop);
  }

  private async applyBatch(stream: ReportingStream, work: Work[]): Promise<void> {
    try {
      const outcomes = await this.db.transaction(async (tx) => {
        const results = [];
        for (const item of work) results.push(await item.apply(tx));
        return results;
      });
      outcomes.forEach((outcome, i) => this.settleApplied(stream, work[i]!, outcome));
    } catch (batchError) {
      if (work.length === 1) return this.retryLater(stream, work[0]!, batchError);
      for (const item of work) {
        try {
          this.settleApplied(stream, item, await this.db.transaction((tx) => item.apply(tx)));
        } catch (error) {
          this.retryLater(stream, item, error);
        }
      }
    }
  }

  private settleApplied(
    stream: ReportingStream,
    item: Work,
    outcome: { result: EventResult; afterCommit?: () => void },
  ): void {
    item.delivered.msg.ack();
    outcome.afterCommit?.();
    this.metrics.event(stream, outcome.result);
  }

  private retryLater(stream: ReportingStream, item: Work, error: unknown): void {
    const { msg, event } = item.delivered;
    this.logger.error(
      { stream, eventId: event.id, type: event.type, delivery: msg.info.deliveryCount, err: String(error) },
      'could not apply an event; it will be delivered again',
    );
    msg.nak(Math.min(1_000 * msg.info.deliveryCount, 10_000));
  }

  private callWork({ msg, event }: Delivered): Work | EventResult {
    const verdict = parseStreamEvent(CALL_EVENTS, event);
    if (verdict.kind !== 'apply') return this.settle('calls', event, msg, verdict);
    if (verdict.event.definition === callInboundRejectedEvent) {
      const rejection = verdict.event.payload as CallInboundRejected;
      return {
        delivered: { msg, event },
        apply: async (tx) =>
          (await this.inboundRejections.apply(tx, event.id, rejection))
            ? { result: 'applied', afterCommit: () => this.metrics.inboundRejected(rejection.list) }
            : { result: 'replay' },
      };
    }
    const callEvent = {
      type: verdict.event.definition.type,
      version: event.aggregateVersion,
      payload: verdict.event.payload,
    } as CallEvent;
    return {
      delivered: { msg, event },
      apply: async (tx) => {
        const result = await this.calls.apply(tx, event.id, callEvent);
        if (!result.applied) return { result: 'replay' };
        return { result: 'applied', afterCommit: () => this.metrics.callMerged(result.before, result.after) };
      },
    };
  }

  private agentWork({ msg, event }: Delivered): Work | EventResult {
    const verdict = parseStreamEvent(AGENT_EVENTS, event);
    if (verdict.kind !== 'apply') return this.settle('agents', event, msg, verdict);
    const change = verdict.event.payload;
    return {
      delivered: { msg, event },
      apply: async (tx) => ({
        result: (await this.agents.apply(tx, event.id, event.aggregateVersion, change))
          ? 'applied'
          : 'replay',
      }),
    };
  }

  private campaignWork({ msg, event }: Delivered): Work | EventResult {
    const verdict = parseStreamEvent(CAMPAIGN_EVENTS, event);
    if (verdict.kind !== 'apply') return this.settle('campaigns', event, msg, verdict);
    const { definition, payload } = verdict.event;
    return {
      delivered: { msg, event },
      apply: async (tx) => {
        const applied =
          definition === campaignEvents.dispositionRecorded
            ? await this.campaigns.recordDisposition(
                tx,
                event.id,
                (payload as DispositionPayload).disposition,
              )
            : definition === campaignEvents.contactDialRefused
              ? await this.campaigns.recordDialRefusal(tx, event.id, payload as DialRefusedPayload)
              : await this.campaigns.recordCampaign(tx, event.id, (payload as CampaignPayload).campaign);
        return { result: applied ? 'applied' : 'replay' };
      },
    };
  }

  /** Acknowledges an event of a type reporting does not read; terminates and reports one that can never apply. */
  private settle(
    stream: ReportingStream,
    envelope: EventEnvelope,
    msg: JsMsg,
    verdict: Exclude<StreamEventVerdict<unknown>, { kind: 'apply' }>,
  ): EventResult {
    if (verdict.kind === 'ignore') {
      msg.ack();
      return 'ignored';
    }
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
