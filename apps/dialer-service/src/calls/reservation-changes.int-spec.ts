import { randomUUID } from 'node:crypto';
import {
  AtsError,
  callEndedRpc,
  changeReservationsRpc,
  confirmReservationRpc,
  releaseReservationRpc,
  createTopology,
  type ReservationChange,
  type ReservationChangeReply,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { deleteNamespaceStreams, ensureNats, testNamespace } from '@autotelesale/testing';
import { ReservationChanges } from './reservation-changes';

/**
 * The dialer's side of `reservations.changeMany` on the real NATS: agent-service is played
 * by a responder that records what it was asked (its own decisions are agent-service's
 * change-many.int-spec).
 */
let natsUrl: string;
let bus: NatsBus;
const namespace = testNamespace();
const topology = createTopology(namespace);

beforeAll(async () => {
  natsUrl = await ensureNats();
  bus = await NatsBus.connect({ servers: natsUrl, name: 'reservation-changes-test', topology });
});

afterAll(async () => {
  await bus.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
});

const at = new Date().toISOString();

/** What agent-service would answer for a change that applied. */
function applied(change: ReservationChange): ReservationChangeReply {
  const status = change.op === 'confirm' ? 'confirmed' : change.op === 'release' ? 'released' : 'ended';
  const agentId = randomUUID();
  return {
    reservation: {
      reservationId: change.reservationId,
      agentId,
      extension: '1001',
      campaignId: 'c-1',
      callId: 'callId' in change ? (change.callId ?? null) : null,
      status,
      createdAt: at,
      expiresAt: at,
      confirmedAt: change.op === 'confirm' ? at : null,
      closedAt: change.op === 'confirm' ? null : at,
    },
    agent: {
      agentId,
      version: 2,
      state: change.op === 'confirm' ? 'on_call' : 'ready',
      stateSince: at,
      sessionExtension: '1001',
      reasonCode: null,
      campaignId: null,
      reservationId: null,
      callId: null,
      reservationExpiresAt: null,
      wrapUpEndsAt: null,
    },
  };
}

/** Plays agent-service: refuses the reservation ids in `refuse` (CONFLICT), applies the rest. */
function agentService(refuse = new Set<string>()) {
  const asked: ReservationChange[][] = [];
  const sub = bus.serve(changeReservationsRpc, async (req) => {
    asked.push(req.changes);
    return {
      results: req.changes.map((change) =>
        refuse.has(change.reservationId)
          ? {
              error: {
                code: 'CONFLICT' as const,
                message: 'refused',
                details: { reason: 'RESERVATION_CLOSED' },
              },
            }
          : { ok: applied(change) },
      ),
    };
  });
  return { asked, stop: () => sub.unsubscribe() };
}

it('sends the changes asked within the window in one request, in order, and answers each caller its own result', async () => {
  const agent = agentService(new Set(['00000000-0000-4000-8000-000000000002']));
  const changes = new ReservationChanges(bus, 50);
  const ids = [randomUUID(), '00000000-0000-4000-8000-000000000002', randomUUID()];

  const answers = await Promise.allSettled([
    changes.confirm(ids[0]!, 'call-1'),
    changes.release(ids[1]!),
    changes.callEnded(ids[2]!, 5, 'call-3'),
  ]);

  expect(agent.asked).toEqual([
    [
      { op: 'confirm', reservationId: ids[0], callId: 'call-1' },
      { op: 'release', reservationId: ids[1] },
      { op: 'callEnded', reservationId: ids[2], callId: 'call-3', wrapUpSeconds: 5 },
    ],
  ]);
  expect(answers[0]).toMatchObject({ status: 'fulfilled', value: { reservation: { status: 'confirmed' } } });
  expect(answers[1]).toMatchObject({ status: 'rejected' });
  const refusal = (answers[1] as PromiseRejectedResult).reason as AtsError;
  expect(refusal).toBeInstanceOf(AtsError);
  expect(refusal).toMatchObject({ code: 'CONFLICT', details: { reason: 'RESERVATION_CLOSED' } });
  expect(answers[2]).toMatchObject({ status: 'fulfilled', value: { reservation: { status: 'ended' } } });
  agent.stop();
});

/** Plays an agent-service older than `reservations.changeMany`: only the single requests. */
function olderAgentService(refuse = new Set<string>()) {
  const asked: ReservationChange[] = [];
  const answer = (change: ReservationChange) => {
    asked.push(change);
    if (refuse.has(change.reservationId))
      throw new AtsError('CONFLICT', 'refused', { reason: 'RESERVATION_CLOSED' });
    return applied(change);
  };
  const subs = [
    bus.serve(confirmReservationRpc, async (req) => answer({ op: 'confirm', ...req })),
    bus.serve(releaseReservationRpc, async (req) => answer({ op: 'release', ...req })),
    bus.serve(callEndedRpc, async (req) => answer({ op: 'callEnded', ...req })),
  ];
  return { asked, stop: () => subs.forEach((sub) => sub.unsubscribe()) };
}

it('with only an older agent-service (no reservations.changeMany), sends each change by its own request, in order, each caller its own result', async () => {
  const refused = randomUUID();
  const agent = olderAgentService(new Set([refused]));
  const changes = new ReservationChanges(bus, 50);
  const id = randomUUID();

  const answers = await Promise.allSettled([
    changes.confirm(id, 'call-1'),
    changes.release(refused),
    changes.callEnded(id, 0, 'call-1'),
  ]);

  // The confirm is answered before the same reservation's call end is asked.
  expect(agent.asked).toEqual([
    { op: 'confirm', reservationId: id, callId: 'call-1' },
    { op: 'release', reservationId: refused },
    { op: 'callEnded', reservationId: id, callId: 'call-1', wrapUpSeconds: 0 },
  ]);
  expect(answers[0]).toMatchObject({ status: 'fulfilled', value: { reservation: { status: 'confirmed' } } });
  expect((answers[1] as PromiseRejectedResult).reason).toMatchObject({
    code: 'CONFLICT',
    details: { reason: 'RESERVATION_CLOSED' },
  });
  expect(answers[2]).toMatchObject({ status: 'fulfilled', value: { reservation: { status: 'ended' } } });
  agent.stop();
});

it('fails every change with the transport error when nobody answers, batched or alone (the caller may retry)', async () => {
  const changes = new ReservationChanges(bus, 5);
  const answers = await Promise.allSettled([
    changes.confirm(randomUUID(), 'c'),
    changes.release(randomUUID()),
  ]);
  for (const answer of answers) {
    expect(answer.status).toBe('rejected');
    expect((answer as PromiseRejectedResult).reason).toMatchObject({
      code: expect.stringMatching(/^(UNAVAILABLE|TIMEOUT)$/),
    });
  }
});
