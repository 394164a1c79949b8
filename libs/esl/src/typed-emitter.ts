/**
 * A minimal typed emitter. Not Node's EventEmitter on purpose: an `error` event without a
 * listener must never throw (modesl 1.2.1 crashes the process that way, reference 7.2),
 * a listener that throws must not stop the others, and `on` returns its own remover.
 */
export type Listener<A extends unknown[]> = (...args: A) => unknown;

export class TypedEmitter<M extends { [K in keyof M]: unknown[] }> {
  private readonly listeners: { [K in keyof M]?: Array<Listener<M[K]>> } = {};

  constructor(private readonly onListenerError: (error: unknown, event: keyof M) => void) {}

  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    const list = (this.listeners[event] ??= []);
    list.push(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    const list = this.listeners[event];
    if (!list) return;
    const i = list.indexOf(listener);
    // Copy-on-write: an emit in progress keeps iterating its own snapshot.
    if (i >= 0) this.listeners[event] = [...list.slice(0, i), ...list.slice(i + 1)];
  }

  listenerCount(event: keyof M): number {
    return this.listeners[event]?.length ?? 0;
  }

  removeAll(): void {
    for (const key of Object.keys(this.listeners)) delete this.listeners[key as keyof M];
  }

  /** Calls every listener; returns the promises of async listeners (for back-pressure). */
  emit<K extends keyof M>(event: K, ...args: M[K]): Array<Promise<unknown>> | undefined {
    const list = this.listeners[event];
    if (!list) return undefined;
    let pending: Array<Promise<unknown>> | undefined;
    for (const listener of list) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) {
          (pending ??= []).push(
            result.catch((error: unknown) => {
              this.onListenerError(error, event);
            }),
          );
        }
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
    return pending;
  }
}
