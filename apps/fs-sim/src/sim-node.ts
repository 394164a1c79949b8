import { CallEngine } from './core/call-engine';
import type { Scheduler } from './core/scheduler';
import { SimSwitch, type SwitchOptions } from './core/sim-switch';
import type { ConnectionLimits } from './esl/esl-connection';
import { EslServer } from './esl/esl-server';
import type { World } from './world/world';

export interface NodeInfo {
  index: number;
  port: number;
  coreUuid: string;
  hostname: string;
  eslListening: boolean;
  connections: number;
  sessions: number;
  sessionsSinceStartup: number;
  peakSessions: number;
  eventsFired: number;
  maxSessions: number;
  sessionsPerSecond: number;
  /** Per ESL connection: events queued, bytes in the socket buffer, waiting for drain, consecutive losses. */
  backlogs: Array<{ queued: number; socketBytes: number; waitingDrain: boolean; lost: number }>;
  scheduledTasks: number;
}

/** One FreeSWITCH: a switch with its own Core-UUID, hostname and event socket port. */
export class SimNode {
  readonly sw: SimSwitch;
  readonly engine: CallEngine;
  readonly esl: EslServer;
  private port = 0;
  private restoreTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly index: number,
    switchOptions: SwitchOptions,
    scheduler: Scheduler,
    world: World,
    password: string,
    host: string,
    limits: ConnectionLimits,
  ) {
    this.sw = new SimSwitch(switchOptions, scheduler, world);
    this.engine = new CallEngine(this.sw);
    this.esl = new EslServer(this.engine, password, host, limits);
    this.sw.outboundConnector = (request) => this.esl.openOutbound(request);
  }

  async start(port: number): Promise<number> {
    this.port = await this.esl.listen(port);
    this.sw.start();
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.sw.stop();
    await this.esl.shutdown();
  }

  /** Simulated process restart: goodbye to listeners, calls vanish, new Core-UUID, back after downtime. */
  async restart(downtimeMs = 0): Promise<void> {
    this.sw.stop();
    await this.esl.shutdown();
    this.sw.restart();
    this.engine.conferences.clear();
    if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
    await this.start(this.port);
  }

  /** The ESL port disappears (connections dropped, new ones refused); calls go on. */
  async cutEsl(durationMs?: number): Promise<void> {
    await this.esl.cut();
    if (durationMs && durationMs > 0) {
      this.restoreTimer = setTimeout(() => void this.restoreEsl(), durationMs);
    }
  }

  async restoreEsl(): Promise<void> {
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.restoreTimer = undefined;
    if (!this.esl.listening) await this.esl.listen(this.port);
  }

  info(): NodeInfo {
    const sw = this.sw;
    return {
      index: this.index,
      port: this.port,
      coreUuid: sw.coreUuid,
      hostname: sw.hostname,
      eslListening: this.esl.listening,
      connections: this.esl.connectionCount,
      sessions: sw.channels.size,
      sessionsSinceStartup: sw.stats.sessionsSinceStartup,
      peakSessions: sw.stats.peakSessions,
      eventsFired: sw.stats.eventsFired,
      maxSessions: sw.maxSessions,
      sessionsPerSecond: sw.sessionsPerSecond,
      backlogs: this.esl.backlogs(),
      scheduledTasks: sw.scheduler.size,
    };
  }
}
