import {
  AgentStatusProjection,
  callEndedRpc,
  confirmReservationRpc,
  createGroupRpc,
  getAgentStatusRpc,
  getReservationRpc,
  listAgentStatusesRpc,
  notReadyRpc,
  releaseReservationRpc,
  reserveAgentRpc,
  type Agent,
  type AtsError,
  type ReserveAgentReply,
} from '@autotelesale/contracts';
import { expectEventually, waitFor } from '@autotelesale/testing';
import { startAgentCluster, type AgentCluster } from '../test/agent-cluster';
import { createReadyAgent, errorOf, newId } from '../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  // Two replicas sharing the namespace (one queue group) and the database.
  cluster = await startAgentCluster(['agent-a', 'agent-b']);
});

afterAll(async () => {
  await cluster?.stop();
});

const reserved = (reply: ReserveAgentReply) => {
  if (reply.outcome !== 'reserved') throw new Error(`expected a reservation, got ${reply.outcome}`);
  return reply.reservation;
};

const stateOf = async (agentId: string) => (await cluster.bus.request(getAgentStatusRpc, { agentId })).state;

describe('reserving agents under concurrency', () => {
  it('gives 50 concurrent reservers across two instances exactly the 10 ready agents, each once', async () => {
    const agents: Agent[] = [];
    for (let i = 0; i < 10; i += 1) agents.push(await createReadyAgent(cluster.bus));
    const eligibleAgentIds = agents.map((a) => a.agentId);

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cluster.bus.request(
          reserveAgentRpc,
          { campaignId: 'c-hammer', callId: `call-${i}`, eligibleAgentIds, timeoutMs: 60_000 },
          { timeoutMs: 20_000 },
        ),
      ),
    );

    const won = replies.filter((r) => r.outcome === 'reserved').map(reserved);
    expect(won).toHaveLength(10);
    expect(new Set(won.map((r) => r.agentId)).size).toBe(10);
    expect(replies.filter((r) => r.outcome === 'noAgent')).toHaveLength(40);
    const statuses = await cluster.bus.request(listAgentStatusesRpc, { agentIds: eligibleAgentIds });
    expect(statuses.items.map((s) => s.state)).toEqual(Array(10).fill('reserved'));
    // Every agent holds the reservation that names it.
    for (const reservation of won) {
      expect(statuses.items.find((s) => s.agentId === reservation.agentId)?.reservationId).toBe(
        reservation.reservationId,
      );
    }
    // Both instances answered: the test exercised the cross-instance race, not one process.
    for (const app of cluster.instances.values()) {
      const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
      const answered = [
        ...metrics.matchAll(/^autotelesale_agent_reservations_total\{[^}]*\} (\d+)/gm),
      ].reduce((sum, match) => sum + Number(match[1]), 0);
      expect(answered).toBeGreaterThan(0);
    }
  });

  it('answers a reserve retried with the same reservation id with the same agent, even concurrently', async () => {
    const a = await createReadyAgent(cluster.bus);
    const b = await createReadyAgent(cluster.bus);
    const request = {
      campaignId: 'c-retry',
      reservationId: newId(),
      eligibleAgentIds: [a.agentId, b.agentId],
    };
    const replies = await Promise.all([1, 2, 3, 4].map(() => cluster.bus.request(reserveAgentRpc, request)));
    expect(new Set(replies.map((r) => reserved(r).agentId)).size).toBe(1);
    expect([await stateOf(a.agentId), await stateOf(b.agentId)].sort()).toEqual(['ready', 'reserved']);
  });

  it('hands 15 ready agents to 60 concurrent reserves (30 ids, each sent twice) once each, a retry always its original’s agent', async () => {
    const agents: Agent[] = [];
    for (let i = 0; i < 15; i += 1) agents.push(await createReadyAgent(cluster.bus));
    const eligibleAgentIds = agents.map((a) => a.agentId);
    const ids = Array.from({ length: 30 }, () => newId());
    // Each id twice in a row, so that the two copies race (on the two instances, or on one).
    const requests = ids
      .flatMap((id) => [id, id])
      .map((reservationId) =>
        cluster.bus.request(
          reserveAgentRpc,
          { campaignId: 'c-retry-hammer', reservationId, eligibleAgentIds, timeoutMs: 60_000 },
          { timeoutMs: 20_000 },
        ),
      );
    const replies = await Promise.all(requests);
    const byId = new Map<string, string[]>();
    for (const [i, reply] of replies.entries()) {
      const id = ids[Math.floor(i / 2)]!;
      byId.set(id, [
        ...(byId.get(id) ?? []),
        reply.outcome === 'reserved' ? reply.reservation.agentId : 'none',
      ]);
    }
    // Both copies of an id answer alike: the same agent, or both no agent.
    for (const answers of byId.values()) expect(answers[0]).toBe(answers[1]);
    const agentsTaken = [...byId.values()].map((answers) => answers[0]).filter((a) => a !== 'none');
    expect(agentsTaken).toHaveLength(15);
    expect(new Set(agentsTaken).size).toBe(15);
    // What is stored agrees: one pending reservation per agent, the one the agent holds.
    const { rows } = await cluster.pg.query<{ agent_id: string; reservation_id: string; held: string }>(
      `SELECT r.agent_id, r.reservation_id, a.reservation_id AS held
         FROM reservation r JOIN agent a USING (agent_id)
        WHERE r.campaign_id = 'c-retry-hammer'`,
    );
    expect(rows).toHaveLength(15);
    for (const row of rows) expect(row.held).toBe(row.reservation_id);
  });

  it('refuses a reservation id reused for another campaign, and leaves every agent as it was', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const spare = await createReadyAgent(cluster.bus);
    const reservationId = newId();
    const first = reserved(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-first',
        reservationId,
        eligibleAgentIds: [agent.agentId],
      }),
    );
    const error = await errorOf(
      cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-other',
        reservationId,
        eligibleAgentIds: [spare.agentId],
      }),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_ID_REUSED' } });
    expect(await stateOf(spare.agentId)).toBe('ready');
    // The retry for the right campaign answers the reservation as stored.
    expect(
      reserved(
        await cluster.bus.request(reserveAgentRpc, {
          campaignId: 'c-first',
          reservationId,
          eligibleAgentIds: [spare.agentId],
        }),
      ),
    ).toEqual(first);
  });

  it('reserves the agent that has been ready longest, and only an eligible one', async () => {
    const first = await createReadyAgent(cluster.bus);
    const second = await createReadyAgent(cluster.bus, { skills: ['vietnamese'] });
    const eligibleAgentIds = [second.agentId, first.agentId];
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, { campaignId: 'c-order', eligibleAgentIds }),
    );
    expect(reservation.agentId).toBe(first.agentId);
    expect(reservation.extension).toBe(first.extension);

    const outsider = await createReadyAgent(cluster.bus);
    expect(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-order',
        eligibleAgentIds: [first.agentId, outsider.agentId],
        requiredSkills: ['vietnamese'],
      }),
    ).toEqual({ outcome: 'noAgent' });
    expect(await stateOf(outsider.agentId)).toBe('ready');
  });

  it('reserves among the members of the campaign’s agent group', async () => {
    const member = await createReadyAgent(cluster.bus);
    const group = await cluster.bus.request(createGroupRpc, {
      name: 'Campaign team',
      agentIds: [member.agentId],
    });
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-group',
        eligibleGroupIds: [group.groupId],
      }),
    );
    expect(reservation.agentId).toBe(member.agentId);
  });
});

describe('races between the dialer and the agent', () => {
  it('an agent going not ready while being reserved ends up either reserved or not ready, never both', async () => {
    const agents: Agent[] = [];
    for (let i = 0; i < 12; i += 1) agents.push(await createReadyAgent(cluster.bus));
    const results = await Promise.all(
      agents.map(async (agent) => {
        const [reserve, notReady] = await Promise.allSettled([
          cluster.bus.request(reserveAgentRpc, { campaignId: 'c-race', eligibleAgentIds: [agent.agentId] }),
          cluster.bus.request(notReadyRpc, { agentId: agent.agentId, reasonCode: 'break' }),
        ]);
        return {
          agent,
          reserve,
          notReady,
          status: await cluster.bus.request(getAgentStatusRpc, { agentId: agent.agentId }),
        };
      }),
    );
    for (const { reserve, notReady, status } of results) {
      const gotReserved = reserve.status === 'fulfilled' && reserve.value.outcome === 'reserved';
      const wentNotReady = notReady.status === 'fulfilled';
      expect(gotReserved).not.toBe(wentNotReady);
      expect(status.state).toBe(gotReserved ? 'reserved' : 'not_ready');
      if (!wentNotReady) {
        expect(notReady.reason).toMatchObject({
          code: 'CONFLICT',
          details: { reason: 'ILLEGAL_TRANSITION' },
        });
      }
    }
  });

  it('a confirm racing the expiry either confirms or is refused as expired, and the agent agrees', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const agent = await createReadyAgent(cluster.bus);
        const reservation = reserved(
          await cluster.bus.request(reserveAgentRpc, {
            campaignId: 'c-race',
            eligibleAgentIds: [agent.agentId],
            timeoutMs: 50 + i * 10,
          }),
        );
        const confirm = await cluster.bus
          .request(confirmReservationRpc, {
            reservationId: reservation.reservationId,
            callId: `call-race-${i}`,
          })
          .then(
            () => 'confirmed' as const,
            (error: AtsError) => {
              expect(error).toMatchObject({ code: 'CONFLICT', details: { status: 'expired' } });
              return 'expired' as const;
            },
          );
        const [stored, status] = await Promise.all([
          cluster.bus.request(getReservationRpc, { reservationId: reservation.reservationId }),
          cluster.bus.request(getAgentStatusRpc, { agentId: agent.agentId }),
        ]);
        expect(stored.status).toBe(confirm);
        expect(status.state).toBe(confirm === 'confirmed' ? 'on_call' : 'ready');
        return confirm;
      }),
    );
    expect(outcomes).toHaveLength(12);
  });
});

describe('a reservation’s life', () => {
  it('confirms once: a retry answers the same, and the agent changed one version', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, { campaignId: 'c-life', eligibleAgentIds: [agent.agentId] }),
    );
    const confirm = { reservationId: reservation.reservationId, callId: 'call-c1' };
    const [one, two] = await Promise.all([
      cluster.bus.request(confirmReservationRpc, confirm),
      cluster.bus.request(confirmReservationRpc, confirm),
    ]);
    expect(one).toEqual(two);
    expect(one.agent).toMatchObject({ state: 'on_call', callId: 'call-c1', version: 5 });
    expect(one.reservation).toMatchObject({ status: 'confirmed', callId: 'call-c1' });
    expect(
      await errorOf(cluster.bus.request(confirmReservationRpc, { ...confirm, callId: 'call-other' })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'CALL_MISMATCH' } });
    expect(
      await errorOf(cluster.bus.request(releaseReservationRpc, { reservationId: reservation.reservationId })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_CLOSED', status: 'confirmed' } });

    const ended = await cluster.bus.request(callEndedRpc, { ...confirm, wrapUpSeconds: 30 });
    expect(await cluster.bus.request(callEndedRpc, { ...confirm, wrapUpSeconds: 30 })).toEqual(ended);
    expect(ended.agent).toMatchObject({ state: 'wrap_up', version: 6 });
  });

  it('releases once: the agent is ready again, and a retry answers the same', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, { campaignId: 'c-life', eligibleAgentIds: [agent.agentId] }),
    );
    const release = { reservationId: reservation.reservationId };
    const first = await cluster.bus.request(releaseReservationRpc, release);
    expect(first.agent).toMatchObject({ state: 'ready', version: 5 });
    expect(await cluster.bus.request(releaseReservationRpc, release)).toEqual(first);
    expect(
      await errorOf(cluster.bus.request(confirmReservationRpc, { ...release, callId: 'late' })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_CLOSED', status: 'released' } });
  });

  it('expires a reservation nobody confirmed: the agent is ready again and a late confirm is refused', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-expire',
        eligibleAgentIds: [agent.agentId],
        timeoutMs: 150,
      }),
    );
    await expectEventually(async () => expect(await stateOf(agent.agentId)).toBe('ready'));
    expect(
      await cluster.bus.request(getReservationRpc, { reservationId: reservation.reservationId }),
    ).toMatchObject({ status: 'expired' });
    expect(
      await errorOf(
        cluster.bus.request(confirmReservationRpc, {
          reservationId: reservation.reservationId,
          callId: 'late',
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_CLOSED', status: 'expired' } });
    // The agent can be reserved again at once.
    expect(
      reserved(
        await cluster.bus.request(reserveAgentRpc, {
          campaignId: 'c-expire',
          eligibleAgentIds: [agent.agentId],
        }),
      ).agentId,
    ).toBe(agent.agentId);
  });

  it('refuses unknown reservations and reservations whose call has not been confirmed', async () => {
    expect((await errorOf(cluster.bus.request(releaseReservationRpc, { reservationId: newId() }))).code).toBe(
      'NOT_FOUND',
    );
    const agent = await createReadyAgent(cluster.bus);
    const reservation = reserved(
      await cluster.bus.request(reserveAgentRpc, { campaignId: 'c-life', eligibleAgentIds: [agent.agentId] }),
    );
    expect(
      await errorOf(
        cluster.bus.request(callEndedRpc, { reservationId: reservation.reservationId, wrapUpSeconds: 10 }),
      ),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_CLOSED', status: 'pending' } });
  });
});

describe('deadlines across a restart', () => {
  it('a restarted service expires the reservations and ends the wrap-ups that fell due while it was down', async () => {
    const waiting = await createReadyAgent(cluster.bus);
    const wrapping = await createReadyAgent(cluster.bus);
    const pending = reserved(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-restart',
        eligibleAgentIds: [waiting.agentId],
        timeoutMs: 400,
      }),
    );
    const call = reserved(
      await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-restart',
        eligibleAgentIds: [wrapping.agentId],
      }),
    );
    await cluster.bus.request(confirmReservationRpc, {
      reservationId: call.reservationId,
      callId: 'call-r1',
    });
    await cluster.bus.request(callEndedRpc, { reservationId: call.reservationId, wrapUpSeconds: 0.4 });

    await cluster.stopInstance('agent-a');
    await cluster.stopInstance('agent-b');
    // Both deadlines pass, by the database's clock, while no instance runs.
    await waitFor(async () => {
      const { rows } = await cluster.pg.query(
        `SELECT clock_timestamp() > $1::timestamptz + interval '400 milliseconds' AS due`,
        [pending.createdAt],
      );
      return rows[0].due as boolean;
    });
    expect(
      (await cluster.pg.query(`SELECT state FROM agent WHERE agent_id = $1`, [waiting.agentId])).rows[0]
        .state,
    ).toBe('reserved');

    await cluster.startInstance('agent-c');
    await expectEventually(async () => {
      expect(await stateOf(waiting.agentId)).toBe('ready');
      expect(await stateOf(wrapping.agentId)).toBe('ready');
    });
    expect(
      await cluster.bus.request(getReservationRpc, { reservationId: pending.reservationId }),
    ).toMatchObject({
      status: 'expired',
    });
  });
});

describe('the agents stream', () => {
  it('holds each change exactly once, and a projection fed every event twice shows the states the service reports', async () => {
    await expectEventually(
      async () => {
        const { rows } = await cluster.pg.query(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS waiting
             FROM agent_event_outbox`,
        );
        expect(rows[0].waiting).toBe(0);
        const events = await cluster.readAllAgentEvents();
        expect(events).toHaveLength(rows[0].total);

        const projection = new AgentStatusProjection();
        const firstPass = events.map((event) => projection.apply(event));
        expect(firstPass.filter((outcome) => outcome !== 'applied')).toEqual([]);
        const replayed = events.map((event) => projection.apply(event));
        expect(new Set(replayed)).toEqual(new Set(['replay']));

        const { items } = await cluster.bus.request(listAgentStatusesRpc, {});
        expect(
          projection
            .all()
            .map((agent) => [agent.agentId, agent.version, agent.state?.to ?? 'logged_out'])
            .sort(),
        ).toEqual(items.map((status) => [status.agentId, status.version, status.state]).sort());
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });
});
