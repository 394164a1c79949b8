import { randomUUID } from 'node:crypto';
import { SimEvent } from '../esl/sim-event';
import { addChannelData, Channel, EVENTS_WITH_VARIABLES } from './channel';
import { createRng, type Rng } from './rng';
import { Scheduler, type TimerHandle } from './scheduler';
import { eventDates, nowMicros, upTimeText } from './time-format';
import type { World } from '../world/world';

export const FS_VERSION = '1.10.12-release git a88d069 2024-08-02 21:02:27Z 64bit';

/** A connection that may receive events (an ESL listener). */
export interface EventListener {
  /** Cheap pre-check on name only, so events nobody wants are never built. */
  mightWant(name: string): boolean;
  offer(event: SimEvent): void;
  /** The switch is going down: send `message` as a disconnect notice and close. */
  kill(message: string | undefined): void;
  /** A channel hung up (for connections bound with myevents). */
  channelDown?(uuid: string): void;
}

/** What the `socket` application asks of the event socket: connect out and hand the session over. */
export interface OutboundSocketRequest {
  channel: Channel;
  /** `host:port` targets in failover order (the `|`-separated list of the app). */
  targets: Array<{ host: string; port: number }>;
  /** `async`: the channel parks and sendmsg is queued; otherwise sendmsg runs before its reply. */
  async: boolean;
  /** `full`: every command; otherwise only the single-channel set. */
  full: boolean;
  /** TCP connected to one of the targets. */
  connected(): void;
  /** No target accepted the connection. */
  failed(): void;
  /** The socket closed while the session lives (the controller left or said `exit`). */
  closed(): void;
}

export interface SwitchOptions {
  hostname: string;
  ipv4: string;
  maxSessions: number;
  sessionsPerSecond: number;
  /** Random delay (real ms, 0..jitter) between the bgapi thread and the channel thread. */
  jitterMs: number;
  heartbeatMs: number;
  seed: number;
}

const CALLERS: Record<string, [string, string, number]> = {
  CHANNEL_CREATE: ['switch_core_state_machine.c', 'switch_core_session_run', 627],
  CHANNEL_ORIGINATE: ['switch_core_state_machine.c', 'switch_core_session_run', 636],
  CHANNEL_OUTGOING: ['switch_core_session.c', 'switch_core_session_outgoing_channel', 746],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', 2096],
  CHANNEL_CALLSTATE: ['switch_channel.c', 'switch_channel_perform_set_callstate', 350],
  CHANNEL_PROGRESS: ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 1020],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3599],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', 3848],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', 2917],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', 2955],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', 989],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', 1216],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 1158],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 1255],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', 3614],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', 940],
  CHANNEL_DESTROY: ['switch_core_session.c', 'switch_core_session_perform_destroy', 1613],
  CHANNEL_HOLD: ['switch_channel.c', 'switch_channel_perform_set_flag_value', 1320],
  CHANNEL_UNHOLD: ['switch_channel.c', 'switch_channel_perform_clear_flag', 1487],
  DTMF: ['switch_channel.c', 'switch_channel_queue_dtmf', 512],
  RECORD_START: ['switch_ivr_async.c', 'record_callback', 1309],
  RECORD_STOP: ['switch_ivr_async.c', 'record_callback', 1480],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 1412],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 1905],
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', 1525],
  API: ['switch_loadable_module.c', 'switch_api_execute', 2947],
  HEARTBEAT: ['switch_core.c', 'send_heartbeat', 90],
  RE_SCHEDULE: ['switch_scheduler.c', 'switch_scheduler_execute', 97],
  CUSTOM: ['mod_conference.c', 'conference_member_add_event_data', 734],
};

export interface SwitchStats {
  sessionsSinceStartup: number;
  peakSessions: number;
  peakSps: number;
  eventsFired: number;
  originates: number;
}

/**
 * One simulated FreeSWITCH: its identity (Core-UUID, hostname), event bus, channel
 * table, session limits and heartbeat. Restarting gives a new Core-UUID and an empty
 * channel table, like a real process restart.
 */
export class SimSwitch {
  coreUuid = randomUUID();
  startedUs = nowMicros();
  readonly channels = new Map<string, Channel>();
  readonly listeners = new Set<EventListener>();
  readonly rng: Rng;
  stats: SwitchStats = {
    sessionsSinceStartup: 0,
    peakSessions: 0,
    peakSps: 0,
    eventsFired: 0,
    originates: 0,
  };
  maxSessions: number;
  sessionsPerSecond: number;
  pausedOutbound = false;
  /** Set by the node's event socket; without it the `socket` application fails like an unreachable host. */
  outboundConnector: ((request: OutboundSocketRequest) => void) | undefined = undefined;
  private sequence = 0;
  private spsSecond = 0;
  private spsUsed = 0;
  private spsLast = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sessionCounter = 0;
  /** switch_core_set_variable globals, in the order FreeSWITCH sets them (global_getvar). */
  readonly globals = new Map<string, string>();

  constructor(
    readonly options: SwitchOptions,
    readonly scheduler: Scheduler,
    readonly world: World,
  ) {
    this.maxSessions = options.maxSessions;
    this.sessionsPerSecond = options.sessionsPerSecond;
    this.rng = createRng(options.seed);
    this.initGlobals();
  }

  /**
   * The globals switch_core_init sets (hostname, local IPs, directories of the Debian
   * package, switch_serial), then the vanilla vars.xml ones a dialer may read, then
   * core_uuid, which switch_core_init sets last. A restart sets them again.
   */
  private initGlobals(): void {
    const g = this.globals;
    g.clear();
    const { hostname, ipv4 } = this.options;
    const serialRng = createRng(this.options.seed ^ 0x5e71a1);
    const ipHex = ipv4
      .split('.')
      .map((octet) => Number(octet).toString(16).padStart(2, '0'))
      .join('');
    let suffix = '';
    for (let i = 0; i < 4; i++) suffix += Math.floor(serialRng() * 16).toString(16);
    const entries: Array<[string, string]> = [
      ['hostname', hostname],
      ['local_ip_v4', ipv4],
      ['local_mask_v4', '255.0.0.0'],
      ['local_ip_v6', '::1'],
      ['base_dir', '/usr'],
      ['recordings_dir', '/var/lib/freeswitch/recordings'],
      ['sound_prefix', '/usr/share/freeswitch/sounds/en/us/callie'],
      ['sounds_dir', '/usr/share/freeswitch/sounds'],
      ['switch_serial', ipHex + suffix],
      ['domain', ipv4],
      ['domain_name', ipv4],
      ['hold_music', 'local_stream://moh'],
      ['use_profile', 'external'],
      ['outbound_caller_name', 'FreeSWITCH'],
      ['outbound_caller_id', '0000000000'],
      ['internal_sip_port', '5060'],
      ['external_sip_port', '5080'],
      ['core_uuid', this.coreUuid],
    ];
    for (const [k, v] of entries) g.set(k, v);
  }

  get hostname(): string {
    return this.options.hostname;
  }

  start(): void {
    if (this.options.heartbeatMs > 0 && !this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => this.fireHeartbeat(), this.options.heartbeatMs);
      this.heartbeatTimer.unref();
    }
  }

  stop(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** A process restart: live calls vanish without events, counters and Core-UUID are new. */
  restart(): void {
    for (const ch of this.channels.values()) {
      for (const t of ch.timers) t.cancel();
      ch.timers.clear();
      ch.hungUp = true;
      ch.destroyed = true;
    }
    this.channels.clear();
    this.coreUuid = randomUUID();
    this.initGlobals();
    this.startedUs = nowMicros();
    this.sequence = 0;
    this.stats = { sessionsSinceStartup: 0, peakSessions: 0, peakSps: 0, eventsFired: 0, originates: 0 };
    this.sessionCounter = 0;
  }

  nextSessionId(): number {
    return ++this.sessionCounter;
  }

  /** Runs `fn` after a random 0..jitter ms: models work done by another FreeSWITCH thread. */
  afterJitter(fn: () => void): void {
    const jitter = this.options.jitterMs;
    if (jitter <= 0) {
      queueMicrotask(fn);
      return;
    }
    this.scheduler.after(this.rng() * jitter, fn);
  }

  /** Schedules simulated-time work owned by a channel (cancelled when it is destroyed). */
  channelTimer(ch: Channel, simMs: number, fn: () => void): TimerHandle {
    const handle = this.scheduler.afterSim(simMs, () => {
      ch.timers.delete(handle);
      if (!ch.destroyed) fn();
    });
    ch.timers.add(handle);
    return handle;
  }

  /**
   * switch_core_session_request_uuid's admission checks. Returns a refusal reason for the
   * log, or undefined when a new session may be created (and counts it).
   */
  admitSession(uuid: string | undefined): string | undefined {
    if (uuid !== undefined && this.channels.has(uuid)) return 'Duplicate UUID!';
    if (this.channels.size + 1 > this.maxSessions) return 'Over Session Limit!';
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.spsSecond) {
      this.spsLast = second === this.spsSecond + 1 ? this.spsUsed : 0;
      this.spsSecond = second;
      this.spsUsed = 0;
    }
    if (this.spsUsed + 1 > this.sessionsPerSecond) return 'Throttle Error!';
    this.spsUsed++;
    this.stats.peakSps = Math.max(this.stats.peakSps, this.spsUsed);
    return undefined;
  }

  registerChannel(ch: Channel): void {
    this.channels.set(ch.uuid, ch);
    this.stats.sessionsSinceStartup++;
    this.stats.peakSessions = Math.max(this.stats.peakSessions, this.channels.size);
  }

  get currentSps(): number {
    const second = Math.floor(Date.now() / 1000);
    return second === this.spsSecond ? this.spsUsed : 0;
  }

  get lastSps(): number {
    const second = Math.floor(Date.now() / 1000);
    if (second === this.spsSecond) return this.spsLast;
    return second === this.spsSecond + 1 ? this.spsUsed : 0;
  }

  /**
   * Fires one event: common headers in FreeSWITCH's order, then whatever `build` adds.
   * Skipped entirely (only the sequence advances) when no listener subscribes to the name.
   */
  fire(name: string, build: (ev: SimEvent) => void, subclass?: string): void {
    this.sequence++;
    this.stats.eventsFired++;
    let wanted = false;
    for (const l of this.listeners) {
      if (l.mightWant(name)) {
        wanted = true;
        break;
      }
    }
    if (!wanted) return;
    const ev = this.newEvent(name, subclass, CALLERS[name]);
    build(ev);
    for (const l of this.listeners) l.offer(ev);
  }

  /**
   * An event that is built but not fired (switch_event_create prepares the common headers
   * at creation), e.g. the CHANNEL_DATA of an outbound socket's `connect` reply.
   */
  createEvent(name: string, caller: [string, string, number]): SimEvent {
    this.sequence++;
    return this.newEvent(name, undefined, caller);
  }

  private newEvent(name: string, subclass: string | undefined, calling?: [string, string, number]): SimEvent {
    const ev = new SimEvent(name, subclass);
    const nowUs = nowMicros();
    const dates = eventDates(nowUs / 1000);
    const caller = calling ?? ['switch_event.c', 'switch_event_fire_detailed', 2000];
    ev.add('Event-Name', name)
      .add('Core-UUID', this.coreUuid)
      .add('FreeSWITCH-Hostname', this.options.hostname)
      .add('FreeSWITCH-Switchname', this.options.hostname)
      .add('FreeSWITCH-IPv4', this.options.ipv4)
      .add('FreeSWITCH-IPv6', '::1')
      .add('Event-Date-Local', dates.local)
      .add('Event-Date-GMT', dates.gmt)
      .add('Event-Date-Timestamp', nowUs)
      .add('Event-Calling-File', caller[0])
      .add('Event-Calling-Function', caller[1])
      .add('Event-Calling-Line-Number', caller[2])
      .add('Event-Sequence', this.sequence);
    if (subclass) ev.add('Event-Subclass', subclass);
    return ev;
  }

  /** A channel event: `pre` headers, the channel-data block (variables where FS adds them), then `post`. */
  fireChannel(
    name: string,
    ch: Channel,
    pre?: Array<[string, string]>,
    post?: Array<[string, string]>,
    subclass?: string,
  ): void {
    this.fire(
      name,
      (ev) => {
        if (pre) for (const [k, v] of pre) ev.add(k, v);
        addChannelData(ev, ch, EVENTS_WITH_VARIABLES.has(name));
        if (post) for (const [k, v] of post) ev.add(k, v);
      },
      subclass,
    );
  }

  uptimeText(): string {
    return upTimeText(nowMicros() - this.startedUs);
  }

  fireHeartbeat(): void {
    const uptimeMs = Math.floor((nowMicros() - this.startedUs) / 1000);
    this.fire('HEARTBEAT', (ev) => {
      ev.add('Event-Info', 'System Ready')
        .add('Up-Time', this.uptimeText())
        .add('FreeSWITCH-Version', FS_VERSION)
        .add('Uptime-msec', uptimeMs)
        .add('Session-Count', this.channels.size)
        .add('Max-Sessions', this.maxSessions)
        .add('Session-Per-Sec', this.sessionsPerSecond)
        .add('Session-Per-Sec-Last', this.lastSps)
        .add('Session-Per-Sec-Max', this.stats.peakSps)
        .add('Session-Per-Sec-FiveMin', this.stats.peakSps)
        .add('Session-Since-Startup', this.stats.sessionsSinceStartup)
        .add('Session-Peak-Max', this.stats.peakSessions)
        .add('Session-Peak-FiveMin', this.stats.peakSessions)
        .add('Idle-CPU', '98.000000');
    });
    this.fire('RE_SCHEDULE', (ev) => {
      ev.add('Task-ID', '1')
        .add('Task-Desc', 'heartbeat')
        .add('Task-Group', 'core')
        .add('Task-Runtime', Math.floor(Date.now() / 1000) + Math.round(this.options.heartbeatMs / 1000));
    });
  }

  notifyChannelDown(uuid: string): void {
    for (const l of this.listeners) l.channelDown?.(uuid);
  }
}
