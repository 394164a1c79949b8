import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import {
  AtsError,
  callInboundRejectedEvent,
  complianceRpcs,
  createEvent,
  INBOUND_GATE_VARIABLE,
} from '@autotelesale/contracts';
import type { EslEvent } from '@autotelesale/esl';
import { NatsBus } from '@autotelesale/messaging';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createCounter, type CounterMetric } from '@autotelesale/telemetry';
import { deterministicUuid } from '../calls/deterministic-id';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';
import { FsNodesService } from '../telephony/fs-nodes.service';
import { INBOUND_GATE_CONFIG, type InboundGateConfig } from './inbound-gate.config';
import { InboundCallClaims } from './inbound-call-claims';
import { decideInbound, type CallerCheck } from './inbound-verdict';

/** How long a claim key lives: far longer than a call waits at the gate. */
const CLAIM_TTL_MS = 60 * 60 * 1000;

/**
 * The inbound gate (issue 8, seed 003). The carrier-facing dialplan parks every inbound
 * call with `ats_inbound_gate=true` (deploy/freeswitch `dialplan/public.xml`); on every
 * node we subscribe to CHANNEL_PARK and add that variable as an ESL filter (libs/esl
 * re-applies both after a reconnect). For each parked gate call, one replica (the KV
 * claim) asks compliance about the caller (`checkNumber`, direction inbound: only the
 * blacklist refuses) and either kills it with CALL_REJECTED (603 Decline to the carrier;
 * `call.inboundRejected` on the calls stream) or transfers it to `ATS_INBOUND_CONTINUE`.
 * No answer within `ATS_INBOUND_CHECK_TIMEOUT_MS`: the call goes on (fail open, see
 * decideInbound).
 */
@Injectable()
export class InboundGateService implements OnModuleInit {
  private readonly logger = new Logger(InboundGateService.name);
  private readonly calls: CounterMetric<'result'>;
  private claims?: Promise<InboundCallClaims>;
  /** Gate calls being decided here now, so a repeated event does not ask twice. */
  private readonly deciding = new Set<string>();

  constructor(
    @Inject(INBOUND_GATE_CONFIG) private readonly config: InboundGateConfig,
    @Inject(DIALER_SERVICE_CONFIG) private readonly dialer: DialerServiceConfig,
    private readonly nodes: FsNodesService,
    private readonly bus: NatsBus,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.calls = createCounter(registry, {
      name: 'autotelesale_dialer_inbound_calls_total',
      help: 'Inbound calls decided at the gate: rejected (blacklist), allowed, or failed_open (compliance did not answer; let through)',
      labelNames: ['result'] as const,
    });
    for (const result of ['rejected', 'allowed', 'failed_open'] as const) this.calls.inc({ result }, 0);
    nodes.onEvent((nodeId, event) => {
      if (event.name !== 'CHANNEL_PARK' || !('uniqueId' in event) || event.kind !== 'channel') return;
      if (event.variable(INBOUND_GATE_VARIABLE) !== 'true') return;
      this.decideSafely(nodeId, {
        uuid: event.uniqueId,
        caller: header(event, 'Caller-Caller-ID-Number'),
        called: header(event, 'Caller-Destination-Number'),
      });
    });
  }

  private decideSafely(nodeId: string, call: GateCall): void {
    void this.decide(nodeId, call).catch((error: unknown) =>
      this.logger.error({ msg: 'inbound gate failed', node: nodeId, uuid: call.uuid, error: String(error) }),
    );
  }

  /**
   * Gate calls that parked while we could not hear the node (start-up, an ESL cut): found
   * with `show channels` (parked inbound legs) and their `ats_inbound_gate` variable, then
   * decided like the others; the claim keeps calls already decided (and parked again at
   * the continue extension) from being decided twice.
   */
  private async sweep(nodeId: string): Promise<void> {
    const connection = this.nodes.connection(nodeId);
    const parked = (await connection.showChannels()).filter(
      (row) => row.direction === 'inbound' && row.application === 'park',
    );
    for (const row of parked) {
      if ((await connection.getVariable(row.uuid, INBOUND_GATE_VARIABLE)) !== 'true') continue;
      this.decideSafely(nodeId, { uuid: row.uuid, caller: row.cidNum || undefined, called: row.dest });
    }
  }

  async onModuleInit(): Promise<void> {
    // Added to each node's connection, kept and re-sent by libs/esl after every reconnect.
    // Not connected yet: the handshake applies them; a failure here is retried by the next one.
    await Promise.all(
      this.dialer.nodes.map(async (node) => {
        const connection = this.nodes.connection(node.id);
        const sweep = () =>
          void this.sweep(node.id).catch((error: unknown) =>
            this.logger.warn({ msg: 'inbound gate sweep failed', node: node.id, error: String(error) }),
          );
        connection.on('connected', sweep);
        connection.on('reconnected', sweep);
        try {
          await connection.subscribe(['CHANNEL_PARK']);
          await connection.filter(`variable_${INBOUND_GATE_VARIABLE}`, 'true');
          if (connection.state === 'connected') sweep();
        } catch (error) {
          this.logger.warn({
            msg: 'inbound gate subscription deferred',
            node: node.id,
            error: String(error),
          });
        }
      }),
    );
  }

  private claimStore(): Promise<InboundCallClaims> {
    this.claims ??= this.bus
      .kv(this.bus.topology.kv.inboundCallClaims, { ttlMs: CLAIM_TTL_MS })
      .then((kv) => new InboundCallClaims(kv));
    this.claims.catch(() => (this.claims = undefined));
    return this.claims;
  }

  private async decide(nodeId: string, { uuid, caller, called }: GateCall): Promise<void> {
    if (this.deciding.has(uuid)) return;
    this.deciding.add(uuid);
    try {
      const claims = await this.claimStore();
      if (!(await claims.claim(uuid, this.dialer.dialerId))) return;
      const verdict = decideInbound(uuid, await this.checkCaller(caller), this.config.continueTo);
      const reply = await this.nodes.connection(nodeId).api(verdict.command);
      if (!reply.startsWith('+OK')) {
        // The caller hung up while we decided: nothing to refuse or send on.
        this.logger.log({
          msg: 'inbound call gone before the gate acted',
          node: nodeId,
          uuid,
          reply: reply.trim(),
        });
        return;
      }
      this.calls.inc({ result: verdict.result });
      if (verdict.result === 'failed_open')
        this.logger.warn({
          msg: 'inbound call let through unchecked: compliance did not answer',
          node: nodeId,
          uuid,
        });
      if (verdict.result !== 'rejected') return;
      this.logger.log({ msg: 'inbound call rejected: caller on the blacklist', node: nodeId, uuid });
      const envelope = createEvent(callInboundRejectedEvent, {
        id: deterministicUuid(`${uuid}:${callInboundRejectedEvent.type}`),
        aggregateId: uuid,
        aggregateVersion: 1,
        producer: `dialer:${this.dialer.dialerId}`,
        payload: {
          channelUuid: uuid,
          dialerId: this.dialer.dialerId,
          node: nodeId,
          callerNumber: verdict.callerNumber,
          calledNumber: (called ?? '').slice(0, 100),
          list: 'blacklist',
          listReason: verdict.listReason,
          hangupCause: 'CALL_REJECTED',
          rejectedAt: new Date().toISOString(),
        },
      });
      await this.bus.publishEvent(this.bus.topology.events.call(uuid), envelope);
    } finally {
      this.deciding.delete(uuid);
    }
  }

  private async checkCaller(caller: string | undefined): Promise<CallerCheck> {
    if (!caller || caller.replace(/\D/g, '').length < 3) return { kind: 'unreadableCaller' };
    try {
      const reply = await this.bus.request(
        complianceRpcs.checkNumber,
        { phone: caller.slice(0, 40), direction: 'inbound', defaultRegion: this.config.defaultRegion },
        { timeoutMs: this.config.checkTimeoutMs },
      );
      return { kind: 'answered', reply };
    } catch (error) {
      // Compliance read the number and found it is no phone number: no list can hold it.
      if (error instanceof AtsError && error.code === 'VALIDATION_FAILED')
        return { kind: 'unreadableCaller' };
      return { kind: 'unavailable', error: String(error) };
    }
  }
}

/** A parked gate call: its channel, the caller's number as delivered, and the number dialled. */
interface GateCall {
  uuid: string;
  caller: string | undefined;
  called: string | undefined;
}

function header(event: EslEvent, name: string): string | undefined {
  const value = event.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}
