import { parseOriginateResult, parseShowChannels } from './show-channels';

describe('parseShowChannels', () => {
  it('reads the empty quirk {"row_count": 0}\\n', () => {
    expect(parseShowChannels('{"row_count": 0}\n')).toEqual([]);
  });

  it('reads rows with their columns', () => {
    const body = JSON.stringify({
      row_count: 1,
      rows: [
        {
          uuid: 'u1',
          direction: 'outbound',
          created: '2025-01-15 10:21:07',
          created_epoch: '1736932867',
          name: 'sofia/external/1555',
          state: 'CS_EXECUTE',
          callstate: 'ACTIVE',
          dest: '1555',
          application: 'park',
          hostname: 'fs-1',
        },
      ],
    });
    const [row] = parseShowChannels(body);
    expect(row).toMatchObject({
      uuid: 'u1',
      createdEpoch: 1736932867,
      callstate: 'ACTIVE',
      application: 'park',
    });
    expect(row!.raw['hostname']).toBe('fs-1');
  });

  it.each([['-ERR no reply\n'], ['not json'], ['{"rows":[]}'], ['{"row_count":1,"rows":[{"name":"x"}]}']])(
    'throws ESL_BAD_REPLY on %j',
    (body) => {
      expect(() => parseShowChannels(body)).toThrow(expect.objectContaining({ code: 'ESL_BAD_REPLY' }));
    },
  );
});

describe('parseOriginateResult', () => {
  it('maps +OK, -ERR CAUSE and usage errors', () => {
    expect(parseOriginateResult('+OK u1\n')).toEqual({ ok: true, uuid: 'u1' });
    expect(parseOriginateResult('-ERR NO_ANSWER\n')).toEqual({
      ok: false,
      cause: 'NO_ANSWER',
      body: '-ERR NO_ANSWER',
    });
    expect(parseOriginateResult('-USAGE: <call url> ...\n')).toMatchObject({ ok: false, cause: 'USAGE' });
    expect(parseOriginateResult('')).toMatchObject({ ok: false, cause: 'UNKNOWN' });
  });
});
