import { AtsError } from '@autotelesale/contracts';
import { IllegalTransitionError, ReservationClosedError } from '@autotelesale/agent-domain';
import { toAtsError } from './to-ats-error';

describe('toAtsError', () => {
  it('turns a refused transition into CONFLICT with its stable reason and facts', () => {
    const mapped = toAtsError(new IllegalTransitionError('on_call', 'logout'));
    expect(mapped).toBeInstanceOf(AtsError);
    expect((mapped as AtsError).toBody()).toEqual({
      code: 'CONFLICT',
      message: 'an agent in state on_call cannot logout',
      details: { reason: 'ILLEGAL_TRANSITION', state: 'on_call', command: 'logout' },
    });
  });

  it('keeps the status of a closed reservation in the details', () => {
    expect(toAtsError(new ReservationClosedError('expired', 'confirm'))).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'RESERVATION_CLOSED', status: 'expired', operation: 'confirm' },
    });
  });

  it('leaves other errors alone', () => {
    const notFound = new AtsError('NOT_FOUND', 'agent x does not exist');
    const crash = new TypeError('boom');
    expect(toAtsError(notFound)).toBe(notFound);
    expect(toAtsError(crash)).toBe(crash);
  });
});
