import { randomUUID } from 'node:crypto';
import {
  callDialedEvent,
  createEvent,
  healthRpc,
  listCallRecordsRpc,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { waitFor } from '@autotelesale/testing';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../test/reporting-harness';

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
  await h.start();
});

afterAll(async () => {
  await h?.close();
});

const campaignId = randomUUID();

function dialed(callId = randomUUID()): EventEnvelope {
  return createEvent(callDialedEvent, {
    aggregateId: callId,
    aggregateVersion: 1,
    producer: 'dialer',
    payload: {
      callId,
      campaignId,
      attemptId: randomUUID(),
      contactId: randomUUID(),
      dialerId: 'dialer-1',
      node: 'fs1',
      mode: 'predictive',
      phone: '+84961166133',
      dialedAt: new Date().toISOString(),
    },
  });
}

/** An envelope the bus accepts whose payload breaks its type's schema. */
function envelope(type: string, payload: unknown, schemaVersion = 1): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion,
    aggregateId: randomUUID(),
    aggregateVersion: 1,
    occurredAt: new Date().toISOString(),
    producer: 'test',
    payload,
  };
}

it('terminates and reports events that can never apply, and goes on with the next', async () => {
  const first = dialed();
  const bad = {
    negativeTalk: envelope('call.ended', {
      ...(first.payload as object),
      talkSeconds: -5,
      outcome: 'answered',
    }),
    futureVersion: { ...dialed(), schemaVersion: 2 },
    badAgent: envelope('agent.stateChanged', { agentId: 'not-a-uuid', to: 'dancing' }),
    badDisposition: envelope('disposition.recorded', { disposition: { id: 42 } }),
  };
  const unknownType = envelope('call.transferred', { callId: randomUUID() });
  const last = dialed();

  await h.publish([first]);
  await h.publishRaw(h.topology.events.call(randomUUID()), 'this is not json');
  await h.publishRaw(h.topology.events.call(randomUUID()), JSON.stringify({ type: 'call.dialed' }));
  await h.publish([bad.negativeTalk, bad.futureVersion, unknownType]);
  await h.bus.publishEvent(h.topology.events.agent(randomUUID()), bad.badAgent);
  await h.bus.publishEvent(h.topology.events.campaign(campaignId), bad.badDisposition);
  await h.publish([last]);
  await h.waitUntilCaughtUp();

  const listed = await h.bus.request(listCallRecordsRpc, { filter: { campaignId }, order: 'asc' });
  expect(listed.items.map((c) => [c.callId, c.ended])).toEqual([
    [first.aggregateId, false],
    [last.aggregateId, false],
  ]);

  const scrape = await h.scrape();
  const events = (stream: string, result: string) =>
    sampleValue(scrape, 'autotelesale_reporting_events_total', { stream, result });
  expect(events('calls', 'applied')).toBe(2);
  expect(events('calls', 'rejected')).toBe(2);
  expect(events('calls', 'ignored')).toBe(1);
  expect(events('agents', 'rejected')).toBe(1);
  expect(events('campaigns', 'rejected')).toBe(1);

  // Terminated, not left to be redelivered forever.
  const info = await h.bus.jsm.consumers.info(
    h.topology.streams.calls.name,
    h.topology.consumers.durable('reporting', 'calls'),
  );
  expect(info.num_ack_pending).toBe(0);
  expect(info.num_redelivered).toBe(0);
  expect(info.delivered.stream_seq).toBe(info.ack_floor.stream_seq);

  // Still healthy, still consuming.
  const health = await h.bus.request(healthRpc('reporting'), {});
  expect(health.dependencies.every((d) => d.ok)).toBe(true);
  const next = dialed();
  await h.publish([next]);
  await h.waitUntilCaughtUp();
  const again = await h.bus.request(listCallRecordsRpc, { filter: { campaignId } });
  expect(again.items.map((c) => c.callId)).toContain(next.aggregateId);
});

it('delivers again an event whose transaction failed, and applies it once', async () => {
  // The database refuses new call records for a moment (as a failing database would).
  await h.pg.query(
    `ALTER TABLE call_record ADD CONSTRAINT reporting_test_block CHECK (call_id <> call_id) NOT VALID`,
  );
  const event = dialed();
  await h.publish([event]);
  await waitFor(
    async () => {
      const info = await h.bus.jsm.consumers.info(
        h.topology.streams.calls.name,
        h.topology.consumers.durable('reporting', 'calls'),
      );
      return info.num_redelivered > 0;
    },
    { timeoutMs: 15_000 },
  );
  await h.pg.query(`ALTER TABLE call_record DROP CONSTRAINT reporting_test_block`);
  await h.waitUntilCaughtUp(30_000);
  const listed = await h.bus.request(listCallRecordsRpc, { filter: { campaignId } });
  expect(listed.items.filter((c) => c.callId === event.aggregateId)).toHaveLength(1);
  const { rows } = await h.pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM processed_message WHERE message_id = $1`,
    [event.id],
  );
  expect(rows[0]!.n).toBe(1);
});
