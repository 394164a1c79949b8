import { z } from 'zod';
import {
  callEndedRpc,
  confirmReservationRpc,
  createGroupRpc,
  defineRpc,
  getAgentStatusRpc,
  getReservationRpc,
  listAgentStatusesRpc,
  loginRpc,
  logoutRpc,
  notReadyRpc,
  readyRpc,
  releaseReservationRpc,
  reserveAgentRpc,
  reserveAgentsRpc,
  ReserveAgentsReply,
  type Agent,
  type Reservation,
} from '@autotelesale/contracts';
import { expectEventually } from '@autotelesale/testing';
import { startAgentCluster, type AgentCluster } from '../../test/agent-cluster';
import { createAgent, createReadyAgent, errorOf, newId } from '../../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  // Two replicas, as in production: concurrent batches race across processes, not in one.
  cluster = await startAgentCluster(['many-a', 'many-b']);
});

afterAll(async () => {
  await cluster?.stop();
});

const ids = (n: number) => Array.from({ length: n }, () => newId());

const stateOf = async (agentId: string) => (await cluster.bus.request(getAgentStatusRpc, { agentId })).state;

/** `n` new ready agents, created one after the other (so each has been idle less than the one before). */
async function readyAgents(n: number, fields: { skills?: string[] } = {}): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (let i = 0; i < n; i += 1) agents.push(await createReadyAgent(cluster.bus, fields));
  return agents;
}

const byReservationId = (reservations: Reservation[]) =>
  [...reservations].sort((a, b) => a.reservationId.localeCompare(b.reservationId));

/** The reservation rows stored for a campaign: what the service did, whatever it answered. */
async function storedReservations(campaignId: string) {
  const { rows } = await cluster.pg.query<{ reservation_id: string; agent_id: string; status: string }>(
    `SELECT reservation_id, agent_id, status FROM reservation WHERE campaign_id = $1`,
    [campaignId],
  );
  return rows;
}

/** The sum over both instances of `autotelesale_agent_reservations_total` for one outcome. */
async function reservationsCounted(outcome: string): Promise<number> {
  let sum = 0;
  for (const app of cluster.instances.values()) {
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    for (const match of metrics.matchAll(/^autotelesale_agent_reservations_total\{([^}]*)\} (\d+)/gm)) {
      if (match[1]!.includes(`outcome="${outcome}"`)) sum += Number(match[2]);
    }
  }
  return sum;
}

describe('reserving a batch of agents (reservations.reserveMany)', () => {
  it('reserves the 3 agents idle longest out of 5, each under one of the ids, as a standby (no call)', async () => {
    const [a, b, c, d, e] = await readyAgents(5);
    // a and c go on a break and come back: now they have been idle the shortest time.
    for (const agent of [a!, c!]) {
      await cluster.bus.request(notReadyRpc, { agentId: agent.agentId, reasonCode: 'break' });
      await cluster.bus.request(readyRpc, { agentId: agent.agentId });
    }
    const reservationIds = ids(3);

    const reply = await cluster.bus.request(reserveAgentsRpc, {
      campaignId: 'c-many-order',
      reservationIds,
      eligibleAgentIds: [a, b, c, d, e].map((x) => x!.agentId),
    });

    expect(reply.reservations).toHaveLength(3);
    expect(reply.reservations.map((r) => r.agentId).sort()).toEqual(
      [b!.agentId, d!.agentId, e!.agentId].sort(),
    );
    expect(reply.reservations.map((r) => r.reservationId).sort()).toEqual([...reservationIds].sort());
    for (const reservation of reply.reservations) {
      expect(reservation).toMatchObject({ campaignId: 'c-many-order', status: 'pending', callId: null });
      expect(await cluster.bus.request(getAgentStatusRpc, { agentId: reservation.agentId })).toMatchObject({
        state: 'reserved',
        reservationId: reservation.reservationId,
        campaignId: 'c-many-order',
        callId: null,
      });
    }
    expect([await stateOf(a!.agentId), await stateOf(c!.agentId)]).toEqual(['ready', 'ready']);
    // Each agent of the batch has its own working time: the ready interval closed when the
    // reserved one opened, one open interval each (the batch is one statement for all).
    const { rows: intervals } = await cluster.pg.query<{
      agent_id: string;
      state: string;
      campaign_id: string | null;
      started_at: Date;
      ended_at: Date | null;
    }>(
      `SELECT agent_id, state, campaign_id, started_at, ended_at FROM agent_state_interval
        WHERE agent_id = ANY($1::uuid[]) ORDER BY started_at`,
      [reply.reservations.map((r) => r.agentId)],
    );
    for (const reservation of reply.reservations) {
      const mine = intervals.filter((i) => i.agent_id === reservation.agentId);
      const open = mine.filter((i) => i.ended_at === null);
      expect(open.map((i) => [i.state, i.campaign_id])).toEqual([['reserved', 'c-many-order']]);
      const before = mine[mine.indexOf(open[0]!) - 1]!;
      expect([before.state, before.ended_at?.getTime()]).toEqual(['ready', open[0]!.started_at.getTime()]);
    }
  });

  it('takes only the ready agents that are eligible and have the skills, however many are asked for', async () => {
    // Idle longest of all, but not the campaign's: never taken.
    const outsider = (await readyAgents(1, { skills: ['spanish'] }))[0]!;
    const [first, second] = await readyAgents(2, { skills: ['spanish'] });
    const [unskilled] = await readyAgents(1);
    const [paused] = await readyAgents(1, { skills: ['spanish'] });
    await cluster.bus.request(notReadyRpc, { agentId: paused!.agentId, reasonCode: 'break' });
    const away = await createAgent(cluster.bus, { skills: ['spanish'] });
    const gone = await createAgent(cluster.bus, { skills: ['spanish'] });
    await cluster.bus.request(loginRpc, { agentId: gone.agentId });
    await cluster.bus.request(logoutRpc, { agentId: gone.agentId });
    const [member] = await readyAgents(1, { skills: ['spanish'] });
    const group = await cluster.bus.request(createGroupRpc, {
      name: 'Spanish standby team',
      agentIds: [member!.agentId],
    });

    const reply = await cluster.bus.request(reserveAgentsRpc, {
      campaignId: 'c-many-eligible',
      reservationIds: ids(8),
      eligibleAgentIds: [first, second, unskilled, paused]
        .map((x) => x!.agentId)
        .concat(away.agentId, gone.agentId),
      eligibleGroupIds: [group.groupId],
      requiredSkills: ['spanish'],
    });

    expect(reply.reservations.map((r) => r.agentId).sort()).toEqual(
      [first!.agentId, second!.agentId, member!.agentId].sort(),
    );
    expect(await stateOf(outsider.agentId)).toBe('ready');
    expect(await stateOf(unskilled!.agentId)).toBe('ready');
    expect(await stateOf(paused!.agentId)).toBe('not_ready');
    expect(await stateOf(away.agentId)).toBe('logged_out');
    expect(await stateOf(gone.agentId)).toBe('logged_out');
    expect(await storedReservations('c-many-eligible')).toHaveLength(3);
  });

  it('answers an empty list, not an error, when no eligible agent is ready', async () => {
    const [busy] = await readyAgents(1);
    await cluster.bus.request(notReadyRpc, { agentId: busy!.agentId, reasonCode: 'break' });
    const away = await createAgent(cluster.bus);

    expect(
      await cluster.bus.request(reserveAgentsRpc, {
        campaignId: 'c-many-none',
        reservationIds: ids(3),
        eligibleAgentIds: [busy!.agentId, away.agentId],
      }),
    ).toEqual({ reservations: [] });
    expect(await storedReservations('c-many-none')).toEqual([]);
  });

  it('answers a retry with the reservations made under its ids, and reserves agents only for ids not seen before', async () => {
    const agents = await readyAgents(5);
    const eligibleAgentIds = agents.map((a) => a.agentId);
    const [i1, i2, i3] = ids(3);
    const request = { campaignId: 'c-many-replay', reservationIds: [i1!, i2!], eligibleAgentIds };

    const first = await cluster.bus.request(reserveAgentsRpc, request);
    expect(first.reservations).toHaveLength(2);
    const again = await cluster.bus.request(reserveAgentsRpc, request);
    expect(byReservationId(again.reservations)).toEqual(byReservationId(first.reservations));
    expect(await storedReservations('c-many-replay')).toHaveLength(2);

    // A retry sharing i2 and adding i3: i2's reservation as it was, and one more agent for i3.
    const widened = await cluster.bus.request(reserveAgentsRpc, { ...request, reservationIds: [i2!, i3!] });
    expect(widened.reservations).toHaveLength(2);
    expect(widened.reservations.find((r) => r.reservationId === i2)).toEqual(
      first.reservations.find((r) => r.reservationId === i2),
    );
    const fresh = widened.reservations.find((r) => r.reservationId === i3)!;
    expect(first.reservations.map((r) => r.agentId)).not.toContain(fresh.agentId);
    expect(await stateOf(fresh.agentId)).toBe('reserved');
    expect(await storedReservations('c-many-replay')).toHaveLength(3);

    // Once released, a reservation replays as released: a late retry takes no fresh agent for it.
    await cluster.bus.request(releaseReservationRpc, { reservationId: i1! });
    const late = await cluster.bus.request(reserveAgentsRpc, request);
    expect(late.reservations.find((r) => r.reservationId === i1)).toMatchObject({ status: 'released' });
    expect(await storedReservations('c-many-replay')).toHaveLength(3);
    const statuses = await cluster.bus.request(listAgentStatusesRpc, { agentIds: eligibleAgentIds });
    expect(statuses.items.filter((s) => s.state === 'reserved')).toHaveLength(2);
  });

  it('answers overlapping retries (ids in another order, a single reserve of one id) sent at once, each id one agent', async () => {
    // Every id of a batch is locked, not its first: before, a retry starting with another id
    // ran beside the first try and failed on the reservation's primary key (INTERNAL).
    for (let round = 0; round < 8; round += 1) {
      const agents = await readyAgents(4);
      const eligibleAgentIds = agents.map((a) => a.agentId);
      const [i1, i2, i3] = ids(3);
      const campaignId = `c-many-overlap-${round}`;
      const [a, b, single] = await Promise.all([
        cluster.bus.request(reserveAgentsRpc, { campaignId, reservationIds: [i1!, i2!], eligibleAgentIds }),
        cluster.bus.request(reserveAgentsRpc, { campaignId, reservationIds: [i3!, i2!], eligibleAgentIds }),
        cluster.bus.request(reserveAgentRpc, { campaignId, reservationId: i2!, eligibleAgentIds }),
      ]);
      const agentOf = new Map<string, string>();
      for (const r of [
        ...a.reservations,
        ...b.reservations,
        ...(single.outcome === 'reserved' ? [single.reservation] : []),
      ]) {
        const seen = agentOf.get(r.reservationId);
        if (seen !== undefined) expect(r.agentId).toBe(seen);
        agentOf.set(r.reservationId, r.agentId);
      }
      expect([...agentOf.keys()].sort()).toEqual([i1!, i2!, i3!].sort());
      expect(new Set(agentOf.values()).size).toBe(3);
      expect(await storedReservations(campaignId)).toHaveLength(3);
    }
  });

  it('refuses ids already used by another campaign, and reserves nothing for the batch', async () => {
    const [held, spare] = await readyAgents(2);
    const [used] = ids(1);
    await cluster.bus.request(reserveAgentsRpc, {
      campaignId: 'c-many-first',
      reservationIds: [used!],
      eligibleAgentIds: [held!.agentId],
    });

    const error = await errorOf(
      cluster.bus.request(reserveAgentsRpc, {
        campaignId: 'c-many-other',
        reservationIds: [newId(), used!],
        eligibleAgentIds: [spare!.agentId],
      }),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_ID_REUSED' } });
    expect(await stateOf(spare!.agentId)).toBe('ready');
    expect(await storedReservations('c-many-other')).toEqual([]);
  });

  it('gives 20 ready agents to 8 concurrent batches of 5 and 10 single reserves, each agent once', async () => {
    const agents = await readyAgents(20);
    const eligibleAgentIds = agents.map((a) => a.agentId);
    const campaignId = 'c-many-race';
    const batches = Array.from({ length: 8 }, () =>
      cluster.bus.request(
        reserveAgentsRpc,
        { campaignId, reservationIds: ids(5), eligibleAgentIds, timeoutMs: 60_000 },
        { timeoutMs: 20_000 },
      ),
    );
    const singles = Array.from({ length: 10 }, () =>
      cluster.bus.request(
        reserveAgentRpc,
        { campaignId, reservationId: newId(), eligibleAgentIds, timeoutMs: 60_000 },
        { timeoutMs: 20_000 },
      ),
    );
    const [batchReplies, singleReplies] = await Promise.all([Promise.all(batches), Promise.all(singles)]);

    const won = [
      ...batchReplies.flatMap((r) => r.reservations),
      ...singleReplies.flatMap((r) => (r.outcome === 'reserved' ? [r.reservation] : [])),
    ];
    for (const reply of batchReplies) expect(reply.reservations.length).toBeLessThanOrEqual(5);
    // 50 asked for, 20 ready: all 20 taken, none twice.
    expect(won).toHaveLength(20);
    expect(new Set(won.map((r) => r.agentId)).size).toBe(20);
    const statuses = await cluster.bus.request(listAgentStatusesRpc, { agentIds: eligibleAgentIds });
    expect(statuses.items.map((s) => s.state)).toEqual(Array(20).fill('reserved'));
    // What is stored agrees: one pending reservation per agent, the one the agent holds.
    const { rows } = await cluster.pg.query<{ agent_id: string; pending: number; held: string | null }>(
      `SELECT a.agent_id, a.reservation_id AS held,
              (SELECT count(*)::int FROM reservation r
                WHERE r.agent_id = a.agent_id AND r.status = 'pending') AS pending
         FROM agent a WHERE a.agent_id = ANY($1::uuid[])`,
      [eligibleAgentIds],
    );
    expect(rows.map((r) => r.pending)).toEqual(Array(20).fill(1));
    const answered = new Map(won.map((r) => [r.agentId, r.reservationId]));
    for (const row of rows) expect(row.held).toBe(answered.get(row.agent_id));
  });

  it('counts a batch’s new, missing and replayed reservations in autotelesale_agent_reservations_total', async () => {
    const [one, two] = await readyAgents(2);
    const before = {
      reserved: await reservationsCounted('reserved'),
      noAgent: await reservationsCounted('no_agent'),
      replayed: await reservationsCounted('replayed'),
    };
    const request = {
      campaignId: 'c-many-metrics',
      reservationIds: ids(3),
      eligibleAgentIds: [one!.agentId, two!.agentId],
    };
    expect((await cluster.bus.request(reserveAgentsRpc, request)).reservations).toHaveLength(2);
    expect(await reservationsCounted('reserved')).toBe(before.reserved + 2);
    expect(await reservationsCounted('no_agent')).toBe(before.noAgent + 1);

    await cluster.bus.request(reserveAgentsRpc, request);
    expect(await reservationsCounted('replayed')).toBe(before.replayed + 2);
    expect(await reservationsCounted('reserved')).toBe(before.reserved + 2);
  });
});

describe('a standby reservation’s life', () => {
  /** One ready agent, reserved as a standby (no call) of campaign c-many-life. */
  async function oneStandby(timeoutMs?: number) {
    const [agent] = await readyAgents(1);
    const {
      reservations: [standby],
    } = await cluster.bus.request(reserveAgentsRpc, {
      campaignId: 'c-many-life',
      reservationIds: ids(1),
      eligibleAgentIds: [agent!.agentId],
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return { agent, standby };
  }

  it('is confirmed with the call bridged to it, and the call’s end puts the agent in wrap-up', async () => {
    const { agent, standby } = await oneStandby();
    expect(standby).toMatchObject({ agentId: agent!.agentId, callId: null });

    const confirmed = await cluster.bus.request(confirmReservationRpc, {
      reservationId: standby!.reservationId,
      callId: 'call-standby-1',
    });
    expect(confirmed.agent).toMatchObject({ state: 'on_call', callId: 'call-standby-1' });
    expect(
      await cluster.bus.request(getReservationRpc, { reservationId: standby!.reservationId }),
    ).toMatchObject({ status: 'confirmed', callId: 'call-standby-1' });
    expect(await cluster.bus.request(getAgentStatusRpc, { agentId: agent!.agentId })).toMatchObject({
      state: 'on_call',
      callId: 'call-standby-1',
      reservationId: standby!.reservationId,
    });

    const ended = await cluster.bus.request(callEndedRpc, {
      reservationId: standby!.reservationId,
      callId: 'call-standby-1',
      wrapUpSeconds: 30,
    });
    expect(ended.agent.state).toBe('wrap_up');
    expect(await stateOf(agent!.agentId)).toBe('wrap_up');
  });

  it('released unused, leaves its agent ready at once', async () => {
    const { agent, standby } = await oneStandby(600_000);
    expect(await stateOf(agent!.agentId)).toBe('reserved');

    const released = await cluster.bus.request(releaseReservationRpc, {
      reservationId: standby!.reservationId,
    });
    expect(released.reservation.status).toBe('released');
    expect(await stateOf(agent!.agentId)).toBe('ready');
  });

  it('expires unconfirmed after its timeout, and every agent of the batch is ready again', async () => {
    const agents = await readyAgents(3);
    const { reservations } = await cluster.bus.request(reserveAgentsRpc, {
      campaignId: 'c-many-expire',
      reservationIds: ids(3),
      eligibleAgentIds: agents.map((a) => a.agentId),
      timeoutMs: 300,
    });
    expect(reservations).toHaveLength(3);
    for (const r of reservations) expect(Date.parse(r.expiresAt) - Date.parse(r.createdAt)).toBe(300);

    await expectEventually(async () => {
      for (const agent of agents) expect(await stateOf(agent.agentId)).toBe('ready');
    });
    for (const r of reservations) {
      expect(await cluster.bus.request(getReservationRpc, { reservationId: r.reservationId })).toMatchObject({
        status: 'expired',
      });
    }
  });
});

/**
 * The same subject with a schema that lets anything through: the request reaches the
 * service as sent, so these cases test the service's own validation, not the client's.
 */
const uncheckedReserveMany = defineRpc(
  'agent',
  'reservations.reserveMany',
  z.record(z.string(), z.unknown()),
  ReserveAgentsReply,
);

describe('validating a batch', () => {
  it.each([
    ['a repeated reservation id', (id: string) => ({ reservationIds: [id, id] })],
    ['no reservation id', () => ({ reservationIds: [] })],
    ['101 reservation ids', (id: string) => ({ reservationIds: [id, ...ids(100)] })],
    ['no eligible agent or group', (id: string) => ({ reservationIds: [id], eligibleAgentIds: [] })],
  ])('refuses %s with VALIDATION_FAILED and reserves nothing', async (what, fields) => {
    const [agent] = await readyAgents(1);
    // A campaign of its own per case: a case that reserved something fails alone.
    const campaignId = `c-many-invalid ${what}`;
    const request = {
      campaignId,
      eligibleAgentIds: [agent!.agentId],
      ...fields(newId()),
    };

    expect((await errorOf(cluster.bus.request(uncheckedReserveMany, request))).code).toBe(
      'VALIDATION_FAILED',
    );
    // The client refuses it too, before sending.
    expect((await errorOf(cluster.bus.request(reserveAgentsRpc, request))).code).toBe('VALIDATION_FAILED');
    expect(await stateOf(agent!.agentId)).toBe('ready');
    expect(await storedReservations(campaignId)).toEqual([]);
  });
});
