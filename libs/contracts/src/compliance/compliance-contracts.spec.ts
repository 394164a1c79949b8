import {
  CAMPAIGN_DEFAULTS,
  CampaignSettings,
  COMPLIANCE_DEFAULTS,
  HolidayDate,
} from '../campaign/campaign.schemas';
import { AddDncEntriesRequest, DncListRef } from './compliance.schemas';

describe('compliance contracts', () => {
  it('a campaign list names its campaign, and only a campaign list does', () => {
    const id = '7b0f3c1e-2d4a-4e8b-9c6f-1a2b3c4d5e6f';
    expect(DncListRef.safeParse({ kind: 'campaign', campaignId: id }).success).toBe(true);
    expect(DncListRef.safeParse({ kind: 'campaign' }).success).toBe(false);
    expect(DncListRef.safeParse({ kind: 'global', campaignId: id }).success).toBe(false);
    expect(DncListRef.safeParse({ kind: 'blacklist' }).success).toBe(true);
  });

  it.each([
    ['2026-09-02', true],
    ['09-02', true],
    ['2026-02-30x', false],
    ['13-01', false],
  ])('holiday %s valid: %s', (value, ok) => expect(HolidayDate.safeParse(value).success).toBe(ok));

  it('settings stored before compliance existed read with its defaults', () => {
    const { compliance: _dropped, ...old } = { ...CAMPAIGN_DEFAULTS, name: 'x', mode: 'predictive' as const };
    expect(CampaignSettings.parse(old).compliance).toEqual(COMPLIANCE_DEFAULTS);
  });

  it('bulk adds are bounded', () => {
    const phones = Array.from({ length: 1001 }, (_, i) => `+8490000${String(i).padStart(4, '0')}`);
    expect(AddDncEntriesRequest.safeParse({ list: { kind: 'global' }, phones }).success).toBe(false);
  });
});
