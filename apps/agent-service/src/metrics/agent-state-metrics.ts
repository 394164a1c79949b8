import { Inject, Injectable } from '@nestjs/common';
import { AgentState } from '@autotelesale/contracts';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createGauge } from '@autotelesale/telemetry';
import type { Registry } from 'prom-client';
import { AgentDatabase } from '../db/agent-database';

/**
 * Gauges read from the database on each scrape (so every replica reports the same truth):
 * agents per state, for wallboards and alerts, and events not yet published, which
 * should stay near zero (a growing number means the relay cannot reach NATS).
 */
@Injectable()
export class AgentStateMetrics {
  constructor(db: AgentDatabase, @Inject(METRICS_REGISTRY) registry: Registry) {
    createGauge(registry, {
      name: 'autotelesale_agent_agents',
      help: 'Agents per state',
      labelNames: ['state'] as const,
      collect: async (gauge) => {
        const { rows } = await db.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM agent GROUP BY state`,
        );
        for (const state of AgentState.options) {
          gauge.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
        }
      },
    });
    // Per agent, for the agent view: logged-in agents only (logged-out ones leave), labelled
    // by id alone (names and extensions stay out of Prometheus).
    let perAgent:
      { at: number; rows: Promise<Array<{ agent_id: string; state: string; seconds: number }>> } | undefined;
    const loggedIn = () => {
      const now = Date.now();
      if (!perAgent || now - perAgent.at > 1_000)
        perAgent = {
          at: now,
          rows: db
            .query<{ agent_id: string; state: string; seconds: number }>(
              `SELECT agent_id::text, state::text, extract(epoch FROM now() - state_since)::float8 AS seconds
                 FROM agent WHERE state <> 'logged_out'`,
            )
            .then((r) => r.rows)
            // A scrape while the database is away shows no agents rather than failing whole.
            .catch(() => []),
        };
      return perAgent.rows;
    };
    createGauge(registry, {
      name: 'autotelesale_agent_state',
      help: 'The state of each logged-in agent (1 on the series of its current state)',
      labelNames: ['agent_id', 'state'] as const,
      collect: async (gauge) => {
        const rows = await loggedIn();
        gauge.reset();
        for (const r of rows) gauge.set({ agent_id: r.agent_id, state: r.state }, 1);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_agent_state_age_seconds',
      help: 'Seconds each logged-in agent has been in its current state',
      labelNames: ['agent_id', 'state'] as const,
      collect: async (gauge) => {
        const rows = await loggedIn();
        gauge.reset();
        for (const r of rows) gauge.set({ agent_id: r.agent_id, state: r.state }, Math.max(0, r.seconds));
      },
    });
    createGauge(registry, {
      name: 'autotelesale_agent_events_unpublished',
      help: 'Agent events committed but not yet published to the agents stream',
      collect: async (gauge) => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM agent_event_outbox WHERE published_at IS NULL`,
        );
        gauge.set(rows[0]?.n ?? 0);
      },
    });
  }
}
