import { randomUUID } from 'node:crypto';
import { campaignEvents, createEvent, dialRefusalsRpc, type EventEnvelope } from '@autotelesale/contracts';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../test/reporting-harness';

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
  await h.start();
});

afterAll(async () => {
  await h?.close();
});

const campaignA = randomUUID();
const campaignB = randomUUID();
const hour = { from: '2026-11-20T09:00:00.000Z', to: '2026-11-20T10:00:00.000Z' };

function refused(
  campaignId: string,
  stage: 'lease' | 'dial',
  rule: 'doNotCall' | 'outsideHours' | 'invalidNumber',
  decidedAt: string,
): EventEnvelope {
  const contactId = randomUUID();
  const rescheduled = rule === 'outsideHours';
  return createEvent(campaignEvents.contactDialRefused, {
    aggregateId: contactId,
    aggregateVersion: 3,
    producer: 'campaign',
    payload: {
      campaignId,
      contactId,
      attemptId: randomUUID(),
      stage,
      rule,
      result: rescheduled ? 'rescheduled' : 'finished',
      finalReason: rescheduled ? null : rule === 'doNotCall' ? 'doNotCall' : 'invalidNumber',
      nextDueAt: rescheduled ? '2026-11-21T08:00:00.000Z' : null,
      phoneIndex: 0,
      decidedAt,
    },
  });
}

const publishAll = async (events: readonly EventEnvelope[]) => {
  for (const e of events) {
    await h.bus.publishEvent(h.topology.events.campaign((e.payload as { campaignId: string }).campaignId), e);
  }
};

const events = [
  refused(campaignA, 'lease', 'doNotCall', '2026-11-20T09:01:00.000Z'),
  refused(campaignA, 'lease', 'doNotCall', '2026-11-20T09:02:00.000Z'),
  refused(campaignA, 'dial', 'outsideHours', '2026-11-20T09:03:00.000Z'),
  refused(campaignB, 'dial', 'invalidNumber', '2026-11-20T09:04:00.000Z'),
  // Outside the hour asked for.
  refused(campaignA, 'lease', 'doNotCall', '2026-11-20T10:00:00.000Z'),
];

const EXPECTED_ROWS = [
  { campaignId: campaignA, stage: 'dial', rule: 'outsideHours', result: 'rescheduled', refusals: 1 },
  { campaignId: campaignA, stage: 'lease', rule: 'doNotCall', result: 'finished', refusals: 2 },
  { campaignId: campaignB, stage: 'dial', rule: 'invalidNumber', result: 'finished', refusals: 1 },
].sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));

it('counts the refused dials per campaign, stage, rule and result over a range', async () => {
  await publishAll(events);
  await h.waitUntilCaughtUp();
  const reply = await h.bus.request(dialRefusalsRpc, hour);
  expect(reply.rows).toEqual(EXPECTED_ROWS);
  expect(reply.total).toBe(4);
  const onlyB = await h.bus.request(dialRefusalsRpc, { ...hour, campaignIds: [campaignB] });
  expect(onlyB.rows).toEqual([EXPECTED_ROWS.find((r) => r.campaignId === campaignB)]);
  expect(onlyB.total).toBe(1);
});

it('counts an event delivered twice once', async () => {
  // The same envelope again, after the server's duplicate window (a new message id).
  await h.publishCopies([events[0]!, events[3]!]);
  await h.waitUntilCaughtUp();
  const reply = await h.bus.request(dialRefusalsRpc, hour);
  expect(reply.rows).toEqual(EXPECTED_ROWS);
  const scrape = await h.scrape();
  expect(
    sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'campaigns', result: 'replay' }),
  ).toBe(2);
});

it('counts nothing twice when its consumers replay the stream from the start', async () => {
  await h.stop();
  await h.resetConsumers();
  await h.start();
  await h.waitUntilCaughtUp();
  const reply = await h.bus.request(dialRefusalsRpc, hour);
  expect(reply.rows).toEqual(EXPECTED_ROWS);
  expect(reply.total).toBe(4);
});

it('refuses a range that ends before it starts', async () => {
  await expect(h.bus.request(dialRefusalsRpc, { from: hour.to, to: hour.from })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
  });
});
