import { decodeCursor, encodeCursor } from './keyset-cursor';

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
