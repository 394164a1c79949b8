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
