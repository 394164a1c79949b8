import { NOT_A_STRING, scanJsonString } from './json-scan';
import {
  CHANNEL_EVENT_SET,
  type ChannelEventName,
  type EslEvent,
  type EslEventKind,
  type EventHeaders,
  type HeaderValue,
} from './esl-event';

export type ParseResult = { ok: true; event: EslEvent } | { ok: false; reason: string };

/** AMD verdicts arrive as CUSTOM events with these subclass prefixes (reference 5.4). */
const AMD_SUBCLASS = /^(avmd|amd)::/i;

const KIND_BY_NAME: Record<string, EslEventKind> = {
  CHANNEL_HANGUP: 'hangup',
  CHANNEL_HANGUP_COMPLETE: 'hangup',
  CHANNEL_BRIDGE: 'bridge',
  CHANNEL_UNBRIDGE: 'bridge',
  CHANNEL_EXECUTE: 'execute',
  CHANNEL_EXECUTE_COMPLETE: 'execute',
  DTMF: 'dtmf',
  RECORD_START: 'record',
  RECORD_STOP: 'record',
  PLAYBACK_START: 'playback',
  PLAYBACK_STOP: 'playback',
  BACKGROUND_JOB: 'job',
  HEARTBEAT: 'heartbeat',
};

/** Required headers per kind: an event without them is malformed, reported and skipped. */
const REQUIRED: Partial<Record<EslEventKind, readonly string[]>> = {
  channel: ['Unique-ID'],
  hangup: ['Unique-ID', 'Hangup-Cause'],
  bridge: ['Unique-ID'],
  execute: ['Unique-ID', 'Application'],
  dtmf: ['Unique-ID', 'DTMF-Digit'],
  record: ['Unique-ID', 'Record-File-Path'],
  playback: ['Unique-ID'],
  job: ['Job-UUID'],
  amd: ['Unique-ID'],
};

/**
 * One parsed event. Fields are getters over the JSON object FreeSWITCH sent, so an event
 * nobody inspects costs one JSON.parse and one small object: the dialer sees thousands of
 * 5-12 KB channel events a second (reference 3.2), and modesl's O(H^2) header copy
 * (reference 7.2 #11) is exactly what we must not repeat.
 */
class JsonEvent {
  private parsed: Record<string, HeaderValue> | undefined;
  private scanned: Map<string, string | undefined> | undefined;

  /** Set once by parseJsonEvent, which validates with this object's own cached reads. */
  constructor(
    public kind: EslEventKind,
    public name: string,
    private readonly text: string,
  ) {}

  /** The whole header set, parsed on first use. */
  get headers(): EventHeaders {
    if (this.parsed === undefined) {
      try {
        this.parsed = JSON.parse(this.text) as Record<string, HeaderValue>;
      } catch {
        // Structurally an object with its required fields (checked on arrival), broken
        // further in: what could be read was read; the rest is absent, never a throw.
        this.parsed = {};
      }
    }
    return this.parsed;
  }

  header(name: string): string | undefined {
    if (this.parsed !== undefined) return str(this.parsed[name]);
    // Scanned values are remembered: Unique-ID was already read once to validate the event.
    const cache = (this.scanned ??= new Map());
    if (cache.has(name)) return cache.get(name);
    const v = scanJsonString(this.text, name);
    const value = v === NOT_A_STRING ? str(this.headers[name]) : v;
    cache.set(name, value);
    return value;
  }
  variable(name: string): string | undefined {
    return this.header(`variable_${name}`);
  }
  get coreUuid(): string {
    return this.header('Core-UUID') ?? '';
  }
  get sequence(): number {
    return num(this.header('Event-Sequence')) ?? 0;
  }
  get timestampUs(): number {
    return num(this.header('Event-Date-Timestamp')) ?? 0;
  }
  get body(): string | undefined {
    return this.header('_body');
  }
  get uniqueId(): string | undefined {
    return this.header('Unique-ID');
  }
  get channelName(): string | undefined {
    return this.header('Channel-Name');
  }
  get callState(): string | undefined {
    return this.header('Channel-Call-State');
  }
  get answerState(): string | undefined {
    return this.header('Answer-State');
  }
  get hangupCause(): string | undefined {
    return this.header('Hangup-Cause');
  }
  get otherUniqueId(): string | undefined {
    return this.header('Bridge-B-Unique-ID') ?? this.header('Other-Leg-Unique-ID');
  }
  get application(): string | undefined {
    return this.header('Application');
  }
  get applicationData(): string | undefined {
    return this.header('Application-Data');
  }
  get applicationResponse(): string | undefined {
    return this.header('Application-Response');
  }
  get applicationUuid(): string | undefined {
    return this.header('Application-UUID');
  }
  get digit(): string | undefined {
    return this.header('DTMF-Digit');
  }
  get durationSamples(): number | undefined {
    return num(this.header('DTMF-Duration'));
  }
  get source(): string | undefined {
    return this.header('DTMF-Source');
  }
  get recordFilePath(): string | undefined {
    return this.header('Record-File-Path');
  }
  get completionCause(): string | undefined {
    return this.header('Record-Completion-Cause');
  }
  get playbackFilePath(): string | undefined {
    return this.header('Playback-File-Path');
  }
  get playbackStatus(): string | undefined {
    return this.header('Playback-Status');
  }
  get jobUuid(): string | undefined {
    return this.header('Job-UUID');
  }
  get jobCommand(): string | undefined {
    return this.header('Job-Command');
  }
  get jobCommandArg(): string | undefined {
    return this.header('Job-Command-Arg');
  }
  get sessionCount(): number | undefined {
    return num(this.header('Session-Count'));
  }
  get maxSessions(): number | undefined {
    return num(this.header('Max-Sessions'));
  }
  get sessionsPerSecondMax(): number | undefined {
    return num(this.header('Session-Per-Sec-Max'));
  }
  get idleCpu(): number | undefined {
    return num(this.header('Idle-CPU'));
  }
  get uptimeMsec(): number | undefined {
    return num(this.header('Uptime-msec'));
  }
  get subclass(): string | undefined {
    return this.header('Event-Subclass');
  }
  /** AMD verdict: mod_amd forks (AMD-Result / variable_amd_result) or avmd's Beep-Status. */
  get result(): string | undefined {
    return this.header('AMD-Result') ?? this.header('variable_amd_result') ?? this.header('Beep-Status');
  }
  get cause(): string | undefined {
    return this.header('AMD-Cause') ?? this.header('variable_amd_cause');
  }
}

function str(v: HeaderValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v[v.length - 1];
  return undefined;
}

function num(v: HeaderValue | undefined): number | undefined {
  const s = str(v);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses the body of a `text/event-json` message into a typed event. Never throws: a body
 * that is not JSON, not an object, has no Event-Name, carries a non-string value, or lacks
 * a header its kind needs comes back as `{ ok: false, reason }`.
 */
export function parseJsonEvent(body: string): ParseResult {
  // FreeSWITCH sends a flat, unformatted object. Checked cheaply here; the full parse
  // happens only if someone reads `headers` (or an unusual value needs it).
  const first = body.charCodeAt(0);
  const last = body.charCodeAt(body.length - 1);
  if (first !== 123 /* { */ || (last !== 125 /* } */ && body.trimEnd().slice(-1) !== '}'))
    return { ok: false, reason: whyNotAnObject(body) };
  const event = new JsonEvent('other', '', body);
  const name = event.header('Event-Name');
  if (!name) return { ok: false, reason: missingReason(body, 'no Event-Name') };
  const kind = kindOf(name, (key) => event.header(key));
  for (const key of REQUIRED[kind] ?? []) {
    if (!event.header(key)) return { ok: false, reason: missingReason(body, `${name} without ${key}`) };
  }
  event.kind = kind;
  event.name = name;
  return { ok: true, event: event as unknown as EslEvent };
}

function whyNotAnObject(body: string): string {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? 'not a flat JSON object'
      : 'not a JSON object';
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
}

/** On the (rare) error path, say "not JSON" when that is the real problem. */
function missingReason(body: string, reason: string): string {
  try {
    JSON.parse(body);
    return reason;
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
}

function kindOf(name: string, read: (key: string) => string | undefined): EslEventKind {
  const k = KIND_BY_NAME[name];
  if (k) return k;
  if (CHANNEL_EVENT_SET.has(name as ChannelEventName)) return 'channel';
  if (name === 'CUSTOM') {
    const sub = read('Event-Subclass');
    return sub !== undefined && AMD_SUBCLASS.test(sub) ? 'amd' : 'custom';
  }
  return 'other';
}
