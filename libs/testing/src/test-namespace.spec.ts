import { testNamespace } from './infra';

describe('testNamespace', () => {
  it('never holds 7 digits in a row (a namespace topology refuses: phone-like metric labels)', () => {
    const names = Array.from({ length: 5_000 }, () => testNamespace());
    expect(names.filter((n) => /\d{7}/.test(n))).toEqual([]);
    expect(names.every((n) => /^t_[0-9a-f]{4}n[0-9a-f]{4}$/.test(n))).toBe(true);
  });

  it('takes a prefix (the demo: demo_...)', () => {
    expect(testNamespace('demo')).toMatch(/^demo_[0-9a-f]{4}n[0-9a-f]{4}$/);
  });
});
