/**
 * The benchmark's own eyes on the switches, independent of the dialer and its logs: one
 * ESL connection per fs-sim node, subscribed to the channel events, reading each
 * customer leg's times from FreeSWITCH's own `Event-Date-Timestamp` (µs, set when the
 * switch created the event):
 *  - an attempt = a CHANNEL_CREATE of a leg whose `ats_role` is `customer`;
 *  - answer-to-agent-bridge = CHANNEL_BRIDGE (fired once, on the bridge's originator: the
 *    customer leg the dialer names first in `uuid_bridge`) minus that leg's CHANNEL_ANSWER.
 */
import { EslClient, type EslEvent } from '@autotelesale/esl';

interface Leg {
  uuid: string;
  answeredUs: number | undefined;
  bridged: boolean;
}

export interface BridgeSample {
  uuid: string;
  answeredUs: number;
  bridgedUs: number;
  latencyMs: number;
}

const EVENTS = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE'] as const;

export class CallObserver {
  /** CHANNEL_CREATE times (µs) of customer legs, in arrival order. */
  readonly attempts: number[] = [];
  readonly bridges: BridgeSample[] = [];
  /** CHANNEL_ANSWER times (µs) of customer legs. */
  readonly answers: number[] = [];
  /** Agents' nailed-up legs answered (and not hung up). */
  agentLegsUp = 0;
  private readonly agentLegs = new Set<string>();
  /** Customer legs answered / bridged and not hung up yet. */
  liveAnswered = 0;
  liveBridged = 0;
  hangups = 0;
  private readonly legs = new Map<string, Leg>();
  private readonly clients: EslClient[] = [];

  static async connect(ports: number[], password: string): Promise<CallObserver> {
    const observer = new CallObserver();
    for (const [i, port] of ports.entries()) {
      const client = new EslClient({
        host: '127.0.0.1',
        port,
        password,
        name: `observer-fs${i + 1}`,
        events: EVENTS,
        maxQueuedEvents: 100_000,
      });
      client.on('event', (e) => observer.onEvent(`fs${i + 1}`, e));
      await client.connect();
      observer.clients.push(client);
    }
    return observer;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close().catch(() => undefined)));
  }

  /** Attempts whose CHANNEL_CREATE is in [fromMs, toMs) (epoch ms). */
  attemptsBetween(fromMs: number, toMs: number): number {
    let n = 0;
    for (const us of this.attempts) if (us >= fromMs * 1000 && us < toMs * 1000) n++;
    return n;
  }

  /** Customers answered in [fromMs, toMs). */
  answersBetween(fromMs: number, toMs: number): number {
    let n = 0;
    for (const us of this.answers) if (us >= fromMs * 1000 && us < toMs * 1000) n++;
    return n;
  }

  /** Bridges of customers answered in [fromMs, toMs). */
  bridgesBetween(fromMs: number, toMs: number): BridgeSample[] {
    return this.bridges.filter((b) => b.answeredUs >= fromMs * 1000 && b.answeredUs < toMs * 1000);
  }

  private onEvent(node: string, e: EslEvent): void {
    if (!('uniqueId' in e) || !e.uniqueId) return;
    const key = `${node}/${e.uniqueId}`;
    switch (e.name) {
      case 'CHANNEL_CREATE':
        if (e.kind === 'channel' && e.variable('ats_role') === 'customer') {
          this.legs.set(key, { uuid: e.uniqueId, answeredUs: undefined, bridged: false });
          this.attempts.push(e.timestampUs);
        }
        return;
      case 'CHANNEL_ANSWER': {
        const leg = this.legs.get(key);
        if (leg && leg.answeredUs === undefined) {
          leg.answeredUs = e.timestampUs;
          this.answers.push(e.timestampUs);
          this.liveAnswered++;
        } else if (
          !leg &&
          e.kind === 'channel' &&
          e.variable('ats_role') === 'agent' &&
          !this.agentLegs.has(key)
        ) {
          this.agentLegs.add(key);
          this.agentLegsUp++;
        }
        return;
      }
      case 'CHANNEL_BRIDGE': {
        let leg = this.legs.get(key);
        // Should the agent's leg ever be the originator, the customer is the other leg.
        if (!leg && e.kind === 'bridge' && e.otherUniqueId) leg = this.legs.get(`${node}/${e.otherUniqueId}`);
        if (!leg || leg.bridged || leg.answeredUs === undefined) return;
        leg.bridged = true;
        this.liveBridged++;
        this.bridges.push({
          uuid: leg.uuid,
          answeredUs: leg.answeredUs,
          bridgedUs: e.timestampUs,
          latencyMs: (e.timestampUs - leg.answeredUs) / 1000,
        });
        return;
      }
      case 'CHANNEL_HANGUP_COMPLETE': {
        if (this.agentLegs.delete(key)) this.agentLegsUp--;
        const leg = this.legs.get(key);
        if (!leg) return;
        this.legs.delete(key);
        this.hangups++;
        if (leg.answeredUs !== undefined) this.liveAnswered--;
        if (leg.bridged) this.liveBridged--;
        return;
      }
      default:
        return;
    }
  }
}

/** The p-th percentile (0-100), nearest rank. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
