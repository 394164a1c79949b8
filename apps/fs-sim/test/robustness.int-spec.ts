/**
 * Bad input never takes the switch down: malformed frames, huge headers, unknown
 * commands, impossible bodies, random bytes, and a client that stops reading (it gets
 * the lost-events treatment while everybody else carries on).
 */
import fc from 'fast-check';
import { expectEventually } from '@autotelesale/testing';
import { header, RawEslClient } from './raw-esl-client';
import { gw, NUMBERS, useTestSim } from './test-sim';

describe('robustness', () => {
  const env = useTestSim({ eventQueueLimit: 50, maxMissedEvents: 20 });
  const client = () => env.client();
  /** The switch still answers a fresh connection. */
  const stillServing = async () => {
    const c = await client();
    c.send('api status');
    expect((await c.nextApi()).body).toMatch(/^UP /);
  };

  it('answers garbage, binary and unknown commands with -ERR command not found and stays usable', async () => {
    const c = await client();
    c.writeRaw(Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0x0a]));
    c.send('frobnicate now');
    c.send('api status\nthis line has no colon\n: and this one no name');
    expect(header(await c.nextReply(), 'Reply-Text')).toBe('-ERR command not found');
    expect(header(await c.nextReply(), 'Reply-Text')).toBe('-ERR command not found');
    expect((await c.nextApi()).body).toMatch(/^UP /);
  });

  it('force-terminates a 10 MiB header block like FreeSWITCH and carries on', async () => {
    const c = await client();
    c.writeRaw(`api status\nX-Huge: ${'x'.repeat(10_485_760 + 1000)}\n\n`);
    expect((await c.nextApi(20_000)).body).toMatch(/^UP /);
    expect(header(await c.nextReply(20_000), 'Reply-Text')).toBe('-ERR command not found');
    c.send('api uuid_exists nope');
    expect((await c.nextApi()).body).toBe('false');
  });

  it('drops a connection that announces an impossible body, and only that one', async () => {
    const bad = await client();
    bad.writeRaw('sendevent CUSTOM\nContent-Length: 99999999999\n\n');
    await bad.waitClosed();
    await stillServing();
  });

  it('survives random bytes on many connections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (bytes) => {
        const c = await RawEslClient.connect(env.port());
        c.writeRaw(Buffer.from(bytes));
        c.writeRaw('\n\n');
        c.close();
      }),
      { numRuns: 60 },
    );
    await stillServing();
  });

  it('keeps the call going when the client that originated it vanishes mid-api', async () => {
    const c = await client();
    c.send(
      `api originate {origination_uuid=orphan-1,ignore_early_media=true}${gw(NUMBERS.slowAnswer)} &park()`,
    );
    c.close();
    const probe = await client();
    await expectEventually(async () => {
      probe.send('api uuid_exists orphan-1');
      expect((await probe.nextApi()).body).toBe('true');
    });
    probe.send('api uuid_kill orphan-1');
    expect((await probe.nextApi()).body).toBe('+OK\n');
  });

  it('kills a listener that stops reading after too many lost events; the switch goes on', async () => {
    const victim = await client();
    victim.send('event plain ALL');
    await victim.nextReply();
    victim.socket.pause();
    const sender = await client();
    const blob = 'z'.repeat(64 * 1024);
    const before = env.sim.nodes[0]!.connections;
    for (let i = 0; i < 700; i++) sender.send('sendevent CUSTOM', { 'Event-Subclass': 'sim::blob' }, blob);
    await expectEventually(() => expect(env.sim.nodes[0]!.connections).toBe(before - 1), {
      timeoutMs: 20_000,
    });
    await stillServing();
    sender.send(
      `api originate {origination_uuid=after-kill,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
    );
    expect((await sender.nextApi(10_000)).body).toBe('+OK after-kill\n');
    victim.socket.resume();
    await victim.waitClosed(10_000);
  });
});
