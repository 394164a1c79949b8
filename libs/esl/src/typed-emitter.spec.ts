import { TypedEmitter } from './typed-emitter';

describe('TypedEmitter', () => {
  it('isolates a throwing listener and returns async listeners for back-pressure', async () => {
    const errors: unknown[] = [];
    const em = new TypedEmitter<{ x: [number] }>((e) => errors.push(e));
    const seen: number[] = [];
    em.on('x', () => {
      throw new Error('boom');
    });
    em.on('x', (n) => seen.push(n));
    const off = em.on('x', async () => {
      throw new Error('async boom');
    });
    const pending = em.emit('x', 1);
    expect(seen).toEqual([1]);
    expect(pending).toHaveLength(1);
    await Promise.all(pending!);
    expect(errors).toHaveLength(2);
    off();
    expect(em.emit('x', 2)).toBeUndefined();
    expect(em.listenerCount('x')).toBe(2);
  });
});
