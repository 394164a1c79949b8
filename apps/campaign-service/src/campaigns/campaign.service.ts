import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  campaignEvents,
  type Campaign,
  type CampaignAction,
  type CampaignSettingsInput,
  type CampaignSettingsPatch,
  type CampaignStats,
  type CampaignStatus,
} from '@autotelesale/contracts';
import {
  applyCampaignPatch,
  assertCampaignOpen,
  buildCampaignSettings,
  changedSettings,
  nextCampaignStatus,
} from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import { decodeCursor, encodeCursor, inTransaction, queryOne, queryRows, type Tx } from '../db/sql';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { CAMPAIGN_COLUMNS, toCampaign, type CampaignRow } from './campaign-row';

/** Campaign aggregate: create, read, update with optimistic concurrency, lifecycle. Every change is an event. */
@Injectable()
export class CampaignService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
  ) {}

  async create(input: CampaignSettingsInput & { idempotencyKey?: string }): Promise<Campaign> {
    const { idempotencyKey, ...fields } = input;
    const settings = buildCampaignSettings(fields);
    if (idempotencyKey) {
      const existing = await queryOne<CampaignRow>(
        this.pool,
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaign WHERE idempotency_key = $1`,
        [idempotencyKey],
      );
      if (existing) return toCampaign(existing);
    }
    const id = randomUUID();
    const created = await inTransaction(this.pool, async (tx) => {
      const row = await queryOne<CampaignRow>(
        tx,
        `INSERT INTO campaign (id, version, status, name, mode, settings, idempotency_key)
         VALUES ($1, 1, 'draft', $2, $3, $4, $5)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${CAMPAIGN_COLUMNS}`,
        [id, settings.name, settings.mode, JSON.stringify(settings), idempotencyKey ?? null],
      );
      if (!row) return null; // a concurrent create with the same key won
      const campaign = toCampaign(row);
      await appendToOutbox(tx, [
        campaignEvent(
          this.bus.topology,
          id,
          campaignEvents.campaignCreated,
          { id, version: 1 },
          { campaign },
        ),
      ]);
      return campaign;
    });
    if (!created) {
      const existing = await queryOne<CampaignRow>(
        this.pool,
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaign WHERE idempotency_key = $1`,
        [idempotencyKey],
      );
      return toCampaign(existing!);
    }
    this.outbox.kick();
    return created;
  }

  async get(campaignId: string): Promise<Campaign> {
    return toCampaign(await this.loadRow(this.pool, campaignId));
  }

  async list(request: { status?: CampaignStatus[]; limit: number; cursor?: string }) {
    const after = decodeCursor<{ t: string; id: string }>(request.cursor);
    const rows = await queryRows<CampaignRow>(
      this.pool,
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaign
        WHERE ($1::text[] IS NULL OR status = ANY($1))
          AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [request.status ?? null, after?.t ?? null, after?.id ?? null, request.limit + 1],
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCampaign),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ t: last.created_at.toISOString(), id: last.id })
          : null,
    };
  }

  async update(
    campaignId: string,
    expectedVersion: number,
    changes: CampaignSettingsPatch,
  ): Promise<Campaign> {
    const updated = await inTransaction(this.pool, async (tx) => {
      const row = await this.loadRow(tx, campaignId, true);
      checkVersion(row, expectedVersion);
      assertCampaignOpen(row.status, 'changes');
      const settings = applyCampaignPatch(row.settings, changes);
      const changedFields = changedSettings(row.settings, settings);
      const next = await queryOne<CampaignRow>(
        tx,
        `UPDATE campaign SET settings = $2, name = $3, mode = $4, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${CAMPAIGN_COLUMNS}`,
        [campaignId, JSON.stringify(settings), settings.name, settings.mode],
      );
      const campaign = toCampaign(next!);
      await appendToOutbox(tx, [
        campaignEvent(
          this.bus.topology,
          campaignId,
          campaignEvents.campaignUpdated,
          { id: campaignId, version: campaign.version },
          { campaign, changedFields },
        ),
      ]);
      return campaign;
    });
    this.outbox.kick();
    return updated;
  }

  async transition(
    campaignId: string,
    action: CampaignAction,
    expectedVersion: number | undefined,
    reason: string | undefined,
  ): Promise<Campaign> {
    const updated = await inTransaction(this.pool, async (tx) => {
      const row = await this.loadRow(tx, campaignId, true);
      if (expectedVersion !== undefined) checkVersion(row, expectedVersion);
      const to = nextCampaignStatus(row.status, action);
      const next = await queryOne<CampaignRow>(
        tx,
        `UPDATE campaign SET status = $2, version = version + 1, updated_at = now(), status_changed_at = now()
          WHERE id = $1 RETURNING ${CAMPAIGN_COLUMNS}`,
        [campaignId, to],
      );
      const campaign = toCampaign(next!);
      await appendToOutbox(tx, [
        campaignEvent(
          this.bus.topology,
          campaignId,
          campaignEvents.campaignStatusChanged,
          { id: campaignId, version: campaign.version },
          { campaignId, from: row.status, to, action, reason: reason ?? null },
        ),
      ]);
      return campaign;
    });
    this.outbox.kick();
    return updated;
  }

  async stats(campaignId: string): Promise<CampaignStats> {
    const row = await this.loadRow(this.pool, campaignId);
    const counts = await queryOne<Record<string, string>>(
      this.pool,
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE status = 'pending' AND due_at <= now()) AS due,
              count(*) FILTER (WHERE status = 'pending' AND due_at > now()) AS scheduled,
              count(*) FILTER (WHERE status = 'leased') AS leased,
              count(*) FILTER (WHERE status = 'done') AS done,
              count(*) FILTER (WHERE lane = 0 AND status <> 'done') AS callbacks,
              coalesce(sum(attempts), 0) AS attempts
         FROM contact WHERE campaign_id = $1`,
      [campaignId],
    );
    const outcomes = await queryRows<{ outcome: string; n: string }>(
      this.pool,
      `SELECT o.key AS outcome, sum(o.value::int) AS n
         FROM contact c, jsonb_each_text(c.outcome_counts) o
        WHERE c.campaign_id = $1 GROUP BY o.key`,
      [campaignId],
    );
    const finals = await queryRows<{ final_reason: string; n: string }>(
      this.pool,
      `SELECT final_reason, count(*) AS n FROM contact
        WHERE campaign_id = $1 AND final_reason IS NOT NULL GROUP BY final_reason`,
      [campaignId],
    );
    return {
      campaignId,
      status: row.status,
      contacts: {
        total: Number(counts!['total']),
        due: Number(counts!['due']),
        scheduled: Number(counts!['scheduled']),
        leased: Number(counts!['leased']),
        done: Number(counts!['done']),
        callbacksPending: Number(counts!['callbacks']),
      },
      attempts: Number(counts!['attempts']),
      outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.n)])),
      finalReasons: Object.fromEntries(finals.map((f) => [f.final_reason, Number(f.n)])),
    };
  }

  /** The campaign row, NOT_FOUND when there is none; locked for the transaction when asked. */
  async loadRow(db: Pool | Tx, campaignId: string, forUpdate = false): Promise<CampaignRow> {
    const row = await queryOne<CampaignRow>(
      db,
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaign WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [campaignId],
    );
    if (!row) throw new AtsError('NOT_FOUND', `campaign ${campaignId} not found`);
    return row;
  }
}

function checkVersion(row: CampaignRow, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    throw new AtsError(
      'CONFLICT',
      `campaign ${row.id} is at version ${row.version}, not ${expectedVersion}`,
      {
        reason: 'VERSION_MISMATCH',
        currentVersion: row.version,
      },
    );
  }
}
