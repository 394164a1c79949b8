import { EslClient } from './esl-client';
import type {
  BgapiOptions,
  ConnectionState,
  DisconnectedInfo,
  EslConnection,
  EslConnectionOptions,
  OriginateResult,
  ReconnectedInfo,
} from './esl-connection';
import { EslError, isEslError } from './esl-error';
import type { EslEvent } from './events/esl-event';
import type { OriginateSpec } from './originate';
import { TypedEmitter } from './typed-emitter';

export interface EslNodeConfig {
  /** Our name for the node (config key, metrics label). */
  id: string;
  host: string;
  port: number;
  password: string;
}

export interface EslNodePoolOptions extends Omit<
  EslConnectionOptions,
  'host' | 'port' | 'password' | 'name'
> {
  /** Consecutive timeouts/drops on requests before a node is benched (default 3). */
  failureThreshold?: number;
  /** How long a benched node gets no new calls (default 5 s). */
  coolDownMs?: number;
  /** Test seam: how a node's connection is made (default: EslClient). */
  connectionFactory?: (config: EslNodeConfig, options: EslConnectionOptions) => EslConnection;
}

export interface NodeHealth {
  id: string;
  state: ConnectionState;
  /** Connected and not benched: new calls may go there. */
  healthy: boolean;
  coreUuid: string | undefined;
  lastHeartbeatAt: number | undefined;
  inFlight: number;
  consecutiveFailures: number;
  /** Epoch ms until which the node is benched after repeated failures. */
  benchedUntil: number | undefined;
  originates: number;
  errors: { timeouts: number; disconnects: number; commandFailures: number; malformedEvents: number };
}

export interface EslNodePoolEvents {
  event: [string, EslEvent];
  connected: [string, { coreUuid: string }];
  reconnected: [string, ReconnectedInfo];
  disconnected: [string, DisconnectedInfo];
  /** A node was benched after repeated failures, or came back from the bench. */
  health: [NodeHealth];
  listenerError: [{ event: string; error: unknown }];
}

export type PoolOriginateResult = OriginateResult & { nodeId: string };

interface PoolNode {
  config: EslNodeConfig;
  conn: EslConnection;
  consecutiveFailures: number;
  benchedUntil: number | undefined;
  originates: number;
}

/**
 * One connection per FreeSWITCH node, with health per node. New calls go to the healthy
 * node with the fewest requests in flight; a node that is disconnected, or that timed out
 * or dropped `failureThreshold` requests in a row, gets none until it recovers.
 */
export class EslNodePool {
  private readonly nodes: PoolNode[];
  private readonly emitter: TypedEmitter<EslNodePoolEvents>;
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private roundRobin = 0;

  constructor(configs: readonly EslNodeConfig[], options: EslNodePoolOptions = {}) {
    if (configs.length === 0) throw new EslError('ESL_INVALID_ARGUMENT', 'a pool needs at least one node');
    const ids = new Set(configs.map((c) => c.id));
    if (ids.size !== configs.length) throw new EslError('ESL_INVALID_ARGUMENT', 'node ids must be unique');
    const { failureThreshold, coolDownMs, connectionFactory, ...connOptions } = options;
    this.failureThreshold = failureThreshold ?? 3;
    this.coolDownMs = coolDownMs ?? 5_000;
    this.emitter = new TypedEmitter<EslNodePoolEvents>((error, event) => {
      if (event !== 'listenerError') this.emitter.emit('listenerError', { event: String(event), error });
    });
    const make = connectionFactory ?? ((_config, o) => new EslClient(o));
    this.nodes = configs.map((config) => {
      const conn = make(config, {
        ...connOptions,
        host: config.host,
        port: config.port,
        password: config.password,
        name: config.id,
      });
      const node: PoolNode = { config, conn, consecutiveFailures: 0, benchedUntil: undefined, originates: 0 };
      conn.on('event', (e) => this.emitter.emit('event', config.id, e));
      conn.on('connected', (i) => this.emitter.emit('connected', config.id, i));
      conn.on('reconnected', (i) => {
        // A fresh connection starts with a clean record: the bench was about the old one.
        node.consecutiveFailures = 0;
        node.benchedUntil = undefined;
        this.emitter.emit('reconnected', config.id, i);
      });
      conn.on('disconnected', (i) => this.emitter.emit('disconnected', config.id, i));
      conn.on('listenerError', (i) => this.emitter.emit('listenerError', i));
      return node;
    });
  }

  on<K extends keyof EslNodePoolEvents>(
    event: K,
    listener: (...args: EslNodePoolEvents[K]) => unknown,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Connects every node (each keeps retrying in the background) and resolves once at least
   * `minNodes` are connected. Rejects if so many nodes refuse our password that `minNodes`
   * can never be reached.
   */
  start(minNodes = 1): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ok = 0;
      let failed = 0;
      const need = Math.min(minNodes, this.nodes.length);
      for (const node of this.nodes) {
        node.conn.connect().then(
          () => {
            if (++ok === need) resolve();
          },
          (error: unknown) => {
            failed++;
            if (this.nodes.length - failed < need) reject(error);
          },
        );
      }
    });
  }

  connection(nodeId: string): EslConnection {
    const node = this.nodes.find((n) => n.config.id === nodeId);
    if (!node) throw new EslError('ESL_INVALID_ARGUMENT', `no node ${nodeId}`);
    return node.conn;
  }

  health(): NodeHealth[] {
    const now = Date.now();
    return this.nodes.map((n) => this.healthOf(n, now));
  }

  /** The healthy node that should take the next call, or undefined. */
  pick(exclude: ReadonlySet<string> = new Set()): string | undefined {
    const now = Date.now();
    let best: PoolNode | undefined;
    let bestLoad = Infinity;
    const count = this.nodes.length;
    const start = this.roundRobin++ % count;
    for (let k = 0; k < count; k++) {
      const node = this.nodes[(start + k) % count]!;
      if (exclude.has(node.config.id) || !this.isHealthy(node, now)) continue;
      const load = node.conn.stats().inFlight;
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    return best?.config.id;
  }

  /**
   * Originates on a healthy node. Only a request that was never sent (ESL_NOT_CONNECTED) is
   * moved to another node: after a timeout or a drop the call may exist on the first node,
   * and dialing it again elsewhere would ring the customer twice. The caller reconciles
   * those by `spec.uuid`.
   */
  async originate(spec: OriginateSpec, options: BgapiOptions = {}): Promise<PoolOriginateResult> {
    const tried = new Set<string>();
    for (;;) {
      const id = this.pick(tried);
      if (!id) throw new EslError('ESL_NO_HEALTHY_NODE', 'no healthy FreeSWITCH node', { tried: [...tried] });
      tried.add(id);
      const node = this.nodes.find((n) => n.config.id === id)!;
      try {
        node.originates++;
        const result = await node.conn.originate(spec, options);
        this.recordSuccess(node);
        return { ...result, nodeId: id };
      } catch (error) {
        if (isEslError(error, 'ESL_NOT_CONNECTED')) continue;
        if (isEslError(error, 'ESL_TIMEOUT') || isEslError(error, 'ESL_DISCONNECTED'))
          this.recordFailure(node);
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.conn.close()));
  }

  private isHealthy(node: PoolNode, now: number): boolean {
    if (node.conn.state !== 'connected') return false;
    if (node.benchedUntil !== undefined) {
      if (now < node.benchedUntil) return false;
      node.benchedUntil = undefined;
      node.consecutiveFailures = 0;
      this.emitter.emit('health', this.healthOf(node, now));
    }
    return true;
  }

  private recordSuccess(node: PoolNode): void {
    node.consecutiveFailures = 0;
  }

  private recordFailure(node: PoolNode): void {
    node.consecutiveFailures++;
    if (node.consecutiveFailures >= this.failureThreshold && node.benchedUntil === undefined) {
      node.benchedUntil = Date.now() + this.coolDownMs;
      this.emitter.emit('health', this.healthOf(node, Date.now()));
    }
  }

  private healthOf(node: PoolNode, now: number): NodeHealth {
    const s = node.conn.stats();
    return {
      id: node.config.id,
      state: s.state,
      healthy: s.state === 'connected' && (node.benchedUntil === undefined || now >= node.benchedUntil),
      coreUuid: s.coreUuid,
      lastHeartbeatAt: s.lastHeartbeatAt,
      inFlight: s.inFlight,
      consecutiveFailures: node.consecutiveFailures,
      benchedUntil: node.benchedUntil,
      originates: node.originates,
      errors: {
        timeouts: s.timeouts,
        disconnects: s.disconnects,
        commandFailures: s.commandFailures,
        malformedEvents: s.malformedEvents,
      },
    };
  }
}
