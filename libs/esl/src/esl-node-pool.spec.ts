import type { EslConnection, EslConnectionStats, OriginateResult } from './esl-connection';
import { EslError } from './esl-error';
import { EslNodePool } from './esl-node-pool';

/** A connection whose originate does what the test says. */
function fakeConnection(name: string, behave: () => Promise<OriginateResult>) {
  const conn = {
    name,
    state: 'connected' as EslConnection['state'],
    coreUuid: `core-${name}`,
    inFlight: 0,
    calls: 0,
    connect: async () => ({ coreUuid: `core-${name}` }),
    originate: async () => {
      conn.calls++;
      conn.inFlight++;
      try {
        return await behave();
      } finally {
        conn.inFlight--;
      }
    },
    on: () => () => undefined,
    close: async () => undefined,
    stats: (): EslConnectionStats => ({
      state: conn.state,
      coreUuid: conn.coreUuid,
      inFlight: conn.inFlight,
      lastHeartbeatAt: undefined,
      eventsReceived: 0,
      malformedEvents: 0,
      queuedEvents: 0,
      maxQueuedEventsSeen: 0,
      paused: false,
      timeouts: 0,
      disconnects: 0,
      reconnects: 0,
      commandFailures: 0,
      foreignJobs: 0,
    }),
  };
  return conn;
}

const ok = (): Promise<OriginateResult> =>
  Promise.resolve({ ok: true, uuid: 'u', jobUuid: 'j', coreUuid: 'c' });
const spec = { uuid: 'u', endpoint: 'user/1' };
const nodes = [
  { id: 'a', host: 'h', port: 1, password: 'p' },
  { id: 'b', host: 'h', port: 2, password: 'p' },
];

function pool(behaviours: Record<string, () => Promise<OriginateResult>>, options = {}) {
  const conns: Record<string, ReturnType<typeof fakeConnection>> = {};
  const p = new EslNodePool(nodes, {
    ...options,
    connectionFactory: (config) =>
      (conns[config.id] = fakeConnection(config.id, behaviours[config.id]!)) as unknown as EslConnection,
  });
  return { p, conns };
}

describe('EslNodePool (logic)', () => {
  it('prefers the node with fewer requests in flight, and spreads ties', async () => {
    const { p, conns } = pool({ a: ok, b: ok });
    conns['a']!.inFlight = 5;
    for (let i = 0; i < 4; i++) expect((await p.originate(spec)).nodeId).toBe('b');
    conns['a']!.inFlight = 0;
    const ids = new Set<string>();
    for (let i = 0; i < 4; i++) ids.add((await p.originate(spec)).nodeId);
    expect([...ids].sort()).toEqual(['a', 'b']);
  });

  it('moves a request that was never sent (ESL_NOT_CONNECTED) to the other node', async () => {
    const { p, conns } = pool({
      a: () => Promise.reject(new EslError('ESL_NOT_CONNECTED', 'down')),
      b: () => Promise.reject(new EslError('ESL_NOT_CONNECTED', 'down')),
    });
    conns['b']!.originate = async () => ({ ok: true, uuid: 'u', jobUuid: 'j', coreUuid: 'c' });
    for (let i = 0; i < 4; i++) expect((await p.originate(spec)).nodeId).toBe('b');
  });

  it('never re-dials elsewhere after a timeout or drop, and benches a node after repeated failures', async () => {
    const { p, conns } = pool(
      { a: () => Promise.reject(new EslError('ESL_TIMEOUT', 'slow')), b: ok },
      { failureThreshold: 2, coolDownMs: 60_000 },
    );
    conns['b']!.state = 'reconnecting'; // only a is usable
    await expect(p.originate(spec)).rejects.toMatchObject({ code: 'ESL_TIMEOUT' });
    expect(conns['a']!.calls).toBe(1);
    await expect(p.originate(spec)).rejects.toMatchObject({ code: 'ESL_TIMEOUT' });
    expect(p.health().find((h) => h.id === 'a')).toMatchObject({ healthy: false, consecutiveFailures: 2 });
    await expect(p.originate(spec)).rejects.toMatchObject({ code: 'ESL_NO_HEALTHY_NODE' });
    conns['b']!.state = 'connected';
    expect((await p.originate(spec)).nodeId).toBe('b');
  });

  it('refuses an empty pool and duplicate ids', () => {
    expect(() => new EslNodePool([])).toThrow(expect.objectContaining({ code: 'ESL_INVALID_ARGUMENT' }));
    expect(() => new EslNodePool([nodes[0]!, nodes[0]!])).toThrow(
      expect.objectContaining({ code: 'ESL_INVALID_ARGUMENT' }),
    );
  });
});
