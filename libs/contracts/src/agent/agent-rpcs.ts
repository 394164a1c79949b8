import { z } from 'zod';
import { defineRpc } from '../rpc';
import { ErrorBody } from '../errors';
import {
  Agent,
  AgentGroup,
  AgentStateInterval,
  AgentStateTotal,
  AgentStatus,
  Reservation,
} from './agent-models';
import {
  AgentState,
  CallRef,
  CampaignRef,
  SipExtension,
  IsoTime,
  NotReadyReasonCode,
  AgentSkill,
} from './agent-values';

/**
 * The operations agent-service answers over NATS request/reply
 * (`<ns>.rpc.agent.<name>`). Every reply is `{ ok, data | error }`; errors carry the
 * stable codes of `ErrorCode`: VALIDATION_FAILED for a bad request, NOT_FOUND for an
 * unknown agent, group or reservation, and CONFLICT with a stable `details.reason`:
 * `ILLEGAL_TRANSITION` (`{ state, command }`), `VERSION_MISMATCH`, `EXTENSION_TAKEN`,
 * `RESERVATION_CLOSED` (`{ status, operation }`), `RESERVATION_MISMATCH`,
 * `CALL_MISMATCH`, `RESERVATION_ID_REUSED`, `AGENT_ID_REUSED`, `GROUP_ID_REUSED`,
 * `GROUP_NAME_TAKEN` (apps/agent-service/README.md says when).
 */

const AgentIdRequest = z.object({ agentId: z.uuid() }).strict();
/** When given, the change applies only if the agent is still at this version (CONFLICT otherwise). */
const ExpectedVersion = z.number().int().positive().optional();

// ---- agents (CRUD) -------------------------------------------------------------------

export const CreateAgentRequest = z
  .object({
    /** Optional caller-chosen id: a retried create with the same id and fields returns the same agent. */
    agentId: z.uuid().optional(),
    name: z.string().trim().min(1).max(200),
    extension: SipExtension,
    skills: z.array(AgentSkill).max(50).default([]),
    groupIds: z.array(z.uuid()).max(100).default([]),
  })
  .strict();
export const createAgentRpc = defineRpc('agent', 'agents.create', CreateAgentRequest, Agent);

export const getAgentRpc = defineRpc('agent', 'agents.get', AgentIdRequest, Agent);

export const ListAgentsRequest = z
  .object({
    groupId: z.uuid().optional(),
    states: z.array(AgentState).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
export const ListAgentsReply = z.object({ items: z.array(Agent), nextCursor: z.string().nullable() });
export const listAgentsRpc = defineRpc('agent', 'agents.list', ListAgentsRequest, ListAgentsReply);

export const UpdateAgentRequest = z
  .object({
    agentId: z.uuid(),
    expectedVersion: ExpectedVersion,
    name: z.string().trim().min(1).max(200).optional(),
    extension: SipExtension.optional(),
    skills: z.array(AgentSkill).max(50).optional(),
    /** Replaces the agent's groups. */
    groupIds: z.array(z.uuid()).max(100).optional(),
  })
  .strict();
export const updateAgentRpc = defineRpc('agent', 'agents.update', UpdateAgentRequest, Agent);

/** Only a logged-out agent can be deleted (CONFLICT otherwise). */
export const deleteAgentRpc = defineRpc(
  'agent',
  'agents.delete',
  AgentIdRequest,
  z.object({ agentId: z.uuid(), deleted: z.literal(true) }),
);

// ---- groups --------------------------------------------------------------------------

const GroupIdRequest = z.object({ groupId: z.uuid() }).strict();

export const CreateGroupRequest = z
  .object({
    groupId: z.uuid().optional(),
    name: z.string().trim().min(1).max(200),
    agentIds: z.array(z.uuid()).max(10_000).default([]),
  })
  .strict();
export const createGroupRpc = defineRpc('agent', 'groups.create', CreateGroupRequest, AgentGroup);
export const getGroupRpc = defineRpc('agent', 'groups.get', GroupIdRequest, AgentGroup);
export const ListGroupsRequest = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
export const ListGroupsReply = z.object({ items: z.array(AgentGroup), nextCursor: z.string().nullable() });
export const listGroupsRpc = defineRpc('agent', 'groups.list', ListGroupsRequest, ListGroupsReply);
export const UpdateGroupRequest = z
  .object({ groupId: z.uuid(), name: z.string().trim().min(1).max(200) })
  .strict();
export const updateGroupRpc = defineRpc('agent', 'groups.update', UpdateGroupRequest, AgentGroup);
export const deleteGroupRpc = defineRpc(
  'agent',
  'groups.delete',
  GroupIdRequest,
  z.object({ groupId: z.uuid(), deleted: z.literal(true) }),
);
export const GroupMembersRequest = z
  .object({ groupId: z.uuid(), agentIds: z.array(z.uuid()).min(1).max(10_000) })
  .strict();
export const addGroupMembersRpc = defineRpc('agent', 'groups.addMembers', GroupMembersRequest, AgentGroup);
export const removeGroupMembersRpc = defineRpc(
  'agent',
  'groups.removeMembers',
  GroupMembersRequest,
  AgentGroup,
);

// ---- sessions and states -------------------------------------------------------------

export const LoginRequest = z
  .object({
    agentId: z.uuid(),
    /** The extension the agent works at this session (default: the agent's own). */
    extension: SipExtension.optional(),
  })
  .strict();
/** logged_out -> not_ready. An extension in use by another session is a CONFLICT. */
export const loginRpc = defineRpc('agent', 'sessions.login', LoginRequest, AgentStatus);
/** not_ready | ready | wrap_up -> logged_out. */
export const logoutRpc = defineRpc(
  'agent',
  'sessions.logout',
  z.object({ agentId: z.uuid(), expectedVersion: ExpectedVersion }).strict(),
  AgentStatus,
);

/** not_ready | wrap_up -> ready (ready again is a no-op). */
export const readyRpc = defineRpc(
  'agent',
  'states.ready',
  z.object({ agentId: z.uuid(), expectedVersion: ExpectedVersion }).strict(),
  AgentStatus,
);
/** ready | not_ready | wrap_up -> not_ready with a reason. */
export const notReadyRpc = defineRpc(
  'agent',
  'states.notReady',
  z.object({ agentId: z.uuid(), reasonCode: NotReadyReasonCode, expectedVersion: ExpectedVersion }).strict(),
  AgentStatus,
);
export const getAgentStatusRpc = defineRpc('agent', 'states.get', AgentIdRequest, AgentStatus);

export const ListAgentStatusesRequest = z
  .object({
    agentIds: z.array(z.uuid()).max(10_000).optional(),
    groupIds: z.array(z.uuid()).max(100).optional(),
    states: z.array(AgentState).optional(),
    /**
     * Only the agents that changed at or after this time (database time; an earlier
     * reply's `asOf`): a follower's delta read. Deletions and agents that left a group
     * or the `states` filter do not show in a delta: a follower reads in full now and
     * then.
     */
    changedSince: IsoTime.optional(),
  })
  .strict();
export const ListAgentStatusesReply = z.object({
  items: z.array(AgentStatus),
  /**
   * The next delta's `changedSince`: every change not in `items` is at or after it, even
   * one that was still committing during this read (database time, commit order allowed for).
   */
  asOf: IsoTime.optional(),
});
export type ListAgentStatusesReply = z.infer<typeof ListAgentStatusesReply>;
/** Live states of the agents named (by id or group), or of all agents; `changedSince` makes it a delta. */
export const listAgentStatusesRpc = defineRpc(
  'agent',
  'states.list',
  ListAgentStatusesRequest,
  ListAgentStatusesReply,
);

// ---- reservations (the dialer) -------------------------------------------------------

export const ReserveAgentRequest = z
  .object({
    campaignId: CampaignRef,
    /**
     * Caller-chosen id (recommended): a retried reserve with the same id answers the same
     * reservation instead of taking a second agent.
     */
    reservationId: z.uuid().optional(),
    callId: CallRef.optional(),
    /** The agents that may take this campaign's calls (campaign-service's assignment). */
    eligibleAgentIds: z.array(z.uuid()).max(10_000).default([]),
    /** ... and/or the members of these agent groups. */
    eligibleGroupIds: z.array(z.uuid()).max(100).default([]),
    /** An eligible agent must have every one of these skills. */
    requiredSkills: z.array(AgentSkill).max(20).default([]),
    /** Unconfirmed after this long, the reservation expires and the agent is ready again. */
    timeoutMs: z.number().int().min(50).max(600_000).default(10_000),
  })
  .strict()
  .refine((r) => r.eligibleAgentIds.length > 0 || r.eligibleGroupIds.length > 0, {
    message: 'name the eligible agents: eligibleAgentIds and/or eligibleGroupIds',
    path: ['eligibleAgentIds'],
  });
export const ReserveAgentReply = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('reserved'), reservation: Reservation }),
  /** No eligible agent is ready: a normal answer, not an error. */
  z.object({ outcome: z.literal('noAgent') }),
]);
export type ReserveAgentReply = z.infer<typeof ReserveAgentReply>;
/** Reserves the longest-idle ready eligible agent (ready -> reserved), never one already reserved. */
export const reserveAgentRpc = defineRpc(
  'agent',
  'reservations.reserve',
  ReserveAgentRequest,
  ReserveAgentReply,
);

export const ReserveAgentsRequest = z
  .object({
    campaignId: CampaignRef,
    /**
     * One caller-chosen id per agent wanted (1-100): up to that many agents are reserved,
     * the longest idle first, each under one of these ids. A retry with the same ids
     * answers the reservations already made under them and takes no other agent for those.
     */
    reservationIds: z.array(z.uuid()).min(1).max(100),
    eligibleAgentIds: z.array(z.uuid()).max(10_000).default([]),
    eligibleGroupIds: z.array(z.uuid()).max(100).default([]),
    requiredSkills: z.array(AgentSkill).max(20).default([]),
    /** Unconfirmed after this long, each reservation expires and its agent is ready again. */
    timeoutMs: z.number().int().min(50).max(600_000).default(10_000),
  })
  .strict()
  .refine((r) => new Set(r.reservationIds).size === r.reservationIds.length, {
    message: 'reservationIds must be distinct',
    path: ['reservationIds'],
  })
  .refine((r) => r.eligibleAgentIds.length > 0 || r.eligibleGroupIds.length > 0, {
    message: 'name the eligible agents: eligibleAgentIds and/or eligibleGroupIds',
    path: ['eligibleAgentIds'],
  });
/** The reservations made (fewer than asked, or none, when fewer eligible agents are ready). */
export const ReserveAgentsReply = z.object({ reservations: z.array(Reservation) });
export type ReserveAgentsReply = z.infer<typeof ReserveAgentsReply>;
/**
 * Reserves up to N ready eligible agents in one transaction (the dialer's standby agents,
 * held ahead of a predictive campaign's answers): one round trip for many reservations.
 */
export const reserveAgentsRpc = defineRpc(
  'agent',
  'reservations.reserveMany',
  ReserveAgentsRequest,
  ReserveAgentsReply,
);

export const ReservationChangeReply = z.object({ reservation: Reservation, agent: AgentStatus });
export type ReservationChangeReply = z.infer<typeof ReservationChangeReply>;

/** reserved -> on_call. Retried with the same id and call id, answers the same. */
export const confirmReservationRpc = defineRpc(
  'agent',
  'reservations.confirm',
  z.object({ reservationId: z.uuid(), callId: CallRef }).strict(),
  ReservationChangeReply,
);
/** reserved -> ready (the call did not need the agent). Retried, answers the same. */
export const releaseReservationRpc = defineRpc(
  'agent',
  'reservations.release',
  z.object({ reservationId: z.uuid() }).strict(),
  ReservationChangeReply,
);
export const getReservationRpc = defineRpc(
  'agent',
  'reservations.get',
  z.object({ reservationId: z.uuid() }).strict(),
  Reservation,
);

/**
 * on_call -> wrap_up for `wrapUpSeconds` (the campaign's wrap-up timer; 0 -> ready at
 * once). Retried with the same reservation, answers the same.
 */
export const callEndedRpc = defineRpc(
  'agent',
  'calls.ended',
  z
    .object({
      reservationId: z.uuid(),
      callId: CallRef.optional(),
      wrapUpSeconds: z.number().min(0).max(3_600),
    })
    .strict(),
  ReservationChangeReply,
);

/** The most changes one `reservations.changeMany` request may carry. */
export const RESERVATION_CHANGES_MAX = 200;

/** One of confirm, release or callEnded, as in their own requests. */
export const ReservationChange = z.discriminatedUnion('op', [
  z.object({ op: z.literal('confirm'), reservationId: z.uuid(), callId: CallRef }).strict(),
  z.object({ op: z.literal('release'), reservationId: z.uuid() }).strict(),
  z
    .object({
      op: z.literal('callEnded'),
      reservationId: z.uuid(),
      callId: CallRef.optional(),
      wrapUpSeconds: z.number().min(0).max(3_600),
    })
    .strict(),
]);
export type ReservationChange = z.infer<typeof ReservationChange>;

/** Each change's answer: what its own request would have answered, or the error it would have thrown. */
export const ReservationChangeResult = z.union([
  z.object({ ok: ReservationChangeReply }).strict(),
  z.object({ error: ErrorBody }).strict(),
]);
export type ReservationChangeResult = z.infer<typeof ReservationChangeResult>;

/**
 * Several confirms, releases and call ends in one transaction (the dialer gathers those of
 * a few milliseconds): each change decided and applied as its own request would be, in the
 * order given (two changes of one reservation or one agent apply one after the other), and
 * answered in `results` at its own index. One change refused does not refuse the others.
 */
export const changeReservationsRpc = defineRpc(
  'agent',
  'reservations.changeMany',
  z.object({ changes: z.array(ReservationChange).min(1).max(RESERVATION_CHANGES_MAX) }).strict(),
  z.object({ results: z.array(ReservationChangeResult) }),
);

/** wrap_up -> wrap_up, its end moved `seconds` later. */
export const extendWrapUpRpc = defineRpc(
  'agent',
  'wrapUp.extend',
  z
    .object({
      agentId: z.uuid(),
      seconds: z.number().positive().max(3_600),
      expectedVersion: ExpectedVersion,
    })
    .strict(),
  AgentStatus,
);
/** wrap_up -> ready (or not_ready with a reason), before its timer. */
export const completeWrapUpRpc = defineRpc(
  'agent',
  'wrapUp.complete',
  z
    .object({
      agentId: z.uuid(),
      notReadyReasonCode: NotReadyReasonCode.optional(),
      expectedVersion: ExpectedVersion,
    })
    .strict(),
  AgentStatus,
);

// ---- reporting -----------------------------------------------------------------------

export const QueryIntervalsRequest = z
  .object({
    agentId: z.uuid(),
    from: IsoTime,
    to: IsoTime,
    campaignId: CampaignRef.optional(),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] });
export const QueryIntervalsReply = z.object({
  agentId: z.uuid(),
  from: IsoTime,
  to: IsoTime,
  /** The intervals overlapping [from, to), clipped to it. */
  intervals: z.array(AgentStateInterval),
  /** Seconds per state (and campaign) within [from, to). */
  totals: z.array(AgentStateTotal),
});
export type QueryIntervalsReply = z.infer<typeof QueryIntervalsReply>;
export const queryIntervalsRpc = defineRpc(
  'agent',
  'intervals.query',
  QueryIntervalsRequest,
  QueryIntervalsReply,
);
