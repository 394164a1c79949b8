import { AtsError } from '@autotelesale/contracts';
import { DEPTH_PLACEHOLDER, maskDeep, TRUNCATED_PLACEHOLDER } from './mask-deep';

describe('maskDeep', () => {
  it('masks strings at any depth and in keys, leaving numbers alone', () => {
    const input = {
      phone: '0961166133',
      durationMs: 12000,
      msisdn: 84961166133,
      contact: { numbers: ['+84 961 166 133', { alt: '(028) 3822 1234' }] },
      byNumber: { '0912345678': true },
      callId: '550e8400-e29b-41d4-a716-446655440000',
    };
    expect(maskDeep(input)).toEqual({
      phone: '*******133',
      durationMs: 12000,
      msisdn: 84961166133,
      contact: { numbers: ['+** *** *** 133', { alt: '(***) **** *234' }] },
      byNumber: { '*******678': true },
      callId: '550e8400-e29b-41d4-a716-446655440000',
    });
  });

  it('never mutates the input and returns the same reference when nothing changes', () => {
    const clean = { a: 'ok', nested: { list: [1, 'two', null] } };
    expect(maskDeep(clean)).toBe(clean);
    const dirty = { keep: { x: 1 }, nested: { phone: '0961166133' } };
    const masked = maskDeep(dirty);
    expect(dirty.nested.phone).toBe('0961166133');
    expect(masked.keep).toBe(dirty.keep);
    expect(masked.nested.phone).toBe('*******133');
  });

  it('serializes errors so message, stack, cause and custom fields are masked', () => {
    const cause = new Error('carrier rejected 0912345678');
    const error = new AtsError('UNAVAILABLE', 'originate to 0961166133 failed', { to: '+84961166133' });
    (error as Error & { cause?: unknown }).cause = cause;
    const masked = maskDeep<unknown>({ err: error }) as { err: Record<string, unknown> };
    expect(masked.err['type']).toBe('AtsError');
    expect(masked.err['code']).toBe('UNAVAILABLE');
    expect(masked.err['message']).toBe('originate to *******133 failed: carrier rejected *******678');
    expect(masked.err['details']).toEqual({ to: '+********133' });
    expect(JSON.stringify(masked)).not.toMatch(/0961166133|0912345678|84961166133/);
    expect(masked.err['stack']).toContain('originate to *******133 failed');
  });

  it('masks what toJSON would write', () => {
    const value = { toJSON: () => ({ phone: '0961166133' }) };
    expect(maskDeep({ value })).toEqual({ value: { phone: '*******133' } });
  });

  it('replaces containers below the depth limit instead of writing them unchecked', () => {
    const deep = { a: { b: { c: { phone: '0961166133' } } } };
    expect(maskDeep(deep, { maxDepth: 2 })).toEqual({ a: { b: DEPTH_PLACEHOLDER } });
  });

  it('survives circular references', () => {
    const loop: Record<string, unknown> = { phone: '0961166133' };
    loop['self'] = loop;
    const masked = maskDeep(loop, { maxDepth: 3 }) as Record<string, unknown>;
    expect(JSON.stringify(masked)).not.toContain('0961166133');
  });

  it('bounds the work on huge values', () => {
    const huge = { rows: Array.from({ length: 100_000 }, (_, i) => ({ i, phone: '0961166133' })) };
    const started = process.hrtime.bigint();
    const masked = maskDeep(huge, { maxNodes: 1_000 }) as { rows: unknown[] };
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(masked.rows.length).toBeLessThan(400);
    expect(masked.rows[masked.rows.length - 1]).toBe(TRUNCATED_PLACEHOLDER);
    expect(JSON.stringify(masked)).not.toContain('0961166133');
    expect(elapsedMs).toBeLessThan(200);
  });
});
