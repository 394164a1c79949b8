import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { HealthService, METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createCounter, createGauge } from '@autotelesale/telemetry';
import { CHANNEL_VARS } from '@autotelesale/dialer-domain';
import {
  EslNodePool,
  type EslConnection,
  type EslEvent,
  type NodeHealth,
  type PoolOriginateResult,
  type OriginateSpec,
  type ReconnectedInfo,
} from '@autotelesale/esl';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';

/** The channel events the dialer acts on; everything else stays on the node. */
export const DIALER_EVENTS = [
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HANGUP_COMPLETE',
  'PLAYBACK_STOP',
  // mod_avmd's voicemail beep (answering-machine detection); it carries the channel's variables.
  'CUSTOM avmd::beep',
] as const;

export type NodeEventListener = (nodeId: string, event: EslEvent) => void;
export type NodeReconnectListener = (nodeId: string, info: ReconnectedInfo) => void;

/**
 * One ESL connection per configured FreeSWITCH node (libs/esl's pool), filtered on our
 * `ats_dialer_id` so a replica sees only the legs it placed. Each node is a health
 * dependency of its own (`freeswitch:<id>`); the service is ready when at least one node
 * can take calls, and new calls go to the healthy node with the fewest calls in flight.
 * A node that drops is skipped until it is back; the call runner reconciles on
 * `reconnected` (a restart means every call on it is gone).
 */
@Injectable()
export class FsNodesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FsNodesService.name);
  readonly pool: EslNodePool;
  private readonly eventListeners: NodeEventListener[] = [];
  private readonly reconnectListeners: NodeReconnectListener[] = [];

  constructor(
    @Inject(DIALER_SERVICE_CONFIG) private readonly config: DialerServiceConfig,
    health: HealthService,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.pool = new EslNodePool(config.nodes, {
      events: DIALER_EVENTS,
      filters: [[`variable_${CHANNEL_VARS.dialerId}`, config.dialerId]],
      heartbeatIntervalMs: config.heartbeatIntervalMs || undefined,
      apiTimeoutMs: 5_000,
      // An originate's job ends at the answer or the ring timeout (at most 10 minutes).
      bgapiTimeoutMs: 660_000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 2_000 },
    });
    for (const node of config.nodes) {
      health.register(
        `freeswitch:${node.id}`,
        async () => {
          const h = this.pool.health().find((n) => n.id === node.id)!;
          return { ok: h.healthy, detail: `${h.state}${h.benchedUntil ? ' (benched)' : ''}` };
        },
        { group: 'freeswitch' },
      );
    }
    const disconnects = createCounter(registry, {
      name: 'autotelesale_dialer_fs_disconnects_total',
      help: 'ESL connections to FreeSWITCH nodes lost',
      labelNames: ['node'] as const,
    });
    createGauge(registry, {
      name: 'autotelesale_dialer_fs_node_healthy',
      help: 'FreeSWITCH nodes that can take new calls (1) or not (0)',
      labelNames: ['node'] as const,
      collect: (gauge) => {
        for (const h of this.pool.health()) gauge.set({ node: h.id }, h.healthy ? 1 : 0);
      },
    });
    this.pool.on('event', (nodeId, event) => {
      for (const l of this.eventListeners) l(nodeId, event);
    });
    this.pool.on('disconnected', (nodeId, info) => {
      if (info.reason === 'CLOSED') return;
      disconnects.inc({ node: nodeId });
      this.logger.warn({ msg: 'FreeSWITCH node lost', node: nodeId, reason: info.reason });
    });
    this.pool.on('reconnected', (nodeId, info) => {
      this.logger.warn({ msg: 'FreeSWITCH node back', node: nodeId, restarted: info.restarted });
      for (const l of this.reconnectListeners) l(nodeId, info);
    });
    this.pool.on('listenerError', ({ event, error }) =>
      this.logger.error({ msg: 'ESL listener failed', event, error: String(error) }),
    );
  }

  onModuleInit(): void {
    // Connect in the background: a node that is down at start-up is retried, and readiness
    // reports it; the service itself must come up to hand over or reconcile.
    this.pool
      .start(1)
      .catch((error: unknown) =>
        this.logger.error({ msg: 'FreeSWITCH nodes refuse us', error: String(error) }),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  get dialerId(): string {
    return this.config.dialerId;
  }

  onEvent(listener: NodeEventListener): void {
    this.eventListeners.push(listener);
  }

  onReconnected(listener: NodeReconnectListener): void {
    this.reconnectListeners.push(listener);
  }

  health(): NodeHealth[] {
    return this.pool.health();
  }

  healthyNodeIds(): string[] {
    return this.pool
      .health()
      .filter((h) => h.healthy)
      .map((h) => h.id);
  }

  connection(nodeId: string): EslConnection {
    return this.pool.connection(nodeId);
  }

  originate(spec: OriginateSpec, nodeId?: string): Promise<PoolOriginateResult> {
    if (nodeId === undefined) return this.pool.originate(spec);
    return this.pool
      .connection(nodeId)
      .originate(spec)
      .then((r) => ({ ...r, nodeId }));
  }
}
