import { parseDialString, parseOriginate, splitArgs } from './originate-parser';

describe('originate parsing', () => {
  it('splits on spaces and keeps single-quoted groups', () => {
    expect(splitArgs("sofia/gateway/gw1/1555 '&playback(/tmp/a b.wav)'")).toEqual([
      'sofia/gateway/gw1/1555',
      '&playback(/tmp/a b.wav)',
    ]);
  });

  it('collects {} and [] variables, per-leg ones winning, with escaped commas', () => {
    const d = parseDialString('{a=1,b=x\\,y,origination_uuid=u1}[a=2]sofia/gateway/gw1/15551234567');
    expect(Object.fromEntries(d.vars)).toEqual({ a: '2', b: 'x,y', origination_uuid: 'u1' });
    expect(d.endpoint).toBe('sofia/gateway/gw1/15551234567');
  });

  it('supports the ^^ alternate delimiter', () => {
    expect(Object.fromEntries(parseDialString('{^^:a=1,2:b=3}user/1001').vars)).toEqual({ a: '1,2', b: '3' });
  });

  it('reads &app(args), positional fields and undef', () => {
    const r = parseOriginate('{x=1}user/1001 &park() undef undef Alice 5551000 20')!;
    expect(r.app).toEqual({ name: 'park', args: '' });
    expect([r.dialplan, r.context, r.cidName, r.cidNum, r.timeoutSec]).toEqual([
      'XML',
      'default',
      'Alice',
      '5551000',
      20,
    ]);
    expect(parseOriginate('sofia/gateway/gw1/1 1000')!.exten).toBe('1000');
  });

  it('refuses too few arguments', () => {
    expect(parseOriginate('sofia/gateway/gw1/1')).toBeUndefined();
    expect(parseOriginate('')).toBeUndefined();
  });
});
