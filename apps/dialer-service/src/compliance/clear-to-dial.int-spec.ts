import { randomUUID } from 'node:crypto';
import {
  campaignRpcs,
  complianceRpcs,
  createTopology,
  type ClearToDialManyRequest,
  type LeasedContact,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { deleteNamespaceStreams, ensureNats, testNamespace } from '@autotelesale/testing';
import { clearedToDial } from './clear-to-dial';

/**
 * The dialer's side of clear-to-dial on the real NATS: campaign-service is played by a
 * responder that records what it was asked (its own decisions are campaign-service's
 * compliance.int-spec and the e2e compliance specs).
 */
let natsUrl: string;
let bus: NatsBus;
const namespace = testNamespace();
const topology = createTopology(namespace);

beforeAll(async () => {
  natsUrl = await ensureNats();
  bus = await NatsBus.connect({ servers: natsUrl, name: 'clear-to-dial-test', topology });
});

afterAll(async () => {
  await bus.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
});

const contact = (): LeasedContact =>
  ({ id: randomUUID(), attemptId: randomUUID(), phone: '+33612345678' }) as unknown as LeasedContact;

function quietLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return {
    lines,
    log: (line: Record<string, unknown>) => lines.push(line),
    warn: (line: Record<string, unknown>) => lines.push(line),
  };
}

/** Plays campaign-service: refuses the ids in `refuse`, does not know those in `unknown`. */
function campaignService(opts: { refuse?: Set<string>; unknown?: Set<string> } = {}) {
  const asked: ClearToDialManyRequest[] = [];
  const released: string[][] = [];
  const subs = [
    bus.serve(complianceRpcs.clearToDialMany, async (req) => {
      asked.push(req);
      const known = req.attemptIds.filter((id) => !opts.unknown?.has(id));
      return {
        results: known.map((attemptId) => {
          const refused = opts.refuse?.has(attemptId) ?? false;
          return {
            attemptId,
            allowed: !refused,
            reason: refused ? ('doNotCall' as const) : null,
            final: refused,
            retryAt: null,
            auditId: randomUUID(),
          };
        }),
        notFound: req.attemptIds.filter((id) => opts.unknown?.has(id)),
      };
    }),
    bus.serve(campaignRpcs.releaseLease, async (req) => {
      released.push(req.attemptIds);
      return { released: req.attemptIds, notHeld: [] };
    }),
  ];
  return { asked, released, stop: () => subs.forEach((s) => s.unsubscribe()) };
}

it('asks once for the contacts of one turn, and answers each with its own decision', async () => {
  const contacts = Array.from({ length: 10 }, contact);
  const refused = new Set([contacts[3]!.attemptId, contacts[7]!.attemptId]);
  const cs = campaignService({ refuse: refused });
  const logger = quietLogger();
  try {
    const answers = await Promise.all(contacts.map((c) => clearedToDial(bus, 'dialer-a', c, logger)));
    expect(answers).toEqual(contacts.map((c) => !refused.has(c.attemptId)));
    expect(cs.asked).toHaveLength(1);
    expect(cs.asked[0]).toEqual({ attemptIds: contacts.map((c) => c.attemptId), dialerId: 'dialer-a' });
    expect(logger.lines.filter((l) => l['msg'] === 'dial refused by compliance')).toHaveLength(2);
    expect(cs.released).toEqual([]);
  } finally {
    cs.stop();
  }
});

it('keeps each dialer to its own requests, and a repeated attempt to one question', async () => {
  const cs = campaignService();
  try {
    const a = contact();
    const b = contact();
    const answers = await Promise.all([
      clearedToDial(bus, 'dialer-a', a, quietLogger()),
      clearedToDial(bus, 'dialer-a', a, quietLogger()),
      clearedToDial(bus, 'dialer-b', b, quietLogger()),
    ]);
    expect(answers).toEqual([true, true, true]);
    expect(cs.asked.map((r) => [r.dialerId, r.attemptIds]).sort()).toEqual([
      ['dialer-a', [a.attemptId]],
      ['dialer-b', [b.attemptId]],
    ]);
  } finally {
    cs.stop();
  }
});

it('splits more contacts than one request takes into several requests', async () => {
  const cs = campaignService();
  try {
    const contacts = Array.from({ length: 450 }, contact);
    const answers = await Promise.all(contacts.map((c) => clearedToDial(bus, 'dialer-a', c, quietLogger())));
    expect(answers.every(Boolean)).toBe(true);
    expect(cs.asked.map((r) => r.attemptIds.length).sort((x, y) => y - x)).toEqual([200, 200, 50]);
    expect(new Set(cs.asked.flatMap((r) => r.attemptIds)).size).toBe(450);
  } finally {
    cs.stop();
  }
});

it('does not dial an attempt campaign-service does not know, and gives its lease back', async () => {
  const known = contact();
  const lost = contact();
  const cs = campaignService({ unknown: new Set([lost.attemptId]) });
  try {
    const logger = quietLogger();
    const answers = await Promise.all([
      clearedToDial(bus, 'dialer-a', known, logger),
      clearedToDial(bus, 'dialer-a', lost, logger),
    ]);
    expect(answers).toEqual([true, false]);
    expect(cs.released).toEqual([[lost.attemptId]]);
    expect(logger.lines).toEqual([
      expect.objectContaining({ msg: 'no dial clearance: not dialed', contactId: lost.id }),
    ]);
  } finally {
    cs.stop();
  }
});

it('with no campaign-service answering, dials none and gives every lease back', async () => {
  const released: string[][] = [];
  const sub = bus.serve(campaignRpcs.releaseLease, async (req) => {
    released.push(req.attemptIds);
    return { released: req.attemptIds, notHeld: [] };
  });
  try {
    const contacts = Array.from({ length: 3 }, contact);
    const answers = await Promise.all(contacts.map((c) => clearedToDial(bus, 'dialer-a', c, quietLogger())));
    expect(answers).toEqual([false, false, false]);
    expect(released).toEqual([contacts.map((c) => c.attemptId)]);
  } finally {
    sub.unsubscribe();
  }
});
