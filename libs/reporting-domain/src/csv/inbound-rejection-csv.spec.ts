import type { InboundRejection } from '@autotelesale/contracts';
import { inboundRejectionCsvHeader, inboundRejectionCsvLine } from './inbound-rejection-csv';

const rejection: InboundRejection = {
  eventId: '6a1f7c3e-2d4b-4b8a-9c1e-0f2a3b4c5d6e',
  channelUuid: '0b8f8a52-8a51-4b5e-9d43-3b0f3f7a1c11',
  dialerId: 'dialer-1',
  node: 'fs1',
  callerNumber: '+84961166133',
  calledNumber: '19001234',
  list: 'blacklist',
  listReason: 'threatens agents, twice',
  hangupCause: 'CALL_REJECTED',
  rejectedAt: '2026-11-23T17:00:00.000Z',
};

describe('inbound rejection CSV', () => {
  it('writes one CRLF line per rejection under its header, quoting what needs it', () => {
    expect(inboundRejectionCsvHeader()).toBe(
      'rejected_at,caller_number,called_number,node,list,list_reason,hangup_cause,channel_uuid,dialer_id,event_id\r\n',
    );
    expect(inboundRejectionCsvLine(rejection)).toBe(
      '2026-11-23T17:00:00.000Z,+84961166133,19001234,fs1,blacklist,"threatens agents, twice",CALL_REJECTED,' +
        '0b8f8a52-8a51-4b5e-9d43-3b0f3f7a1c11,dialer-1,6a1f7c3e-2d4b-4b8a-9c1e-0f2a3b4c5d6e\r\n',
    );
  });

  it('never lets a reason or a dialled number run as a formula; the E.164 caller stays as is', () => {
    const line = inboundRejectionCsvLine({
      ...rejection,
      listReason: '=HYPERLINK("x")',
      calledNumber: '+1900',
    });
    expect(line).toContain(`,'+1900,`);
    expect(line).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(line).toContain(',+84961166133,');
    expect(inboundRejectionCsvLine({ ...rejection, listReason: null })).toContain(
      ',blacklist,,CALL_REJECTED,',
    );
  });
});
