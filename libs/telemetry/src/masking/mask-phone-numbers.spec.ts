import { containsPhoneNumber, maskPhoneNumbers } from './mask-phone-numbers';

describe('maskPhoneNumbers', () => {
  describe('masks every phone-number shape, keeping the last 3 digits and the layout', () => {
    it.each([
      // Vietnamese mobile and landline, international and national forms
      ['+84961166133', '+********133'],
      ['84961166133', '********133'],
      ['0084961166133', '**********133'],
      ['0961166133', '*******133'],
      ['0961 166 133', '**** *** 133'],
      ['0961-166-133', '****-***-133'],
      ['0961.166.133', '****.***.133'],
      ['091.234.5678', '***.***.*678'],
      ['+84 961 166 133', '+** *** *** 133'],
      ['+84-961-166-133', '+**-***-***-133'],
      ['(+84) 961 166 133', '(+**) *** *** 133'],
      ['+84 (0) 961 166 133', '+** (*) *** *** 133'],
      ['(028) 3822 1234', '(***) **** *234'],
      ['028 3822 1234', '*** **** *234'],
      ['02838221234', '********234'],
      ['3822 1234', '**** *234'],
      ['1234567', '****567'],
      ['0961\u00a0166\u00a0133', '****\u00a0***\u00a0133'],
      // International
      ['+1 (555) 123-4567', '+* (***) ***-*567'],
      ['(555) 123-4567', '(***) ***-*567'],
      ['555-123-4567', '***-***-*567'],
      ['555.123.4567', '***.***.*567'],
      ['+44 20 7946 0958', '+** ** **** *958'],
      ['+33 1 23 45 67 89', '+** * ** ** *7 89'],
      ['+4930123456', '+*******456'],
      ['+65 6123 4567', '+** **** *567'],
    ])('%s -> %s', (input, expected) => {
      expect(maskPhoneNumbers(input)).toBe(expected);
      expect(maskPhoneNumbers(input)).toHaveLength(input.length);
    });
  });

  describe('finds numbers inside text', () => {
    it.each([
      ['calling 0961166133 now', 'calling *******133 now'],
      ['Gọi số 0961 166 133 lúc 9h', 'Gọi số **** *** 133 lúc 9h'],
      ['customer (0961-166-133) hung up.', 'customer (****-***-133) hung up.'],
      ['number: 0961166133.', 'number: *******133.'],
      ['a=0961166133,b=0912345678', 'a=*******133,b=*******678'],
      ['phone="+84961166133"', 'phone="+********133"'],
      ['contact_0961166133', 'contact_*******133'],
      ['line1\n0961166133\tx', 'line1\n*******133\tx'],
      // SIP and FreeSWITCH dial strings
      ['sofia/gateway/carrier/0961166133', 'sofia/gateway/carrier/*******133'],
      ['sofia/gateway/carrier/+84961166133', 'sofia/gateway/carrier/+********133'],
      ['sip:+84961166133@sbc.carrier.vn', 'sip:+********133@sbc.carrier.vn'],
      ['sip:0961166133@10.0.0.5:5060', 'sip:*******133@10.0.0.5:5060'],
      ['tel:+84-961-166-133', 'tel:+**-***-***-133'],
      [
        '{origination_caller_id_number=02838221234}sofia/gateway/gw1/0961166133',
        '{origination_caller_id_number=********234}sofia/gateway/gw1/*******133',
      ],
      // UUID next to a number
      ['550e8400-e29b-41d4-a716-446655440000 0961166133', '550e8400-e29b-41d4-a716-446655440000 *******133'],
      ['0961166133 550e8400-e29b-41d4-a716-446655440000', '*******133 550e8400-e29b-41d4-a716-446655440000'],
      [
        'call 12345678-1234-4234-8234-123456789012 to 0961166133',
        'call 12345678-1234-4234-8234-123456789012 to *******133',
      ],
      ['2026-11-23T08:12:19.123Z dialed 0961166133', '2026-11-23T08:12:19.123Z dialed *******133'],
      ['0961166133 at 2026-11-23', '*******133 at 2026-11-23'],
      ['from 10.0.0.1:5060 to 0961166133', 'from 10.0.0.1:5060 to *******133'],
      ['two: 0961166133 and +84912345678', 'two: *******133 and +********678'],
    ])('%j', (input, expected) => {
      expect(maskPhoneNumbers(input)).toBe(expected);
    });
  });

  describe('leaves look-alikes untouched', () => {
    it.each([
      ['550e8400-e29b-41d4-a716-446655440000'],
      ['12345678-1234-4234-8234-123456789012'],
      ['F47AC10B-58CC-4372-A567-0E02B2C3D479'],
      ['2026-11-23T08:12:19.123Z'],
      ['2026-11-23T08:12:19+07:00'],
      ['2026-11-23 08:12:19,456'],
      ['2026-11-23'],
      ['2026.11.23'],
      ['23-11-2026'],
      ['23.11.2026'],
      ['20261123'],
      ['08:12:19'],
      ['took 12000 ms'],
      ['took 1234567ms'],
      ['timeout=12000'],
      ['127.0.0.1:4222'],
      ['192.168.100.200'],
      ['10.10.10.10:8021'],
      ['[::1]:4222'],
      ['ip-10-0-12-245.ec2.internal'],
      ['2001:0db8:0000:0000:0000:ff00:0042:8329'],
      ['v1.2.3'],
      ['1.10.0'],
      ['0.223.0'],
      ['node v20.20.2'],
      ['nats-server 2.9.10'],
      ['@opentelemetry/sdk-node@0.223.0'],
      ['1.2.3-rc.1+build.5'],
      ['rate 0.0312345678'],
      ['3.14159265358979'],
      ['4bf92f3577b34da6a3ce929d0e0e4736'],
      ['00f067aa0ba902b7'],
      ['abc1234567890def'],
      ['pod dialer-service-7c4b5f6b69-xk2lp'],
      ['1,234,567 contacts'],
      ['attempt 3 of 5'],
      ['123456'],
      ['+123456'],
      ['012 345'],
      [''],
      ['no digits at all'],
    ])('%j', (input) => {
      expect(maskPhoneNumbers(input)).toBe(input);
      expect(containsPhoneNumber(input)).toBe(false);
    });
  });

  it('reports when text holds a phone number', () => {
    expect(containsPhoneNumber('0961166133')).toBe(true);
    expect(containsPhoneNumber('campaign-42')).toBe(false);
  });

  it('is idempotent', () => {
    const once = maskPhoneNumbers('+84 961 166 133 and 0912345678');
    expect(maskPhoneNumbers(once)).toBe(once);
  });

  it('stays linear on adversarial input', () => {
    const nasty = `${'1 '.repeat(20_000)}x ${'9'.repeat(50_000)}a ${'(1)'.repeat(10_000)}`;
    const started = process.hrtime.bigint();
    maskPhoneNumbers(nasty);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(500);
  });
});
