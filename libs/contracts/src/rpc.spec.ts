import { z } from 'zod';
import { defineRpc } from './rpc';

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
