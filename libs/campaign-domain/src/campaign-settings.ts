import {
  CAMPAIGN_DEFAULTS,
  CampaignSettings,
  validationError,
  type CampaignSettingsInput,
  type CampaignSettingsPatch,
} from '@autotelesale/contracts';

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key (recursively), arrays and scalars replace, `undefined` keeps. */
function mergeDeep<T>(base: T, patch: Json): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeDeep(out[key], value) : value;
  }
  return out as T;
}

function checked(settings: unknown): CampaignSettings {
  const parsed = CampaignSettings.safeParse(settings);
  if (!parsed.success) throw validationError('campaign settings', parsed.error);
  return parsed.data;
}

/** A new campaign's settings: what was given, the defaults for the rest, checked whole. */
export function buildCampaignSettings(input: CampaignSettingsInput): CampaignSettings {
  return checked(mergeDeep({ ...CAMPAIGN_DEFAULTS, name: input.name, mode: input.mode }, input));
}

/** Settings after an update: nested objects merge, arrays replace, `null` clears; checked whole. */
export function applyCampaignPatch(
  current: CampaignSettings,
  patch: CampaignSettingsPatch,
): CampaignSettings {
  return checked(mergeDeep(current, patch));
}

/** JSON with object keys sorted at every level: equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Top-level settings whose value differs (for the `campaign.updated` event); key order does not count. */
export function changedSettings(before: CampaignSettings, after: CampaignSettings): string[] {
  return (Object.keys(after) as Array<keyof CampaignSettings>).filter(
    (key) => canonicalJson(before[key]) !== canonicalJson(after[key]),
  );
}
