/**
 * One chunk of a chunked CSV export: `header` first (empty in the chunks after the
 * first), then the rows' lines while there are at most `maxRows` of them and they fit in
 * `maxBytes` (UTF-8); the first line always goes in, however long, so every chunk moves
 * on. `taken` says how many rows it holds: the caller's cursor is the last of them.
 */
export function fillCsvChunk<T>(
  rows: readonly T[],
  line: (row: T) => string,
  options: { header: string; maxRows: number; maxBytes: number },
): { chunk: string; taken: number } {
  let chunk = options.header;
  let bytes = Buffer.byteLength(chunk);
  let taken = 0;
  for (const row of rows.slice(0, options.maxRows)) {
    const text = line(row);
    const size = Buffer.byteLength(text);
    if (taken > 0 && bytes + size > options.maxBytes) break;
    chunk += text;
    bytes += size;
    taken += 1;
  }
  return { chunk, taken };
}
