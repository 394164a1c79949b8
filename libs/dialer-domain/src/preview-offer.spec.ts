import fc from 'fast-check';
import { decidePreview, offerPreview, type PreviewInput } from './preview-offer';

const offer = (onTimeout: 'dial' | 'skip' = 'dial') =>
  offerPreview({ previewId: 'p1', agentId: 'a1', at: 1_000, previewSeconds: 10, onTimeout });

it('the agent accepts: dial, once', () => {
  const first = decidePreview(offer(), { type: 'accept', at: 2_000, agentId: 'a1' });
  expect(first).toMatchObject({
    changed: true,
    offer: { decision: 'dial', decidedBy: 'agent', decidedAt: 2_000 },
  });
  expect(decidePreview(first.offer, { type: 'skip', at: 2_001, agentId: 'a1' }).changed).toBe(false);
  expect(decidePreview(first.offer, { type: 'tick', at: 20_000 }).offer.decision).toBe('dial');
});

it('the agent skips: the contact goes back, a late accept changes nothing', () => {
  const skipped = decidePreview(offer(), { type: 'skip', at: 2_000, agentId: 'a1' });
  expect(skipped.offer.decision).toBe('skip');
  expect(decidePreview(skipped.offer, { type: 'accept', at: 2_500, agentId: 'a1' })).toEqual({
    offer: skipped.offer,
    changed: false,
  });
});

it('the time runs out at exactly the preview seconds, and the campaign setting decides', () => {
  expect(decidePreview(offer('dial'), { type: 'tick', at: 10_999 }).changed).toBe(false);
  expect(decidePreview(offer('dial'), { type: 'tick', at: 11_000 }).offer).toMatchObject({
    decision: 'dial',
    decidedBy: 'timeout',
  });
  expect(decidePreview(offer('skip'), { type: 'tick', at: 11_000 }).offer).toMatchObject({
    decision: 'skip',
    decidedBy: 'timeout',
  });
});

it('refuses a decision by another agent, typed', () => {
  expect(() => decidePreview(offer(), { type: 'accept', at: 2_000, agentId: 'a2' })).toThrow(
    expect.objectContaining({ code: 'DIALER_NOT_YOUR_PREVIEW' }),
  );
});

it('a cancelled preview (drain) gives the contact back', () => {
  expect(decidePreview(offer(), { type: 'cancel', at: 1_500 }).offer).toMatchObject({
    decision: 'skip',
    decidedBy: 'system',
  });
});

it('whatever the order of inputs, exactly one decision is taken', () => {
  const input = fc.oneof(
    fc.record({ type: fc.constant('accept' as const), at: fc.nat(30_000), agentId: fc.constant('a1') }),
    fc.record({ type: fc.constant('skip' as const), at: fc.nat(30_000), agentId: fc.constant('a1') }),
    fc.record({ type: fc.constant('tick' as const), at: fc.nat(30_000) }),
    fc.record({ type: fc.constant('cancel' as const), at: fc.nat(30_000) }),
  );
  fc.assert(
    fc.property(fc.array(input as fc.Arbitrary<PreviewInput>, { maxLength: 20 }), (inputs) => {
      let current = offer();
      let decisions = 0;
      for (const i of inputs) {
        const t = decidePreview(current, i);
        if (t.changed) decisions++;
        current = t.offer;
      }
      expect(decisions).toBe(current.decision === null ? 0 : 1);
    }),
  );
});
