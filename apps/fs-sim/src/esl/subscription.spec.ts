import { SimEvent } from './sim-event';
import { Subscription } from './subscription';

const ev = (name: string, headers: Record<string, string> = {}, subclass?: string) => {
  const e = new SimEvent(name, subclass).add('Event-Name', name);
  if (subclass) e.add('Event-Subclass', subclass);
  for (const [k, v] of Object.entries(headers)) e.add(k, v);
  return e;
};

describe('Subscription', () => {
  it('is additive and case-insensitive, ignoring unknown names', () => {
    const s = new Subscription();
    expect(s.subscribe(['channel_answer', 'NOPE'])).toEqual({ ok: true });
    expect(s.subscribe(['SWITCH_EVENT_CHANNEL_HANGUP'])).toEqual({ ok: true });
    expect(s.wants(ev('CHANNEL_ANSWER'))).toBe(true);
    expect(s.wants(ev('CHANNEL_HANGUP'))).toBe(true);
    expect(s.wants(ev('CHANNEL_CREATE'))).toBe(false);
    expect(s.subscribe(['NOPE'])).toEqual({ ok: false, reply: '-ERR no keywords supplied' });
  });

  it('treats every word after CUSTOM as a subclass; bare CUSTOM delivers no subclassed events', () => {
    const s = new Subscription();
    s.subscribe(['CUSTOM']);
    expect(s.wants(ev('CUSTOM', {}, 'avmd::beep'))).toBe(false);
    s.subscribe(['CUSTOM', 'avmd::beep', 'HEARTBEAT']);
    expect(s.wants(ev('CUSTOM', {}, 'avmd::beep'))).toBe(true);
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
  });

  it('expands ALL minus a nixed event, and ALL includes every CUSTOM subclass', () => {
    const s = new Subscription();
    s.subscribe(['ALL']);
    expect(s.wants(ev('CUSTOM', {}, 'conference::maintenance'))).toBe(true);
    s.nix(['HEARTBEAT']);
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
    expect(s.wants(ev('CHANNEL_ANSWER'))).toBe(true);
  });

  it('delivers only events matching a positive filter once any filter exists', () => {
    const s = new Subscription();
    s.subscribe(['ALL']);
    s.addFilter('Unique-ID', 'abc');
    expect(s.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'ABC' }))).toBe(true);
    expect(s.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'other' }))).toBe(false);
    // BACKGROUND_JOB has no Unique-ID, so a Unique-ID filter hides it.
    expect(s.wants(ev('BACKGROUND_JOB', { 'Job-UUID': 'j' }))).toBe(false);
    s.addFilter('Event-Name', 'BACKGROUND_JOB');
    expect(s.wants(ev('BACKGROUND_JOB', { 'Job-UUID': 'j' }))).toBe(true);
    s.deleteFilter('all', undefined);
    expect(s.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'other' }))).toBe(true);
  });

  it('myevents keeps only the bound channel, or any channel event when the uuid was unknown', () => {
    const bound = new Subscription();
    bound.subscribeMyEvents('u1');
    expect(bound.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'u1' }))).toBe(true);
    expect(bound.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'u2' }))).toBe(false);
    expect(bound.wants(ev('HEARTBEAT'))).toBe(false);
    const quirk = new Subscription();
    quirk.subscribeMyEvents('');
    expect(quirk.wants(ev('CHANNEL_ANSWER', { 'Unique-ID': 'u2' }))).toBe(true);
    expect(quirk.wants(ev('CHANNEL_ANSWER'))).toBe(false);
  });

  it('lets a negative filter veto and supports /regex/ values', () => {
    const s = new Subscription();
    s.subscribe(['ALL']);
    s.addFilter('Event-Name', '/^CHANNEL_/');
    s.addFilter('Event-Name', '-CHANNEL_STATE');
    expect(s.wants(ev('CHANNEL_ANSWER'))).toBe(true);
    expect(s.wants(ev('CHANNEL_STATE'))).toBe(false);
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
    s.deleteFilter('Event-Name', '-CHANNEL_STATE');
    expect(s.wants(ev('CHANNEL_STATE'))).toBe(true);
  });
});
