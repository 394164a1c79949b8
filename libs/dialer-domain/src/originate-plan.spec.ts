import { agentLegPlan, customerLegPlan } from './originate-plan';

const customer = {
  callId: 'c0ffee00-0000-4000-8000-000000000001',
  dialerId: 'dialer-1',
  campaignId: 'camp',
  attemptId: 'att',
  contactId: 'con',
  phone: '+84901234567',
  gateway: 'gw1',
  ringTimeoutSec: 25,
};

describe('customerLegPlan', () => {
  it('starts mod_avmd on the answer when the campaign detects machines', () => {
    expect(customerLegPlan({ ...customer, detectMachine: true }).variables).toEqual({
      execute_on_answer: 'avmd_start',
    });
    expect(customerLegPlan(customer).variables).toEqual({});
  });

  it('marks a detecting leg ats_amd=detecting from the originate (no round trip), others not at all', () => {
    expect(customerLegPlan({ ...customer, detectMachine: true }).tracking['ats_amd']).toBe('detecting');
    expect(customerLegPlan(customer).tracking).not.toHaveProperty('ats_amd');
  });

  it('tags an agent-first leg with the reservation of its agent, for a replica taking it over', () => {
    expect(customerLegPlan({ ...customer, reservationId: 'res-1' }).tracking['ats_reservation_id']).toBe(
      'res-1',
    );
    expect(customerLegPlan(customer).tracking).not.toHaveProperty('ats_reservation_id');
  });

  it('dials the number through the gateway, parks on answer, ignores early media and tags the leg', () => {
    expect(customerLegPlan({ ...customer, callerId: { number: '+842838', name: 'ACME' } })).toEqual({
      uuid: customer.callId,
      endpoint: 'sofia/gateway/gw1/84901234567',
      application: '&park()',
      timeoutSec: 25,
      ignoreEarlyMedia: true,
      tracking: {
        ats_dialer_id: 'dialer-1',
        ats_call_id: customer.callId,
        ats_campaign_id: 'camp',
        ats_attempt_id: 'att',
        ats_contact_id: 'con',
        ats_role: 'customer',
      },
      variables: { origination_caller_id_number: '+842838', origination_caller_id_name: 'ACME' },
    });
  });

  it.each([
    [25, 25],
    [15, 15],
    [5, 15],
    [14.2, 15],
  ])('rings a ring timeout of %s s for %s s (never under the 15 s minimum)', (asked, rung) => {
    expect(customerLegPlan({ ...customer, ringTimeoutSec: asked }).timeoutSec).toBe(rung);
  });

  it.each([
    ['a gateway that would change the dial string', { gateway: 'gw1/../x' }],
    ['a number that is not digits', { phone: '+8490 123' }],
  ])('refuses %s', (_why, patch) => {
    expect(() => customerLegPlan({ ...customer, ...patch })).toThrow(
      expect.objectContaining({ code: 'DIALER_INVALID_ARGUMENT' }),
    );
  });
});

describe('agentLegPlan', () => {
  it('calls the softphone once and keeps the leg parked between customers', () => {
    const plan = agentLegPlan({ legUuid: 'leg-1', dialerId: 'd', agentId: 'a', extension: '1001' });
    expect(plan).toMatchObject({
      endpoint: 'user/1001',
      application: '&park()',
      variables: { park_after_bridge: true, hangup_after_bridge: false },
      tracking: { ats_role: 'agent', ats_agent_id: 'a', ats_dialer_id: 'd' },
    });
  });

  it('refuses an extension that would inject into the dial string', () => {
    expect(() =>
      agentLegPlan({ legUuid: 'l', dialerId: 'd', agentId: 'a', extension: '1001 &hangup' }),
    ).toThrow(expect.objectContaining({ code: 'DIALER_INVALID_ARGUMENT' }));
  });
});
