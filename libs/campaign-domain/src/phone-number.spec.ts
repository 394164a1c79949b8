import { normalizePhone } from './phone-number';

describe('normalizePhone', () => {
  it.each([
    ['0961 166 133', 'VN', '+84961166133'],
    ['0961166133', 'VN', '+84961166133'],
    ['(096) 116-6133', 'VN', '+84961166133'],
    ['+84 961 166 133', 'VN', '+84961166133'],
    ['84961166133', 'VN', '+84961166133'],
    ['0084961166133', 'VN', '+84961166133'],
    ['024 3825 1234', 'VN', '+842438251234'],
    ['+1 415 555 2671', 'VN', '+14155552671'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['020 7946 0958', 'GB', '+442079460958'],
    [961166133, 'VN', '+84961166133'],
  ])('%j in %s -> %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['', 'PHONE_MISSING'],
    ['   ', 'PHONE_MISSING'],
    [null, 'PHONE_MISSING'],
    ['12345', 'PHONE_INVALID'],
    ['0961 166', 'PHONE_INVALID'],
    ['call me', 'PHONE_INVALID'],
    ['=+84961166133', 'PHONE_INVALID'],
    ['=HYPERLINK("tel:+84961166133")', 'PHONE_INVALID'],
    ['-0961166133', 'PHONE_INVALID'],
    ['@0961166133', 'PHONE_INVALID'],
    ['0961166133; DROP TABLE', 'PHONE_INVALID'],
  ])('%j is refused with %s', (raw, code) => {
    expect(normalizePhone(raw, 'VN')).toMatchObject({ ok: false, code });
  });
});
