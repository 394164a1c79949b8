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
  constructor(
    readonly kind: EslEventKind,
    readonly name: string,
    readonly headers: EventHeaders,
  ) {}

  header(name: string): string | undefined {
    return str(this.headers[name]);
  }
  variable(name: string): string | undefined {
    return str(this.headers[`variable_${name}`]);
  }
  get coreUuid(): string {
    return str(this.headers['Core-UUID']) ?? '';
  }
  get sequence(): number {
    return num(this.headers['Event-Sequence']) ?? 0;
  }
  get timestampUs(): number {
    return num(this.headers['Event-Date-Timestamp']) ?? 0;
  }
  get body(): string | undefined {
    return str(this.headers['_body']);
  }
  get uniqueId(): string | undefined {
    return str(this.headers['Unique-ID']);
  }
  get channelName(): string | undefined {
    return str(this.headers['Channel-Name']);
  }
  get callState(): string | undefined {
    return str(this.headers['Channel-Call-State']);
  }
  get answerState(): string | undefined {
    return str(this.headers['Answer-State']);
  }
  get hangupCause(): string | undefined {
    return str(this.headers['Hangup-Cause']);
  }
  get otherUniqueId(): string | undefined {
    return str(this.headers['Bridge-B-Unique-ID']) ?? str(this.headers['Other-Leg-Unique-ID']);
  }
  get application(): string | undefined {
    return str(this.headers['Application']);
  }
  get applicationData(): string | undefined {
    return str(this.headers['Application-Data']);
  }
  get applicationResponse(): string | undefined {
    return str(this.headers['Application-Response']);
  }
  get applicationUuid(): string | undefined {
    return str(this.headers['Application-UUID']);
  }
  get digit(): string | undefined {
    return str(this.headers['DTMF-Digit']);
  }
  get durationSamples(): number | undefined {
    return num(this.headers['DTMF-Duration']);
  }
  get source(): string | undefined {
    return str(this.headers['DTMF-Source']);
  }
  get recordFilePath(): string | undefined {
    return str(this.headers['Record-File-Path']);
  }
  get completionCause(): string | undefined {
    return str(this.headers['Record-Completion-Cause']);
  }
  get jobUuid(): string | undefined {
    return str(this.headers['Job-UUID']);
  }
  get jobCommand(): string | undefined {
    return str(this.headers['Job-Command']);
  }
  get jobCommandArg(): string | undefined {
    return str(this.headers['Job-Command-Arg']);
  }
  get sessionCount(): number | undefined {
    return num(this.headers['Session-Count']);
  }
  get maxSessions(): number | undefined {
    return num(this.headers['Max-Sessions']);
  }
  get sessionsPerSecondMax(): number | undefined {
    return num(this.headers['Session-Per-Sec-Max']);
  }
  get idleCpu(): number | undefined {
    return num(this.headers['Idle-CPU']);
  }
  get uptimeMsec(): number | undefined {
    return num(this.headers['Uptime-msec']);
  }
  get subclass(): string | undefined {
    return str(this.headers['Event-Subclass']);
  }
  /** AMD verdict: mod_amd forks (AMD-Result / variable_amd_result) or avmd's Beep-Status. */
  get result(): string | undefined {
    return (
      str(this.headers['AMD-Result']) ??
      str(this.headers['variable_amd_result']) ??
      str(this.headers['Beep-Status'])
    );
  }
  get cause(): string | undefined {
    return str(this.headers['AMD-Cause']) ?? str(this.headers['variable_amd_cause']);
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
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { ok: false, reason: 'not a JSON object' };
  const headers = data as Record<string, unknown>;
  const name = headers['Event-Name'];
  if (typeof name !== 'string' || name === '') return { ok: false, reason: 'no Event-Name' };
  const kind = kindOf(name, headers);
  for (const key of REQUIRED[kind] ?? []) {
    const v = headers[key];
    if (typeof v !== 'string' || v === '') return { ok: false, reason: `${name} without ${key}` };
  }
  // Values are strings, or arrays of strings for array headers (reference 1.6). Checked on
  // the fields we read by type; a number where a string belongs is still reported.
  const core = headers['Core-UUID'];
  if (core !== undefined && typeof core !== 'string')
    return { ok: false, reason: `${name}: Core-UUID not a string` };
  return { ok: true, event: new JsonEvent(kind, name, headers as EventHeaders) as unknown as EslEvent };
}

function kindOf(name: string, headers: Record<string, unknown>): EslEventKind {
  const k = KIND_BY_NAME[name];
  if (k) return k;
  if (CHANNEL_EVENT_SET.has(name as ChannelEventName)) return 'channel';
  if (name === 'CUSTOM') {
    const sub = headers['Event-Subclass'];
    return typeof sub === 'string' && AMD_SUBCLASS.test(sub) ? 'amd' : 'custom';
  }
  return 'other';
}
