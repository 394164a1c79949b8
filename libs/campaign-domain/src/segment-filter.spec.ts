import { matchesSegmentFilter } from './segment-filter';

const contact = { city: 'Hà Nội', age: '42', score: 7, vip: true, empty: '' };

describe('matchesSegmentFilter', () => {
  it.each([
    [{ field: 'city', op: 'eq', value: 'Hà Nội' }, true],
    [{ field: 'city', op: 'eq', value: 'hà nội' }, false],
    [{ field: 'city', op: 'contains', value: 'NỘI' }, true],
    [{ field: 'city', op: 'startsWith', value: 'hà' }, true],
    [{ field: 'city', op: 'in', value: ['Huế', 'Hà Nội'] }, true],
    [{ field: 'city', op: 'notIn', value: ['Huế'] }, true],
    [{ field: 'city', op: 'neq', value: 'Huế' }, true],
    [{ field: 'age', op: 'gt', value: 40 }, true],
    [{ field: 'age', op: 'lte', value: 41 }, false],
    [{ field: 'score', op: 'gte', value: 7 }, true],
    [{ field: 'city', op: 'gt', value: 1 }, false],
    [{ field: 'vip', op: 'eq', value: 'true' }, true],
    [{ field: 'empty', op: 'exists' }, false],
    [{ field: 'missing', op: 'notExists' }, true],
    [{ field: 'missing', op: 'neq', value: 'x' }, true],
  ] as const)('%j -> %s', (condition, expected) => {
    expect(matchesSegmentFilter(contact, { match: 'all', conditions: [condition as never] })).toBe(expected);
  });

  it('combines with all or any', () => {
    const conditions = [
      { field: 'city', op: 'eq' as const, value: 'Huế' },
      { field: 'age', op: 'gt' as const, value: 40 },
    ];
    expect(matchesSegmentFilter(contact, { match: 'all', conditions })).toBe(false);
    expect(matchesSegmentFilter(contact, { match: 'any', conditions })).toBe(true);
  });
});
