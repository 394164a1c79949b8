import { readFileSync } from 'node:fs';
import { Scheduler } from './core/scheduler';
import { ControlServer } from './control/control-server';
import { SimNode, type NodeInfo } from './sim-node';
import { parseScenario, type ScenarioSpec } from './world/scenario';
import { World } from './world/world';

export { parseScenario, ScenarioError, type ScenarioSpec } from './world/scenario';
export type { NodeInfo } from './sim-node';

export interface FsSimOptions {
  /** ESL port of node 0; node i listens on port + i. 0 picks free ports. Default 8021. */
  port?: number;
  password?: string;
  nodes?: number;
  host?: string;
  seed?: number;
  /** Multiplies every simulated duration: 0.05 runs calls 20 times faster. */
  timeScale?: number;
  /** A scenario object, or a path to a scenario JSON file. */
  scenario?: ScenarioSpec | string;
  /** HTTP control port; undefined = no control server, 0 = a free port. */
  controlPort?: number;
  sps?: number;
  maxSessions?: number;
  /** Max random delay (real ms) between the bgapi thread and the channel thread. Default 3. */
  jitterMs?: number;
  /** HEARTBEAT interval in real ms (FreeSWITCH: 20 s). 0 disables. */
  heartbeatMs?: number;
  /** First-command timeout after auth/request (FreeSWITCH: 25 s). */
  authTimeoutMs?: number;
  /** Per-connection event queue (FreeSWITCH: 100 000) and consecutive losses before the kill (500). */
  eventQueueLimit?: number;
  maxMissedEvents?: number;
}

export interface FsSimHandle {
  nodes: NodeInfo[];
  controlPort: number | undefined;
  world: World;
  node(index: number): SimNode;
  info(): NodeInfo[];
  stop(): Promise<void>;
}

export function loadScenario(source: ScenarioSpec | string | undefined): ScenarioSpec {
  if (source === undefined) return {};
  if (typeof source !== 'string') return parseScenario(source);
  return parseScenario(JSON.parse(readFileSync(source, 'utf8')));
}

/** Starts N simulated FreeSWITCH nodes (and the control server) in this process. */
export async function startFsSim(options: FsSimOptions = {}): Promise<FsSimHandle> {
  const spec = loadScenario(options.scenario);
  const seed = options.seed ?? spec.seed ?? 1;
  const world = new World(spec, seed);
  const scheduler = new Scheduler(options.timeScale ?? 1);
  const host = options.host ?? '127.0.0.1';
  const count = Math.max(1, options.nodes ?? 1);
  const basePort = options.port ?? 8021;
  const nodes: SimNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const node = new SimNode(
        i,
        {
          hostname: `fs-sim-${i + 1}`,
          ipv4: `127.0.0.${i + 1}`,
          maxSessions: options.maxSessions ?? 1000,
          sessionsPerSecond: options.sps ?? 30,
          jitterMs: options.jitterMs ?? 3,
          heartbeatMs: options.heartbeatMs ?? 20_000,
          seed: seed + i * 7919,
        },
        scheduler,
        world,
        options.password ?? 'ClueCon',
        host,
        {
          queueLimit: options.eventQueueLimit ?? 100_000,
          maxMissed: options.maxMissedEvents ?? 500,
          authTimeoutMs: options.authTimeoutMs ?? 25_000,
          writeHighWater: 4 << 20,
        },
      );
      await node.start(basePort === 0 ? 0 : basePort + i);
      nodes.push(node);
    }
  } catch (error) {
    for (const n of nodes) await n.stop();
    scheduler.stop();
    throw error;
  }
  let control: ControlServer | undefined;
  let controlPort: number | undefined;
  if (options.controlPort !== undefined) {
    control = new ControlServer(nodes, world);
    controlPort = await control.listen(options.controlPort, host);
  }
  return {
    get nodes() {
      return nodes.map((n) => n.info());
    },
    controlPort,
    world,
    node: (index) => {
      const n = nodes[index];
      if (!n) throw new Error(`no node ${index}`);
      return n;
    },
    info: () => nodes.map((n) => n.info()),
    stop: async () => {
      await control?.close();
      for (const n of nodes) await n.stop();
      scheduler.stop();
    },
  };
}
