/**
 * A binary min-heap keyed by (time, priority, insertion order). The simulator's event
 * queue: O(log n) per event keeps an 8-hour, 20-agent day at a few hundred thousand
 * events well under a second. Ties break on priority, then on insertion order, so a run
 * is deterministic and "agent frees at exactly the grace deadline" resolves the way the
 * rule says (see simulator event priorities).
 */
export interface HeapItem {
  time: number;
  priority: number;
}

export class BinaryHeap<T extends HeapItem> {
  private readonly items: T[] = [];
  private readonly order: number[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    this.order.push(this.counter++);
    this.up(this.items.length - 1);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const lastItem = this.items.pop()!;
    const lastOrder = this.order.pop()!;
    if (n > 1) {
      this.items[0] = lastItem;
      this.order[0] = lastOrder;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    if (x.time !== y.time) return x.time < y.time;
    if (x.priority !== y.priority) return x.priority < y.priority;
    return this.order[a]! < this.order[b]!;
  }

  private swap(a: number, b: number): void {
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
    const o = this.order[a]!;
    this.order[a] = this.order[b]!;
    this.order[b] = o;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
