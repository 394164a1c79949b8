import { z } from 'zod';
import { defineRpc, rpcOk, unwrapRpcReply } from './rpc';

describe('defineRpc', () => {
  it.each(['', 'Create', 'campaign..create', 'campaign.create.', 'has space', 'star.*'])(
    'refuses the name %p',
    (name) => {
      expect(() => defineRpc('campaign', name, z.object({}), z.object({}))).toThrow(/camelCase/);
    },
  );
  it('accepts dotted camelCase names', () => {
    expect(defineRpc('campaign', 'list.importChunk', z.object({}), z.object({})).name).toBe(
      'list.importChunk',
    );
  });
});

describe('unwrapRpcReply', () => {
  it('validates each reply against its own schema, the first time and every time after', () => {
    const a = z.object({ n: z.number() });
    const b = z.object({ s: z.string() });
    for (let i = 0; i < 3; i += 1) {
      expect(unwrapRpcReply(a, rpcOk({ n: i }), 'a')).toEqual({ n: i });
      expect(unwrapRpcReply(b, rpcOk({ s: `x${i}` }), 'b')).toEqual({ s: `x${i}` });
      expect(() => unwrapRpcReply(a, rpcOk({ s: 'x' }), 'a')).toThrow(/a reply/);
      expect(() => unwrapRpcReply(b, rpcOk({ n: 1 }), 'b')).toThrow(/b reply/);
    }
  });
});
