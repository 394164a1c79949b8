import type { SimEvent } from './sim-event';

/** EVENT_NAMES[] of switch_event.c, in order; ALL is last. */
export const EVENT_NAMES = (
  'CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_ANSWER CHANNEL_HANGUP ' +
  'CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE ' +
  'CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK ' +
  'CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP SHUTDOWN PUBLISH ' +
  'UNPUBLISH TALK NOTALK SESSION_CRASH MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT ' +
  'PRESENCE_PROBE MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE ' +
  'PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY PHONE_FEATURE ' +
  'PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS CHANNEL_DATA GENERAL COMMAND SESSION_HEARTBEAT ' +
  'CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO RECV_RTCP_MESSAGE SEND_RTCP_MESSAGE CALL_SECURE NAT ' +
  'RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP CALL_UPDATE FAILURE SOCKET_DATA MEDIA_BUG_START ' +
  'MEDIA_BUG_STOP CONFERENCE_DATA_QUERY CONFERENCE_DATA CALL_SETUP_REQ CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE ' +
  'TEXT SHUTDOWN_REQUESTED CERT_RELOAD ALL'
).split(' ');

const ALL = 'ALL';
const CUSTOM = 'CUSTOM';
const KNOWN = new Set(EVENT_NAMES);

/** switch_name_event: case-insensitive, optional SWITCH_EVENT_ prefix. */
export function eventNameFromWord(word: string): string | undefined {
  let upper = word.toUpperCase();
  if (upper.startsWith('SWITCH_EVENT_')) upper = upper.slice('SWITCH_EVENT_'.length);
  return KNOWN.has(upper) ? upper : undefined;
}

export type SubscribeOutcome = { ok: true } | { ok: false; reply: string };

interface Filter {
  header: string;
  value: string;
}

/**
 * What one connection receives: the event list, CUSTOM subclasses and filters, with the
 * exact semantics of mod_event_socket's `event`, `nixevent`, `noevents`, `filter` and
 * `event_handler` (reference section 2.3).
 */
export class Subscription {
  private readonly events = new Set<string>();
  private readonly subclasses = new Set<string>();
  private filters: Filter[] = [];
  /** LFLAG_EVENTS: delivery switched on by a successful `event`/`nixevent`/`myevents`. */
  enabled = false;
  /** LFLAG_MYEVENTS: only events whose Unique-ID is this channel. */
  myUuid: string | undefined;

  /** Words after `event [format]`; the caller has already consumed a leading format word. */
  subscribe(words: string[]): SubscribeOutcome {
    let keys = 0;
    let custom = false;
    for (const word of words) {
      if (word === '') continue;
      if (custom) {
        this.subclasses.add(word);
        continue;
      }
      const name = eventNameFromWord(word);
      if (!name) continue;
      keys++;
      if (name === ALL) {
        for (const n of EVENT_NAMES) this.events.add(n);
      }
      this.events.add(name);
      if (name === CUSTOM) custom = true;
    }
    if (!keys) return { ok: false, reply: '-ERR no keywords supplied' };
    this.enabled = true;
    return { ok: true };
  }

  nix(words: string[]): SubscribeOutcome {
    let keys = 0;
    let custom = false;
    for (const word of words) {
      if (word === '') continue;
      if (custom) {
        this.subclasses.delete(word);
        continue;
      }
      const name = eventNameFromWord(word);
      if (!name) continue;
      keys++;
      if (name === CUSTOM) {
        custom = true;
      } else if (name === ALL) {
        this.events.clear();
      } else {
        // Nixing one name out of ALL expands ALL into the explicit list minus that name.
        this.events.delete(ALL);
        this.events.delete(name);
      }
    }
    if (!keys) return { ok: false, reply: '-ERR no keywords supplied' };
    this.enabled = true;
    return { ok: true };
  }

  clearEvents(): void {
    this.events.clear();
    this.subclasses.clear();
    this.enabled = false;
  }

  subscribeMyEvents(uuid: string | undefined): void {
    for (const n of MYEVENTS_LIST) this.events.add(n);
    this.myUuid = uuid;
    this.enabled = true;
  }

  addFilter(header: string, value: string): void {
    this.filters.push({ header, value });
  }

  /** `filter delete <header> [value]`: by name (all values) or by name and value; `all` empties. */
  deleteFilter(header: string, value: string | undefined): void {
    if (header.toLowerCase() === 'all') {
      this.filters = [];
      return;
    }
    const name = header.toLowerCase();
    this.filters = this.filters.filter(
      (f) => !(f.header.toLowerCase() === name && (value === undefined || f.value === value)),
    );
  }

  get filterCount(): number {
    return this.filters.length;
  }

  /** Name-only pre-check (before any header exists): could an event of this name be delivered? */
  wantsName(name: string): boolean {
    return this.enabled && (this.events.has(ALL) || this.events.has(name));
  }

  wants(event: SimEvent): boolean {
    if (!this.enabled) return false;
    let send = false;
    if (this.events.has(ALL)) {
      send = true;
    } else if (this.events.has(event.name)) {
      send = event.name !== CUSTOM || !event.subclass || this.subclasses.has(event.subclass);
    }
    if (!send) return false;
    if (this.filters.length) send = this.passesFilters(event);
    if (send && this.myUuid !== undefined) {
      const uuid = event.get('Unique-ID');
      // An empty myUuid is `myevents <unknown uuid>`: FS then passes any event with a Unique-ID.
      if (!uuid || (this.myUuid !== '' && uuid !== this.myUuid)) send = false;
    }
    return send;
  }

  private passesFilters(event: SimEvent): boolean {
    let send = false;
    for (const filter of this.filters) {
      const actual = event.get(filter.header);
      if (actual === undefined) continue;
      let compareTo = filter.value;
      let positive = true;
      let i = 0;
      while (i < compareTo.length) {
        const c = compareTo[i];
        if (c === '+') positive = true;
        else if (c === '-') positive = false;
        else if (c !== ' ') break;
        i++;
      }
      compareTo = compareTo.slice(i);
      if (send && positive) continue;
      let matched: boolean;
      if (filter.value.startsWith('/')) {
        matched = regexMatches(actual, compareTo);
      } else {
        matched = actual.toLowerCase() === compareTo.toLowerCase();
      }
      if (matched) {
        if (positive) {
          send = true;
        } else {
          return false;
        }
      }
    }
    return send;
  }
}

/** FreeSWITCH regexes are written `/pattern/`; an invalid one simply never matches. */
function regexMatches(value: string, pattern: string): boolean {
  const body = pattern.replace(/^\//, '').replace(/\/$/, '');
  try {
    return new RegExp(body).test(value);
  } catch {
    return false;
  }
}

const MYEVENTS_LIST = [
  'CHANNEL_ANSWER',
  'CHANNEL_APPLICATION',
  'CHANNEL_BRIDGE',
  'CHANNEL_CREATE',
  'CHANNEL_DATA',
  'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_UNPARK',
  'DETECTED_SPEECH',
  'DTMF',
  'NOTALK',
  'TALK',
];
