import { readAllPages, type CursorPage } from './read-all-pages';

/** A list of `total` numbers served `size` at a time, cursors as the position. */
function pagedList(total: number, size: number) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined): Promise<CursorPage<number>> => {
    asked.push(cursor);
    const from = cursor ? Number(cursor) : 0;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
    return { items, nextCursor: from + size < total ? String(from + size) : null };
  };
  return { fetchPage, asked };
}

describe('readAllPages', () => {
  it.each([
    [0, 1],
    [1, 1],
    [450, 3],
    [200, 1],
    [201, 2],
  ])('reads all of %i items in %i page(s) of 200, following the cursors', async (total, expectedPages) => {
    const list = pagedList(total, 200);
    const result = await readAllPages(list.fetchPage, 50);
    expect(result).toEqual({ items: Array.from({ length: total }, (_, i) => i), complete: true });
    expect(list.asked.length).toBe(expectedPages);
    expect(list.asked[0]).toBeUndefined();
  });

  it('stops at maxPages and says the list is incomplete', async () => {
    const list = pagedList(1_000, 100);
    const result = await readAllPages(list.fetchPage, 3);
    expect(result.items).toHaveLength(300);
    expect(result.complete).toBe(false);
  });

  it('passes a failing page on to the caller', async () => {
    await expect(readAllPages(() => Promise.reject(new Error('no responders')), 5)).rejects.toThrow(
      'no responders',
    );
  });
});
