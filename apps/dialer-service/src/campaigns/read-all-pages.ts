/** One page of a cursor-paged list, as every list RPC of libs/contracts replies. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Reads a cursor-paged list to its end, or `maxPages` pages, whichever comes first.
 * `complete` is false when it stopped at `maxPages` with more to read: the caller must
 * not conclude that an item it did not see is gone.
 */
export async function readAllPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  maxPages: number,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.nextCursor) return { items, complete: true };
    cursor = page.nextCursor;
  }
  return { items, complete: false };
}
