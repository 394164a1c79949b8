import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  campaignEvents,
  type CampaignSettings,
  type Disposition,
  type EventEnvelope,
  type RecordDispositionRequest,
} from '@autotelesale/contracts';
import {
  canonicalJson,
  decideAfterDisposition,
  escapeFormula,
  escapeFormulaRecord,
  validateDisposition,
} from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import { decodeCursor, encodeCursor, inTransaction, iso, queryOne, queryRows } from '../db/sql';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { CampaignService } from '../campaigns/campaign.service';
import { loadCallback } from '../callbacks/callback-row';
import { CONTACT_COLUMNS, type ContactRow } from '../contacts/contact-row';
import { applyContactDecision } from '../contacts/contact-transition';

interface DispositionRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  call_id: string;
  agent_id: string;
  code: string;
  final: boolean;
  sale: boolean;
  notes: string | null;
  callback_at: Date | null;
  callback_id: string | null;
  sale_value: string | null;
  currency: string | null;
  fields: Disposition['fields'];
  applied: boolean;
  contact_status: Disposition['contactStatus'];
  request: unknown;
  recorded_at: Date;
}

const DISPOSITION_COLUMNS = `id, campaign_id, contact_id, call_id, agent_id, code, final, sale, notes, callback_at, callback_id,
  sale_value, currency, fields, applied, contact_status, request, recorded_at`;

function toDisposition(row: DispositionRow): Disposition {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    callId: row.call_id,
    agentId: row.agent_id,
    code: row.code,
    final: row.final,
    sale: row.sale,
    notes: row.notes === null ? null : (escapeFormula(row.notes) as string),
    callbackAt: iso(row.callback_at),
    callbackId: row.callback_id,
    saleValue: row.sale_value === null ? null : Number(row.sale_value),
    currency: row.currency,
    fields: escapeFormulaRecord(row.fields) as Disposition['fields'],
    recordedAt: iso(row.recorded_at)!,
    applied: row.applied,
    contactStatus: row.contact_status,
  };
}

/** What makes two disposition requests for one call the same. */
function requestKey(request: RecordDispositionRequest): string {
  const {
    campaignId,
    contactId,
    callId,
    agentId,
    code,
    notes,
    callbackAt,
    callbackOwner,
    saleValue,
    currency,
    fields,
  } = request;
  const sortedFields = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({
    campaignId,
    contactId,
    callId,
    agentId,
    code,
    notes: notes ?? null,
    callbackAt: callbackAt ? new Date(callbackAt).toISOString() : null,
    callbackOwner: callbackAt ? callbackOwner : null,
    saleValue: saleValue ?? null,
    currency: currency ?? null,
    fields: sortedFields,
  });
}

/**
 * Agents' dispositions: one per call (the same again returns the first; a different one
 * is a CONFLICT), validated against the campaign's disposition set, applied to the
 * contact at once, or when the dialer records the call's outcome if its lease is still
 * open. A callback code schedules a callback (the agent's own by default).
 */
@Injectable()
export class DispositionService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
    private readonly campaigns: CampaignService,
  ) {}

  async record(request: RecordDispositionRequest): Promise<Disposition> {
    const key = requestKey(request);
    const { disposition, changed } = await inTransaction(this.pool, async (tx) => {
      const contact = await queryOne<ContactRow>(
        tx,
        `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.id = $1 AND c.campaign_id = $2 FOR UPDATE`,
        [request.contactId, request.campaignId],
      );
      // Checked first, under the contact's lock: a repeat of the same call is answered alike.
      const existing = await queryOne<DispositionRow>(
        tx,
        `SELECT ${DISPOSITION_COLUMNS} FROM disposition WHERE call_id = $1`,
        [request.callId],
      );
      if (existing) {
        if (canonicalJson(existing.request) === canonicalJson(JSON.parse(key))) {
          return { disposition: toDisposition(existing), changed: false };
        }
        throw new AtsError('CONFLICT', `call ${request.callId} already has a disposition`, {
          reason: 'DISPOSITION_MISMATCH',
          recorded: toDisposition(existing),
        });
      }
      if (!contact)
        throw new AtsError(
          'NOT_FOUND',
          `contact ${request.contactId} not found in campaign ${request.campaignId}`,
        );
      const campaign = await this.campaigns.loadRow(tx, request.campaignId);
      const settings: CampaignSettings = campaign.settings;
      const now = new Date();
      const valid = validateDisposition(settings.dispositionSet, request, now);
      const events: Array<{ subject: string; event: EventEnvelope }> = [];
      let callback: { id: string; ownerAgentId: string | null } | null = null;
      if (valid.code.callback) {
        callback = {
          id: randomUUID(),
          ownerAgentId: request.callbackOwner === 'agent' ? request.agentId : null,
        };
        await tx.query(
          `INSERT INTO callback (id, campaign_id, contact_id, due_at, owner_agent_id, notes, requested_by, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled')`,
          [
            callback.id,
            request.campaignId,
            contact.id,
            valid.callbackAt,
            callback.ownerAgentId,
            request.notes ?? null,
            request.agentId,
          ],
        );
      }
      const applied = contact.status !== 'leased';
      let contactStatus = contact.status;
      let version = contact.version;
      if (applied) {
        const decision = decideAfterDisposition(valid.code, {
          callbackAt: valid.callbackAt,
          attempts: contact.attempts,
          rules: settings.retryRules,
          now,
        });
        const after = await applyContactDecision(tx, contact, {
          decision,
          callback,
          lastDisposition: valid.code.code,
        });
        contactStatus = after.status;
        version = after.version;
        if (after.closedCallbackId) {
          events.push(
            campaignEvent(
              this.bus.topology,
              request.campaignId,
              campaignEvents.callbackClosed,
              { id: contact.id, version },
              {
                callback: await loadCallback(tx, after.closedCallbackId),
              },
            ),
          );
        }
      }
      const row = await queryOne<DispositionRow>(
        tx,
        `INSERT INTO disposition (id, campaign_id, contact_id, call_id, agent_id, code, final, sale, notes, callback_at,
                                  callback_owner, callback_id, sale_value, currency, fields, applied, contact_status, request)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         RETURNING ${DISPOSITION_COLUMNS}`,
        [
          randomUUID(),
          request.campaignId,
          contact.id,
          request.callId,
          request.agentId,
          valid.code.code,
          valid.code.final,
          valid.code.sale,
          request.notes ?? null,
          valid.callbackAt,
          callback ? request.callbackOwner : null,
          callback?.id ?? null,
          request.saleValue ?? null,
          request.currency ?? null,
          JSON.stringify(valid.fields),
          applied,
          contactStatus,
          key,
        ],
      );
      const disposition = toDisposition(row!);
      events.unshift(
        campaignEvent(
          this.bus.topology,
          request.campaignId,
          campaignEvents.dispositionRecorded,
          { id: contact.id, version },
          {
            disposition,
          },
        ),
      );
      if (callback) {
        events.push(
          campaignEvent(
            this.bus.topology,
            request.campaignId,
            campaignEvents.callbackScheduled,
            { id: contact.id, version },
            {
              callback: await loadCallback(tx, callback.id),
            },
          ),
        );
      }
      await appendToOutbox(tx, events);
      return { disposition, changed: true };
    });
    if (changed) this.outbox.kick();
    return disposition;
  }

  async list(request: {
    campaignId: string;
    contactId?: string;
    agentId?: string;
    limit: number;
    cursor?: string;
  }) {
    await this.campaigns.get(request.campaignId);
    const after = decodeCursor<{ t: string; id: string }>(request.cursor);
    const rows = await queryRows<DispositionRow>(
      this.pool,
      `SELECT ${DISPOSITION_COLUMNS} FROM disposition
        WHERE campaign_id = $1 AND ($2::uuid IS NULL OR contact_id = $2) AND ($3::text IS NULL OR agent_id = $3)
          AND ($4::timestamptz IS NULL OR (recorded_at, id) > ($4, $5::uuid))
        ORDER BY recorded_at, id LIMIT $6`,
      [
        request.campaignId,
        request.contactId ?? null,
        request.agentId ?? null,
        after?.t ?? null,
        after?.id ?? null,
        request.limit + 1,
      ],
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDisposition),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ t: last.recorded_at.toISOString(), id: last.id })
          : null,
    };
  }
}
