import { isDeadlock, isSerializationFailure } from './pg-errors';

describe('PostgreSQL errors worth a retry', () => {
  it('knows a deadlock and a serialization failure by their SQLSTATE, and nothing else', () => {
    expect([isDeadlock({ code: '40P01' }), isSerializationFailure({ code: '40001' })]).toEqual([true, true]);
    expect([isDeadlock({ code: '40001' }), isSerializationFailure({ code: '40P01' })]).toEqual([
      false,
      false,
    ]);
    expect([isDeadlock(null), isDeadlock('40P01'), isDeadlock(new Error('deadlock'))]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
