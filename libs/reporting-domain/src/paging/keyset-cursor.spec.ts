import { decodeCursor, decodeTimeKeyset, encodeCursor, encodeTimeKeyset } from './keyset-cursor';

describe('keyset cursor', () => {
  const keyset = { dialedAt: new Date('2026-11-23T09:00:00.123Z'), callId: 'call-1' };
  const query = { filter: { campaignId: 'c1' }, order: 'desc' };

  it('reads back what it wrote, whatever the key order of the query', () => {
    const cursor = encodeCursor(keyset, query);
    expect(decodeCursor(cursor, { order: 'desc', filter: { campaignId: 'c1', agentId: undefined } })).toEqual(
      keyset,
    );
  });

  it.each([
    ['another query', encodeCursor(keyset, { ...query, order: 'asc' })],
    ['garbage', 'not-a-cursor'],
    ['a forged body', Buffer.from('{"t":"yesterday","c":1}').toString('base64url')],
  ])('refuses %s', (_label, cursor) => {
    expect(() => decodeCursor(cursor, query)).toThrow(
      expect.objectContaining({ code: 'REPORTING_INVALID_CURSOR' }),
    );
  });
});

describe('time keyset cursor (any report paged by time, then id)', () => {
  const keyset = { at: new Date('2026-11-23T17:00:00.001Z'), id: '0b8f8a52-8a51-4b5e-9d43-3b0f3f7a1c11' };
  const query = { filter: { callerNumber: '+84961166133' }, order: 'asc' };

  it('reads back what it wrote, and a call cursor of the same position is the same text', () => {
    const cursor = encodeTimeKeyset(keyset, query);
    expect(decodeTimeKeyset(cursor, query)).toEqual(keyset);
    expect(encodeCursor({ dialedAt: keyset.at, callId: keyset.id }, query)).toBe(cursor);
  });

  it('refuses a cursor of another filter', () => {
    const cursor = encodeTimeKeyset(keyset, query);
    expect(() => decodeTimeKeyset(cursor, { ...query, filter: {} })).toThrow(
      expect.objectContaining({ code: 'REPORTING_INVALID_CURSOR' }),
    );
  });
});
