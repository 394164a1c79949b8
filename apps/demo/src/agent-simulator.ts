import type { AgentStatus, ReportedCall } from '@autotelesale/contracts';
import { GatewayError, type Caller, type GatewayClient } from './gateway-client';

export interface SimulatedAgent {
  agentId: string;
  extension: string;
  /** The agent's own session (role agent): everything it does is in its own name. */
  caller: Caller;
}

/** A small seeded generator (mulberry32), so the dispositions of a run are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What an agent records after a call: a sale now and then, mostly "not interested". */
export function pickDisposition(random: () => number): {
  code: string;
  saleValue?: number;
  currency?: string;
} {
  const r = random();
  if (r < 0.12)
    return { code: 'SALE', saleValue: 250_000 + Math.round(random() * 20) * 50_000, currency: 'VND' };
  if (r < 0.75) return { code: 'NOT_INTERESTED' };
  return { code: 'NO_DECISION' };
}

export interface AgentSimulatorStats {
  dispositions: number;
  sales: number;
  wrapUpsCompleted: number;
  errors: string[];
}

/**
 * Ten people at their desks, through the gateway only. Their softphones are fs-sim
 * phones that auto-answer the dialer's nailed-up leg, so a customer simply appears on the
 * line; the customer hangs up when done and the agent is put in wrap-up. While talking
 * the desk looks the call up (`GET /reports/calls?callId=`: the contact); in wrap-up the
 * agent records a disposition
 * (`POST /dispositions`) after a wrap-up of 5-15 simulated seconds, and completes the
 * wrap-up (`POST /agents/{id}/wrap-up/complete`), which makes it ready again.
 *
 * The desks learn of state changes by polling the wallboard query
 * (`POST /agent-statuses/query`, as the supervisor) every `pollMs`.
 */
export class AgentSimulator {
  readonly stats: AgentSimulatorStats = { dispositions: 0, sales: 0, wrapUpsCompleted: 0, errors: [] };
  private readonly handled = new Set<string>();
  private readonly lookups = new Map<string, Promise<ReportedCall>>();
  private readonly pending = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly random: () => number;

  constructor(
    private readonly api: GatewayClient,
    private readonly supervisor: Caller,
    private readonly agents: readonly SimulatedAgent[],
    private readonly options: { campaignId: string; timeScale: number; seed: number; pollMs?: number },
  ) {
    this.random = seededRandom(options.seed);
  }

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops watching and waits for the wrap-ups in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.pending]);
  }

  async statuses(): Promise<AgentStatus[]> {
    const reply = await this.api.request<{ items: AgentStatus[] }>('POST', '/api/v1/agent-statuses/query', {
      as: this.supervisor,
      body: { agentIds: this.agents.map((a) => a.agentId) },
    });
    return reply.items;
  }

  private async poll(): Promise<void> {
    const byId = new Map(this.agents.map((a) => [a.agentId, a]));
    while (this.running) {
      try {
        for (const status of await this.statuses()) {
          const agent = byId.get(status.agentId);
          if (!agent) continue;
          if (status.state === 'on_call' && status.callId && !this.lookups.has(status.callId)) {
            this.lookUp(agent, status.callId).catch(() => undefined);
          } else if (status.state === 'wrap_up' && status.callId && !this.handled.has(status.callId)) {
            this.handled.add(status.callId);
            this.track(this.wrapUp(agent, status.callId));
          } else if (status.state === 'not_ready' || status.state === 'logged_out') {
            // A desk whose wrap-up ended in not ready (or was logged out) gets back to work.
            const key = `ready:${status.agentId}:${status.version}`;
            if (!this.handled.has(key)) {
              this.handled.add(key);
              this.track(this.backToWork(agent, status));
            }
          }
        }
      } catch (error) {
        this.note(error);
      }
      await sleep(this.options.pollMs ?? 150);
    }
  }

  private track(work: Promise<void>): void {
    const p = work.catch((error: unknown) => this.note(error)).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private note(error: unknown): void {
    if (this.stats.errors.length < 20)
      this.stats.errors.push(error instanceof Error ? error.message : String(error));
  }

  /** The call's record, looked up once per call (while talking: the desk's screen-pop). */
  private lookUp(agent: SimulatedAgent, callId: string): Promise<ReportedCall> {
    let found = this.lookups.get(callId);
    if (!found) {
      found = (async () => {
        // Reporting follows the events within milliseconds; ask again briefly if it has
        // not seen the call yet.
        for (let i = 0; i < 60; i++) {
          const page = await this.api.request<{ items: ReportedCall[] }>(
            'GET',
            `/api/v1/reports/calls?callId=${encodeURIComponent(callId)}&limit=1`,
            { as: agent.caller },
          );
          const call = page.items[0];
          if (call?.contactId) return call;
          await sleep(50);
        }
        throw new Error(`call ${callId} of agent ${agent.extension} never reached reporting`);
      })();
      found.catch(() => this.lookups.delete(callId));
      this.lookups.set(callId, found);
    }
    return found;
  }

  private async wrapUp(agent: SimulatedAgent, callId: string): Promise<void> {
    const wrapUpMs = (5_000 + this.random() * 10_000) * this.options.timeScale;
    const disposition = pickDisposition(this.random);
    const started = Date.now();
    const call = await this.lookUp(agent, callId);
    this.lookups.delete(callId);
    await sleep(Math.max(0, wrapUpMs - (Date.now() - started)));
    await this.api.request('POST', '/api/v1/dispositions', {
      as: agent.caller,
      body: {
        campaignId: this.options.campaignId,
        contactId: call.contactId!,
        callId,
        agentId: agent.agentId,
        ...disposition,
      },
    });
    this.stats.dispositions += 1;
    if (disposition.code === 'SALE') this.stats.sales += 1;
    try {
      await this.api.request('POST', `/api/v1/agents/${agent.agentId}/wrap-up/complete`, {
        as: agent.caller,
        body: {},
      });
      this.stats.wrapUpsCompleted += 1;
    } catch (error) {
      // The campaign's wrap-up limit may have ended it first: the agent is ready anyway.
      if (!(error instanceof GatewayError && (error.status === 409 || error.status === 422))) throw error;
    }
  }

  private async backToWork(agent: SimulatedAgent, status: AgentStatus): Promise<void> {
    if (status.state === 'logged_out')
      await this.api.request('POST', `/api/v1/agents/${agent.agentId}/login`, {
        as: agent.caller,
        body: { extension: agent.extension },
      });
    await this.api.request('POST', `/api/v1/agents/${agent.agentId}/ready`, { as: agent.caller, body: {} });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
