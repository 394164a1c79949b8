import type { Campaign, CampaignSettings, CampaignStatus } from '@autotelesale/contracts';
import { escapeFormulaDeep } from '@autotelesale/campaign-domain';
import { iso } from '../db/sql';

export interface CampaignRow {
  id: string;
  version: number;
  status: CampaignStatus;
  settings: CampaignSettings;
  created_at: Date;
  updated_at: Date;
  status_changed_at: Date;
}

export const CAMPAIGN_COLUMNS = 'id, version, status, settings, created_at, updated_at, status_changed_at';

/**
 * The campaign as returned: its settings with every free-text value formula-escaped
 * (a name such as `=cmd|...` comes back as `'=cmd|...`), stored as given.
 */
export function toCampaign(row: CampaignRow): Campaign {
  const settings = row.settings;
  return {
    ...settings,
    name: escapeFormulaDeep(settings.name) as string,
    description: escapeFormulaDeep(settings.description) as string | null,
    introMessage: escapeFormulaDeep(settings.introMessage) as Campaign['introMessage'],
    identificationMessage: escapeFormulaDeep(
      settings.identificationMessage,
    ) as Campaign['identificationMessage'],
    id: row.id,
    version: row.version,
    status: row.status,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    statusChangedAt: iso(row.status_changed_at)!,
  };
}
