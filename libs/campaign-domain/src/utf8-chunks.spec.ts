import { decodeUtf8Piece, incompleteUtf8Tail } from './utf8-chunks';

describe('UTF-8 pieces', () => {
  const bytes = Buffer.from('\uFEFFsố điện thoại,😀\n', 'utf8');

  it('finds an incomplete character at the end', () => {
    const emoji = Buffer.from('😀', 'utf8');
    expect(incompleteUtf8Tail(emoji.subarray(0, 1))).toBe(1);
    expect(incompleteUtf8Tail(emoji.subarray(0, 3))).toBe(3);
    expect(incompleteUtf8Tail(emoji)).toBe(0);
    expect(incompleteUtf8Tail(Buffer.from('abc'))).toBe(0);
  });

  it('decodes the same text whatever the cut, dropping the BOM at the start only', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const a = decodeUtf8Piece(new Uint8Array(), bytes.subarray(0, cut), { atStart: true, final: false });
      const b = decodeUtf8Piece(a.tail, bytes.subarray(cut), { atStart: a.text.length === 0, final: true });
      expect(a.text + b.text).toBe('số điện thoại,😀\n');
    }
  });
});
