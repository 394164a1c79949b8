import type { CampaignAction, CampaignStatus } from '@autotelesale/contracts';
import {
  allowedCampaignActions,
  assertCampaignOpen,
  isCampaignDialable,
  nextCampaignStatus,
} from './campaign-lifecycle';

const statuses: CampaignStatus[] = ['draft', 'running', 'paused', 'completed', 'archived'];
const actions: CampaignAction[] = ['start', 'pause', 'resume', 'complete', 'archive'];

describe('campaign lifecycle', () => {
  // The whole table: every status x action, allowed or refused.
  const expected: Record<CampaignStatus, Partial<Record<CampaignAction, CampaignStatus>>> = {
    draft: { start: 'running', archive: 'archived' },
    running: { pause: 'paused', complete: 'completed' },
    paused: { resume: 'running', complete: 'completed' },
    completed: { archive: 'archived' },
    archived: {},
  };

  for (const status of statuses) {
    for (const action of actions) {
      const to = expected[status][action];
      it(`${status} --${action}--> ${to ?? 'CONFLICT'}`, () => {
        if (to) expect(nextCampaignStatus(status, action)).toBe(to);
        else
          expect(() => nextCampaignStatus(status, action)).toThrow(
            expect.objectContaining({
              code: 'CONFLICT',
              details: expect.objectContaining({ reason: 'ILLEGAL_TRANSITION', status, action }),
            }),
          );
      });
    }
  }

  it('lists the allowed actions, and only running campaigns are dialable', () => {
    expect(allowedCampaignActions('paused')).toEqual(['resume', 'complete']);
    expect(statuses.filter(isCampaignDialable)).toEqual(['running']);
  });

  it('closes a completed or archived campaign to changes', () => {
    expect(() => assertCampaignOpen('paused', 'lists')).not.toThrow();
    expect(() => assertCampaignOpen('completed', 'lists')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
});
