import { createTopology } from '../topology';
import {
  CAMPAIGN_DEFAULTS,
  CampaignSettings,
  CampaignSettingsInput,
  CampaignSettingsPatch,
} from './campaign.schemas';
import { campaignRpcs } from './campaign.rpcs';
import { ImportChunkRequest } from './contact-list.schemas';
import { FilterCondition } from './contact.schemas';
import { ScheduleCallbackRequest } from './disposition.schemas';

describe('campaign contracts', () => {
  it('names every operation on <ns>.rpc.campaign.<name>, each name once', () => {
    const topology = createTopology('t1');
    const subjects = Object.values(campaignRpcs).map((rpc) => topology.rpc.subject(rpc));
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(topology.rpc.subject(campaignRpcs.importChunk)).toBe('t1.rpc.campaign.list.importChunk');
    expect(topology.rpc.subject(campaignRpcs.leaseContacts)).toBe('t1.rpc.campaign.contact.lease');
  });

  it('reads a campaign stored before the preview timeout and skip settings as dial and 0 s', () => {
    const old = structuredClone({ ...CAMPAIGN_DEFAULTS, name: 'x', mode: 'preview' }) as {
      pacing: Partial<typeof CAMPAIGN_DEFAULTS.pacing>;
      retryRules: Partial<typeof CAMPAIGN_DEFAULTS.retryRules>;
    };
    delete old.pacing.previewTimeoutAction;
    delete old.retryRules.skippedDelaySeconds;
    const read = CampaignSettings.parse(old);
    expect(read.pacing.previewTimeoutAction).toBe('dial');
    expect(read.retryRules.skippedDelaySeconds).toBe(0);
  });

  it('takes only dial or skip as the preview timeout action', () => {
    expect(CampaignSettingsPatch.safeParse({ pacing: { previewTimeoutAction: 'skip' } }).success).toBe(true);
    expect(CampaignSettingsPatch.safeParse({ pacing: { previewTimeoutAction: 'later' } }).success).toBe(
      false,
    );
    expect(CampaignSettingsPatch.parse({ pacing: { previewSeconds: 5 } }).pacing).toEqual({
      previewSeconds: 5,
    });
  });

  it('leases by contact id, never an empty or malformed list', () => {
    const base = { campaignId: '8a3c2f4e-1b6d-4c1e-9f3a-2d5e7b9c0a11', dialerId: 'd1', count: 1 };
    expect(
      campaignRpcs.leaseContacts.request.safeParse({ ...base, contactIds: [base.campaignId] }).success,
    ).toBe(true);
    expect(campaignRpcs.leaseContacts.request.safeParse({ ...base, contactIds: [] }).success).toBe(false);
    expect(campaignRpcs.leaseContacts.request.safeParse({ ...base, contactIds: ['x'] }).success).toBe(false);
  });

  it('has complete, valid defaults', () => {
    expect(CampaignSettings.parse({ ...CAMPAIGN_DEFAULTS, name: 'x', mode: 'predictive' })).toBeTruthy();
  });

  it('asks only name and mode on create, and applies no defaults itself (the service merges them)', () => {
    expect(CampaignSettingsInput.parse({ name: 'Q4', mode: 'predictive' })).toEqual({
      name: 'Q4',
      mode: 'predictive',
    });
    expect(CampaignSettingsInput.safeParse({ name: 'Q4' }).success).toBe(false);
    expect(CampaignSettingsPatch.parse({ pacing: { ratio: 1.25 } })).toEqual({ pacing: { ratio: 1.25 } });
    expect(CampaignSettingsPatch.safeParse({ status: 'running' }).success).toBe(false);
  });

  it('refuses a calling window that ends before it starts and an unknown time zone', () => {
    expect(
      CampaignSettingsPatch.safeParse({
        callingHours: { windows: [{ days: ['mon'], start: '21:00', end: '08:00' }] },
      }).success,
    ).toBe(false);
    expect(CampaignSettingsPatch.safeParse({ callingHours: { timeZone: 'Mars/Olympus' } }).success).toBe(
      false,
    );
    expect(CampaignSettingsPatch.safeParse({ callingHours: { timeZone: 'Asia/Ho_Chi_Minh' } }).success).toBe(
      true,
    );
  });

  it('defaults a chunk to base64 and not last', () => {
    expect(
      ImportChunkRequest.parse({ importId: '00000000-0000-4000-8000-000000000000', seq: 0, data: '' }),
    ).toMatchObject({ encoding: 'base64', last: false });
  });

  it('checks that a filter value fits its operator', () => {
    expect(FilterCondition.safeParse({ field: 'city', op: 'eq', value: 'Hanoi' }).success).toBe(true);
    expect(FilterCondition.safeParse({ field: 'city', op: 'in', value: 'Hanoi' }).success).toBe(false);
    expect(FilterCondition.safeParse({ field: 'age', op: 'gt', value: '30' }).success).toBe(false);
    expect(FilterCondition.safeParse({ field: 'age', op: 'exists' }).success).toBe(true);
  });

  it('schedules a callback on exactly one of a contact and a phone number', () => {
    const campaignId = '00000000-0000-4000-8000-000000000000';
    expect(ScheduleCallbackRequest.safeParse({ campaignId }).success).toBe(false);
    expect(ScheduleCallbackRequest.safeParse({ campaignId, phone: '0961166133' }).success).toBe(true);
    expect(
      ScheduleCallbackRequest.safeParse({ campaignId, phone: '0961166133', contactId: campaignId }).success,
    ).toBe(false);
  });
});
