import { parseCause, q850, sipCodeToCause } from './hangup-causes';

describe('hangup causes', () => {
  it('maps SIP final responses like sofia does', () => {
    expect(sipCodeToCause(486)).toBe('USER_BUSY');
    expect(sipCodeToCause(404)).toBe('UNALLOCATED_NUMBER');
    expect(sipCodeToCause(603)).toBe('CALL_REJECTED');
    expect(sipCodeToCause(503)).toBe('NORMAL_TEMPORARY_FAILURE');
    expect(sipCodeToCause(499)).toBe('NORMAL_UNSPECIFIED');
  });

  it('parses names in any case and numbers; unknown becomes NORMAL_CLEARING', () => {
    expect(parseCause('user_busy')).toBe('USER_BUSY');
    expect(parseCause('17')).toBe('USER_BUSY');
    expect(parseCause('NOT_A_CAUSE')).toBe('NORMAL_CLEARING');
  });

  it('clamps FreeSWITCH-internal causes to 16 in hangup_cause_q850', () => {
    expect(q850('ORIGINATOR_CANCEL')).toBe(16);
    expect(q850('NO_ANSWER')).toBe(19);
  });
});
