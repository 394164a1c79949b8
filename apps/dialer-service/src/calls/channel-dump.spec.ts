import { EslError } from '@autotelesale/esl';
import { amdProgressOf, parseChannelDump } from './channel-dump';

/** `uuid_dump <uuid> json` of a customer leg answered at 1,700,000,000.500 s. */
const dump = (variables: Record<string, string>) =>
  JSON.stringify({
    'Event-Name': 'CHANNEL_DATA',
    'Unique-ID': 'c1',
    'Channel-Call-State': 'ACTIVE',
    'Caller-Channel-Answered-Time': '1700000000500000',
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [`variable_${k}`, v])),
  });

describe('parseChannelDump', () => {
  it('reads the channel variables of the dump', () => {
    const d = parseChannelDump(dump({ ats_dialer_id: 'dialer-1', ats_role: 'customer' }))!;
    expect(d.variable('ats_dialer_id')).toBe('dialer-1');
    expect(d.variable('ats_agent_id')).toBeUndefined();
  });

  it('a channel gone meanwhile is undefined, not an error', () => {
    expect(parseChannelDump('-ERR No such channel!\n')).toBeUndefined();
  });

  it.each(['-USAGE: <uuid> [format]\n', 'not json', '[1,2]'])('refuses %j with ESL_BAD_REPLY', (body) => {
    expect(() => parseChannelDump(body)).toThrow(
      expect.objectContaining({ code: 'ESL_BAD_REPLY' }) as EslError,
    );
  });
});

describe('amdProgressOf', () => {
  it.each([
    ['in detection, no beep', { ats_amd: 'detecting' }, { mark: 'detecting', beepAt: null }],
    [
      'a beep heard (mod_avmd variables)',
      { ats_amd: 'detecting', avmd_detect: 'TRUE', avmd_detect_timestamp: '1700000001200000' },
      { mark: 'detecting', beepAt: 1_700_000_001_200 },
    ],
    [
      'a beep with only its detection time',
      { ats_amd: 'detecting', avmd_detect: 'TRUE', avmd_total_time: '[800]' },
      { mark: 'detecting', beepAt: 1_700_000_001_300 },
    ],
    [
      'a beep with no time at all counts as heard at the answer',
      { ats_amd: 'detecting', avmd_detect: 'TRUE' },
      { mark: 'detecting', beepAt: 1_700_000_000_500 },
    ],
    ['the machine message playing', { ats_amd: 'message' }, { mark: 'message', beepAt: null }],
    ['no detection on this leg', {}, { mark: undefined, beepAt: null }],
    ['an unknown mark', { ats_amd: 'maybe' }, { mark: undefined, beepAt: null }],
  ])('%s', (_, variables, expected) => {
    expect(amdProgressOf(parseChannelDump(dump(variables))!)).toEqual({
      answeredAt: 1_700_000_000_500,
      ...expected,
    });
  });

  it('an unanswered leg has no answer time', () => {
    const d = parseChannelDump(JSON.stringify({ 'Caller-Channel-Answered-Time': '0' }))!;
    expect(amdProgressOf(d).answeredAt).toBeNull();
  });
});
