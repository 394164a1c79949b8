/**
 * One timer for the whole simulator: a binary heap of due callbacks behind a single
 * setTimeout, so 5,000 ringing or talking channels cost heap entries, not 5,000 Node
 * timers. `afterSim` scales simulated durations by the time scale (0.05 = 20x faster).
 */
export interface TimerHandle {
  cancel(): void;
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  /** The single wake-up: a timeout for the earliest entry, or an immediate to continue a batch. */
  private wakeup:
    | { kind: 'timeout'; handle: NodeJS.Timeout; due: number }
    | { kind: 'immediate'; handle: NodeJS.Immediate }
    | undefined;
  private running = false;
  private stopped = false;

  constructor(
    readonly timeScale = 1,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `fn` after `ms` real milliseconds. */
  after(ms: number, fn: () => void): TimerHandle {
    const entry: Entry = { due: this.now() + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pushEntry(entry);
    if (!this.running) this.arm();
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs `fn` after `simMs` of simulated time. */
  afterSim(simMs: number, fn: () => void): TimerHandle {
    return this.after(simMs * this.timeScale, fn);
  }

  get size(): number {
    return this.heap.length;
  }

  stop(): void {
    this.stopped = true;
    this.clearWakeup();
    this.heap = [];
  }

  private clearWakeup(): void {
    if (!this.wakeup) return;
    if (this.wakeup.kind === 'timeout') clearTimeout(this.wakeup.handle);
    else clearImmediate(this.wakeup.handle);
    this.wakeup = undefined;
  }

  private arm(): void {
    if (this.stopped || this.heap.length === 0) return;
    const due = this.heap[0]!.due;
    if (this.wakeup && (this.wakeup.kind === 'immediate' || this.wakeup.due <= due)) return;
    this.clearWakeup();
    const handle = setTimeout(() => this.run(), Math.max(0, due - this.now()));
    this.wakeup = { kind: 'timeout', handle, due };
  }

  private run(): void {
    this.clearWakeup();
    this.running = true;
    const started = this.now();
    try {
      // Time-boxed batches: a burst of due calls must not starve socket I/O (events waiting
      // to be written, commands waiting to be read) for long.
      while (this.heap.length && this.heap[0]!.due <= this.now() + 0.5) {
        if (this.now() - started > 8) {
          this.wakeup = { kind: 'immediate', handle: setImmediate(() => this.run()) };
          return;
        }
        const entry = this.popEntry()!;
        if (entry.cancelled) continue;
        try {
          entry.fn();
        } catch (error) {
          // A bug in one simulated call must never take the switch down.
          process.emitWarning(`fs-sim scheduled task failed: ${(error as Error).stack ?? String(error)}`);
        }
        if (this.stopped) return;
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }

  private pushEntry(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (less(h[parent]!, h[i]!)) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private popEntry(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
