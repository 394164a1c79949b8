import { z } from 'zod';
import { createEvent, defineEvent, parseEvent } from './envelope';
import { AtsError } from './errors';
import { unwrapRpcReply, rpcError, rpcOk } from './rpc';

const AgentReady = defineEvent(
  'agent.ready',
  1,
  z.object({ agentId: z.string(), extension: z.string().regex(/^\d{3,6}$/) }),
);

describe('event envelopes', () => {
  it('gives every event a unique id, a version and a timestamp', () => {
    const a = createEvent(AgentReady, {
      aggregateId: 'a1',
      aggregateVersion: 3,
      producer: 'agent',
      payload: { agentId: 'a1', extension: '1001' },
    });
    const b = createEvent(AgentReady, {
      aggregateId: 'a1',
      aggregateVersion: 4,
      producer: 'agent',
      payload: { agentId: 'a1', extension: '1001' },
    });
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ type: 'agent.ready', schemaVersion: 1, aggregateVersion: 3 });
    expect(Date.parse(a.occurredAt)).not.toBeNaN();
  });

  it('refuses to build an event whose payload breaks its schema', () => {
    expect(() =>
      createEvent(AgentReady, {
        aggregateId: 'a1',
        aggregateVersion: 1,
        producer: 'agent',
        payload: { agentId: 'a1', extension: 'abc' },
      }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('round-trips through JSON and validates on receipt', () => {
    const sent = createEvent(AgentReady, {
      aggregateId: 'a1',
      aggregateVersion: 1,
      producer: 'agent',
      payload: { agentId: 'a1', extension: '1001' },
    });
    expect(parseEvent(AgentReady, JSON.parse(JSON.stringify(sent)))).toEqual(sent);
  });

  it.each([
    ['a missing id', (e: Record<string, unknown>) => ({ ...e, id: undefined })],
    ['a negative version', (e: Record<string, unknown>) => ({ ...e, aggregateVersion: -1 })],
    ['another event type', (e: Record<string, unknown>) => ({ ...e, type: 'agent.gone' })],
    ['a bad payload', (e: Record<string, unknown>) => ({ ...e, payload: { agentId: 'a1' } })],
  ])('rejects a received event with %s, with a typed error', (_label, corrupt) => {
    const sent = createEvent(AgentReady, {
      aggregateId: 'a1',
      aggregateVersion: 1,
      producer: 'agent',
      payload: { agentId: 'a1', extension: '1001' },
    });
    expect(() => parseEvent(AgentReady, corrupt(sent as unknown as Record<string, unknown>))).toThrow(
      AtsError,
    );
  });
});

describe('rpc replies', () => {
  const schema = z.object({ n: z.number() });
  it('unwraps data, and rethrows a carried error with its code and details', () => {
    expect(unwrapRpcReply(schema, rpcOk({ n: 1 }), 'x')).toEqual({ n: 1 });
    expect(() => unwrapRpcReply(schema, rpcError(new AtsError('CONFLICT', 'taken', { id: 7 })), 'x')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', details: { id: 7 } }),
    );
  });
  it('treats a reply that matches neither shape as a validation failure', () => {
    expect(() => unwrapRpcReply(schema, { ok: true, data: { n: 'one' } }, 'x')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
