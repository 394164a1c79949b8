import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { CallEngine } from '../core/call-engine';
import { fireApiEvent, runApi, runBackgroundJob } from '../core/api-commands';
import { addChannelData, addChannelProfile } from '../core/channel';
import type { EventListener } from '../core/sim-switch';
import { CommandParser, frameHeader, type CommandFrame } from './command-parser';
import { SimEvent, type EventFormat } from './sim-event';
import { eventNameFromWord, Subscription } from './subscription';
import {
  apiResponse,
  AUTH_REQUEST,
  commandReply,
  disconnectNotice,
  GOODBYE,
  LOST_EVENTS_NOTICE,
} from './wire';
import { splitApp } from '../core/call-engine';

export interface ConnectionLimits {
  /** MAX_QUEUE_LEN: events waiting for this connection (100 000). */
  queueLimit: number;
  /** MAX_MISSED: consecutive drops before the connection is killed (500). */
  maxMissed: number;
  /** First-command timeout after auth/request (25 s). */
  authTimeoutMs: number;
  /** Bytes allowed in Node's socket buffer before we stop writing and let the queue grow. */
  writeHighWater: number;
}

/** An outbound connection: fs-sim dialled the controller for one session (the `socket` app). */
export interface OutboundSession {
  uuid: string;
  /** `async`: sendmsg is queued and answered at once; otherwise it runs before its +OK. */
  async: boolean;
  /** `full`: every command; otherwise only connect, getvar, myevents, resume, filter, divert_events, sendmsg, exit. */
  full: boolean;
  /** The socket closed (whoever closed it). */
  onClosed(): void;
}

const LOG_LEVELS: Record<string, number> = {
  console: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/**
 * One ESL connection, inbound (a client dialled us) or outbound (the `socket` application
 * dialled a controller for one session), following mod_event_socket's listener thread: commands are
 * handled strictly in order, an `api` blocks the connection (and its event delivery)
 * until it returns, `bgapi` runs aside, and events are written only while the connection
 * is idle. Events that the client does not read pile up in a bounded queue; after 500
 * consecutive losses the connection is killed, and the switch carries on.
 */
export class EslConnection implements EventListener {
  private readonly parser = new CommandParser();
  private readonly pending: CommandFrame[] = [];
  private readonly sub = new Subscription();
  private format: EventFormat = 'plain';
  private authed = false;
  private running = true;
  private busy = false;
  /** Serialised events waiting for the socket (bytes, not event objects: a backlog stays compact). */
  private queue: Array<Buffer | undefined> = [];
  private queueHead = 0;
  private lost = 0;
  private flushScheduled = false;
  private waitingDrain = false;
  private authTimer: NodeJS.Timeout | undefined;
  private boundUuid: string | undefined;
  private linger: number | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly engine: CallEngine,
    private readonly password: string,
    private readonly limits: ConnectionLimits,
    private readonly onClose: (conn: EslConnection) => void,
    private readonly outbound?: OutboundSession,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed());
    socket.on('drain', () => {
      this.waitingDrain = false;
      this.scheduleFlush();
    });
    engine.sw.listeners.add(this);
    if (outbound) {
      // No auth/request: the controller must speak first (`connect`), within the same 25 s.
      this.authed = true;
      this.boundUuid = outbound.uuid;
    } else {
      socket.write(AUTH_REQUEST);
    }
    this.authTimer = setTimeout(() => this.close(GOODBYE), limits.authTimeoutMs);
  }

  /** What the operator sees in /stats: how far behind this client is. */
  backlog(): { queued: number; socketBytes: number; waitingDrain: boolean; lost: number } {
    return {
      queued: this.queue.length - this.queueHead,
      socketBytes: this.socket.writableLength,
      waitingDrain: this.waitingDrain,
      lost: this.lost,
    };
  }

  // ------------------------------------------------------------- EventListener

  mightWant(name: string): boolean {
    return this.running && this.sub.wantsName(name);
  }

  offer(event: SimEvent): void {
    if (!this.running || !this.sub.wants(event)) return;
    if (this.queue.length - this.queueHead >= this.limits.queueLimit) {
      if (++this.lost > this.limits.maxMissed) this.kill(LOST_EVENTS_NOTICE);
      return;
    }
    this.lost = 0;
    // Serialised now in the connection's current format; the bytes are shared with every
    // other subscriber using that format.
    this.queue.push(event.wireBytes(this.format));
    this.scheduleFlush();
  }

  kill(message: string | undefined): void {
    if (!this.running) return;
    this.running = false;
    if (message) this.socket.write(disconnectNotice(message));
    this.socket.destroy();
  }

  channelDown(uuid: string): void {
    if (this.boundUuid !== uuid || !this.running) return;
    if (this.linger !== undefined) {
      const name = this.engine.sw.channels.get(uuid)?.name ?? '';
      // Queued behind the events so far (up to CHANNEL_HANGUP); the late ones, HANGUP_COMPLETE
      // and DESTROY, follow the notice: that is what lingering is for.
      this.queue.push(
        Buffer.from(
          `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\nChannel-Name: ${name}\nLinger-Time: ${this.linger}\nContent-Length: 0\n\n`,
        ),
      );
      this.scheduleFlush();
      if (this.linger >= 0) this.lingerTimer = setTimeout(() => this.close(GOODBYE), this.linger * 1000);
      return;
    }
    setImmediate(() => {
      this.flush();
      this.close(GOODBYE);
    });
  }

  // ------------------------------------------------------------- input

  private onData(data: Buffer): void {
    if (!this.running) return;
    let frames: CommandFrame[];
    try {
      frames = this.parser.push(data);
    } catch {
      // An impossible body length: FreeSWITCH drops the connection.
      this.running = false;
      this.socket.destroy();
      return;
    }
    if (frames.length === 0) return;
    this.pending.push(...frames);
    this.drainCommands();
  }

  private drainCommands(): void {
    while (this.running && !this.busy && this.pending.length) {
      const frame = this.pending.shift()!;
      if (this.authTimer) {
        clearTimeout(this.authTimer);
        this.authTimer = undefined;
      }
      this.handle(frame);
    }
    if (!this.busy) this.scheduleFlush();
  }

  private reply(text: string, extra = ''): void {
    this.socket.write(commandReply(text, extra));
  }

  /** Writes a final reply, then the goodbye notice, then closes (exit, bad password). */
  private close(message: string): void {
    if (!this.running) return;
    this.running = false;
    // A connection bound with myevents says which session it controlled, like send_disconnect.
    this.socket.write(disconnectNotice(message, this.boundUuid));
    this.socket.end();
  }

  private handle(frame: CommandFrame): void {
    const raw = frame.command;
    const cmd = raw.split(/[\r\n]/)[0]!;
    const lower = cmd.toLowerCase();

    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.reply('+OK bye');
      this.close(GOODBYE);
      return;
    }
    if (!this.authed) {
      if (lower.startsWith('auth ')) {
        if (cmd.slice(5) === this.password) {
          this.authed = true;
          this.reply('+OK accepted');
        } else {
          this.reply('-ERR invalid');
          this.close(GOODBYE);
        }
        return;
      }
      if (lower.startsWith('userauth ')) {
        // No directory users in the simulator: FreeSWITCH answers an unknown user like a bad password.
        this.reply('-ERR invalid');
        this.close(GOODBYE);
        return;
      }
      this.reply('-ERR command not found');
      return;
    }

    if (lower.startsWith('filter ')) return this.reply(this.filter(cmd.slice(7)));
    if (lower.startsWith('resume') && this.boundUuid) {
      // The dialplan goes on when the socket closes (instead of hanging up).
      this.engine.sw.channels.get(this.boundUuid)?.setVar('socket_resume', 'true');
      return this.reply('+OK');
    }
    if (this.outbound && lower.startsWith('connect')) return this.connectReply();
    if (this.boundUuid || lower.startsWith('myevents ')) {
      if (lower.startsWith('getvar') && this.boundUuid) {
        const name = cmd.split(' ')[1];
        const value = name ? this.engine.sw.channels.get(this.boundUuid)?.vars.get(name) : undefined;
        return this.reply(value ?? '');
      }
      if (lower.startsWith('myevents')) return this.reply(this.myevents(cmd));
    }
    if (lower.startsWith('divert_events')) {
      if (!this.boundUuid) return this.reply('-ERR not controlling a session.');
      const value = cmd.slice(13).trim();
      if (!value) return this.reply('-ERR missing value.');
      return this.reply(value.toLowerCase() === 'on' ? '+OK events diverted' : '+OK events not diverted');
    }
    if (lower.startsWith('sendmsg')) {
      const result = this.sendmsg(cmd.slice(7).trim(), frame);
      if (result !== undefined) this.reply(result);
      return;
    }
    // An outbound socket without `full` stops here (LFLAG_OUTBOUND && !LFLAG_FULL).
    if (this.outbound && !this.outbound.full) return this.reply('-ERR command not found');
    if (lower.startsWith('sendevent')) return this.reply(this.sendevent(cmd.slice(9).trim(), frame));
    if (lower.startsWith('api ')) return this.api(cmd.slice(4));
    if (lower.startsWith('bgapi ')) return this.bgapi(cmd.slice(6), frame);
    if (lower.startsWith('log')) {
      const level = cmd.length > 3 ? cmd.slice(4) : '';
      const n = level === '' ? 7 : /^\d+$/.test(level) ? Number(level) : LOG_LEVELS[level.toLowerCase()];
      // The simulator has no log lines to stream; the level is accepted like FreeSWITCH does.
      return this.reply(
        n === undefined || n > 7 ? '-ERR invalid log level' : `+OK log level ${level} [${n}]`,
      );
    }
    if (lower.startsWith('linger')) {
      if (!this.boundUuid) return this.reply('-ERR not controlling a session');
      const secs = cmd.slice(7).trim();
      this.linger = secs ? parseInt(secs, 10) : -1;
      return this.reply(this.linger >= 0 ? `+OK will linger ${this.linger} seconds` : '+OK will linger');
    }
    if (lower.startsWith('nolinger')) {
      if (!this.boundUuid) return this.reply('-ERR not controlling a session');
      this.linger = undefined;
      return this.reply('+OK will not linger');
    }
    if (lower.startsWith('nolog')) return this.reply('-ERR not loging');
    if (lower.startsWith('event')) return this.reply(this.event(cmd));
    if (lower.startsWith('nixevent')) {
      const words = cmd.split(' ').slice(1);
      const result = this.sub.nix(words);
      return this.reply(result.ok ? '+OK events nixed' : result.reply);
    }
    if (lower.startsWith('noevents')) {
      this.queue = [];
      this.queueHead = 0;
      if (!this.sub.enabled) return this.reply('-ERR not listening for events');
      this.sub.clearEvents();
      return this.reply('+OK no longer listening for events');
    }
    this.reply('-ERR command not found');
  }

  private event(cmd: string): string {
    const words = cmd.split(' ').slice(1);
    const first = words[0]?.toLowerCase();
    if (first === 'plain' || first === 'json' || first === 'xml') {
      this.format = first;
      words.shift();
    }
    const result = this.sub.subscribe(words);
    return result.ok ? `+OK event listener enabled ${this.format}` : result.reply;
  }

  private filter(rest: string): string {
    let text = rest.replace(/^ +/, '');
    const space = text.indexOf(' ');
    let header = space < 0 ? text : text.slice(0, space);
    let value: string | undefined = space < 0 ? undefined : text.slice(space + 1);
    if (header.toLowerCase() === 'delete' && value !== undefined) {
      text = value;
      const sp = text.indexOf(' ');
      header = sp < 0 ? text : text.slice(0, sp);
      value = sp < 0 ? undefined : text.slice(sp + 1);
      this.sub.deleteFilter(header, value);
      return `+OK filter deleted. [${header}][${value ?? ''}]`;
    }
    if (value === undefined) return '-ERR invalid syntax';
    if (header.toLowerCase() === 'add') {
      const sp = value.indexOf(' ');
      header = sp < 0 ? value : value.slice(0, sp);
      value = sp < 0 ? undefined : value.slice(sp + 1);
      if (value === undefined) return '-ERR invalid syntax';
    }
    this.sub.addFilter(header, value);
    return `+OK filter added. [${header}]=[${value}]`;
  }

  private myevents(cmd: string): string {
    if (this.sub.myUuid !== undefined || (this.boundUuid && !this.outbound)) return '-ERR aready enabled.';
    const parts = cmd.split(' ');
    // Outbound: `myevents [format]` for the controlled session.
    const uuid = this.outbound ? this.outbound.uuid : (parts[1] ?? '');
    const fmt = this.outbound ? undefined : parts[2];
    const ch = this.engine.sw.channels.get(uuid);
    if (!ch && fmt) return '-ERR invalid uuid';
    if (ch) this.boundUuid = uuid;
    // An unknown uuid without a format binds nothing: every event with a Unique-ID passes (FS quirk).
    this.sub.subscribeMyEvents(ch ? uuid : '');
    if (/xml/i.test(cmd)) this.format = 'xml';
    if (/json/i.test(cmd)) this.format = 'json';
    return '+OK Events Enabled';
  }

  /** Returns the reply, or undefined when it comes later (static outbound: after the app ran). */
  private sendmsg(uuidArg: string, frame: CommandFrame): string | undefined {
    const uuid = uuidArg || frameHeader(frame, 'session-id') || this.boundUuid || '';
    const ch = uuid ? this.engine.sw.channels.get(uuid) : undefined;
    if (!ch || ch.destroyed) return `-ERR invalid session id [${uuid}]`;
    const command = (frameHeader(frame, 'call-command') ?? '').toLowerCase();
    const engine = this.engine;
    // A static (not async) outbound socket runs its own session's messages in the session
    // thread (switch_ivr_parse_event): the +OK, and everything else, waits for the app.
    const inline = this.outbound !== undefined && !this.outbound.async && uuid === this.outbound.uuid;
    if (command === 'execute') {
      const name = frameHeader(frame, 'execute-app-name') ?? '';
      const data = frameHeader(frame, 'execute-app-arg') ?? frame.body ?? '';
      const loops = Number(frameHeader(frame, 'loops') ?? 1) || 1;
      const appUuid = frameHeader(frame, 'Event-UUID');
      if (name && !ch.hungUp) {
        const app = name.includes('::') ? splitApp(name) : { name, data, loops };
        if (inline) {
          this.busy = true;
          engine.queueApp(ch, {
            ...app,
            appUuid,
            loops,
            onComplete: () => {
              this.busy = false;
              if (this.running) this.reply('+OK');
              this.drainCommands();
            },
          });
          return undefined;
        }
        setImmediate(() => engine.queueApp(ch, { ...app, appUuid, loops }));
      }
    } else if (command === 'hangup') {
      const cause = frameHeader(frame, 'hangup-cause');
      setImmediate(() =>
        engine.hangup(
          ch,
          (cause ?? 'NORMAL_CLEARING').toUpperCase(),
          ch.answered ? 'send_bye' : 'send_cancel',
        ),
      );
    }
    return '+OK';
  }

  private sendevent(nameArg: string, frame: CommandFrame): string {
    const eventUuid = randomUUID();
    const name = eventNameFromWord(nameArg) ?? 'CLONE';
    const subclass = name === 'CUSTOM' ? frameHeader(frame, 'Event-Subclass') : undefined;
    this.engine.sw.fire(
      name,
      (ev) => {
        ev.add('Command', `sendevent ${nameArg}`);
        for (const [k, v] of frame.headers) if (k.toLowerCase() !== 'content-length') ev.add(k, v);
        ev.add('Event-UUID', eventUuid);
        if (frame.body) ev.body = frame.body;
      },
      subclass,
    );
    return `+OK ${eventUuid}`;
  }

  private api(text: string): void {
    const space = text.indexOf(' ');
    const cmd = space < 0 ? text : text.slice(0, space);
    const arg = space < 0 ? undefined : text.slice(space + 1);
    const result = runApi(this.engine, cmd, arg);
    const finish = (body: string) => {
      fireApiEvent(this.engine, cmd, arg);
      if (this.running) this.socket.write(apiResponse(body));
    };
    if (typeof result === 'string') {
      finish(result);
      return;
    }
    // A blocking api (originate) holds the connection: no other command, no event, until it returns.
    this.busy = true;
    void result
      .then(finish, (error: Error) => finish(`-ERR ${error.message}\n`))
      .finally(() => {
        this.busy = false;
        this.drainCommands();
      });
  }

  private bgapi(text: string, frame: CommandFrame): void {
    const space = text.indexOf(' ');
    const cmd = space < 0 ? text : text.slice(0, space);
    const arg = space < 0 ? undefined : text.slice(space + 1);
    const jobUuid = frameHeader(frame, 'job-uuid') || randomUUID();
    this.reply(`+OK Job-UUID: ${jobUuid}`, `Job-UUID: ${jobUuid}\n`);
    // Job-Owner-UUID is the controlled session's uuid; empty (so absent) on inbound.
    runBackgroundJob(this.engine, cmd, arg, jobUuid, this.outbound?.uuid);
  }

  /**
   * `connect` on an outbound socket: the session's CHANNEL_DATA serialised as plain
   * (URL-encoded) headers, with Content-Type, Reply-Text (`+OK\n`), Socket-Mode and Control
   * appended last, written as the reply itself.
   */
  private connectReply(): void {
    const out = this.outbound!;
    const ch = this.engine.sw.channels.get(out.uuid);
    if (!ch || ch.destroyed) return this.close(GOODBYE);
    const ev = this.engine.sw.createEvent('CHANNEL_DATA', ['mod_event_socket.c', 'parse_command', 1916]);
    addChannelProfile(ev, ch);
    addChannelData(ev, ch, true);
    ev.add('Content-Type', 'command/reply')
      .add('Reply-Text', '+OK\n')
      .add('Socket-Mode', out.async ? 'async' : 'static')
      .add('Control', out.full ? 'full' : 'single-channel');
    this.socket.write(ev.serialize('plain'));
  }

  // ------------------------------------------------------------- output

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.running) return;
    if (this.queueHead >= this.queue.length) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (!this.running || this.busy || this.pending.length || this.waitingDrain) return;
    const parts: Buffer[] = [];
    let size = this.socket.writableLength;
    while (this.queueHead < this.queue.length && size < this.limits.writeHighWater) {
      const bytes = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined;
      parts.push(bytes);
      size += bytes.length;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (parts.length) {
      const ok = this.socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      if (!ok) this.waitingDrain = true;
    }
    if (this.queueHead < this.queue.length && !this.waitingDrain) this.scheduleFlush();
  }

  private closed(): void {
    this.running = false;
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.engine.sw.listeners.delete(this);
    this.queue = [];
    this.queueHead = 0;
    this.onClose(this);
    this.outbound?.onClosed();
  }
}
