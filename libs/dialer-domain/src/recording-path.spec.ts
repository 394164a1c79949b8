import { DialerError } from './dialer-error';
import { parseRecordingMark, recordingDue, recordingPath } from './recording-path';

const CAMPAIGN = '8a3c2f4e-1b6d-4c1e-9f3a-2d5e7b9c0a11';
const CALL = '0b7e9f2a-5c4d-4e3f-8a1b-9c8d7e6f5a4b';
const AT = Date.parse('2026-11-23T23:59:59.999Z');

describe('recordingPath', () => {
  it('is <dir>/<campaign>/<UTC day>/<call>.wav', () => {
    expect(
      recordingPath({
        directory: '/var/lib/freeswitch/recordings',
        campaignId: CAMPAIGN,
        callId: CALL,
        at: AT,
      }),
    ).toBe(`/var/lib/freeswitch/recordings/${CAMPAIGN}/2026-11-23/${CALL}.wav`);
  });

  it('takes the UTC day, whatever the local zone says', () => {
    const nextDay = AT + 1;
    expect(recordingPath({ directory: '/r', campaignId: CAMPAIGN, callId: CALL, at: nextDay })).toBe(
      `/r/${CAMPAIGN}/2026-11-24/${CALL}.wav`,
    );
  });

  it('drops trailing slashes of the directory, the root included', () => {
    expect(recordingPath({ directory: '/srv/rec//', campaignId: 'c', callId: 'k', at: AT })).toBe(
      '/srv/rec/c/2026-11-23/k.wav',
    );
    expect(recordingPath({ directory: '/', campaignId: 'c', callId: 'k', at: AT })).toBe(
      '/c/2026-11-23/k.wav',
    );
  });

  it('names a take-over start apart, so it never writes over the dead owner file', () => {
    expect(recordingPath({ directory: '/r', campaignId: 'c', callId: 'k', at: AT, takenOver: true })).toBe(
      '/r/c/2026-11-23/k.takeover.wav',
    );
  });

  it.each([
    ['relative', { directory: 'rec' }],
    ['a .. segment', { directory: '/var/../etc' }],
    ['a space', { directory: '/var/my rec' }],
    ['a newline', { directory: '/var/rec\napi hupall' }],
    ['a long directory', { directory: `/${'a'.repeat(200)}` }],
    ['a campaign id with a slash', { campaignId: '../x' }],
    ['a call id with a space', { callId: 'a b' }],
    ['an empty call id', { callId: '' }],
    ['no time', { at: Number.NaN }],
  ])('refuses %s with DIALER_INVALID_ARGUMENT', (_what, bad) => {
    const input = { directory: '/r', campaignId: CAMPAIGN, callId: CALL, at: AT, ...bad };
    expect(() => recordingPath(input)).toThrow(DialerError);
    expect(() => recordingPath(input)).toThrow(expect.objectContaining({ code: 'DIALER_INVALID_ARGUMENT' }));
  });
});

describe('parseRecordingMark (ats_recording_path read back from a leg)', () => {
  const path = `/r/${CAMPAIGN}/2026-11-23/${CALL}.wav`;
  it.each([
    [path, path],
    [`${path}\n`, path],
    [undefined, undefined],
    ['_undef_', undefined],
    ['-ERR No such channel!\n', undefined],
    ['', undefined],
    ['/r/../etc/passwd.wav', undefined],
    ['/r/a b.wav', undefined],
    ['/r/x.mp3', undefined],
  ])('%j -> %j', (value, mark) => {
    expect(parseRecordingMark(value)).toBe(mark);
  });
});

describe('recordingDue', () => {
  const dialing = { phase: 'dialing', answeredAt: null, connectedAt: null };
  const waiting = { phase: 'waiting', answeredAt: 1, connectedAt: null };
  const connected = { phase: 'connected', answeredAt: 1, connectedAt: 2 };
  const ended = { phase: 'ended', answeredAt: 1, connectedAt: 2 };
  // A manual call bridged on early media: the agent hears the ringback, nobody answered yet.
  const earlyBridged = { phase: 'dialing', answeredAt: null, connectedAt: null };

  it('from the answer: answered and not ended', () => {
    expect([dialing, earlyBridged, waiting, connected, ended].map((s) => recordingDue(s, 'answer'))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });

  it('from the bridge: talking to the agent and not ended', () => {
    expect([dialing, earlyBridged, waiting, connected, ended].map((s) => recordingDue(s, 'bridge'))).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
  });
});
