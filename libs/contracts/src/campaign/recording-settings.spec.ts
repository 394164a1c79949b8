import { CAMPAIGN_DEFAULTS, CampaignSettings, CampaignSettingsPatch } from './campaign.schemas';
import { RecordingDirectory, RecordingSettings } from './recording.schemas';

describe('campaign recording setting', () => {
  it('is off by default, from the bridge, in the dialer directory', () => {
    expect(CAMPAIGN_DEFAULTS.recording).toEqual({ enabled: false, from: 'bridge' });
  });

  it('reads a campaign stored before the setting as not recorded', () => {
    const old: Record<string, unknown> = structuredClone({
      ...CAMPAIGN_DEFAULTS,
      name: 'x',
      mode: 'predictive',
    });
    delete old['recording'];
    expect(CampaignSettings.parse(old).recording).toEqual({ enabled: false, from: 'bridge' });
  });

  it('takes any subset in an update, and null clears the directory', () => {
    expect(CampaignSettingsPatch.parse({ recording: { enabled: true } }).recording).toEqual({
      enabled: true,
    });
    expect(CampaignSettingsPatch.parse({ recording: { directory: null } }).recording).toEqual({
      directory: null,
    });
    expect(
      CampaignSettingsPatch.parse({ recording: { enabled: true, from: 'answer', directory: '/srv/rec' } })
        .recording,
    ).toEqual({ enabled: true, from: 'answer', directory: '/srv/rec' });
  });

  it('refuses an unknown start moment or an unknown key', () => {
    expect(CampaignSettingsPatch.safeParse({ recording: { from: 'ring' } }).success).toBe(false);
    expect(CampaignSettingsPatch.safeParse({ recording: { enabled: 'yes' } }).success).toBe(false);
    expect(CampaignSettingsPatch.safeParse({ recording: { format: 'mp3' } }).success).toBe(false);
  });

  it.each([
    ['/var/lib/freeswitch/recordings', true],
    ['/srv/rec-2026/a_b.c', true],
    ['/', true],
    ['relative/dir', false],
    ['', false],
    ['/var/../etc', false],
    ['/var/rec/..', false],
    ['/with space', false],
    ['/new\nline', false],
    ['/semi;colon', false],
    ["/quote'd", false],
    [`/${'a'.repeat(199)}`, true],
    [`/${'a'.repeat(200)}`, false],
  ])('directory %j valid: %s', (dir, valid) => {
    expect(RecordingDirectory.safeParse(dir).success).toBe(valid);
    expect(RecordingSettings.safeParse({ enabled: true, from: 'bridge', directory: dir }).success).toBe(
      valid,
    );
  });

  it('names the problem', () => {
    const result = RecordingDirectory.safeParse('/a/../b');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('no .. segment');
  });
});
