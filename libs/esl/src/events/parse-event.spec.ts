import { isChannelEvent } from './esl-event';
import { parseJsonEvent } from './parse-event';

const common = {
  'Core-UUID': 'core-1',
  'Event-Sequence': '42',
  'Event-Date-Timestamp': '1736932867123456',
};

function parse(headers: Record<string, unknown>) {
  const r = parseJsonEvent(JSON.stringify({ ...common, ...headers }));
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

describe('parseJsonEvent', () => {
  it('types a channel event with its variables', () => {
    const e = parse({
      'Event-Name': 'CHANNEL_ANSWER',
      'Unique-ID': 'u1',
      'Channel-Call-State': 'RINGING',
      'Answer-State': 'answered',
      variable_ats_call_id: 'c-9',
    });
    expect(e.kind).toBe('channel');
    expect(isChannelEvent(e)).toBe(true);
    if (e.kind !== 'channel') throw new Error('kind');
    expect(e.name).toBe('CHANNEL_ANSWER');
    expect(e.uniqueId).toBe('u1');
    expect(e.answerState).toBe('answered');
    expect(e.variable('ats_call_id')).toBe('c-9');
    expect(e.coreUuid).toBe('core-1');
    expect(e.sequence).toBe(42);
    expect(e.timestampUs).toBe(1736932867123456);
  });

  it('reads the hangup cause (duplicated key: JSON.parse keeps the last, same value)', () => {
    const text =
      '{"Event-Name":"CHANNEL_HANGUP_COMPLETE","Hangup-Cause":"USER_BUSY","Unique-ID":"u1","Hangup-Cause":"USER_BUSY"}';
    const r = parseJsonEvent(text);
    expect(r.ok && r.event.kind === 'hangup' && r.event.hangupCause).toBe('USER_BUSY');
  });

  it('types BACKGROUND_JOB with its body, HEARTBEAT with numbers, DTMF, records, bridges, executes', () => {
    const job = parse({
      'Event-Name': 'BACKGROUND_JOB',
      'Job-UUID': 'j1',
      'Content-Length': '41',
      _body: '+OK u1\n',
    });
    expect(job.kind === 'job' && [job.jobUuid, job.body]).toEqual(['j1', '+OK u1\n']);
    const hb = parse({
      'Event-Name': 'HEARTBEAT',
      'Session-Count': '7',
      'Max-Sessions': '1000',
      'Idle-CPU': '97.5',
    });
    expect(hb.kind === 'heartbeat' && [hb.sessionCount, hb.maxSessions, hb.idleCpu]).toEqual([7, 1000, 97.5]);
    const dtmf = parse({
      'Event-Name': 'DTMF',
      'Unique-ID': 'u1',
      'DTMF-Digit': '#',
      'DTMF-Duration': '2000',
    });
    expect(dtmf.kind === 'dtmf' && [dtmf.digit, dtmf.durationSamples]).toEqual(['#', 2000]);
    const rec = parse({ 'Event-Name': 'RECORD_STOP', 'Unique-ID': 'u1', 'Record-File-Path': '/r/a.wav' });
    expect(rec.kind === 'record' && rec.recordFilePath).toBe('/r/a.wav');
    const play = parse({
      'Event-Name': 'PLAYBACK_STOP',
      'Unique-ID': 'u1',
      'Playback-File-Path': '/sounds/intro.wav',
      'Playback-Status': 'done',
    });
    expect(play.kind === 'playback' && [play.playbackFilePath, play.playbackStatus]).toEqual([
      '/sounds/intro.wav',
      'done',
    ]);
    const br = parse({ 'Event-Name': 'CHANNEL_BRIDGE', 'Unique-ID': 'a', 'Bridge-B-Unique-ID': 'b' });
    expect(br.kind === 'bridge' && br.otherUniqueId).toBe('b');
    const ex = parse({
      'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
      'Unique-ID': 'a',
      Application: 'playback',
      'Application-Response': 'FILE PLAYED',
      'Application-UUID': 'app-1',
    });
    expect(ex.kind === 'execute' && [ex.application, ex.applicationResponse, ex.applicationUuid]).toEqual([
      'playback',
      'FILE PLAYED',
      'app-1',
    ]);
  });

  it('types AMD CUSTOM events (avmd and mod_amd forks) apart from other CUSTOM events', () => {
    const beep = parse({
      'Event-Name': 'CUSTOM',
      'Event-Subclass': 'avmd::beep',
      'Unique-ID': 'u1',
      'Beep-Status': 'DETECTED',
    });
    expect(beep.kind === 'amd' && [beep.subclass, beep.result]).toEqual(['avmd::beep', 'DETECTED']);
    const amd = parse({
      'Event-Name': 'CUSTOM',
      'Event-Subclass': 'amd::info',
      'Unique-ID': 'u1',
      'AMD-Result': 'MACHINE',
    });
    expect(amd.kind === 'amd' && amd.result).toBe('MACHINE');
    const cc = parse({ 'Event-Name': 'CUSTOM', 'Event-Subclass': 'callcenter::info' });
    expect(cc.kind).toBe('custom');
    expect(parse({ 'Event-Name': 'CHANNEL_STATE', 'Unique-ID': 'u' }).kind).toBe('other');
  });

  it('keeps array headers readable', () => {
    const e = parse({ 'Event-Name': 'CHANNEL_PARK', 'Unique-ID': 'u', variable_list: ['a', 'b'] });
    expect(e.kind === 'channel' && e.variable('list')).toBe('b');
    expect(e.headers['variable_list']).toEqual(['a', 'b']);
  });

  it.each([
    ['not JSON', '{"Event-Name":'],
    ['a JSON array', '["x"]'],
    ['a JSON null', 'null'],
    ['no Event-Name', '{"Unique-ID":"u"}'],
    ['a channel event without Unique-ID', '{"Event-Name":"CHANNEL_ANSWER"}'],
    ['a hangup without cause', '{"Event-Name":"CHANNEL_HANGUP","Unique-ID":"u"}'],
    ['a job without Job-UUID', '{"Event-Name":"BACKGROUND_JOB"}'],
    ['a numeric Unique-ID', '{"Event-Name":"CHANNEL_CREATE","Unique-ID":5}'],
    ['an AMD event without Unique-ID', '{"Event-Name":"CUSTOM","Event-Subclass":"avmd::beep"}'],
  ])('reports %s as malformed, never throws', (_what, text) => {
    const r = parseJsonEvent(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason.length).toBeGreaterThan(0);
  });
});
