import { listAgentStatusesRpc, readyRpc, notReadyRpc, reserveAgentRpc } from '@autotelesale/contracts';
import { waitFor } from '@autotelesale/testing';
import { startAgentCluster, type AgentCluster } from '../../test/agent-cluster';
import { createReadyAgent, newId } from '../../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  cluster = await startAgentCluster(['agent-delta']);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('following agent states by deltas (states.list with changedSince)', () => {
  it('a delta from the last reply’s asOf holds every change since; anything else in it is a status already read', async () => {
    const quiet = await createReadyAgent(cluster.bus);
    const busy = await createReadyAgent(cluster.bus);
    const agentIds = [quiet.agentId, busy.agentId];
    const full = await cluster.bus.request(listAgentStatusesRpc, { agentIds });
    expect(full.items.map((s) => s.agentId)).toEqual([...agentIds].sort());
    expect(full.asOf).toBeDefined();
    const seen = (status: { agentId: string; version: number }) =>
      full.items.some((s) => s.agentId === status.agentId && s.version === status.version);

    const changed = await cluster.bus.request(notReadyRpc, { agentId: busy.agentId, reasonCode: 'break' });
    const delta = await cluster.bus.request(listAgentStatusesRpc, { agentIds, changedSince: full.asOf });
    // asOf stays behind transactions still open (the outbox relay's, say): a delta may
    // repeat a status, never miss a change.
    expect(delta.items).toContainEqual(changed);
    expect(
      delta.items.filter((s) => s.version !== changed.version || s.agentId !== busy.agentId).every(seen),
    ).toBe(true);
    expect(Date.parse(delta.asOf!)).toBeGreaterThanOrEqual(Date.parse(full.asOf!));

    const later = await cluster.bus.request(listAgentStatusesRpc, { agentIds, changedSince: delta.asOf });
    for (const status of later.items) {
      expect(seen(status) || (status.agentId === busy.agentId && status.version === changed.version)).toBe(
        true,
      );
    }
    expect(later.asOf).toBeDefined();
  });

  it('a change still committing while a read runs is in the next delta, though its time is before the read', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const reservationId = newId();
    // The test holds an uncommitted reservation row with the id the reserve will insert: the
    // reserve reads its clock, moves the agent, then waits on that row before it can commit.
    const blocker = await cluster.pg.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO reservation (reservation_id, agent_id, campaign_id, extension, status, expires_at)
         VALUES ($1, $2, 'c-blocker', '0000', 'pending', now())`,
        [reservationId, agent.agentId],
      );
      const reserving = cluster.bus.request(
        reserveAgentRpc,
        { campaignId: 'c-delta', reservationId, eligibleAgentIds: [agent.agentId] },
        { timeoutMs: 20_000 },
      );
      await waitFor(
        async () =>
          (
            await cluster.pg.query(
              // Waiting on the blocker's transaction (its row's key); the query text is too long to match.
              `SELECT 1 FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'transactionid'`,
            )
          ).rowCount === 1,
        { description: 'the reserve waiting on the uncommitted reservation row' },
      );
      const readAt = (await cluster.pg.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;
      const read = await cluster.bus.request(listAgentStatusesRpc, { agentIds: [agent.agentId] });
      expect(read.items.map((s) => s.state)).toEqual(['ready']);

      await blocker.query('ROLLBACK');
      const reply = await reserving;
      if (reply.outcome !== 'reserved') throw new Error('expected the reserve to succeed');
      // The change's time is before the read began: a cursor of "when the read ran" would skip it.
      expect(Date.parse(reply.reservation.createdAt)).toBeLessThan(readAt.getTime());
      const delta = await cluster.bus.request(listAgentStatusesRpc, {
        agentIds: [agent.agentId],
        changedSince: read.asOf,
      });
      expect(delta.items.map((s) => [s.state, s.reservationId])).toEqual([['reserved', reservationId]]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  });

  it('a delta keeps the ids and states filters, and gives the latest status of an agent changed twice', async () => {
    const agent = await createReadyAgent(cluster.bus);
    const other = await createReadyAgent(cluster.bus);
    const { asOf } = await cluster.bus.request(listAgentStatusesRpc, { agentIds: [agent.agentId] });
    await cluster.bus.request(notReadyRpc, { agentId: other.agentId, reasonCode: 'break' });
    await cluster.bus.request(notReadyRpc, { agentId: agent.agentId, reasonCode: 'break' });
    await cluster.bus.request(readyRpc, { agentId: agent.agentId });
    const delta = await cluster.bus.request(listAgentStatusesRpc, {
      agentIds: [agent.agentId],
      changedSince: asOf,
      states: ['ready'],
    });
    expect(delta.items.map((s) => [s.agentId, s.state, s.version])).toEqual([[agent.agentId, 'ready', 5]]);
  });

  it('refuses a changedSince that is not a time', async () => {
    await expect(
      cluster.bus.request(listAgentStatusesRpc, { changedSince: 'yesterday' } as never),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
