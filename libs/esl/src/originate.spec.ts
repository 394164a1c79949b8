import { buildOriginateArgs, escapeChannelValue, formatVariables } from './originate';

const uuid = '8a3c2f4e-1b6d-4c1e-9f3a-2d5e7b9c0a11';

describe('buildOriginateArgs', () => {
  it('puts our uuid, early-media guard, timeout and tracking variables in the global block', () => {
    expect(
      buildOriginateArgs({
        uuid,
        endpoint: 'sofia/gateway/gw1/15551234567',
        timeoutSec: 30,
        tracking: { ats_dialer_id: 'd-1', ats_call_id: 'c-1', ats_campaign_id: 42 },
      }),
    ).toBe(
      `{ats_dialer_id=d-1,ats_call_id=c-1,ats_campaign_id=42,origination_uuid=${uuid},ignore_early_media=true,originate_timeout=30}sofia/gateway/gw1/15551234567 &park()`,
    );
  });

  it('adds per-leg variables and quotes an application with spaces', () => {
    expect(
      buildOriginateArgs({
        uuid,
        endpoint: 'user/1001',
        legVariables: { leg_timeout: 20 },
        application: '&playback(/tmp/a b.wav)',
        ignoreEarlyMedia: false,
      }),
    ).toBe(
      `{origination_uuid=${uuid},ignore_early_media=false}[leg_timeout=20]user/1001 '&playback(/tmp/a b.wav)'`,
    );
  });

  it('never lets caller variables override the uuid', () => {
    const args = buildOriginateArgs({ uuid, endpoint: 'user/1', variables: { origination_uuid: 'evil' } });
    expect(args).toContain(`origination_uuid=${uuid}`);
    expect(args).not.toContain('evil');
  });

  it.each([
    ['a newline in a value (would inject an ESL command)', { tracking: { ats_x: 'a\nbgapi hupall' } }],
    ['a closing brace in a value', { variables: { x: 'a}b' } }],
    ['a backslash in a value', { variables: { x: 'a\\' } }],
    ['a bad variable name', { variables: { 'a b': 'x' } }],
    ['a space in the endpoint', { endpoint: 'user/1 &park()' }],
    ['a bad uuid', { uuid: 'a b' }],
    ['a zero timeout', { timeoutSec: 0 }],
  ])('refuses %s with ESL_INVALID_ARGUMENT', (_what, patch) => {
    expect(() => buildOriginateArgs({ uuid, endpoint: 'user/1001', ...patch })).toThrow(
      expect.objectContaining({ code: 'ESL_INVALID_ARGUMENT' }),
    );
  });
});

describe('escapeChannelValue', () => {
  it('escapes commas, quotes a value with spaces, escapes quotes', () => {
    expect(escapeChannelValue('x', 'a,b')).toBe('a\\,b');
    expect(escapeChannelValue('x', 'John Doe')).toBe("'John Doe'");
    expect(escapeChannelValue('x', "O'Brien, Jr")).toBe("'O\\'Brien\\, Jr'");
    expect(escapeChannelValue('x', true)).toBe('true');
    expect(escapeChannelValue('x', 'é=ü')).toBe('é=ü');
  });

  it('formats a list in insertion order', () => {
    expect(formatVariables({ a: 1, b: 'x y' })).toBe("a=1,b='x y'");
  });
});
