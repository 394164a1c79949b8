import { fsUrlEncode } from './url-encode';

describe('fsUrlEncode (FreeSWITCH plain-event value encoding)', () => {
  it.each([
    ['::1', '%3A%3A1'],
    ['2020-05-14 17:35:30', '2020-05-14%2017%3A35%3A30'],
    ['Thu, 14 May 2020 09:35:30 GMT', 'Thu,%2014%20May%202020%2009%3A35%3A30%20GMT'],
    ['sofia/internal/1000@192.168.1.146:5060', 'sofia/internal/1000%40192.168.1.146%3A5060'],
    ['callcenter::info', 'callcenter%3A%3Ainfo'],
    ["keep!$'()*,-./_~", "keep!$'()*,-./_~"],
    ['+OK 8a3c\n', '%2BOK%208a3c%0A'],
  ])('encodes %j as %j', (raw, encoded) => {
    expect(fsUrlEncode(raw)).toBe(encoded);
  });

  it('does not double-encode an existing upper-case escape but does encode a lower-case one', () => {
    expect(fsUrlEncode('50%25')).toBe('50%25');
    expect(fsUrlEncode('50%2f')).toBe('50%252f');
    expect(fsUrlEncode('100%')).toBe('100%25');
  });

  it('encodes every UTF-8 byte of non-ASCII text', () => {
    expect(fsUrlEncode('José')).toBe('Jos%C3%A9');
  });
});
