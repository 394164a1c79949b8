import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AtsError,
  createEvent,
  createTopology,
  defineEvent,
  defineRpc,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { deleteNamespaceStreams, ensureNats, expectEventually, testNamespace } from '@autotelesale/testing';
import { NatsBus } from './nats-bus';

const namespace = testNamespace();
const topology = createTopology(namespace);
let natsUrl: string;
let bus: NatsBus;
const reported: unknown[] = [];

beforeAll(async () => {
  natsUrl = await ensureNats();
  bus = await NatsBus.connect({
    servers: natsUrl,
    name: 'messaging-test',
    topology,
    onError: (e) => reported.push(e),
  });
  await bus.ensureStreams();
});

afterAll(async () => {
  await bus.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
});

describe('JetStream KV compare-and-set', () => {
  it('lets exactly one of 20 concurrent updates at the same revision win', async () => {
    const kv = await bus.kv(topology.kv.agentAvailability);
    const revision = await kv.put('agent-1001', JSON.stringify({ state: 'ready' }));
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        kv.update('agent-1001', JSON.stringify({ state: 'reserved', by: i }), revision),
      ),
    );
    const winners = attempts.flatMap((a, i) => (a.status === 'fulfilled' ? [i] : []));
    console.log(`KV CAS race on real JetStream: ${winners.length} of 20 updates won`);
    expect(winners).toHaveLength(1);
    const stored = await kv.get('agent-1001');
    expect(JSON.parse(stored!.string())).toEqual({ state: 'reserved', by: winners[0] });
  });
});

describe('request/reply', () => {
  const echo = defineRpc(
    'campaign',
    'test.echo',
    z.object({ text: z.string().min(1) }),
    z.object({ text: z.string() }),
  );

  beforeAll(() => {
    bus.serve(echo, async ({ text }) => {
      if (text === 'missing') throw new AtsError('NOT_FOUND', 'no such thing', { text });
      if (text === 'crash') throw new Error('boom');
      return { text: text.toUpperCase() };
    });
  });

  it('returns the validated reply', async () => {
    await expect(bus.request(echo, { text: 'hi' })).resolves.toEqual({ text: 'HI' });
  });

  it('carries a typed error from the handler to the caller', async () => {
    await expect(bus.request(echo, { text: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { text: 'missing' },
    });
  });

  it('turns an unexpected handler failure into INTERNAL and reports it', async () => {
    await expect(bus.request(echo, { text: 'crash' })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(reported.some((e) => e instanceof Error && e.message === 'boom')).toBe(true);
  });

  it('answers a malformed request with VALIDATION_FAILED before the handler runs', async () => {
    const loose = defineRpc(
      'campaign',
      'test.echo',
      z.object({ text: z.any() }),
      z.object({ text: z.string() }),
    );
    await expect(bus.request(loose, { text: 42 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'text' })],
    });
  });

  it('refuses to send a request that breaks its own schema', async () => {
    await expect(bus.request(echo, { text: '' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('says UNAVAILABLE when no service answers', async () => {
    await expect(
      bus.request(
        defineRpc('reporting', 'test.nobody', echo.request, echo.reply),
        { text: 'x' },
        { timeoutMs: 500 },
      ),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

describe('events on JetStream', () => {
  const Pinged = defineEvent('test.pinged', 1, z.object({ n: z.number().int() }));

  it('stores an event published twice with the same id once', async () => {
    const event = createEvent(Pinged, {
      aggregateId: 'c1',
      aggregateVersion: 1,
      producer: 'test',
      payload: { n: 1 },
    });
    const first = await bus.publishEvent(topology.events.call('c1'), event);
    const again = await bus.publishEvent(topology.events.call('c1'), event);
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.seq);
  });

  it('delivers to a durable consumer, redelivers after a failure, and terminates poison messages', async () => {
    const received: EventEnvelope[] = [];
    let failOnce = true;
    const aggregate = `agent-${randomUUID()}`;
    const stop = await bus.consume(
      {
        stream: topology.streams.agents.name,
        durable: topology.consumers.durable('reporting', 'test'),
        filterSubject: topology.events.allAgents,
      },
      async (event) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('database briefly down');
        }
        received.push(event);
      },
    );
    await bus.js.publish(topology.events.agent(aggregate), new TextEncoder().encode('{"not":"an envelope"}'));
    const event = createEvent(Pinged, {
      aggregateId: aggregate,
      aggregateVersion: 1,
      producer: 'test',
      payload: { n: 7 },
    });
    await bus.publishEvent(topology.events.agent(aggregate), event);
    await expectEventually(() => expect(received.map((e) => e.id)).toEqual([event.id]), {
      timeoutMs: 15_000,
    });
    await stop();
  });
});
