/**
 * Waiting for a condition instead of sleeping: tests poll what a user would observe
 * and fail with a message that says what never happened.
 */

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Poll interval (default 20 ms). */
  intervalMs?: number;
  /** Said in the timeout error: what was awaited. */
  description?: string;
}

export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
  constructor(
    description: string,
    timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${description}` +
        (lastError instanceof Error ? `; last failure: ${lastError.message}` : ''),
    );
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than `undefined`, `null` or `false`,
 * and returns that value.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false)
        return value as Exclude<T, undefined | null | false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(options.description ?? 'condition', timeoutMs, lastError);
    }
    await delay(intervalMs);
  }
}

/**
 * Retries an assertion block until it stops throwing; rethrows its last failure when
 * time runs out, so the test shows the real expectation that failed.
 */
export async function expectEventually(
  assertion: () => void | Promise<void>,
  options: WaitOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await delay(intervalMs);
  }
}

/**
 * Waits until `read` returns the same value for `quietMs` in a row (for example a
 * counter of processed events), and returns it.
 */
export async function waitForQuiescence<T>(
  read: () => T | Promise<T>,
  options: WaitOptions & { quietMs?: number } = {},
): Promise<T> {
  const quietMs = options.quietMs ?? 200;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last = await read();
  let stableSince = Date.now();
  for (;;) {
    await delay(intervalMs);
    const current = await read();
    if (JSON.stringify(current) !== JSON.stringify(last)) {
      last = current;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return current;
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(options.description ?? 'quiescence', options.timeoutMs ?? 10_000);
    }
  }
}
