/**
 * Decodes a byte stream that arrives in pieces cut anywhere: a UTF-8 character split
 * between two pieces is held back (`tail`) and completed by the next. A byte order mark
 * at the very start of the stream is dropped. Invalid bytes become U+FFFD (the row then
 * usually fails its phone check, and is reported, rather than vanishing).
 */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** How many bytes at the end of `bytes` start a character that is not complete yet. */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = bytes[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

export interface Utf8DecodeResult {
  text: string;
  tail: Uint8Array;
}

export function decodeUtf8Piece(
  tail: Uint8Array,
  piece: Uint8Array,
  options: { atStart: boolean; final: boolean },
): Utf8DecodeResult {
  const bytes = tail.length === 0 ? piece : concat(tail, piece);
  const keep = options.final ? 0 : incompleteUtf8Tail(bytes);
  let text = decoder.decode(bytes.subarray(0, bytes.length - keep));
  if (options.atStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, tail: bytes.slice(bytes.length - keep) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
