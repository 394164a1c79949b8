import { Injectable } from '@nestjs/common';
import type { AgentStateChangedPayload } from '@autotelesale/contracts';
import type { ReportingTx } from '../db/reporting-database';
import { claimMessage } from './claim-message';

/**
 * Keeps agent state intervals from `agent.stateChanged`: one row per (agent, version),
 * the state held from its start until the start of the next version known. Versions are
 * gap-free per agent but may arrive out of order (a redelivered event after later ones),
 * so each insert sets its own end from its successor and ends its predecessor: the rows
 * come out the same in any order.
 */
@Injectable()
export class ApplyAgentStateUseCase {
  static readonly CONSUMER = 'agents';

  async apply(
    tx: ReportingTx,
    eventId: string,
    version: number,
    change: AgentStateChangedPayload,
  ): Promise<boolean> {
    if (!(await claimMessage(tx, ApplyAgentStateUseCase.CONSUMER, eventId))) return false;
    // One agent's changes apply one at a time (a row lock would not cover the neighbours).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('reporting.agent:' || $1))`, [change.agentId]);
    const inserted = await tx.query(
      `INSERT INTO agent_state_interval
         (agent_id, version, state, campaign_id, reason_code, extension, call_id, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
         (SELECT started_at FROM agent_state_interval
           WHERE agent_id = $1 AND version > $2 ORDER BY version LIMIT 1))
       ON CONFLICT (agent_id, version) DO NOTHING`,
      [
        change.agentId,
        version,
        change.to,
        change.campaignId,
        change.reasonCode,
        change.sessionExtension,
        change.callId,
        new Date(change.at),
      ],
    );
    if (inserted.rowCount === 0) return false;
    await tx.query(
      `UPDATE agent_state_interval SET ended_at = $3
        WHERE agent_id = $1
          AND version = (SELECT max(version) FROM agent_state_interval WHERE agent_id = $1 AND version < $2)`,
      [change.agentId, version, new Date(change.at)],
    );
    return true;
  }
}
