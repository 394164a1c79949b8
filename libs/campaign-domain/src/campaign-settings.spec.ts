import { CAMPAIGN_DEFAULTS } from '@autotelesale/contracts';
import { applyCampaignPatch, buildCampaignSettings, changedSettings } from './campaign-settings';

describe('campaign settings', () => {
  it('fills what is not given from the defaults', () => {
    const settings = buildCampaignSettings({
      name: 'Q4 renewals',
      mode: 'predictive',
      pacing: { ratio: 1.25 },
    });
    expect(settings.pacing).toEqual({ ...CAMPAIGN_DEFAULTS.pacing, ratio: 1.25 });
    expect(settings.pacing.abandonRateCap).toBe(0.03);
    expect(settings.retryRules).toEqual(CAMPAIGN_DEFAULTS.retryRules);
    expect(settings.dispositionSet.codes.length).toBeGreaterThan(0);
  });

  it('merges a patch into nested objects and replaces arrays', () => {
    const settings = buildCampaignSettings({
      name: 'x',
      mode: 'preview',
      agents: [{ agentId: 'a1' }, { agentId: 'a2' }],
      retryRules: { busy: { delaySeconds: 60, maxAttempts: 5 } },
    });
    const patched = applyCampaignPatch(settings, {
      retryRules: { busy: { delaySeconds: 120 } },
      agents: [{ agentId: 'a3', extension: '1003' }],
      callerId: { number: '+842838251234' },
    });
    expect(patched.retryRules.busy).toEqual({ delaySeconds: 120, maxAttempts: 5 });
    expect(patched.retryRules.noAnswer).toEqual(settings.retryRules.noAnswer);
    expect(patched.agents).toEqual([{ agentId: 'a3', extension: '1003' }]);
    expect(changedSettings(settings, patched).sort()).toEqual(['agents', 'callerId', 'retryRules']);
    expect(applyCampaignPatch(patched, { callerId: null }).callerId).toBeNull();
    // Settings read back from jsonb come with their keys in another order: not a change.
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : value;
    expect(changedSettings(reverseKeys(patched) as typeof patched, patched)).toEqual([]);
  });

  it('refuses settings that are invalid as a whole, naming the path', () => {
    expect(() =>
      buildCampaignSettings({
        name: 'x',
        mode: 'predictive',
        dispositionSet: {
          codes: [
            { code: 'A', label: 'a' },
            { code: 'A', label: 'again' },
          ],
        },
      } as never),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
