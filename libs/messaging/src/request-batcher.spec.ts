import { AtsError } from '@autotelesale/contracts';
import { RequestBatcher, type BatchAnswer } from './request-batcher';

/** A send that records what it was asked and answers each item with `answer(item)`. */
function sender<T>(answer: (item: T) => BatchAnswer<string>) {
  const sent: T[][] = [];
  return {
    sent,
    send: async (items: T[]) => {
      sent.push(items);
      return items.map(answer);
    },
  };
}

describe('RequestBatcher', () => {
  it('sends the items added within the window as one request, in order, each caller getting its own answer', async () => {
    const s = sender<number>((n) =>
      n % 2 === 0
        ? { ok: `even ${n}` }
        : { error: { code: 'CONFLICT', message: `odd ${n}`, details: { n } } },
    );
    const batcher = new RequestBatcher({ windowMs: 20, max: 10, send: s.send });

    const answers = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.add(n)));

    expect(s.sent).toEqual([[1, 2, 3, 4]]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as AtsError).message))).toEqual(
      ['odd 1', 'even 2', 'odd 3', 'even 4'],
    );
    const refusal = (answers[0] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(AtsError);
    expect(refusal).toMatchObject({ code: 'CONFLICT', details: { n: 1 } });
  });

  it('sends at once when `max` are waiting, and flush sends the rest and waits for the answers', async () => {
    const s = sender<number>((n) => ({ ok: String(n) }));
    const batcher = new RequestBatcher({ windowMs: 60_000, max: 3, send: s.send });
    const added = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n));

    await Promise.all(added.slice(0, 6));
    expect(s.sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await batcher.flush();
    expect(s.sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    await expect(Promise.all(added)).resolves.toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('fails every item with the error of a request that failed whole, and an item left unanswered with INTERNAL', async () => {
    const down = new RequestBatcher<number, string>({
      windowMs: 1,
      max: 10,
      send: () => Promise.reject(new AtsError('UNAVAILABLE', 'nobody answers')),
    });
    const failed = await Promise.allSettled([down.add(1), down.add(2)]);
    expect(failed.map((f) => (f as PromiseRejectedResult).reason.code)).toEqual([
      'UNAVAILABLE',
      'UNAVAILABLE',
    ]);

    const short = new RequestBatcher<number, string>({
      windowMs: 1,
      max: 10,
      send: async () => [{ ok: 'one' }],
    });
    const answers = await Promise.allSettled([short.add(1), short.add(2)]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 'one' });
    expect((answers[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INTERNAL' });
  });

  it('sends each item alone, in order, when nothing serves the batch request, and only then', async () => {
    const noResponders = new AtsError('UNAVAILABLE', 'batch: no service is answering', {
      subject: 's',
      noResponders: true,
    });
    const alone: number[] = [];
    const older = new RequestBatcher<number, string>({
      windowMs: 1,
      max: 10,
      send: () => Promise.reject(noResponders),
      alone: async (n) => {
        alone.push(n);
        // The first answers slowest: a later item still waits for it.
        await new Promise((resolve) => setTimeout(resolve, n === 1 ? 20 : 0));
        if (n === 2) throw new AtsError('CONFLICT', 'two is refused');
        return `alone ${n}`;
      },
    });
    const answers = await Promise.allSettled([older.add(1), older.add(2), older.add(3)]);
    expect(alone).toEqual([1, 2, 3]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as AtsError).code))).toEqual([
      'alone 1',
      'CONFLICT',
      'alone 3',
    ]);

    // A timeout (or lost connection) is not "nobody serves it": the items fail, none goes alone.
    const slow = new RequestBatcher<number, string>({
      windowMs: 1,
      max: 10,
      send: () => Promise.reject(new AtsError('TIMEOUT', 'no reply in time')),
      alone: async (n) => {
        alone.push(n);
        return 'alone';
      },
    });
    const timedOut = await Promise.allSettled([slow.add(4)]);
    expect((timedOut[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'TIMEOUT' });
    expect(alone).toEqual([1, 2, 3]);
  });
});
