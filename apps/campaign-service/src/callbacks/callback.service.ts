import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  campaignEvents,
  type Callback,
  type CallbackState,
  type EventEnvelope,
  type ScheduleCallbackRequest,
} from '@autotelesale/contracts';
import { assertCampaignOpen, normalizePhone } from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import {
  decodeCursor,
  encodeCursor,
  inTransaction,
  lockCampaignContacts,
  queryOne,
  queryRows,
} from '../db/sql';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { CampaignService } from '../campaigns/campaign.service';
import { CONTACT_COLUMNS, type ContactRow } from '../contacts/contact-row';
import { upsertContactDrafts } from '../contacts/contact-upsert';
import { CALLBACK_COLUMNS, loadCallback, toCallback, type CallbackRow } from './callback-row';

/**
 * "Call me back at": a callback makes its contact due at that time in the callback lane,
 * ahead of every other contact (first in, first out among callbacks), for its owner only
 * when it has one. On a bare number (a missed inbound caller) the contact is found or
 * created in the campaign.
 */
@Injectable()
export class CallbackService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
    private readonly campaigns: CampaignService,
  ) {}

  async schedule(request: ScheduleCallbackRequest): Promise<Callback> {
    const { callback, changed } = await inTransaction(this.pool, async (tx) => {
      const campaign = await this.campaigns.loadRow(tx, request.campaignId);
      if (request.idempotencyKey) {
        const existing = await queryOne<CallbackRow>(
          tx,
          `SELECT ${CALLBACK_COLUMNS} FROM callback WHERE campaign_id = $1 AND idempotency_key = $2`,
          [request.campaignId, request.idempotencyKey],
        );
        if (existing) return { callback: toCallback(existing), changed: false };
      }
      assertCampaignOpen(campaign.status, 'callbacks');
      let contactId = request.contactId;
      if (request.phone !== undefined) {
        const phone = normalizePhone(request.phone, request.region ?? campaign.settings.defaultRegion);
        if (!phone.ok)
          throw new AtsError('VALIDATION_FAILED', phone.reason, [{ path: 'phone', message: phone.reason }]);
        await lockCampaignContacts(tx, request.campaignId);
        const upserted = await upsertContactDrafts(tx, request.campaignId, null, [
          {
            phone: phone.e164,
            name: request.name ?? null,
            priority: null,
            timeZone: null,
            ownerAgentId: null,
            fields: {},
            alternatePhones: [],
          },
        ]);
        contactId = upserted.ids.get(phone.e164);
      }
      const contact = await queryOne<ContactRow>(
        tx,
        `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.id = $1 AND c.campaign_id = $2 FOR UPDATE`,
        [contactId, request.campaignId],
      );
      if (!contact)
        throw new AtsError('NOT_FOUND', `contact ${contactId} not found in campaign ${request.campaignId}`);
      if (contact.status === 'leased') {
        throw new AtsError(
          'CONFLICT',
          'the contact is being dialed: record a disposition with a callback instead',
          {
            reason: 'CONTACT_LEASED',
          },
        );
      }
      const events: Array<{ subject: string; event: EventEnvelope }> = [];
      const replaced = contact.lane === 0 && contact.callback_id ? contact.callback_id : null;
      if (replaced) {
        await tx.query(
          `UPDATE callback SET state = 'cancelled', closed_at = now() WHERE id = $1 AND state = 'scheduled'`,
          [replaced],
        );
      }
      const id = randomUUID();
      const dueAt = request.dueAt ? new Date(request.dueAt) : new Date();
      await tx.query(
        `INSERT INTO callback (id, campaign_id, contact_id, due_at, owner_agent_id, notes, requested_by, state, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8)`,
        [
          id,
          request.campaignId,
          contact.id,
          dueAt,
          request.ownerAgentId ?? null,
          request.notes ?? null,
          request.requestedBy ?? null,
          request.idempotencyKey ?? null,
        ],
      );
      const updated = await queryOne<{ version: number }>(
        tx,
        `UPDATE contact SET status = 'pending', due_at = $2, lane = 0, callback_id = $3, callback_agent_id = $4,
                final_reason = NULL, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING version`,
        [contact.id, dueAt, id, request.ownerAgentId ?? null],
      );
      const callback = await loadCallback(tx, id);
      if (replaced) {
        events.push(
          campaignEvent(
            this.bus.topology,
            request.campaignId,
            campaignEvents.callbackClosed,
            { id: contact.id, version: updated!.version },
            {
              callback: await loadCallback(tx, replaced),
            },
          ),
        );
      }
      events.push(
        campaignEvent(
          this.bus.topology,
          request.campaignId,
          campaignEvents.callbackScheduled,
          { id: contact.id, version: updated!.version },
          {
            callback,
          },
        ),
      );
      await appendToOutbox(tx, events);
      return { callback, changed: true };
    });
    if (changed) this.outbox.kick();
    return callback;
  }

  async list(request: {
    campaignId: string;
    ownerAgentId?: string;
    state?: CallbackState[];
    limit: number;
    cursor?: string;
  }) {
    await this.campaigns.get(request.campaignId);
    const after = decodeCursor<{ t: string; id: string }>(request.cursor);
    const rows = await queryRows<CallbackRow>(
      this.pool,
      `SELECT ${CALLBACK_COLUMNS} FROM callback
        WHERE campaign_id = $1 AND ($2::text IS NULL OR owner_agent_id = $2) AND ($3::text[] IS NULL OR state = ANY($3))
          AND ($4::timestamptz IS NULL OR (created_at, id) > ($4, $5::uuid))
        ORDER BY created_at, id LIMIT $6`,
      [
        request.campaignId,
        request.ownerAgentId ?? null,
        request.state ?? null,
        after?.t ?? null,
        after?.id ?? null,
        request.limit + 1,
      ],
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCallback),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ t: last.created_at.toISOString(), id: last.id })
          : null,
    };
  }

  /** Cancels a scheduled callback (idempotent: a closed one is returned as it is); its contact leaves the callback lane. */
  async cancel(callbackId: string): Promise<Callback> {
    const { callback, changed } = await inTransaction(this.pool, async (tx) => {
      // Contact first, then the callback: the order of every path that touches both (no deadlock).
      const contact = await queryOne<ContactRow>(
        tx,
        `SELECT ${CONTACT_COLUMNS} FROM contact c
          WHERE c.id = (SELECT contact_id FROM callback WHERE id = $1) FOR UPDATE`,
        [callbackId],
      );
      const row = await queryOne<CallbackRow>(
        tx,
        `SELECT ${CALLBACK_COLUMNS} FROM callback WHERE id = $1 FOR UPDATE`,
        [callbackId],
      );
      if (!row || !contact) throw new AtsError('NOT_FOUND', `callback ${callbackId} not found`);
      if (row.state !== 'scheduled') return { callback: toCallback(row), changed: false };
      await tx.query(`UPDATE callback SET state = 'cancelled', closed_at = now() WHERE id = $1`, [
        callbackId,
      ]);
      let version = contact.version;
      if (contact.callback_id === callbackId) {
        const updated = await queryOne<{ version: number }>(
          tx,
          `UPDATE contact SET lane = 1, callback_id = NULL, callback_agent_id = NULL, version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING version`,
          [contact.id],
        );
        version = updated!.version;
      }
      const callback = await loadCallback(tx, callbackId);
      await appendToOutbox(tx, [
        campaignEvent(
          this.bus.topology,
          row.campaign_id,
          campaignEvents.callbackClosed,
          { id: row.contact_id, version },
          {
            callback,
          },
        ),
      ]);
      return { callback, changed: true };
    });
    if (changed) this.outbox.kick();
    return callback;
  }
}
