import {
  RESERVATION_CHANGES_MAX,
  changeReservationsRpc,
  getAgentStatusRpc,
  getReservationRpc,
  reserveAgentRpc,
  type Agent,
  type ReservationChange,
  type ReservationChangeResult,
} from '@autotelesale/contracts';
import { startAgentCluster, type AgentCluster } from '../../test/agent-cluster';
import { createReadyAgent, errorOf, newId } from '../../test/agent-fixtures';

let cluster: AgentCluster;

beforeAll(async () => {
  // Two replicas, as in production: overlapping batches race across processes.
  cluster = await startAgentCluster(['change-a', 'change-b']);
});

afterAll(async () => {
  await cluster?.stop();
});

const statusOf = (agentId: string) => cluster.bus.request(getAgentStatusRpc, { agentId });

/** A ready agent reserved for `campaignId` (pending, 60 s), with its reservation id. */
async function reservedAgent(campaignId: string): Promise<{ agent: Agent; reservationId: string }> {
  const agent = await createReadyAgent(cluster.bus);
  const reservationId = newId();
  const reply = await cluster.bus.request(reserveAgentRpc, {
    campaignId,
    reservationId,
    eligibleAgentIds: [agent.agentId],
    timeoutMs: 60_000,
  });
  expect(reply.outcome).toBe('reserved');
  return { agent, reservationId };
}

const change = (changes: ReservationChange[]) =>
  cluster.bus.request(changeReservationsRpc, { changes }, { timeoutMs: 20_000 });

const okOf = (result: ReservationChangeResult) => {
  if (!('ok' in result)) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.ok;
};

describe('several reservation changes in one request (reservations.changeMany)', () => {
  it('answers each change as its own request would, in order, and one refusal does not stop the others', async () => {
    const a = await reservedAgent('c-many');
    const b = await reservedAgent('c-many');
    const c = await reservedAgent('c-many');
    const d = await reservedAgent('c-many');
    // d's reservation is released first: confirming it afterwards is refused.
    okOf((await change([{ op: 'release', reservationId: d.reservationId }])).results[0]!);
    const unknown = newId();

    const { results } = await change([
      { op: 'confirm', reservationId: a.reservationId, callId: 'call-a' },
      { op: 'confirm', reservationId: b.reservationId, callId: 'call-b' },
      // a's call ends in the same batch: after its confirm, never before.
      { op: 'callEnded', reservationId: a.reservationId, callId: 'call-a', wrapUpSeconds: 0 },
      { op: 'confirm', reservationId: unknown, callId: 'call-x' },
      { op: 'release', reservationId: c.reservationId },
      { op: 'confirm', reservationId: d.reservationId, callId: 'call-d' },
    ]);

    expect(results).toHaveLength(6);
    expect(okOf(results[0]!).reservation).toMatchObject({ status: 'confirmed', callId: 'call-a' });
    expect(okOf(results[0]!).agent.state).toBe('on_call');
    expect(okOf(results[1]!).reservation).toMatchObject({ status: 'confirmed', callId: 'call-b' });
    expect(okOf(results[2]!).reservation.status).toBe('ended');
    expect(okOf(results[2]!).agent.state).toBe('ready');
    expect(results[3]).toEqual({ error: expect.objectContaining({ code: 'NOT_FOUND' }) });
    expect(okOf(results[4]!).reservation.status).toBe('released');
    expect(results[5]).toEqual({
      error: expect.objectContaining({
        code: 'CONFLICT',
        details: expect.objectContaining({ reason: 'RESERVATION_CLOSED', status: 'released' }),
      }),
    });

    // What is stored, whatever was answered.
    expect((await statusOf(a.agent.agentId)).state).toBe('ready');
    expect((await statusOf(b.agent.agentId)).state).toBe('on_call');
    expect((await statusOf(c.agent.agentId)).state).toBe('ready');
    expect((await statusOf(d.agent.agentId)).state).toBe('ready');
    const reservation = (id: string) => cluster.bus.request(getReservationRpc, { reservationId: id });
    expect((await reservation(a.reservationId)).status).toBe('ended');
    expect((await reservation(b.reservationId)).status).toBe('confirmed');
    expect((await reservation(c.reservationId)).status).toBe('released');
  });

  it('answers a repeated batch the same without moving any agent twice', async () => {
    const a = await reservedAgent('c-repeat');
    const b = await reservedAgent('c-repeat');
    const batch: ReservationChange[] = [
      { op: 'confirm', reservationId: a.reservationId, callId: 'call-ra' },
      { op: 'confirm', reservationId: b.reservationId, callId: 'call-rb' },
      { op: 'callEnded', reservationId: b.reservationId, callId: 'call-rb', wrapUpSeconds: 30 },
    ];
    const first = await change(batch);
    const versions = await Promise.all([a, b].map(async (x) => (await statusOf(x.agent.agentId)).version));

    const again = await change(batch);

    // Each answered as a repeat of its own request: the reservation as it now stands.
    expect(again.results.map((r) => okOf(r).reservation)).toEqual([
      okOf(first.results[0]!).reservation,
      okOf(first.results[2]!).reservation,
      okOf(first.results[2]!).reservation,
    ]);
    expect(await Promise.all([a, b].map(async (x) => (await statusOf(x.agent.agentId)).version))).toEqual(
      versions,
    );
    expect((await statusOf(b.agent.agentId)).state).toBe('wrap_up');
    // A confirm repeated with another call id is the other call's: refused, not replayed.
    const { results } = await change([
      { op: 'confirm', reservationId: a.reservationId, callId: 'call-other' },
    ]);
    expect(results[0]).toEqual({ error: expect.objectContaining({ code: 'CONFLICT' }) });
  });

  it('applies overlapping batches sent at once in opposite orders to both replicas: each agent moved once, no deadlock', async () => {
    const held = await Promise.all(Array.from({ length: 12 }, () => reservedAgent('c-overlap')));
    const confirms = held.map((h, i): ReservationChange => ({
      op: 'confirm',
      reservationId: h.reservationId,
      callId: `call-o${i}`,
    }));
    const versionsBefore = await Promise.all(
      held.map(async (h) => (await statusOf(h.agent.agentId)).version),
    );

    const replies = await Promise.all([
      change(confirms),
      change([...confirms].reverse()),
      change(confirms.slice(3, 9)),
      change([...confirms.slice(0, 6)].reverse()),
    ]);

    for (const reply of replies) {
      for (const result of reply.results) expect(okOf(result).reservation.status).toBe('confirmed');
    }
    const after = await Promise.all(held.map((h) => statusOf(h.agent.agentId)));
    expect(after.map((s) => s.state)).toEqual(Array(12).fill('on_call'));
    // One move per agent (reserved -> on_call), however many batches carried its confirm.
    expect(after.map((s) => s.version)).toEqual(versionsBefore.map((v) => v + 1));
  });

  it(`refuses a malformed batch whole (VALIDATION_FAILED): none, over ${RESERVATION_CHANGES_MAX}, an unknown operation`, async () => {
    expect((await errorOf(change([]))).code).toBe('VALIDATION_FAILED');
    const tooMany = Array.from({ length: RESERVATION_CHANGES_MAX + 1 }, (): ReservationChange => ({
      op: 'release',
      reservationId: newId(),
    }));
    expect((await errorOf(change(tooMany))).code).toBe('VALIDATION_FAILED');
    const unknownOp = [{ op: 'transfer', reservationId: newId() }] as unknown as ReservationChange[];
    expect((await errorOf(change(unknownOp))).code).toBe('VALIDATION_FAILED');
  });
});
