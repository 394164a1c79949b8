/**
 * Typed ESL events: the ones a dialer acts on get their own shape; everything else
 * subscribed arrives as `OtherEvent`. Fields are read from the `event json` body
 * (reference 1.6: every value a string, arrays for array headers, `_body` for the body).
 */

/** A header value as `event json` delivers it. */
export type HeaderValue = string | string[];
export type EventHeaders = Readonly<Record<string, HeaderValue>>;

export const CHANNEL_EVENT_NAMES = [
  'CHANNEL_CREATE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_OUTGOING',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
] as const;
export type ChannelEventName = (typeof CHANNEL_EVENT_NAMES)[number];

export type EslEventKind =
  | 'channel'
  | 'hangup'
  | 'bridge'
  | 'execute'
  | 'dtmf'
  | 'record'
  | 'playback'
  | 'job'
  | 'heartbeat'
  | 'amd'
  | 'custom'
  | 'other';

/** What every event carries (reference 1.7). */
export interface EslEventBase {
  /** The discriminator: switch on `kind`, then on `name`. */
  readonly kind: EslEventKind;
  readonly name: string;
  readonly coreUuid: string;
  /** Event-Sequence: per-process counter, resets on restart; orders events of one node. */
  readonly sequence: number;
  /** Event-Date-Timestamp, µs since epoch, set when the event was created. */
  readonly timestampUs: number;
  /** The full header set, for anything not lifted into a field. */
  readonly headers: EventHeaders;
  /** The event body (`_body`), if any. */
  readonly body: string | undefined;
}

export interface ChannelEventBase extends EslEventBase {
  readonly uniqueId: string;
  readonly channelName: string | undefined;
  /** Channel-Call-State: DOWN|DIALING|RINGING|EARLY|ACTIVE|HELD|RING_WAIT|HANGUP|UNHELD. */
  readonly callState: string | undefined;
  /** Answer-State: ringing|early|answered|hangup. */
  readonly answerState: string | undefined;
  /** A channel variable (`variable_<name>`), e.g. our `ats_call_id`. */
  variable(name: string): string | undefined;
}

export interface SimpleChannelEvent extends ChannelEventBase {
  readonly kind: 'channel';
  readonly name: Exclude<
    ChannelEventName,
    | 'CHANNEL_HANGUP'
    | 'CHANNEL_HANGUP_COMPLETE'
    | 'CHANNEL_BRIDGE'
    | 'CHANNEL_UNBRIDGE'
    | 'CHANNEL_EXECUTE'
    | 'CHANNEL_EXECUTE_COMPLETE'
  >;
}

export interface HangupEvent extends ChannelEventBase {
  readonly kind: 'hangup';
  readonly name: 'CHANNEL_HANGUP' | 'CHANNEL_HANGUP_COMPLETE';
  /** Hangup-Cause name, e.g. NORMAL_CLEARING, NO_ANSWER, USER_BUSY. */
  readonly hangupCause: string;
}

export interface BridgeEvent extends ChannelEventBase {
  readonly kind: 'bridge';
  readonly name: 'CHANNEL_BRIDGE' | 'CHANNEL_UNBRIDGE';
  /** The other leg (Bridge-B-Unique-ID, else Other-Leg-Unique-ID). */
  readonly otherUniqueId: string | undefined;
}

export interface ExecuteEvent extends ChannelEventBase {
  readonly kind: 'execute';
  readonly name: 'CHANNEL_EXECUTE' | 'CHANNEL_EXECUTE_COMPLETE';
  readonly application: string;
  readonly applicationData: string | undefined;
  /** Only on CHANNEL_EXECUTE_COMPLETE (`_none_` when the app gave none). */
  readonly applicationResponse: string | undefined;
  /** The Event-UUID given in sendmsg, or one FreeSWITCH generated. */
  readonly applicationUuid: string | undefined;
}

export interface DtmfEvent extends EslEventBase {
  readonly kind: 'dtmf';
  readonly name: 'DTMF';
  readonly uniqueId: string;
  readonly digit: string;
  readonly durationSamples: number | undefined;
  readonly source: string | undefined;
}

export interface RecordEvent extends EslEventBase {
  readonly kind: 'record';
  readonly name: 'RECORD_START' | 'RECORD_STOP';
  readonly uniqueId: string;
  readonly recordFilePath: string;
  readonly completionCause: string | undefined;
  variable(name: string): string | undefined;
}

export interface PlaybackEvent extends EslEventBase {
  readonly kind: 'playback';
  readonly name: 'PLAYBACK_START' | 'PLAYBACK_STOP';
  readonly uniqueId: string;
  readonly playbackFilePath: string | undefined;
  /** PLAYBACK_STOP only: done | break (uuid_break, hangup). */
  readonly playbackStatus: string | undefined;
  variable(name: string): string | undefined;
}

export interface BackgroundJobEvent extends EslEventBase {
  readonly kind: 'job';
  readonly name: 'BACKGROUND_JOB';
  readonly jobUuid: string;
  readonly jobCommand: string | undefined;
  readonly jobCommandArg: string | undefined;
}

export interface HeartbeatEvent extends EslEventBase {
  readonly kind: 'heartbeat';
  readonly name: 'HEARTBEAT';
  readonly sessionCount: number | undefined;
  readonly maxSessions: number | undefined;
  readonly sessionsPerSecondMax: number | undefined;
  readonly idleCpu: number | undefined;
  readonly uptimeMsec: number | undefined;
}

/**
 * Answering-machine detection verdicts from CUSTOM events: mod_avmd (`avmd::beep`,
 * `avmd::start`, `avmd::stop`; Beep-Status DETECTED|NOTDETECTED) and the CUSTOM `amd`
 * events some mod_amd forks fire (`amd::*`, with AMD-Result / amd_result).
 */
export interface AmdEvent extends EslEventBase {
  readonly name: 'CUSTOM';
  readonly kind: 'amd';
  readonly subclass: string;
  readonly uniqueId: string;
  /** HUMAN | MACHINE | NOTSURE (mod_amd) or DETECTED | NOTDETECTED (avmd beep status). */
  readonly result: string | undefined;
  readonly cause: string | undefined;
}

export interface CustomEvent extends EslEventBase {
  readonly name: 'CUSTOM';
  readonly kind: 'custom';
  readonly subclass: string | undefined;
  readonly uniqueId: string | undefined;
}

/** Any subscribed event we do not type further (CHANNEL_STATE, API, ...). */
export interface OtherEvent extends EslEventBase {
  readonly kind: 'other';
  readonly uniqueId: string | undefined;
}

export type ChannelEvent = SimpleChannelEvent | HangupEvent | BridgeEvent | ExecuteEvent;

export type EslEvent =
  | ChannelEvent
  | DtmfEvent
  | RecordEvent
  | PlaybackEvent
  | BackgroundJobEvent
  | HeartbeatEvent
  | AmdEvent
  | CustomEvent
  | OtherEvent;

const CHANNEL_KINDS: ReadonlySet<EslEventKind> = new Set(['channel', 'hangup', 'bridge', 'execute']);

export function isChannelEvent(e: EslEvent): e is ChannelEvent {
  return CHANNEL_KINDS.has(e.kind);
}

export const CHANNEL_EVENT_SET: ReadonlySet<ChannelEventName> = new Set(CHANNEL_EVENT_NAMES);
