/** Two fs-sim nodes behind one pool: calls spread, a failed node is left out, then taken back. */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@autotelesale/testing';
import { EslNodePool, type NodeHealth } from '../src/index';
import { gw, NUMBERS, PASSWORD, startTestSim, type FsSimProcess } from './test-sim';

describe('EslNodePool', () => {
  let sim: FsSimProcess;
  let pool: EslNodePool;

  beforeAll(async () => {
    sim = await startTestSim({ nodes: 2 });
    pool = new EslNodePool(
      sim.nodes.map((n, i) => ({ id: `fs-${i}`, host: '127.0.0.1', port: n.port, password: PASSWORD })),
      { reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, events: ['CHANNEL_ANSWER'] },
    );
  });
  afterAll(async () => {
    await pool?.close();
    await sim?.stop();
  });

  const byId = (id: string): NodeHealth => pool.health().find((h) => h.id === id)!;

  it('spreads originates across healthy nodes', async () => {
    await pool.start(2);
    expect(pool.health().map((h) => [h.id, h.healthy, h.coreUuid])).toEqual([
      ['fs-0', true, sim.nodes[0]!.coreUuid],
      ['fs-1', true, sim.nodes[1]!.coreUuid],
    ]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        pool.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.answersShort) }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const perNode = new Map<string, number>();
    for (const r of results) perNode.set(r.nodeId, (perNode.get(r.nodeId) ?? 0) + 1);
    expect(perNode.get('fs-0')).toBeGreaterThan(0);
    expect(perNode.get('fs-1')).toBeGreaterThan(0);
  });

  it('keeps originating on the other node when one fails, and takes it back when it returns', async () => {
    const disconnected: string[] = [];
    pool.on('disconnected', (id) => void disconnected.push(id));
    await sim.control('/nodes/1/esl/cut');
    await waitFor(() => disconnected.includes('fs-1'), { description: 'fs-1 disconnected' });
    expect(byId('fs-1')).toMatchObject({ healthy: false });
    expect(byId('fs-0')).toMatchObject({ healthy: true });

    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        pool.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.answersShort) }),
      ),
    );
    expect(results.map((r) => [r.ok, r.nodeId])).toEqual(Array.from({ length: 10 }, () => [true, 'fs-0']));

    await sim.control('/nodes/1/esl/restore');
    await waitFor(() => byId('fs-1').healthy, { description: 'fs-1 healthy again', timeoutMs: 5_000 });
    expect(byId('fs-1').errors.disconnects).toBe(1);
    const again = await Promise.all(
      Array.from({ length: 10 }, () =>
        pool.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.answersShort) }),
      ),
    );
    expect(again.some((r) => r.nodeId === 'fs-1')).toBe(true);
  });

  it('refuses with ESL_NO_HEALTHY_NODE when every node is down', async () => {
    await sim.control('/nodes/0/esl/cut');
    await sim.control('/nodes/1/esl/cut');
    await waitFor(() => pool.health().every((h) => !h.healthy), { description: 'both down' });
    await expect(
      pool.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.answersShort) }),
    ).rejects.toMatchObject({
      code: 'ESL_NO_HEALTHY_NODE',
    });
    await sim.control('/nodes/0/esl/restore');
    await sim.control('/nodes/1/esl/restore');
  });
});
