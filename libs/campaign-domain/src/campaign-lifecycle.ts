import { AtsError, type CampaignAction, type CampaignStatus } from '@autotelesale/contracts';

/**
 * The campaign lifecycle: draft -> running <-> paused -> completed -> archived (a draft
 * may also be archived unused). Nothing else is allowed; archived is the end.
 */
const TRANSITIONS: Record<CampaignStatus, Partial<Record<CampaignAction, CampaignStatus>>> = {
  draft: { start: 'running', archive: 'archived' },
  running: { pause: 'paused', complete: 'completed' },
  paused: { resume: 'running', complete: 'completed' },
  completed: { archive: 'archived' },
  archived: {},
};

/** The status `action` leads to from `status`, or CONFLICT `ILLEGAL_TRANSITION`. */
export function nextCampaignStatus(status: CampaignStatus, action: CampaignAction): CampaignStatus {
  const next = TRANSITIONS[status][action];
  if (!next) {
    throw new AtsError('CONFLICT', `a ${status} campaign cannot ${action}`, {
      reason: 'ILLEGAL_TRANSITION',
      status,
      action,
      allowed: allowedCampaignActions(status),
    });
  }
  return next;
}

export function allowedCampaignActions(status: CampaignStatus): CampaignAction[] {
  return Object.keys(TRANSITIONS[status]) as CampaignAction[];
}

/** Settings, lists, contacts and callbacks may change only before a campaign is completed. */
export function isCampaignOpen(status: CampaignStatus): boolean {
  return status !== 'completed' && status !== 'archived';
}

export function assertCampaignOpen(status: CampaignStatus, what: string): void {
  if (!isCampaignOpen(status)) {
    throw new AtsError('CONFLICT', `a ${status} campaign takes no ${what}`, {
      reason: 'CAMPAIGN_CLOSED',
      status,
    });
  }
}

/** Only a running campaign hands contacts to dialers. */
export function isCampaignDialable(status: CampaignStatus): boolean {
  return status === 'running';
}
