import {
  confirmReservationRpc,
  getAgentStatusRpc,
  reserveAgentRpc,
  type Reservation,
} from '@autotelesale/contracts';
import { waitFor } from '@autotelesale/testing';
import { startAgentCluster, type AgentCluster } from '../../test/agent-cluster';
import { createReadyAgent } from '../../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  // One instance: every request below reaches the same pools.
  cluster = await startAgentCluster(['agent-lane']);
});

afterAll(async () => {
  await cluster?.stop();
});

/** More than the shared pool's ten connections. */
const BLOCKED_CONFIRMS = 12;

describe('the reserve lane', () => {
  it('answers a reserve while every shared connection waits on a lock, and the waiting confirms finish after', async () => {
    const held: Reservation[] = [];
    for (let i = 0; i < BLOCKED_CONFIRMS; i += 1) {
      const agent = await createReadyAgent(cluster.bus);
      const reply = await cluster.bus.request(reserveAgentRpc, {
        campaignId: 'c-lane',
        eligibleAgentIds: [agent.agentId],
        timeoutMs: 60_000,
      });
      if (reply.outcome !== 'reserved') throw new Error('expected a reservation');
      held.push(reply.reservation);
    }
    const spare = await createReadyAgent(cluster.bus);

    // The test locks the reservation rows: each confirm then holds a shared connection, waiting.
    const locker = await cluster.pg.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM reservation WHERE reservation_id = ANY($1::uuid[]) FOR UPDATE`, [
        held.map((r) => r.reservationId),
      ]);
      const confirms = held.map((r, i) =>
        cluster.bus.request(
          confirmReservationRpc,
          { reservationId: r.reservationId, callId: `call-lane-${i}` },
          { timeoutMs: 30_000 },
        ),
      );
      await waitFor(
        async () =>
          (
            await cluster.pg.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0]!.n >= 10,
        { description: 'the shared pool’s connections all waiting on the locked reservations' },
      );

      const reply = await cluster.bus.request(
        reserveAgentRpc,
        { campaignId: 'c-lane', eligibleAgentIds: [spare.agentId] },
        { timeoutMs: 5_000 },
      );
      expect(reply.outcome).toBe('reserved');
      // The confirms are still waiting: the reserve did not queue behind them.
      const stillWaiting = await cluster.pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      expect(stillWaiting.rows[0]!.n).toBeGreaterThanOrEqual(10);

      await locker.query('COMMIT');
      const confirmed = await Promise.all(confirms);
      expect(confirmed.map((c) => c.agent.state)).toEqual(Array(BLOCKED_CONFIRMS).fill('on_call'));
      expect((await cluster.bus.request(getAgentStatusRpc, { agentId: spare.agentId })).state).toBe(
        'reserved',
      );
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
    }
  });
});
