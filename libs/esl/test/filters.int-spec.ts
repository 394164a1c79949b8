/** Two dialers on one node, each filtered on its own channel variable. */
import { randomUUID } from 'node:crypto';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import { EslClient, type EslEvent } from '../src/index';
import { gw, NUMBERS, PASSWORD, startTestSim, type FsSimProcess } from './test-sim';

describe('filters on our own channel variable', () => {
  let sim: FsSimProcess;
  const clients: EslClient[] = [];
  const seen = new Map<string, EslEvent[]>();

  const dialer = async (id: string) => {
    const c = new EslClient({
      host: '127.0.0.1',
      port: sim.nodes[0]!.port,
      password: PASSWORD,
      name: id,
      events: ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'HEARTBEAT'],
      filters: [['variable_ats_dialer_id', id]],
    });
    clients.push(c);
    seen.set(id, []);
    c.on('event', (e) => void seen.get(id)!.push(e));
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim?.stop();
  });

  it('lets each dialer see only its calls, while its job results and HEARTBEAT still pass', async () => {
    const a = await dialer('dialer-a');
    const b = await dialer('dialer-b');
    const calls: Record<string, string[]> = { 'dialer-a': [], 'dialer-b': [] };
    const results = await Promise.all(
      [a, b, a, b, a, b].map((c) => {
        const uuid = randomUUID();
        calls[c.name]!.push(uuid);
        return c.originate({ uuid, endpoint: gw(NUMBERS.answersShort), tracking: { ats_dialer_id: c.name } });
      }),
    );
    // Each bgapi resolved: BACKGROUND_JOB has no channel variables and passes by Event-Name.
    expect(results.every((r) => r.ok)).toBe(true);
    await sim.control('/nodes/0/heartbeat');
    for (const id of ['dialer-a', 'dialer-b']) {
      const other = id === 'dialer-a' ? 'dialer-b' : 'dialer-a';
      await waitFor(
        () =>
          calls[id]!.every((u) =>
            seen
              .get(id)!
              .some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && 'uniqueId' in e && e.uniqueId === u),
          ),
        { description: `${id} sees its hangups` },
      );
      await waitForQuiescence(() => seen.get(id)!.length);
      const channelUuids = new Set(
        seen
          .get(id)!
          .filter((e) => e.name.startsWith('CHANNEL_'))
          .map((e) => ('uniqueId' in e ? e.uniqueId : '')),
      );
      expect([...channelUuids].sort()).toEqual([...calls[id]!].sort());
      for (const u of calls[other]!) expect(channelUuids.has(u)).toBe(false);
      expect(seen.get(id)!.some((e) => e.kind === 'heartbeat')).toBe(true);
    }
  });
});
