import { randomUUID } from 'node:crypto';
import {
  callInboundRejectedEvent,
  createEvent,
  exportInboundRejectionsRpc,
  listInboundRejectionsRpc,
  type EventEnvelope,
  type InboundRejection,
} from '@autotelesale/contracts';
import { queryFingerprint } from '@autotelesale/reporting-domain';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../test/reporting-harness';

/**
 * Issue 8: the inbound calls the dialer's gate refused (`call.inboundRejected`) are kept
 * by reporting, once each however often they are delivered, and listed and exported for
 * a supervisor or a CRM.
 */
let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
  await h.start();
});

afterAll(async () => {
  await h?.close();
});

const HARASSER = '+84961166133';
const OTHER = '+84961166140';

function rejected(callerNumber: string, rejectedAt: string, listReason: string | null): EventEnvelope {
  const channelUuid = randomUUID();
  return createEvent(callInboundRejectedEvent, {
    aggregateId: channelUuid,
    aggregateVersion: 1,
    producer: 'dialer:dialer-1',
    payload: {
      channelUuid,
      dialerId: 'dialer-1',
      node: 'fs1',
      callerNumber,
      calledNumber: '19001234',
      list: 'blacklist',
      listReason,
      hangupCause: 'CALL_REJECTED',
      rejectedAt,
    },
  });
}

/** What the API shows of an event: its payload, its id. */
function shown(event: EventEnvelope): InboundRejection {
  return { eventId: event.id, ...(event.payload as Omit<InboundRejection, 'eventId'>) };
}

const events = [
  rejected(HARASSER, '2026-11-20T09:01:00.000Z', 'threatens agents'),
  rejected(OTHER, '2026-11-20T09:02:00.000Z', null),
  rejected(HARASSER, '2026-11-20T09:03:00.000Z', '=HYPERLINK("http://evil")'),
  // Outside the hour asked for below.
  rejected(HARASSER, '2026-11-20T10:00:00.000Z', 'threatens agents'),
];
const hour = { from: '2026-11-20T09:00:00.000Z', to: '2026-11-20T10:00:00.000Z' };
const rejectionsCounted = async () =>
  sampleValue(await h.scrape(), 'autotelesale_reporting_inbound_rejections_total', { list: 'blacklist' });

it('keeps every refused inbound call, newest first, filtered by time, caller and list', async () => {
  await h.publish(events);
  await h.waitUntilCaughtUp();
  const all = await h.bus.request(listInboundRejectionsRpc, {});
  expect(all.items).toEqual([...events].reverse().map(shown));
  expect(all.nextCursor).toBeNull();

  const harasserInHour = await h.bus.request(listInboundRejectionsRpc, {
    filter: { ...hour, callerNumber: HARASSER, list: 'blacklist' },
    order: 'asc',
  });
  expect(harasserInHour.items).toEqual([shown(events[0]!), shown(events[2]!)]);
  expect(await rejectionsCounted()).toBe(4);
});

it('pages with a cursor bound to its filter and order', async () => {
  const seen: InboundRejection[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.bus.request(listInboundRejectionsRpc, { filter: hour, limit: 2, cursor });
    seen.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(seen).toEqual([events[2]!, events[1]!, events[0]!].map(shown));

  const first = await h.bus.request(listInboundRejectionsRpc, { filter: hour, limit: 1 });
  await expect(
    h.bus.request(listInboundRejectionsRpc, { filter: hour, order: 'asc', cursor: first.nextCursor! }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'REPORTING_INVALID_CURSOR' } });
  // A forged cursor of the right query whose id is no event id.
  const forged = Buffer.from(
    JSON.stringify({
      t: hour.from,
      c: 'x',
      q: queryFingerprint({ report: 'inboundRejections', filter: hour, order: 'desc' }),
    }),
  ).toString('base64url');
  await expect(
    h.bus.request(listInboundRejectionsRpc, { filter: hour, cursor: forged }),
  ).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    details: { reason: 'REPORTING_INVALID_CURSOR' },
    message: expect.stringContaining('not one this service issued'),
  });
  await expect(
    h.bus.request(listInboundRejectionsRpc, { filter: { from: hour.to, to: hour.from } }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  await expect(
    h.bus.request(listInboundRejectionsRpc, { filter: { callerNumber: '0961166133' } }),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});

it('exports them as CSV in chunks, a reason that looks like a formula escaped', async () => {
  let csv = '';
  let cursor: string | undefined;
  let chunks = 0;
  do {
    const reply = await h.bus.request(exportInboundRejectionsRpc, { filter: hour, maxRows: 2, cursor });
    csv += reply.chunk;
    chunks += 1;
    expect(reply.fileName).toBe('inbound-rejections.csv');
    cursor = reply.nextCursor ?? undefined;
  } while (cursor);
  expect(chunks).toBe(2);
  const line = (e: EventEnvelope, reason: string) => {
    const p = e.payload as Record<string, string>;
    return `${p['rejectedAt']},${p['callerNumber']},19001234,fs1,blacklist,${reason},CALL_REJECTED,${p['channelUuid']},dialer-1,${e.id}\r\n`;
  };
  expect(csv).toBe(
    'rejected_at,caller_number,called_number,node,list,list_reason,hangup_cause,channel_uuid,dialer_id,event_id\r\n' +
      line(events[0]!, 'threatens agents') +
      line(events[1]!, '') +
      line(events[2]!, `"'=HYPERLINK(""http://evil"")"`),
  );
});

it('keeps an event delivered twice, or replayed from the start, once', async () => {
  await h.publishCopies([events[0]!, events[1]!]);
  await h.waitUntilCaughtUp();
  expect((await h.bus.request(listInboundRejectionsRpc, {})).items).toHaveLength(4);
  expect(
    sampleValue(await h.scrape(), 'autotelesale_reporting_events_total', {
      stream: 'calls',
      result: 'replay',
    }),
  ).toBe(2);
  expect(await rejectionsCounted()).toBe(4);

  await h.stop();
  await h.resetConsumers();
  await h.start();
  await h.waitUntilCaughtUp();
  expect((await h.bus.request(listInboundRejectionsRpc, {})).items).toEqual([...events].reverse().map(shown));
  // A new process: nothing applied anew, so nothing counted.
  expect(await rejectionsCounted()).toBe(0);
});

it('terminates and reports a rejection that breaks its schema, and goes on with the next', async () => {
  const before = sampleValue(await h.scrape(), 'autotelesale_reporting_events_total', {
    stream: 'calls',
    result: 'rejected',
  });
  const good = rejected(OTHER, '2026-11-20T11:00:00.000Z', null);
  const notE164 = rejected(OTHER, '2026-11-20T11:01:00.000Z', null);
  (notE164.payload as Record<string, unknown>)['callerNumber'] = '0961166140';
  const unknownList = rejected(OTHER, '2026-11-20T11:02:00.000Z', null);
  (unknownList.payload as Record<string, unknown>)['list'] = 'vipList';
  const futureVersion = { ...rejected(OTHER, '2026-11-20T11:03:00.000Z', null), schemaVersion: 2 };
  await h.publish([notE164, unknownList, futureVersion, good]);
  await h.waitUntilCaughtUp();

  const after = await h.bus.request(listInboundRejectionsRpc, { filter: { from: '2026-11-20T11:00:00Z' } });
  expect(after.items).toEqual([shown(good)]);
  const scrape = await h.scrape();
  expect(
    sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'calls', result: 'rejected' }),
  ).toBe((before ?? 0) + 3);
  // Terminated, not left to be delivered again forever.
  const info = await h.bus.jsm.consumers.info(
    h.topology.streams.calls.name,
    h.topology.consumers.durable('reporting', 'calls'),
  );
  expect(info.num_ack_pending).toBe(0);
  expect(info.delivered.stream_seq).toBe(info.ack_floor.stream_seq);
});
