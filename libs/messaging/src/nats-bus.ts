import {
  connect,
  headers as natsHeaders,
  type NatsConnection,
  type Msg,
  type Subscription,
  type MsgHdrs,
} from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type PubAck,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import {
  AtsError,
  EventEnvelope,
  rpcError,
  rpcOk,
  unwrapRpcReply,
  validationError,
  type RpcDefinition,
  type Topology,
} from '@autotelesale/contracts';
import { extractTraceContext, injectTraceContext, withSpan } from '@autotelesale/telemetry';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
} from '@opentelemetry/api';
import type { z } from 'zod';
import { notifyObservers, type NatsBusObserver } from './nats-bus-observer';

export interface NatsBusOptions {
  servers: string | string[];
  /** Shown in the server's connection list: `<service>-<instance>`. */
  name: string;
  topology: Topology;
  /** Called for failures that have no caller to report to (a handler crash, a bad message). */
  onError?: (error: unknown, context: Record<string, unknown>) => void;
  /** Tracer name of this process's messaging spans (the service name); `messaging` by default. */
  service?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  headers?: MsgHdrs;
  /** Spans the request also serves (a batch: the others' traces, the first's is the parent). */
  links?: Link[];
}

export interface ServeOptions {
  /** Queue group: replicas of one service share the requests. */
  queue?: string;
}

export interface ConsumeOptions {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Redeliver after this long without an ack (default 30 s). */
  ackWaitMs?: number;
  /** Give up on a message after this many deliveries (default 10). */
  maxDeliver?: number;
  /** Where a new durable starts (default: the whole stream). */
  deliverPolicy?: 'all' | 'new';
}

export type EventHandler = (event: EventEnvelope, msg: JsMsg) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 5_000;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}

/**
 * One NATS connection per process, used for request/reply, JetStream events and KV.
 * Every message crossing it is validated against its zod schema on both sides, and every
 * failure reaches the caller as an AtsError with a stable code.
 */
export class NatsBus {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly topology: Topology,
    private readonly onError: NonNullable<NatsBusOptions['onError']>,
    private readonly tracer: string,
  ) {}

  private readonly observers = new Set<NatsBusObserver>();

  /**
   * Adds an observer of requests, handlers, publishes and consumed events (metrics hang
   * here, so the bus stays free of a metrics library). Returns the function that removes it.
   */
  observe(observer: NatsBusObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify<K extends keyof NatsBusObserver>(
    hook: K,
    ...args: Parameters<NonNullable<NatsBusObserver[K]>>
  ): void {
    if (this.observers.size > 0) notifyObservers(this.observers, hook, args, this.onError);
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const nc = await connect({
      servers: options.servers,
      name: options.name,
      maxReconnectAttempts: -1,
      // Without it, nats.js builds a RequestError and a TimeoutError (stack traces) for every
      // request in case it fails: about 8 % of a busy requester's CPU. A failure still
      // arrives with its class and message (toTransportError reads those), only without
      // the stack of where the request was made.
      noAsyncTraces: true,
    });
    const jsm = await jetstreamManager(nc);
    return new NatsBus(
      nc,
      jetstream(nc),
      jsm,
      options.topology,
      options.onError ?? (() => undefined),
      options.service ?? 'messaging',
    );
  }

  /** Sends a request and returns the validated reply data, or throws its typed error. */
  async request<TReq extends z.ZodType, TRes extends z.ZodType>(
    rpc: RpcDefinition<TReq, TRes>,
    payload: z.input<TReq>,
    options: RequestOptions = {},
  ): Promise<z.output<TRes>> {
    const checked = rpc.request.safeParse(payload);
    if (!checked.success) throw validationError(`${rpc.name} request`, checked.error);
    const subject = this.topology.rpc.subject(rpc);
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      return await withSpan(
        this.tracer,
        `${rpc.name} request`,
        rpcAttributes(rpc, subject),
        async () => {
          // The caller's trace travels in the request's headers (W3C traceparent).
          const headers = options.headers ?? natsHeaders();
          injectTraceContext(headers);
          let reply: Msg;
          try {
            reply = await this.nc.request(subject, encoder.encode(JSON.stringify(checked.data)), {
              timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
              headers,
            });
          } catch (error) {
            throw toTransportError(error, rpc.name, subject);
          }
          let body: unknown;
          try {
            body = decodeJson(reply.data);
          } catch {
            throw new AtsError('INTERNAL', `${rpc.name}: reply is not JSON`);
          }
          return unwrapRpcReply(rpc.reply, body, rpc.name);
        },
        { kind: SpanKind.CLIENT, ...(options.links?.length ? { links: options.links } : {}) },
      );
    } catch (error) {
      outcome = errorCode(error);
      throw error;
    } finally {
      this.notify('requestFinished', { rpc: rpc.name, outcome, seconds: secondsSince(started) });
    }
  }

  /**
   * Answers the operation's requests, as one of the queue group of its service (replicas
   * share the load) unless another queue is given. The request is validated first (a bad one gets a
   * VALIDATION_FAILED reply and never reaches the handler); an AtsError thrown by the
   * handler travels back as is; anything else becomes INTERNAL and is reported.
   */
  serve<TReq extends z.ZodType, TRes extends z.ZodType>(
    rpc: RpcDefinition<TReq, TRes>,
    handler: (request: z.output<TReq>, msg: Msg) => Promise<z.input<TRes>>,
    options: ServeOptions = {},
  ): Subscription {
    const subject = this.topology.rpc.subject(rpc);
    return this.nc.subscribe(subject, {
      queue: options.queue ?? this.topology.rpc.queueGroup(rpc.service),
      callback: (err, msg) => {
        if (err) {
          this.onError(err, { subject, rpc: rpc.name });
          return;
        }
        void this.answer(msg, rpc, handler);
      },
    });
  }

  private async answer<TReq extends z.ZodType, TRes extends z.ZodType>(
    msg: Msg,
    rpc: RpcDefinition<TReq, TRes>,
    handler: (request: z.output<TReq>, msg: Msg) => Promise<z.input<TRes>>,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    const respond = (body: unknown) => {
      if (msg.reply) msg.respond(encoder.encode(JSON.stringify(body)));
      const error = (body as { error?: { code?: string } }).error;
      if (error) outcome = error.code ?? 'INTERNAL';
    };
    const subject = msg.subject;
    await withSpan(
      this.tracer,
      `${rpc.name} handle`,
      rpcAttributes(rpc, subject),
      (span) =>
        this.answerInSpan(msg, rpc, handler, (body) => {
          respond(body);
          if (outcome !== 'ok') {
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
            span.setAttribute('error.type', outcome);
          }
        }),
      { kind: SpanKind.SERVER, parent: receivedContext(msg.headers) },
    ).finally(() => this.notify('handled', { rpc: rpc.name, outcome, seconds: secondsSince(started) }));
  }

  private async answerInSpan<TReq extends z.ZodType, TRes extends z.ZodType>(
    msg: Msg,
    rpc: RpcDefinition<TReq, TRes>,
    handler: (request: z.output<TReq>, msg: Msg) => Promise<z.input<TRes>>,
    respond: (body: unknown) => void,
  ): Promise<void> {
    let raw: unknown;
    try {
      raw = msg.data.length === 0 ? {} : decodeJson(msg.data);
    } catch {
      respond(rpcError(new AtsError('VALIDATION_FAILED', `${rpc.name}: request is not JSON`)));
      return;
    }
    const parsed = rpc.request.safeParse(raw);
    if (!parsed.success) {
      respond(rpcError(validationError(`${rpc.name} request`, parsed.error)));
      return;
    }
    try {
      const result = await handler(parsed.data, msg);
      const reply = rpc.reply.safeParse(result);
      if (!reply.success) {
        // Our own bug: never send the caller something that breaks its schema.
        this.onError(validationError(`${rpc.name} reply`, reply.error), { rpc: rpc.name });
        respond(rpcError(new AtsError('INTERNAL', `${rpc.name}: the service built an invalid reply`)));
        return;
      }
      respond(rpcOk(reply.data));
    } catch (error) {
      if (error instanceof AtsError) {
        respond(rpcError(error));
      } else {
        this.onError(error, { rpc: rpc.name });
        respond(rpcError(new AtsError('INTERNAL', `${rpc.name} failed`)));
      }
    }
  }

  /** Creates the topology's streams, or updates their subjects when they exist. */
  async ensureStreams(): Promise<void> {
    for (const stream of Object.values(this.topology.streams)) {
      try {
        const info = await this.jsm.streams.info(stream.name);
        const same = JSON.stringify(info.config.subjects) === JSON.stringify(stream.subjects);
        if (!same)
          await this.jsm.streams.update(stream.name, { ...info.config, subjects: [...stream.subjects] });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // Two minutes of de-duplication window: a producer that retries a publish after a
        // timeout (same Nats-Msg-Id) does not store the event twice.
        await this.jsm.streams.add({
          name: stream.name,
          subjects: [...stream.subjects],
          duplicate_window: 120_000_000_000,
        });
      }
    }
  }

  /**
   * Publishes an event to JetStream with its id as `Nats-Msg-Id`, so that a retried
   * publish is stored once. Returns the server's ack (stream sequence, duplicate flag).
   */
  async publishEvent(subject: string, event: EventEnvelope, extraHeaders?: MsgHdrs): Promise<PubAck> {
    const checked = EventEnvelope.safeParse(event);
    if (!checked.success) throw validationError('event envelope', checked.error);
    const envelope = checked.data;
    const ack = await withSpan(
      this.tracer,
      `${envelope.type} publish`,
      eventAttributes(envelope, subject),
      () => {
        // The consumer continues this trace from the stored message's headers.
        const headers = extraHeaders ?? natsHeaders();
        injectTraceContext(headers);
        return this.js.publish(subject, encoder.encode(JSON.stringify(envelope)), {
          msgID: envelope.id,
          headers,
        });
      },
      { kind: SpanKind.PRODUCER },
    );
    this.notify('published', { type: envelope.type, duplicate: ack.duplicate, event: envelope });
    return ack;
  }

  /**
   * Consumes a durable pull consumer. A message is acked only after the handler
   * resolves; a handler failure naks it for redelivery; a message that is not a valid
   * envelope is terminated (it can never succeed) and reported. Returns a stop function
   * that drains the consumer.
   */
  async consume(options: ConsumeOptions, handler: EventHandler): Promise<() => Promise<void>> {
    await this.jsm.consumers.info(options.stream, options.durable).catch(async (error: unknown) => {
      if (!isNotFound(error)) throw error;
      return this.jsm.consumers.add(options.stream, {
        durable_name: options.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
        filter_subject: options.filterSubject,
        ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
        max_deliver: options.maxDeliver ?? 10,
      });
    });
    const consumer = await this.js.consumers.get(options.stream, options.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    const loop = (async () => {
      for await (const msg of messages) {
        let event: EventEnvelope;
        try {
          event = EventEnvelope.parse(decodeJson(msg.data));
        } catch (error) {
          this.onError(error, { durable: options.durable, subject: msg.subject, seq: msg.seq });
          msg.term();
          continue;
        }
        const started = process.hrtime.bigint();
        let result: 'ack' | 'nak' = 'ack';
        try {
          await withSpan(
            this.tracer,
            `${event.type} process`,
            { ...eventAttributes(event, msg.subject), 'messaging.consumer.group.name': options.durable },
            () => handler(event, msg),
            { kind: SpanKind.CONSUMER, parent: receivedContext(msg.headers) },
          );
          msg.ack();
        } catch (error) {
          result = 'nak';
          this.onError(error, { durable: options.durable, eventId: event.id, type: event.type });
          msg.nak(Math.min(1_000 * msg.info.deliveryCount, 10_000));
        }
        this.notify('consumed', {
          durable: options.durable,
          type: event.type,
          result,
          seconds: secondsSince(started),
        });
      }
    })();
    return async () => {
      await messages.close();
      await loop;
    };
  }

  /** Opens (creating when missing) a KV bucket of the topology. */
  async kv(bucket: string, options: { history?: number; ttlMs?: number } = {}): Promise<KV> {
    return new Kvm(this.nc).create(bucket, { history: options.history ?? 1, ttl: options.ttlMs });
  }

  newHeaders(): MsgHdrs {
    return natsHeaders();
  }

  /** Lets in-flight requests and subscriptions finish, then closes. */
  async drain(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

/**
 * The sender's trace from a received message, on an empty base: whatever happened to be
 * active where the subscription was opened must not become every message's parent.
 */
function receivedContext(headers: MsgHdrs | undefined): Context {
  return headers ? extractTraceContext(headers, ROOT_CONTEXT) : ROOT_CONTEXT;
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The stable code of an AtsError (or any error with a string code), else INTERNAL. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

/**
 * OpenTelemetry's `rpc.*` attribute names, written by parts because the lint rule that keeps
 * NATS subjects in libs/contracts would take the whole literal for a subject.
 */
const rpcAttribute = (name: 'system' | 'service' | 'method') => `rpc.${name}`;

function rpcAttributes(rpc: { service: string; name: string }, subject: string): Attributes {
  return {
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    [rpcAttribute('system')]: 'nats',
    [rpcAttribute('service')]: rpc.service,
    [rpcAttribute('method')]: rpc.name,
  };
}

function eventAttributes(event: EventEnvelope, subject: string): Attributes {
  return {
    'messaging.system': 'nats',
    'messaging.destination.name': subject,
    'messaging.message.id': event.id,
    'ats.event.type': event.type,
  };
}

/**
 * Whether a request failed because no service serves its subject at all (NATS "no
 * responders"): e.g. every replica of the service is older than the request. Not a timeout
 * and not a lost connection.
 */
export function isNoResponders(error: unknown): boolean {
  return (
    error instanceof AtsError &&
    error.code === 'UNAVAILABLE' &&
    (error.details as { noResponders?: unknown } | undefined)?.noResponders === true
  );
}

function isNotFound(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /not found/i.test(message);
}

function toTransportError(error: unknown, rpcName: string, subject: string): AtsError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string })?.code;
  if (/no responders/i.test(message) || code === '503') {
    return new AtsError('UNAVAILABLE', `${rpcName}: no service is answering`, {
      subject,
      noResponders: true,
    });
  }
  if (/timeout/i.test(message) || code === 'TIMEOUT') {
    return new AtsError('TIMEOUT', `${rpcName}: no reply in time`, { subject });
  }
  return new AtsError('UNAVAILABLE', `${rpcName}: ${message}`, { subject });
}
