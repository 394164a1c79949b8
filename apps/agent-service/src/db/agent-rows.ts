import type { Agent, AgentState, AgentStatus, Reservation, ReservationStatus } from '@autotelesale/contracts';
import type { AgentSnapshot } from '@autotelesale/agent-domain';

/** A row of `agent` as pg returns it, with the agent's group ids joined in. */
export interface AgentRow {
  agent_id: string;
  name: string;
  extension: string;
  skills: string[];
  version: number;
  state: AgentState;
  state_since: Date;
  session_extension: string | null;
  reason_code: string | null;
  campaign_id: string | null;
  reservation_id: string | null;
  call_id: string | null;
  reservation_expires_at: Date | null;
  wrap_up_ends_at: Date | null;
  created_at: Date;
  updated_at: Date;
  group_ids: string[];
}

export interface ReservationRow {
  reservation_id: string;
  agent_id: string;
  campaign_id: string;
  call_id: string | null;
  extension: string;
  status: ReservationStatus;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  closed_at: Date | null;
}

const AGENT_COLUMNS = `
  a.*,
  COALESCE((SELECT array_agg(m.group_id::text ORDER BY m.group_id)
              FROM agent_group_member m WHERE m.agent_id = a.agent_id), '{}') AS group_ids`;

/** The agent with its groups; add `FOR UPDATE OF a` to lock it. */
export const SELECT_AGENT = `SELECT ${AGENT_COLUMNS} FROM agent a`;

/**
 * SELECT_AGENT with the database's clock as `db_now` (AgentTx.now's value), for a
 * transaction whose only row lock is taken by this very statement without waiting
 * (`SKIP LOCKED`): one round trip instead of two.
 */
export const SELECT_AGENT_WITH_NOW = `SELECT ${AGENT_COLUMNS},
  date_trunc('milliseconds', clock_timestamp()) AS db_now FROM agent a`;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function snapshotOf(row: AgentRow): AgentSnapshot {
  return {
    version: row.version,
    state: row.state,
    stateSince: row.state_since,
    sessionExtension: row.session_extension,
    reasonCode: row.reason_code,
    campaignId: row.campaign_id,
    reservationId: row.reservation_id,
    callId: row.call_id,
    reservationExpiresAt: row.reservation_expires_at,
    wrapUpEndsAt: row.wrap_up_ends_at,
  };
}

export function statusOf(agentId: string, snapshot: AgentSnapshot): AgentStatus {
  return {
    agentId,
    version: snapshot.version,
    state: snapshot.state,
    stateSince: snapshot.stateSince.toISOString(),
    sessionExtension: snapshot.sessionExtension,
    reasonCode: snapshot.reasonCode,
    campaignId: snapshot.campaignId,
    reservationId: snapshot.reservationId,
    callId: snapshot.callId,
    reservationExpiresAt: iso(snapshot.reservationExpiresAt),
    wrapUpEndsAt: iso(snapshot.wrapUpEndsAt),
  };
}

export function agentOf(row: AgentRow): Agent {
  return {
    agentId: row.agent_id,
    name: row.name,
    extension: row.extension,
    skills: row.skills,
    groupIds: row.group_ids,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    status: statusOf(row.agent_id, snapshotOf(row)),
  };
}

export function reservationOf(row: ReservationRow): Reservation {
  return {
    reservationId: row.reservation_id,
    agentId: row.agent_id,
    extension: row.extension,
    campaignId: row.campaign_id,
    callId: row.call_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    confirmedAt: iso(row.confirmed_at),
    closedAt: iso(row.closed_at),
  };
}
