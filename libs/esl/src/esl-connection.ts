import type { BackoffOptions } from './backoff';
import type { EslError } from './esl-error';
import type { EslEvent } from './events/esl-event';
import type { OriginateSpec } from './originate';
import type { ChannelRow, OriginateOutcome } from './show-channels';

/**
 * The small interface the dialer codes against, so that the transport can change
 * (today: our own framing over node:net; see README for why not modesl).
 */
export interface EslConnection {
  readonly name: string;
  readonly state: ConnectionState;
  /** Core-UUID of the node as of the last (re)connect; changes when the node restarts. */
  readonly coreUuid: string | undefined;

  /**
   * Opens the connection and keeps it open: resolves once authenticated, subscribed and
   * filtered. Network failures are retried with back-off until it works; a wrong password
   * rejects with ESL_AUTH_FAILED, close() with ESL_CLOSED.
   */
  connect(): Promise<ConnectedInfo>;
  /** `api <command>`: the body of the api/response. Rejects with EslError (timeout, disconnect). */
  api(command: string, options?: RequestOptions): Promise<string>;
  /** `bgapi <command>` with our own Job-UUID; resolves with the BACKGROUND_JOB. */
  bgapi(command: string, options?: BgapiOptions): Promise<BackgroundJobResult>;
  /** `bgapi originate …` built safely from a spec; `-ERR CAUSE` resolves as `{ ok: false, cause }`. */
  originate(spec: OriginateSpec, options?: BgapiOptions): Promise<OriginateResult>;
  /** Adds event subscriptions (kept and re-applied after every reconnect). */
  subscribe(events: readonly string[]): Promise<void>;
  /** Adds a positive filter (kept and re-applied after every reconnect). */
  filter(header: string, value: string): Promise<void>;
  /** `show channels as json`, parsed: what is live on the node, for reconciliation. */
  showChannels(options?: RequestOptions): Promise<ChannelRow[]>;
  /** `uuid_getvar`; undefined for `_undef_` or an unknown channel. */
  getVariable(uuid: string, variable: string, options?: RequestOptions): Promise<string | undefined>;
  on<K extends keyof EslConnectionEvents>(
    event: K,
    listener: (...args: EslConnectionEvents[K]) => unknown,
  ): () => void;
  stats(): EslConnectionStats;
  /** Stops for good: sends `exit` if connected, fails every pending request with ESL_CLOSED. */
  close(): Promise<void>;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface RequestOptions {
  timeoutMs?: number;
}

export interface BgapiOptions extends RequestOptions {
  /** Our Job-UUID (default: a fresh v4). */
  jobUuid?: string;
}

export interface BackgroundJobResult {
  jobUuid: string;
  /** The job's output (BACKGROUND_JOB body), e.g. `+OK <uuid>\n` or `-ERR NO_ANSWER\n`. */
  body: string;
  /** Core-UUID of the node that ran it. */
  coreUuid: string;
}

export type OriginateResult = OriginateOutcome & { jobUuid: string; coreUuid: string };

export interface ConnectedInfo {
  coreUuid: string;
}

export interface ReconnectedInfo {
  coreUuid: string;
  previousCoreUuid: string | undefined;
  /** Core-UUID changed: the node restarted and every call live on it is gone. */
  restarted: boolean;
  /** Failed attempts before this one succeeded. */
  attempts: number;
  /** Time without a usable connection. */
  downtimeMs: number;
}

export type DisconnectReason =
  /** The server closed or reset the socket, or it failed. */
  | 'SOCKET_CLOSED'
  /** `text/disconnect-notice` "killed listener because of lost events": we read too slowly. */
  | 'LOST_EVENTS'
  /** `text/disconnect-notice` "The system is being shut down." */
  | 'SHUTDOWN'
  /** No HEARTBEAT for more than `missedHeartbeats` intervals: a half-open connection. */
  | 'HEARTBEAT_LOST'
  /** TCP connected but no auth/request, auth reply or subscription reply in time. */
  | 'HANDSHAKE_TIMEOUT'
  /** The node refused our `event`/`filter` commands (e.g. a restricted ESL user). */
  | 'HANDSHAKE_FAILED'
  | 'AUTH_FAILED'
  /** Bytes that are not ESL. */
  | 'PROTOCOL_ERROR'
  /** close() was called. */
  | 'CLOSED';

export interface DisconnectedInfo {
  reason: DisconnectReason;
  error?: EslError | Error;
  /** Requests (api/commands and bgapi jobs) failed with ESL_DISCONNECTED by this drop. */
  failedRequests: number;
}

export interface MalformedEventInfo {
  reason: string;
  /** The first 200 characters of the body. */
  excerpt: string;
}

export interface EslConnectionEvents {
  /** Every subscribed event, typed. An async listener holds back the next events (back-pressure). */
  event: [EslEvent];
  /** First successful connect. */
  connected: [ConnectedInfo];
  /** A later successful connect, subscriptions and filters re-applied: reconcile now. */
  reconnected: [ReconnectedInfo];
  disconnected: [DisconnectedInfo];
  /** A reconnect attempt is scheduled. */
  reconnecting: [{ attempt: number; delayMs: number; reason: DisconnectReason; error?: string }];
  /** An event we could not parse; it was skipped. */
  malformedEvent: [MalformedEventInfo];
  /** A listener threw or rejected; the connection carries on. */
  listenerError: [{ event: string; error: unknown }];
}

export interface EslConnectionStats {
  state: ConnectionState;
  coreUuid: string | undefined;
  /** api/command replies and bgapi jobs awaited now. */
  inFlight: number;
  /** Epoch ms of the last HEARTBEAT seen, if any. */
  lastHeartbeatAt: number | undefined;
  eventsReceived: number;
  malformedEvents: number;
  /** Events parsed but not yet handed to listeners (bounded by maxQueuedEvents). */
  queuedEvents: number;
  /** Highest queuedEvents seen. */
  maxQueuedEventsSeen: number;
  /** The socket is paused because listeners are behind. */
  paused: boolean;
  timeouts: number;
  disconnects: number;
  reconnects: number;
  commandFailures: number;
  /** BACKGROUND_JOBs with a Job-UUID we do not know (other dialers' jobs, or timed-out ones). */
  foreignJobs: number;
}

export interface EslConnectionOptions {
  host: string;
  port: number;
  password: string;
  /** A label for errors and logs (node id). */
  name?: string;
  /** Events to subscribe to (BACKGROUND_JOB is always added; HEARTBEAT when the watchdog is on). */
  events?: readonly string[];
  /** Positive filters, e.g. [['variable_ats_dialer_id', 'dialer-7']]. */
  filters?: ReadonlyArray<readonly [string, string]>;
  /**
   * Event names that must pass whatever the filters are. BACKGROUND_JOB and HEARTBEAT carry
   * no channel variables (reference 2.2), so a filter on our variable would hide them; each
   * becomes a `filter Event-Name <name>` once any filter exists. Default both.
   */
  alwaysDeliver?: readonly string[];
  connectTimeoutMs?: number;
  /** From TCP connect to authenticated-and-subscribed. */
  handshakeTimeoutMs?: number;
  /** api and plain commands (event, filter). */
  apiTimeoutMs?: number;
  /** bgapi: until the BACKGROUND_JOB; must exceed the longest originate ring time. */
  bgapiTimeoutMs?: number;
  reconnect?: Partial<BackoffOptions>;
  /** The node's event-heartbeat-interval; enables the watchdog (0 or undefined: off). */
  heartbeatIntervalMs?: number;
  /** Missed intervals before the connection is declared dead (default 2). */
  missedHeartbeats?: number;
  /** Parsed events waiting for listeners before we stop reading the socket (default 1000). */
  maxQueuedEvents?: number;
}
