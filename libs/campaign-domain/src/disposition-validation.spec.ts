import type { DispositionSet } from '@autotelesale/contracts';
import { validateDisposition } from './disposition-validation';

const set: DispositionSet = {
  codes: [
    { code: 'SALE', label: 'Sale', final: true, sale: true, callback: false },
    { code: 'CALLBACK', label: 'Call back', final: false, sale: false, callback: true },
    { code: 'NOT_INTERESTED', label: 'No', final: true, sale: false, callback: false },
  ],
  fields: [
    { name: 'product', type: 'enum', required: true, options: ['gold', 'silver'] },
    { name: 'quantity', type: 'integer', required: false },
    { name: 'price', type: 'number', required: false },
    { name: 'paid', type: 'boolean', required: false },
    { name: 'delivery', type: 'date', required: false },
    { name: 'visitAt', type: 'datetime', required: false },
    { name: 'comment', type: 'string', required: false },
  ],
};
const now = new Date('2026-11-23T03:00:00Z');

describe('validateDisposition', () => {
  it('accepts a sale with its value and typed fields, converting form strings', () => {
    const valid = validateDisposition(
      set,
      {
        code: 'SALE',
        saleValue: 1_500_000,
        fields: {
          product: 'gold',
          quantity: '2',
          price: 12.5,
          paid: 'true',
          delivery: '2026-12-01',
          visitAt: '2026-12-01T09:00:00+07:00',
        },
      },
      now,
    );
    expect(valid.code.code).toBe('SALE');
    expect(valid.fields).toEqual({
      product: 'gold',
      quantity: 2,
      price: 12.5,
      paid: true,
      delivery: '2026-12-01',
      visitAt: '2026-12-01T09:00:00+07:00',
    });
  });

  it('refuses an unknown code, listing the known ones', () => {
    expect(() => validateDisposition(set, { code: 'MAYBE', fields: {} }, now)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'code' })],
      }),
    );
  });

  it('reports every problem at once', () => {
    try {
      validateDisposition(
        set,
        {
          code: 'SALE',
          callbackAt: '2026-11-24T00:00:00Z',
          fields: { quantity: 1.5, delivery: '2026-02-30', extra: 'x', paid: 'yes' },
        },
        now,
      );
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as { details: Array<{ path: string }> }).details.map((d) => d.path).sort()).toEqual(
        [
          'callbackAt',
          'fields.delivery',
          'fields.extra',
          'fields.paid',
          'fields.product',
          'fields.quantity',
          'saleValue',
        ].sort(),
      );
    }
  });

  it('needs a future callback time for a callback code, and no sale value', () => {
    expect(
      validateDisposition(
        set,
        { code: 'CALLBACK', callbackAt: '2026-11-23T08:00:00Z', fields: { product: 'silver' } },
        now,
      ).callbackAt,
    ).toEqual(new Date('2026-11-23T08:00:00Z'));
    expect(() => validateDisposition(set, { code: 'CALLBACK', fields: { product: 'silver' } }, now)).toThrow(
      /invalid disposition/,
    );
    expect(() =>
      validateDisposition(
        set,
        { code: 'CALLBACK', callbackAt: '2026-11-22T08:00:00Z', fields: { product: 'silver' } },
        now,
      ),
    ).toThrow(/invalid disposition/);
    expect(() =>
      validateDisposition(set, { code: 'NOT_INTERESTED', saleValue: 10, fields: { product: 'silver' } }, now),
    ).toThrow(/invalid disposition/);
  });
});
