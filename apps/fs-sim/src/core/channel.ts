import type { TimerHandle } from './scheduler';
import type { ResolvedBehaviour } from '../world/scenario';
import { HeaderBlock, type SimEvent } from '../esl/sim-event';

export const STATE_NUMBERS: Record<string, number> = {
  CS_NEW: 0,
  CS_INIT: 1,
  CS_ROUTING: 2,
  CS_SOFT_EXECUTE: 3,
  CS_EXECUTE: 4,
  CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6,
  CS_CONSUME_MEDIA: 7,
  CS_HIBERNATE: 8,
  CS_RESET: 9,
  CS_HANGUP: 10,
  CS_REPORTING: 11,
  CS_DESTROY: 12,
  CS_NONE: 13,
};
export const CALLSTATE_NUMBERS: Record<string, number> = {
  DOWN: 0,
  DIALING: 1,
  RINGING: 2,
  EARLY: 3,
  ACTIVE: 4,
  HELD: 5,
  RING_WAIT: 6,
  HANGUP: 7,
  UNHELD: 8,
};
export type ChannelState = keyof typeof STATE_NUMBERS;
export type CallState = keyof typeof CALLSTATE_NUMBERS;

/** Caller profile fields in switch_caller_profile_event_set_data order; times in µs. */
export interface CallerProfile {
  direction: 'inbound' | 'outbound';
  username?: string;
  dialplan: string;
  callerIdName?: string;
  callerIdNumber: string;
  calleeIdName?: string;
  calleeIdNumber?: string;
  networkAddr?: string;
  destinationNumber: string;
  source: string;
  context: string;
  createdUs: number;
  answeredUs: number;
  progressUs: number;
  progressMediaUs: number;
  hangupUs: number;
  transferUs: number;
  bridgedUs: number;
  lastHoldUs: number;
  holdAccumUs: number;
}

export interface RunningApp {
  name: string;
  data: string;
  appUuid: string;
  /** Stops the app's timers and returns its Application-Response; `reason` tells media apps whether it was a break. */
  stop(reason: 'break' | 'hangup' | 'transfer'): string | undefined;
  /** park and bridge-like apps are the "base" of the stack: queued apps run nested on top. */
  nestable: boolean;
  /** Called once after its CHANNEL_EXECUTE_COMPLETE (a static outbound socket's sendmsg waits for it). */
  onComplete?: () => void;
}

export interface QueuedApp {
  name: string;
  data: string;
  appUuid?: string;
  loops: number;
  onComplete?: () => void;
}

export type ChannelRole = 'customer' | 'agent' | 'other';

export class Channel {
  state: ChannelState = 'CS_NEW';
  callState: CallState = 'DOWN';
  answered = false;
  earlyMedia = false;
  ringReady = false;
  hungUp = false;
  destroyed = false;
  hangupCause: string | undefined;
  hitDialplan = false;
  codecs = false;
  held = false;
  readonly vars = new Map<string, string>();
  readonly timers = new Set<TimerHandle>();
  /** Other-Leg-* profile (set when bridged), and which side this channel is. */
  otherLeg: { type: 'originator' | 'originatee'; channel: Channel } | undefined;
  bridgedTo: Channel | undefined;
  /** True on the side that fires CHANNEL_BRIDGE/UNBRIDGE (the A side of uuid_bridge). */
  bridgeOriginator = false;
  readonly appStack: RunningApp[] = [];
  readonly appQueue: QueuedApp[] = [];
  /** Remaining dialplan/originate applications to run in order. */
  program: QueuedApp[] = [];
  /** Set while originate (or a bridge app) waits for this leg to answer or fail. */
  pendingOriginate: ((outcome: { ok: true } | { ok: false; cause: string }) => void) | undefined;
  originateReturnsOnEarly = true;
  behaviour: ResolvedBehaviour | undefined;
  role: ChannelRole = 'other';
  agentExt: string | undefined;
  readonly recordings = new Set<string>();
  dtmfBuffer = '';
  onDtmf: (() => void) | undefined;
  conference: { name: string; memberId: number; flags: Set<string> } | undefined;
  avmdRunning = false;
  /** When mod_avmd started listening (µs), for the beep's Detection-time and the stop's Total-time. */
  avmdStartedUs = 0;
  /** The bridge app waiting on this (B) leg, if any. */
  bridgeWaiter: Channel | undefined;

  constructor(
    readonly uuid: string,
    public name: string,
    readonly profile: CallerProfile,
    readonly sessionId: number,
  ) {}

  private varsBlock: HeaderBlock | undefined;

  setVar(name: string, value: string | undefined): void {
    if (value === undefined || value === '') this.vars.delete(name);
    else this.vars.set(name, value);
    this.varsBlock = undefined;
  }

  /**
   * The `variable_*` headers as one shared block: a call's ~20 events mostly carry the same
   * variables, so they are listed (and serialised) once per change, not once per event.
   */
  variablesBlock(): HeaderBlock {
    if (!this.varsBlock) {
      const headers: string[] = [];
      for (const [name, value] of this.vars) headers.push(variableHeader(name), value);
      this.varsBlock = new HeaderBlock(headers);
    }
    return this.varsBlock;
  }

  get answerState(): string {
    if (this.hungUp) return 'hangup';
    if (this.answered) return 'answered';
    if (this.earlyMedia) return 'early';
    return 'ringing';
  }
}

/** Event types that carry `variable_*` headers (reference 3.2). */
export const EVENTS_WITH_VARIABLES = new Set([
  'CHANNEL_CREATE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'REQUEST_PARAMS',
  'CHANNEL_DATA',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_DESTROY',
  'SESSION_HEARTBEAT',
  'API',
  'RECORD_START',
  'RECORD_STOP',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'CALL_UPDATE',
  'MEDIA_BUG_START',
  'MEDIA_BUG_STOP',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'TEXT',
  'CUSTOM',
]);

const PROFILE_FIELDS = [
  'Direction',
  'Logical-Direction',
  'Username',
  'Dialplan',
  'Caller-ID-Name',
  'Caller-ID-Number',
  'Orig-Caller-ID-Name',
  'Orig-Caller-ID-Number',
  'Callee-ID-Name',
  'Callee-ID-Number',
  'Network-Addr',
  'ANI',
  'Destination-Number',
  'Unique-ID',
  'Source',
  'Context',
  'Channel-Name',
  'Profile-Index',
  'Profile-Created-Time',
  'Channel-Created-Time',
  'Channel-Answered-Time',
  'Channel-Progress-Time',
  'Channel-Progress-Media-Time',
  'Channel-Hangup-Time',
  'Channel-Transfer-Time',
  'Channel-Resurrect-Time',
  'Channel-Bridged-Time',
  'Channel-Last-Hold',
  'Channel-Hold-Accum',
  'Screen-Bit',
  'Privacy-Hide-Name',
  'Privacy-Hide-Number',
];
// Header names are built once: the serialisers cache by name, and a fresh string per event
// would be re-hashed every time.
const CALLER_NAMES = PROFILE_FIELDS.map((f) => `Caller-${f}`);
const CHANNEL_PROFILE_NAMES = PROFILE_FIELDS.map((f) => `Channel-${f}`);
const OTHER_LEG_NAMES = PROFILE_FIELDS.map((f) => `Other-Leg-${f}`);

const variableNames = new Map<string, string>();
function variableHeader(name: string): string {
  let header = variableNames.get(name);
  if (header === undefined) {
    header = `variable_${name}`;
    if (variableNames.size < 50_000) variableNames.set(name, header);
  }
  return header;
}

function addProfile(ev: SimEvent, n: string[], ch: Channel): void {
  const p = ch.profile;
  const values = [
    p.direction,
    p.direction,
    p.username,
    p.dialplan,
    p.callerIdName,
    p.callerIdNumber,
    p.callerIdName,
    p.callerIdNumber,
    p.calleeIdName,
    p.calleeIdNumber,
    p.networkAddr,
    p.callerIdNumber,
    p.destinationNumber,
    ch.uuid,
    p.source,
    p.context,
    ch.name,
    '1',
    p.createdUs,
    p.createdUs,
    p.answeredUs,
    p.progressUs,
    p.progressMediaUs,
    p.hangupUs,
    p.transferUs,
    0,
    p.bridgedUs,
    p.lastHoldUs,
    p.holdAccumUs,
    'true',
    'false',
    'false',
  ];
  for (let i = 0; i < values.length; i++) ev.add(n[i]!, values[i]);
}

/** switch_caller_profile_event_set_data(profile, "Channel", event): the caller profile as `Channel-*` headers. */
export function addChannelProfile(ev: SimEvent, ch: Channel): void {
  addProfile(ev, CHANNEL_PROFILE_NAMES, ch);
}

/** switch_channel_event_set_data: basic data, caller profile, Other-Leg, then variables when the type has them. */
export function addChannelData(ev: SimEvent, ch: Channel, withVariables: boolean): void {
  ev.add('Channel-State', ch.state)
    .add('Channel-Call-State', ch.callState)
    .add('Channel-State-Number', STATE_NUMBERS[ch.state])
    .add('Channel-Name', ch.name)
    .add('Unique-ID', ch.uuid)
    .add('Call-Direction', ch.profile.direction)
    .add('Presence-Call-Direction', ch.profile.direction)
    .add('Channel-HIT-Dialplan', ch.hitDialplan ? 'true' : 'false')
    .add('Channel-Call-UUID', ch.vars.get('call_uuid') ?? ch.uuid)
    .add('Answer-State', ch.answerState)
    .add('Hangup-Cause', ch.hangupCause);
  if (ch.codecs) {
    ev.add('Channel-Read-Codec-Name', 'PCMU')
      .add('Channel-Read-Codec-Rate', '8000')
      .add('Channel-Read-Codec-Bit-Rate', '64000')
      .add('Channel-Write-Codec-Name', 'PCMU')
      .add('Channel-Write-Codec-Rate', '8000')
      .add('Channel-Write-Codec-Bit-Rate', '64000');
  }
  addProfile(ev, CALLER_NAMES, ch);
  if (ch.otherLeg) {
    ev.add('Other-Type', ch.otherLeg.type);
    addProfile(ev, OTHER_LEG_NAMES, ch.otherLeg.channel);
  }
  if (withVariables) {
    ev.addBlock(ch.variablesBlock());
  }
}
