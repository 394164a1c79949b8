import fc from 'fast-check';
import { BinaryHeap } from './binary-heap';

describe('BinaryHeap', () => {
  it('pops by time, then priority, then insertion order', () => {
    const heap = new BinaryHeap<{ time: number; priority: number; name: string }>();
    heap.push({ time: 2, priority: 2, name: 'grace' });
    heap.push({ time: 2, priority: 0, name: 'agent-free' });
    heap.push({ time: 1, priority: 5, name: 'first' });
    heap.push({ time: 2, priority: 0, name: 'agent-free-2' });
    const names: string[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) names.push(e.name);
    expect(names).toEqual(['first', 'agent-free', 'agent-free-2', 'grace']);
  });

  it('always pops a sorted sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 }))),
        (items) => {
          const heap = new BinaryHeap<{ time: number; priority: number }>();
          for (const [time, priority] of items) heap.push({ time, priority });
          const out: { time: number; priority: number }[] = [];
          for (let e = heap.pop(); e; e = heap.pop()) out.push(e);
          expect(out.length).toBe(items.length);
          for (let i = 1; i < out.length; i += 1) {
            const a = out[i - 1]!;
            const b = out[i]!;
            expect(a.time < b.time || (a.time === b.time && a.priority <= b.priority)).toBe(true);
          }
        },
      ),
    );
  });
});
