import { Injectable } from '@nestjs/common';
import type { Campaign, campaignEvents, Disposition } from '@autotelesale/contracts';
import type { z } from 'zod';
import type { ReportingTx } from '../db/reporting-database';
import { claimMessage } from './claim-message';

export type DialRefusedPayload = z.output<(typeof campaignEvents)['contactDialRefused']['payload']>;

/**
 * Dispositions (conversion, sale value), campaign settings (abandon cap) and compliance
 * refusals from the campaigns stream.
 */
@Injectable()
export class ApplyCampaignEventUseCase {
  static readonly CONSUMER = 'campaigns';

  async recordDisposition(tx: ReportingTx, eventId: string, d: Disposition): Promise<boolean> {
    if (!(await claimMessage(tx, ApplyCampaignEventUseCase.CONSUMER, eventId))) return false;
    const result = await tx.query(
      `INSERT INTO disposition
         (disposition_id, call_id, campaign_id, contact_id, agent_id, code, sale, sale_value, currency, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (disposition_id) DO NOTHING`,
      [
        d.id,
        d.callId,
        d.campaignId,
        d.contactId,
        d.agentId,
        d.code,
        d.sale,
        d.saleValue,
        d.currency,
        new Date(d.recordedAt),
      ],
    );
    return result.rowCount === 1;
  }

  /** Keeps the newest version of a campaign's settings (an older one arriving late changes nothing). */
  async recordCampaign(tx: ReportingTx, eventId: string, campaign: Campaign): Promise<boolean> {
    if (!(await claimMessage(tx, ApplyCampaignEventUseCase.CONSUMER, eventId))) return false;
    const result = await tx.query(
      `INSERT INTO campaign (campaign_id, name, abandon_rate_cap, version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (campaign_id) DO UPDATE
         SET name = EXCLUDED.name, abandon_rate_cap = EXCLUDED.abandon_rate_cap,
             version = EXCLUDED.version, updated_at = now()
         WHERE campaign.version < EXCLUDED.version`,
      [campaign.id, campaign.name, campaign.pacing.abandonRateCap, campaign.version],
    );
    return result.rowCount === 1;
  }

  /** One row per refusal event: a redelivered or replayed event counts once. */
  async recordDialRefusal(tx: ReportingTx, eventId: string, refusal: DialRefusedPayload): Promise<boolean> {
    if (!(await claimMessage(tx, ApplyCampaignEventUseCase.CONSUMER, eventId))) return false;
    const result = await tx.query(
      `INSERT INTO dial_refusal
         (event_id, campaign_id, contact_id, attempt_id, stage, rule, result, phone_index, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        eventId,
        refusal.campaignId,
        refusal.contactId,
        refusal.attemptId,
        refusal.stage,
        refusal.rule,
        refusal.result,
        refusal.phoneIndex,
        new Date(refusal.decidedAt),
      ],
    );
    return result.rowCount === 1;
  }
}
