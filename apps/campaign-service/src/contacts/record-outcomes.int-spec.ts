import { randomUUID } from 'node:crypto';
import {
  RECORD_OUTCOMES_MAX,
  campaignRpcs,
  type LeasedContact,
  type RecordOutcomeRequest,
} from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import {
  collectEvents,
  createCampaign,
  flushEvents,
  importContent,
  startCampaignService,
} from '../../test/campaign-test-kit';
import { vnMobile } from '../../test/generated-list';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

function csvOf(count: number, offset: number): string {
  const rows = Array.from({ length: count }, (_, i) => vnMobile(offset + i).national);
  return `phone\n${rows.join('\n')}\n`;
}

async function leased(count: number, offset: number, retryRules: Record<string, unknown> = {}) {
  const campaign = await createCampaign(service.bus, { retryRules });
  await importContent(service.bus, campaign.id, csvOf(count, offset));
  const { contacts } = await service.bus.request(campaignRpcs.leaseContacts, {
    campaignId: campaign.id,
    dialerId: 'd1',
    count,
    leaseSeconds: 60,
  });
  expect(contacts).toHaveLength(count);
  return { campaign, contacts: contacts as LeasedContact[] };
}

const record = (outcomes: RecordOutcomeRequest[]) =>
  service.bus.request(campaignRpcs.recordOutcomes, { outcomes }, { timeoutMs: 20_000 });

const outcome = (contact: LeasedContact, o: RecordOutcomeRequest['outcome']): RecordOutcomeRequest => ({
  attemptId: contact.attemptId,
  dialerId: 'd1',
  outcome: o,
  callId: `call-${contact.attemptId}`,
});

describe('several outcomes in one request (contact.recordOutcomes)', () => {
  it('records each as alone, answers each at its index, and one refused does not stop the others', async () => {
    const { campaign, contacts } = await leased(3, 50_000, { busy: { delaySeconds: 600, maxAttempts: 3 } });
    const [a, b, c] = contacts as [LeasedContact, LeasedContact, LeasedContact];
    const events = collectEvents(service, campaign.id);
    // c was recorded answered before: another outcome for it is refused.
    await service.bus.request(campaignRpcs.recordOutcome, outcome(c, 'answered'));
    const unknown = randomUUID();

    const { results } = await record([
      outcome(a, 'busy'),
      { ...outcome(c, 'busy') },
      { attemptId: unknown, dialerId: 'd1', outcome: 'busy' },
      outcome(b, 'answered'),
      // The same outcome of a again, in the same batch: answered the same, recorded once.
      outcome(a, 'busy'),
    ]);

    expect(results).toHaveLength(5);
    expect(results[0]).toEqual({
      ok: expect.objectContaining({ contactId: a.id, contactStatus: 'pending' }),
    });
    expect(results[1]).toEqual({
      error: expect.objectContaining({
        code: 'CONFLICT',
        details: expect.objectContaining({ reason: 'OUTCOME_MISMATCH' }),
      }),
    });
    expect(results[2]).toEqual({ error: expect.objectContaining({ code: 'NOT_FOUND' }) });
    expect(results[3]).toEqual({
      ok: expect.objectContaining({ contactId: b.id, contactStatus: 'done', finalReason: 'answered' }),
    });
    expect(results[4]).toEqual(results[0]);
    // What is stored: each contact changed once, by its own outcome.
    const stored = async (id: string) => service.bus.request(campaignRpcs.getContact, { contactId: id });
    expect(await stored(a.id)).toMatchObject({ attempts: 1, outcomeCounts: { busy: 1 }, status: 'pending' });
    expect(await stored(b.id)).toMatchObject({ attempts: 1, outcomeCounts: { answered: 1 }, status: 'done' });
    expect(await stored(c.id)).toMatchObject({ attempts: 1, outcomeCounts: { answered: 1 } });
    await flushEvents(service);
    await expectEventually(() =>
      expect(
        events.events
          .filter((e) => e.type === 'contact.outcomeRecorded')
          .map((e) => (e.payload as { contactId: string }).contactId)
          .sort(),
      ).toEqual([a.id, b.id, c.id].sort()),
    );
    events.stop();
  });

  it('records a batch sent 4 times at once, in different orders, exactly once per attempt', async () => {
    const { contacts } = await leased(12, 51_000, { busy: { delaySeconds: 600, maxAttempts: 3 } });
    const batch = contacts.map((c) => outcome(c, 'busy'));

    const replies = await Promise.all([
      record(batch),
      record([...batch].reverse()),
      record(batch.slice(4, 10)),
      record([...batch.slice(0, 6)].reverse()),
    ]);

    const byAttempt = new Map<string, unknown>();
    for (const reply of replies)
      for (const result of reply.results) {
        if (!('ok' in result)) throw new Error(`refused: ${JSON.stringify(result.error)}`);
        const first = byAttempt.get(result.ok.attemptId);
        if (first) expect(result.ok).toEqual(first);
        else byAttempt.set(result.ok.attemptId, result.ok);
      }
    expect(byAttempt.size).toBe(12);
    for (const c of contacts)
      expect(await service.bus.request(campaignRpcs.getContact, { contactId: c.id })).toMatchObject({
        attempts: 1,
        outcomeCounts: { busy: 1 },
      });
  });

  it(`refuses a malformed batch whole (VALIDATION_FAILED): none, over ${RECORD_OUTCOMES_MAX}, a bad outcome`, async () => {
    const refused = (outcomes: unknown[]) =>
      record(outcomes as RecordOutcomeRequest[]).then(
        () => 'accepted',
        (error: { code: string }) => error.code,
      );
    expect(await refused([])).toBe('VALIDATION_FAILED');
    const one = { attemptId: randomUUID(), dialerId: 'd1', outcome: 'busy' };
    expect(await refused(Array.from({ length: RECORD_OUTCOMES_MAX + 1 }, () => one))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await refused([{ ...one, outcome: 'maybe' }])).toBe('VALIDATION_FAILED');
  });
});
