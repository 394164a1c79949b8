import { randomUUID } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type {
  BackgroundJobResult,
  BgapiOptions,
  ConnectedInfo,
  ConnectionState,
  DisconnectReason,
  EslConnection,
  EslConnectionEvents,
  EslConnectionOptions,
  EslConnectionStats,
  OriginateResult,
  RequestOptions,
} from './esl-connection';
import { EslError } from './esl-error';
import type { EslEvent } from './events/esl-event';
import { parseJsonEvent } from './events/parse-event';
import { buildOriginateArgs, type OriginateSpec } from './originate';
import { parseOriginateResult, parseShowChannels, type ChannelRow } from './show-channels';
import { traceCommand } from './trace-command';
import { TypedEmitter } from './typed-emitter';
import { EslFramer, type EslMessage } from './wire/esl-framer';

/** A command or api awaiting its reply. Replies come strictly in order (reference 2.1). */
interface PendingReply {
  kind: 'command' | 'api';
  command: string;
  resolve: (message: EslMessage) => void;
  reject: (error: EslError) => void;
  timer: NodeJS.Timeout | undefined;
  /**
   * A timed-out entry stays in the FIFO until its late reply arrives and is dropped; removing
   * it would hand that reply to the next request (modesl/drachtio misattribution, 7.2 #3).
   */
  settled: boolean;
}

interface PendingJob {
  command: string;
  internal?: boolean;
  resolve: (result: BackgroundJobResult) => void;
  reject: (error: EslError) => void;
  timer: NodeJS.Timeout;
}

/** One TCP connection's worth of state; a reconnect makes a new one and the old is dropped whole. */
interface Session {
  socket: Socket;
  framer: EslFramer;
  replies: PendingReply[];
  ready: boolean;
  closeReason: DisconnectReason | undefined;
  closeError: Error | undefined;
  handshakeTimer: NodeJS.Timeout | undefined;
  /** Subscriptions and filters already sent on this connection. */
  appliedEvents: Set<string>;
  appliedFilters: number;
}

const DEFAULTS = {
  connectTimeoutMs: 5_000,
  handshakeTimeoutMs: 5_000,
  apiTimeoutMs: 10_000,
  bgapiTimeoutMs: 120_000,
  missedHeartbeats: 2,
  maxQueuedEvents: 1_000,
};

const LOST_EVENTS = /lost events/i;
const SHUTTING_DOWN = /shut ?down/i;

/**
 * An inbound ESL client that survives what FreeSWITCH does: every request has a timeout
 * and is failed with a typed error when the connection drops; the connection comes back
 * with capped, jittered back-off, re-subscribes, re-filters, learns the node's Core-UUID
 * and says `reconnected` so the dialer reconciles; a HEARTBEAT watchdog catches half-open
 * sockets; a slow listener pauses the socket instead of buffering without bound.
 */
export class EslClient implements EslConnection {
  readonly name: string;
  private readonly opts: Required<Omit<EslConnectionOptions, 'reconnect' | 'filters' | 'events' | 'name'>> & {
    backoff: BackoffOptions;
  };
  private readonly emitter: TypedEmitter<EslConnectionEvents>;
  private readonly subscriptions = new Set<string>(['BACKGROUND_JOB']);
  private readonly filters: Array<readonly [string, string]> = [];
  private readonly jobs = new Map<string, PendingJob>();
  private session: Session | undefined;
  private currentState: ConnectionState = 'idle';
  private currentCoreUuid: string | undefined;
  private everConnected = false;
  private attempts = 0;
  private downSince: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastHeartbeatAt: number | undefined;
  private connectWaiters: Array<{ resolve: (i: ConnectedInfo) => void; reject: (e: EslError) => void }> = [];
  private readonly eventQueue: EslEvent[] = [];
  private eventHead = 0;
  private dispatching = false;
  private paused = false;
  private readonly counters = {
    eventsReceived: 0,
    malformedEvents: 0,
    maxQueuedEventsSeen: 0,
    timeouts: 0,
    disconnects: 0,
    reconnects: 0,
    commandFailures: 0,
    foreignJobs: 0,
  };

  constructor(options: EslConnectionOptions) {
    this.name = options.name ?? `${options.host}:${options.port}`;
    this.opts = {
      host: options.host,
      port: options.port,
      password: options.password,
      alwaysDeliver: options.alwaysDeliver ?? ['BACKGROUND_JOB', 'HEARTBEAT'],
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
      apiTimeoutMs: options.apiTimeoutMs ?? DEFAULTS.apiTimeoutMs,
      bgapiTimeoutMs: options.bgapiTimeoutMs ?? DEFAULTS.bgapiTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0,
      missedHeartbeats: options.missedHeartbeats ?? DEFAULTS.missedHeartbeats,
      maxQueuedEvents: Math.max(1, options.maxQueuedEvents ?? DEFAULTS.maxQueuedEvents),
      backoff: { ...DEFAULT_BACKOFF, ...options.reconnect },
    };
    for (const e of expandEventNames(options.events ?? [])) this.subscriptions.add(e);
    if (this.opts.heartbeatIntervalMs > 0) this.subscriptions.add('HEARTBEAT');
    for (const f of options.filters ?? []) this.filters.push([f[0], f[1]]);
    this.emitter = new TypedEmitter<EslConnectionEvents>((error, event) => {
      if (event === 'listenerError') return; // never recurse
      this.emitter.emit('listenerError', { event: String(event), error });
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get coreUuid(): string | undefined {
    return this.currentCoreUuid;
  }

  on<K extends keyof EslConnectionEvents>(
    event: K,
    listener: (...args: EslConnectionEvents[K]) => unknown,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  connect(): Promise<ConnectedInfo> {
    if (this.currentState === 'closed') return Promise.reject(this.closedError());
    if (this.currentState === 'connected' && this.currentCoreUuid)
      return Promise.resolve({ coreUuid: this.currentCoreUuid });
    const p = new Promise<ConnectedInfo>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.currentState === 'idle') {
      this.currentState = 'connecting';
      this.downSince = Date.now();
      this.openSession();
    }
    return p;
  }

  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopWatchdog();
    const session = this.session;
    if (session) {
      if (session.ready && !session.socket.destroyed) session.socket.write('exit\n\n');
      this.endSession(session, 'CLOSED', undefined);
    }
    this.failJobs(() => this.closedError());
    for (const w of this.connectWaiters.splice(0)) w.reject(this.closedError());
  }

  /** One CLIENT span per api command (traceCommand). */
  api(command: string, options: RequestOptions = {}): Promise<string> {
    return traceCommand(this.name, 'api', command, () => this.sendApi(command, options));
  }

  private async sendApi(command: string, options: RequestOptions): Promise<string> {
    checkLine(command);
    const reply = await this.request(
      'api',
      `api ${command}`,
      {},
      options.timeoutMs ?? this.opts.apiTimeoutMs,
    );
    // A restricted ESL user gets a command/reply `-ERR permission denied`, not an api/response.
    if (reply.headers['Content-Type'] === 'command/reply') {
      this.counters.commandFailures++;
      throw new EslError(
        'ESL_COMMAND_FAILED',
        `${this.name}: api refused: ${reply.headers['Reply-Text'] ?? ''}`,
        {
          reply: reply.headers['Reply-Text'],
        },
      );
    }
    return reply.body ?? '';
  }

  /** One CLIENT span per bgapi command, from the send to its BACKGROUND_JOB (traceCommand). */
  bgapi(command: string, options: BgapiOptions = {}): Promise<BackgroundJobResult> {
    return traceCommand(this.name, 'bgapi', command, () => this.sendBgapi(command, options));
  }

  private async sendBgapi(command: string, options: BgapiOptions): Promise<BackgroundJobResult> {
    checkLine(command);
    const jobUuid = options.jobUuid ?? randomUUID();
    checkLine(jobUuid);
    const session = this.readySession();
    if (this.jobs.has(jobUuid))
      throw new EslError('ESL_INVALID_ARGUMENT', `job ${jobUuid} is already running`, { jobUuid });
    const timeoutMs = options.timeoutMs ?? this.opts.bgapiTimeoutMs;
    // Registered before sending: the BACKGROUND_JOB of a fast command may overtake nothing on
    // FreeSWITCH, but we never want to depend on that (reference 7.2 #6).
    const result = new Promise<BackgroundJobResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.jobs.delete(jobUuid)) {
          this.counters.timeouts++;
          reject(
            new EslError(
              'ESL_TIMEOUT',
              `${this.name}: no BACKGROUND_JOB for "${command}" within ${timeoutMs} ms`,
              {
                jobUuid,
                node: this.name,
              },
            ),
          );
        }
      }, timeoutMs);
      this.jobs.set(jobUuid, { command, resolve, reject, timer });
    });
    try {
      const reply = await this.requestOn(
        session,
        'command',
        `bgapi ${command}`,
        { 'Job-UUID': jobUuid },
        timeoutMs,
      );
      const text = reply.headers['Reply-Text'] ?? '';
      if (!text.startsWith('+OK')) {
        const job = this.jobs.get(jobUuid);
        if (job) {
          clearTimeout(job.timer);
          this.jobs.delete(jobUuid);
        }
        this.counters.commandFailures++;
        throw new EslError('ESL_COMMAND_FAILED', `${this.name}: bgapi refused: ${text}`, {
          jobUuid,
          reply: text,
        });
      }
    } catch (error) {
      // The job's own promise is settled by the same disconnect/timeout; drop the duplicate.
      result.catch(() => undefined);
      const job = this.jobs.get(jobUuid);
      if (job) {
        clearTimeout(job.timer);
        this.jobs.delete(jobUuid);
      }
      throw error;
    }
    return result;
  }

  async originate(spec: OriginateSpec, options: BgapiOptions = {}): Promise<OriginateResult> {
    const args = buildOriginateArgs(spec);
    const job = await this.bgapi(`originate ${args}`, options);
    return { ...parseOriginateResult(job.body), jobUuid: job.jobUuid, coreUuid: job.coreUuid };
  }

  async subscribe(events: readonly string[]): Promise<void> {
    for (const e of expandEventNames(events)) this.subscriptions.add(e);
    // Not ready: the handshake in progress applies whatever is in the set when it gets there.
    if (this.session?.ready) await this.applySubscriptions(this.session, false);
  }

  async filter(header: string, value: string): Promise<void> {
    checkLine(header);
    checkLine(value);
    if (/\s/.test(header) || !value)
      throw new EslError('ESL_INVALID_ARGUMENT', `bad filter ${JSON.stringify([header, value])}`);
    this.filters.push([header, value]);
    if (this.session?.ready) await this.applyFilters(this.session, false);
  }

  /** Sends the subscriptions this connection does not have yet (all of them after a reconnect). */
  private async applySubscriptions(session: Session, handshake: boolean): Promise<void> {
    const fresh = [...this.subscriptions].filter((e) => !session.appliedEvents.has(e));
    if (fresh.length === 0) return;
    for (const e of fresh) session.appliedEvents.add(e);
    await this.sendOk(session, `event json ${eventList(fresh)}`, handshake);
  }

  /** Filters likewise; the first one brings the Event-Name pass-throughs (alwaysDeliver). */
  private async applyFilters(session: Session, handshake: boolean): Promise<void> {
    while (session.appliedFilters < this.filters.length) {
      const [h, v] = this.filters[session.appliedFilters]!;
      if (session.appliedFilters++ === 0)
        for (const name of this.opts.alwaysDeliver)
          await this.sendOk(session, `filter Event-Name ${name}`, handshake);
      await this.sendOk(session, `filter ${h} ${v}`, handshake);
    }
  }

  async showChannels(options: RequestOptions = {}): Promise<ChannelRow[]> {
    return parseShowChannels(await this.api('show channels as json', options));
  }

  async getVariable(
    uuid: string,
    variable: string,
    options: RequestOptions = {},
  ): Promise<string | undefined> {
    const body = await this.api(`uuid_getvar ${uuid} ${variable}`, options);
    if (body === '_undef_' || body.startsWith('-ERR')) return undefined;
    return body;
  }

  stats(): EslConnectionStats {
    return {
      state: this.currentState,
      coreUuid: this.currentCoreUuid,
      inFlight: (this.session?.replies.filter((r) => !r.settled).length ?? 0) + this.jobs.size,
      lastHeartbeatAt: this.lastHeartbeatAt,
      queuedEvents: this.eventQueue.length - this.eventHead,
      paused: this.paused,
      ...this.counters,
    };
  }

  // ---------------------------------------------------------------- sessions

  private openSession(): void {
    const socket = netConnect({ host: this.opts.host, port: this.opts.port });
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      framer: new EslFramer(),
      replies: [],
      ready: false,
      closeReason: undefined,
      closeError: undefined,
      handshakeTimer: undefined,
      appliedEvents: new Set(),
      appliedFilters: 0,
    };
    this.session = session;
    // Always an error listener: an unhandled socket 'error' would crash the process (7.2).
    socket.on('error', (error) => {
      session.closeError ??= error;
    });
    // 'close' follows every end, error and destroy, so no drop goes unnoticed (7.2 #2).
    socket.on('close', () =>
      this.endSession(session, session.closeReason ?? 'SOCKET_CLOSED', session.closeError),
    );
    socket.on('data', (chunk: Buffer) => this.onData(session, chunk));
    session.handshakeTimer = setTimeout(() => {
      session.closeReason = 'HANDSHAKE_TIMEOUT';
      session.closeError = new EslError('ESL_TIMEOUT', `${this.name}: no connection/handshake within time`);
      socket.destroy();
    }, this.opts.connectTimeoutMs + this.opts.handshakeTimeoutMs);
  }

  private onData(session: Session, chunk: Buffer): void {
    if (session !== this.session) return;
    try {
      session.framer.push(chunk, (message) => this.onMessage(session, message));
    } catch (error) {
      session.closeReason = 'PROTOCOL_ERROR';
      session.closeError = error as Error;
      session.socket.destroy();
    }
  }

  private onMessage(session: Session, message: EslMessage): void {
    // A listener may have closed us while the rest of this chunk is still being framed.
    if (session !== this.session) return;
    const type = message.headers['Content-Type'];
    switch (type) {
      case 'text/event-json':
        this.onEventBody(message.body ?? '');
        return;
      case 'command/reply':
      case 'api/response':
        this.onReply(session, message);
        return;
      case 'auth/request':
        void this.handshake(session);
        return;
      case 'text/disconnect-notice': {
        const body = message.body ?? '';
        session.closeReason ??= LOST_EVENTS.test(body)
          ? 'LOST_EVENTS'
          : SHUTTING_DOWN.test(body)
            ? 'SHUTDOWN'
            : 'SOCKET_CLOSED';
        return;
      }
      case 'text/rude-rejection':
        session.closeReason ??= 'SOCKET_CLOSED';
        session.closeError ??= new EslError('ESL_CONNECT_FAILED', `${this.name}: rejected by ACL`);
        return;
      default:
        // log/data, event-plain/xml (never subscribed) and unknown types: not ours to act on.
        return;
    }
  }

  private onReply(session: Session, message: EslMessage): void {
    const entry = session.replies.shift();
    if (!entry) return; // a reply nobody asked for: ignore rather than misattribute
    if (entry.settled) return;
    entry.settled = true;
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve(message);
  }

  /** auth → event json … → filters → probe for Core-UUID; then the session is ready. */
  private async handshake(session: Session): Promise<void> {
    try {
      const auth = await this.requestOn(
        session,
        'command',
        `auth ${this.opts.password}`,
        {},
        this.opts.handshakeTimeoutMs,
        true,
      );
      const text = auth.headers['Reply-Text'] ?? '';
      if (!text.startsWith('+OK')) {
        session.closeReason = 'AUTH_FAILED';
        session.closeError = new EslError(
          'ESL_AUTH_FAILED',
          `${this.name}: authentication refused (${text})`,
          {
            node: this.name,
          },
        );
        session.socket.destroy();
        return;
      }
      await this.applySubscriptions(session, true);
      await this.applyFilters(session, true);
      // Core-UUID identifies this run of the node. A bgapi's BACKGROUND_JOB carries it on
      // real FreeSWITCH and fs-sim alike (global_getvar core_uuid is not simulated).
      const probe = await this.bgapiOn(session, 'uptime', this.opts.handshakeTimeoutMs);
      if (session !== this.session) return;
      // Anything subscribe()/filter() added while we were busy.
      await this.applySubscriptions(session, true);
      await this.applyFilters(session, true);
      if (session !== this.session) return;
      if (session.handshakeTimer) clearTimeout(session.handshakeTimer);
      session.ready = true;
      this.onReady(probe.coreUuid);
    } catch (error) {
      if (session !== this.session || session.socket.destroyed) return;
      session.closeReason ??=
        (error as EslError).code === 'ESL_TIMEOUT' ? 'HANDSHAKE_TIMEOUT' : 'HANDSHAKE_FAILED';
      session.closeError ??= error as Error;
      session.socket.destroy();
    }
  }

  private onReady(coreUuid: string): void {
    const previous = this.currentCoreUuid;
    const downtimeMs = this.downSince === undefined ? 0 : Date.now() - this.downSince;
    const attempts = this.attempts;
    this.currentCoreUuid = coreUuid;
    this.currentState = 'connected';
    this.attempts = 0;
    this.downSince = undefined;
    this.startWatchdog();
    for (const w of this.connectWaiters.splice(0)) w.resolve({ coreUuid });
    if (!this.everConnected) {
      this.everConnected = true;
      this.emitter.emit('connected', { coreUuid });
    } else {
      this.counters.reconnects++;
      this.emitter.emit('reconnected', {
        coreUuid,
        previousCoreUuid: previous,
        restarted: previous !== undefined && previous !== coreUuid,
        attempts,
        downtimeMs,
      });
    }
  }

  /** Idempotent: the first caller for a session decides its reason. */
  private endSession(session: Session, reason: DisconnectReason, error: Error | undefined): void {
    if (session !== this.session) return;
    this.session = undefined;
    if (session.handshakeTimer) clearTimeout(session.handshakeTimer);
    this.stopWatchdog();
    // Every listener of the old socket goes with it; a late byte can never reach new state.
    session.socket.removeAllListeners('data');
    session.socket.removeAllListeners('close');
    session.socket.on('error', () => undefined);
    session.socket.destroy();
    const failed = session.replies.filter((r) => !r.settled).length + this.jobs.size;
    const closing = this.currentState === 'closed';
    const makeError = (what: string, details?: Record<string, unknown>) =>
      closing
        ? this.closedError()
        : new EslError(
            'ESL_DISCONNECTED',
            `${this.name}: connection lost (${reason}) while waiting for ${what}`,
            {
              node: this.name,
              reason,
              ...details,
            },
          );
    for (const r of session.replies.splice(0)) {
      if (r.settled) continue;
      r.settled = true;
      if (r.timer) clearTimeout(r.timer);
      r.reject(makeError(`"${redact(r.command)}"`));
    }
    // A dropped connection never receives the BACKGROUND_JOB of a job it started (reference
    // 6.3), even though the job may still run on the node: fail it now, with its Job-UUID.
    this.failJobs((jobUuid, job) => makeError(`job "${job.command.slice(0, 60)}"`, { jobUuid }));
    if (this.paused) {
      this.paused = false; // the next socket starts reading; the queue is still bounded
    }
    const wasReady = session.ready;
    if (wasReady) {
      this.counters.disconnects++;
      this.downSince = Date.now();
    }
    // Listeners of `disconnected` (the pool's health among them) must already see the drop.
    if (!closing) this.currentState = this.everConnected ? 'reconnecting' : 'connecting';
    if (wasReady || closing) {
      this.emitter.emit('disconnected', {
        reason,
        ...(error ? { error } : {}),
        failedRequests: failed,
      });
    }
    if (closing) return;
    if (reason === 'AUTH_FAILED' && !this.everConnected) {
      // A wrong password does not fix itself: fail connect() instead of hammering the node.
      this.currentState = 'closed';
      const authError =
        error instanceof EslError
          ? error
          : new EslError('ESL_AUTH_FAILED', `${this.name}: authentication refused`);
      for (const w of this.connectWaiters.splice(0)) w.reject(authError);
      return;
    }
    this.scheduleReconnect(reason, error);
  }

  private scheduleReconnect(reason: DisconnectReason, error: Error | undefined): void {
    const delayMs = backoffDelay(this.attempts, this.opts.backoff);
    this.attempts++;
    this.emitter.emit('reconnecting', {
      attempt: this.attempts,
      delayMs,
      reason,
      ...(error ? { error: error.message } : {}),
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.currentState !== 'closed') this.openSession();
    }, delayMs);
  }

  // ---------------------------------------------------------------- requests

  private readySession(): Session {
    if (this.currentState === 'closed') throw this.closedError();
    const s = this.session;
    if (!s?.ready)
      throw new EslError('ESL_NOT_CONNECTED', `${this.name}: not connected (${this.currentState})`, {
        node: this.name,
      });
    return s;
  }

  private request(
    kind: 'command' | 'api',
    line: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<EslMessage> {
    let session: Session;
    try {
      session = this.readySession();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.requestOn(session, kind, line, headers, timeoutMs);
  }

  private requestOn(
    session: Session,
    kind: 'command' | 'api',
    line: string,
    headers: Record<string, string>,
    timeoutMs: number,
    handshake = false,
  ): Promise<EslMessage> {
    return new Promise<EslMessage>((resolve, reject) => {
      if (session !== this.session || session.socket.destroyed || (!handshake && !session.ready)) {
        reject(new EslError('ESL_NOT_CONNECTED', `${this.name}: not connected`, { node: this.name }));
        return;
      }
      const entry: PendingReply = { kind, command: line, resolve, reject, timer: undefined, settled: false };
      entry.timer = setTimeout(() => {
        if (entry.settled) return;
        entry.settled = true;
        this.counters.timeouts++;
        reject(
          new EslError('ESL_TIMEOUT', `${this.name}: no reply to "${redact(line)}" within ${timeoutMs} ms`, {
            node: this.name,
          }),
        );
      }, timeoutMs);
      session.replies.push(entry);
      let text = `${line}\n`;
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\n`;
      session.socket.write(`${text}\n`);
    });
  }

  /** A command whose reply must be `+OK…`; `-ERR…` rejects with ESL_COMMAND_FAILED. */
  private async sendOk(session: Session, line: string, handshake = false): Promise<void> {
    const reply = await this.requestOn(session, 'command', line, {}, this.opts.apiTimeoutMs, handshake);
    const text = reply.headers['Reply-Text'] ?? '';
    if (!text.startsWith('+OK')) {
      this.counters.commandFailures++;
      throw new EslError('ESL_COMMAND_FAILED', `${this.name}: "${line}" refused: ${text}`, { reply: text });
    }
  }

  /** bgapi during the handshake (before `ready`). */
  private bgapiOn(session: Session, command: string, timeoutMs: number): Promise<BackgroundJobResult> {
    const jobUuid = randomUUID();
    const result = new Promise<BackgroundJobResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.jobs.delete(jobUuid))
          reject(new EslError('ESL_TIMEOUT', `${this.name}: probe job timed out`));
      }, timeoutMs);
      this.jobs.set(jobUuid, { command, resolve, reject, timer, internal: true });
    });
    this.requestOn(session, 'command', `bgapi ${command}`, { 'Job-UUID': jobUuid }, timeoutMs, true).catch(
      () => undefined, // the disconnect fails the job too
    );
    return result;
  }

  private failJobs(makeError: (jobUuid: string, job: PendingJob) => EslError): void {
    const jobs = [...this.jobs];
    this.jobs.clear();
    for (const [jobUuid, job] of jobs) {
      clearTimeout(job.timer);
      job.reject(makeError(jobUuid, job));
    }
  }

  private closedError(): EslError {
    return new EslError('ESL_CLOSED', `${this.name}: connection closed`, { node: this.name });
  }

  // ---------------------------------------------------------------- events

  private onEventBody(body: string): void {
    this.counters.eventsReceived++;
    const parsed = parseJsonEvent(body);
    if (!parsed.ok) {
      this.counters.malformedEvents++;
      this.emitter.emit('malformedEvent', { reason: parsed.reason, excerpt: body.slice(0, 200) });
      return;
    }
    const event = parsed.event;
    // Liveness and job results are the connection's business, not the listeners': they are
    // handled on arrival, so a slow listener delays neither a bgapi nor the watchdog.
    if (event.kind === 'job') {
      const job = this.jobs.get(event.jobUuid);
      if (job) {
        this.jobs.delete(event.jobUuid);
        clearTimeout(job.timer);
        job.resolve({ jobUuid: event.jobUuid, body: event.body ?? '', coreUuid: event.coreUuid });
        if (job.internal) return; // the handshake's Core-UUID probe is nobody else's business
      } else {
        this.counters.foreignJobs++;
      }
    } else if (event.kind === 'heartbeat') {
      this.lastHeartbeatAt = Date.now();
    }
    if (this.emitter.listenerCount('event') === 0) return;
    this.eventQueue.push(event);
    const queued = this.eventQueue.length - this.eventHead;
    if (queued > this.counters.maxQueuedEventsSeen) this.counters.maxQueuedEventsSeen = queued;
    if (queued >= this.opts.maxQueuedEvents && !this.paused && this.session) {
      // Stop reading: TCP pushes back to FreeSWITCH, whose own queue is bounded (100 000, then
      // "lost events" and a disconnect we recover from). Our memory stays bounded either way.
      this.paused = true;
      this.session.socket.pause();
    }
    if (!this.dispatching) this.dispatch();
  }

  private dispatch(): void {
    this.dispatching = true;
    while (this.eventHead < this.eventQueue.length) {
      const event = this.eventQueue[this.eventHead]!;
      this.eventQueue[this.eventHead++] = undefined as unknown as EslEvent;
      const pending = this.emitter.emit('event', event);
      if (pending) {
        void Promise.all(pending).then(() => {
          this.compactQueue();
          this.dispatch();
        });
        return;
      }
      if (this.eventHead > 4096) this.compactQueue();
    }
    this.compactQueue();
    this.dispatching = false;
  }

  private compactQueue(): void {
    if (this.eventHead > 0) {
      this.eventQueue.splice(0, this.eventHead);
      this.eventHead = 0;
    }
    if (this.paused && this.eventQueue.length <= this.opts.maxQueuedEvents / 2) {
      this.paused = false;
      this.session?.socket.resume();
    }
  }

  // ---------------------------------------------------------------- watchdog

  private startWatchdog(): void {
    this.stopWatchdog();
    const interval = this.opts.heartbeatIntervalMs;
    if (interval <= 0) return;
    this.lastHeartbeatAt = Date.now();
    const limit = interval * this.opts.missedHeartbeats;
    this.heartbeatTimer = setInterval(
      () => {
        const session = this.session;
        if (!session?.ready || this.lastHeartbeatAt === undefined) return;
        if (Date.now() - this.lastHeartbeatAt > limit) {
          session.closeReason = 'HEARTBEAT_LOST';
          session.closeError = new EslError('ESL_TIMEOUT', `${this.name}: no HEARTBEAT for ${limit} ms`);
          session.socket.destroy();
        }
      },
      Math.max(10, Math.floor(interval / 4)),
    );
  }

  private stopWatchdog(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

/** A newline in a command would start a second ESL command on the wire. */
function checkLine(text: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(text)) throw new EslError('ESL_INVALID_ARGUMENT', 'command contains a line break');
}

/**
 * `['CHANNEL_ANSWER', 'CUSTOM avmd::beep avmd::stop']` → `['CHANNEL_ANSWER', 'CUSTOM avmd::beep',
 * 'CUSTOM avmd::stop']`: one entry per subscription, so sets and re-subscription stay exact.
 */
function expandEventNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of names) {
    checkLine(raw);
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) throw new EslError('ESL_INVALID_ARGUMENT', 'empty event name');
    if (words[0]!.toUpperCase() === 'CUSTOM') {
      for (const sub of words.slice(1)) out.push(`CUSTOM ${sub}`);
    } else {
      for (const w of words) out.push(w.toUpperCase());
    }
  }
  return out;
}

/** `event json A B CUSTOM x::y`: everything after CUSTOM is a subclass, so CUSTOM goes last (2). */
function eventList(names: readonly string[]): string {
  const plain = names.filter((n) => !n.startsWith('CUSTOM '));
  const subclasses = names.filter((n) => n.startsWith('CUSTOM ')).map((n) => n.slice(7));
  return subclasses.length > 0 ? [...plain, 'CUSTOM', ...subclasses].join(' ') : plain.join(' ');
}

/** Never log the password. */
function redact(line: string): string {
  return line.startsWith('auth ') ? 'auth ***' : line.slice(0, 80);
}
