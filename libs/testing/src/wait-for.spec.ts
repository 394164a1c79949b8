import { expectEventually, waitFor, waitForQuiescence, WaitTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value the probe yields', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('names what it waited for when time runs out, with the last failure', async () => {
    const failing = waitFor(
      () => {
        throw new Error('no row yet');
      },
      { timeoutMs: 50, intervalMs: 5, description: 'the call record' },
    );
    await expect(failing).rejects.toThrow(WaitTimeoutError);
    await expect(failing).rejects.toThrow(/the call record.*no row yet/);
  });

  it('treats 0 as a value, not as a failure', async () => {
    await expect(waitFor(() => 0, { timeoutMs: 50 })).resolves.toBe(0);
  });
});

describe('expectEventually', () => {
  it('rethrows the real assertion failure after the timeout', async () => {
    await expect(expectEventually(() => expect(1).toBe(2), { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /Expected: 2/,
    );
  });

  it('passes as soon as the assertion holds', async () => {
    let n = 0;
    await expectEventually(() => expect(++n).toBeGreaterThan(2), { intervalMs: 1 });
    expect(n).toBe(3);
  });
});

describe('waitForQuiescence', () => {
  it('returns once the value stops changing', async () => {
    let counter = 0;
    const timer = setInterval(() => {
      if (counter < 5) counter += 1;
    }, 5);
    try {
      const settled = await waitForQuiescence(() => counter, { quietMs: 60, intervalMs: 5 });
      expect(settled).toBe(5);
    } finally {
      clearInterval(timer);
    }
  });
});
