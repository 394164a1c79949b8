import { parseAmdMark } from './channel-variables';

describe('parseAmdMark (ats_amd read back from a channel)', () => {
  it.each([
    ['detecting', 'detecting'],
    ['human', 'human'],
    ['machine', 'machine'],
    ['message', 'message'],
    [undefined, undefined],
    ['_undef_', undefined],
    ['-ERR No such channel!\n', undefined],
    ['HUMAN', undefined],
  ])('%j -> %j', (value, mark) => {
    expect(parseAmdMark(value)).toBe(mark);
  });
});
