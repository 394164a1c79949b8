import { z } from 'zod';
import { AtsError, ErrorBody, validationError } from './errors';
import type { ServiceName } from './topology';

/**
 * Every NATS request/reply answer has this shape: either `{ ok: true, data }` or
 * `{ ok: false, error: { code, message, details } }`. A requester never has to guess
 * whether a payload is a result or a failure.
 */
export const RpcReply = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorBody }),
  ]);

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export const rpcOk = <T>(data: T): RpcReply<T> => ({ ok: true, data });
export const rpcError = (error: AtsError): RpcReply<never> => ({ ok: false, error: error.toBody() });

/**
 * The reply envelope of each data schema, built once: building a zod schema per reply cost
 * a busy requester (the dialer) about 8 % of its CPU. Keyed by the schema object, so a
 * schema that is dropped takes its envelope with it.
 */
const replySchemas = new WeakMap<z.ZodType, z.ZodType>();

function replySchemaOf(schema: z.ZodType): z.ZodType {
  let reply = replySchemas.get(schema);
  if (!reply) {
    reply = RpcReply(schema);
    replySchemas.set(schema, reply);
  }
  return reply;
}

/** Unwraps a raw reply: returns the data, or throws the typed error it carries. */
export function unwrapRpcReply<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> {
  const parsed = replySchemaOf(schema).safeParse(raw);
  if (!parsed.success) throw validationError(`${what} reply`, parsed.error);
  const reply = parsed.data as RpcReply<z.output<T>>;
  if (reply.ok) return reply.data;
  throw AtsError.fromBody(reply.error);
}

/**
 * A request/reply operation: the service that answers it, its name, and its request and
 * reply schemas. Its subject is derived from these by the topology
 * (`<ns>.rpc.<service>.<name>`), so no subject is ever written by hand.
 */
export interface RpcDefinition<TReq extends z.ZodType, TRes extends z.ZodType> {
  readonly service: ServiceName;
  readonly name: string;
  readonly request: TReq;
  readonly reply: TRes;
}

const RPC_NAME = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/;

export function defineRpc<TReq extends z.ZodType, TRes extends z.ZodType>(
  service: ServiceName,
  name: string,
  request: TReq,
  reply: TRes,
): RpcDefinition<TReq, TRes> {
  if (!RPC_NAME.test(name)) throw new Error(`rpc name "${name}" must be dot-separated camelCase words`);
  return { service, name, request, reply };
}
