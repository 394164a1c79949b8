import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  campaignEvents,
  type DispositionSet,
  type EventEnvelope,
  type LeaseContactsReply,
  type LeaseContactsRequest,
  type LeasedContact,
  type LeaseRefusalReason,
  type OutcomeResult,
  type RecordOutcomeRequest,
} from '@autotelesale/contracts';
import {
  contactNumbers,
  decideAfterDisposition,
  decideAfterOutcome,
  nextNumberAfterOutcome,
  isCampaignDialable,
  type ContactDecision,
} from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import { inTransaction, iso, queryOne, queryRows, type Tx } from '../db/sql';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { loadCallback } from '../callbacks/callback-row';
import {
  CONTACT_COLUMNS,
  SETTINGS_WITHOUT_AGENTS,
  toContact,
  type ContactRow,
  type SettingsWithoutAgents,
} from './contact-row';
import { applyContactDecision } from './contact-transition';
import { CampaignMetrics } from '../metrics/campaign-metrics';
import { loadSegmentFilter } from './contact-selector-sql';
import { segmentFilterSql } from './contact-filter-sql';
import { DialClearanceService, type LeasedNumberFacts } from '../compliance/dial-clearance.service';
import { compareQueueOrder, QUEUE_ORDER } from './queue-order';

const SWEEP_INTERVAL_MS = Number(process.env['ATS_CAMPAIGN_LEASE_SWEEP_MS'] ?? 1_000);
const RECLAIM_BATCH = 1_000;

/** Who may take a contact: its callback's owner while it is a callback, else its split owner. */
const ROUTE_AGENT = `(CASE WHEN c.lane = 0 THEN c.callback_agent_id ELSE c.owner_agent_id END)`;

interface AttemptRow {
  attempt_id: string;
  contact_id: string;
  campaign_id: string;
  dialer_id: string;
  attempt_number: number;
  lease_expires_at: Date;
  /** The number this attempt dialed (null: leased before alternate numbers existed). */
  phone: string | null;
  phone_index: number | null;
  ended: 'outcome' | 'expired' | 'released' | null;
  outcome: string | null;
  result: OutcomeResult | null;
}

/** A contact as an outcome needs it: with its campaign's settings (no agent list) and whether a disposition waits. */
type OutcomeContactRow = ContactRow & { settings: SettingsWithoutAgents; pending_disposition: boolean };

/** The contacts of attempts (`a`), for recordOutcomes to add its WHERE and lock. */
const OUTCOME_CONTACT_SQL = `SELECT ${CONTACT_COLUMNS}, ${SETTINGS_WITHOUT_AGENTS},
         EXISTS (SELECT 1 FROM disposition d WHERE d.contact_id = c.id AND NOT d.applied) AS pending_disposition,
         a.attempt_id AS for_attempt
    FROM contact_attempt a
    JOIN contact c ON c.id = a.contact_id
    JOIN campaign k ON k.id = c.campaign_id`;

const OUTCOME_ATTEMPT_SQL = `SELECT attempt_id, contact_id, campaign_id, dialer_id, attempt_number, lease_expires_at,
         phone, phone_index, ended, outcome, result
    FROM contact_attempt`;

/**
 * The contact queue the dialers draw from. Leasing is one statement: pick the first due
 * contacts in queue order with FOR UPDATE SKIP LOCKED (concurrent lessees never see the
 * same row), mark them leased with a fresh attempt id and an expiry, and record the
 * attempt. Expired leases are reclaimed (before each lease of the campaign, and by a
 * sweeper every second) in one statement that only one transaction can win per row. An
 * outcome locks its attempt row, so the same report twice counts once.
 */
@Injectable()
export class ContactQueueService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('contact-queue');
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
    private readonly metrics: CampaignMetrics,
    private readonly clearance: DialClearanceService,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => {
      this.sweeping = this.reclaimExpiredLeases().catch((error: unknown) =>
        this.logger.warn({ err: String(error) }, 'lease sweep failed'),
      );
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping;
  }

  async lease(request: LeaseContactsRequest): Promise<LeaseContactsReply> {
    const started = process.hrtime.bigint();
    const reply = await this.leaseFromQueue(request);
    // Compliance at lease time: a contact outside its hours, listed, capped or dead is not
    // handed out (it is finished, or due again when the rules allow); one more round fills the gap.
    const facts = (c: LeasedContact) => this.leasedFacts.get(c);
    const kept = await this.clearance.screenLeased(request.campaignId, reply.contacts, facts);
    if (request.contactIds) {
      // Chosen contacts: no refill with others; say why each one not leased was not.
      const keptIds = new Set(kept.map((c) => c.id));
      const screenedOut = new Set(reply.contacts.filter((c) => !keptIds.has(c.id)).map((c) => c.id));
      reply.refused = await this.whyNotLeased(request, reply.campaignStatus, keptIds, screenedOut);
    } else if (kept.length < reply.contacts.length && reply.contacts.length === request.count) {
      const more = await this.leaseFromQueue({ ...request, count: request.count - kept.length });
      kept.push(...(await this.clearance.screenLeased(request.campaignId, more.contacts, facts)));
    }
    reply.contacts = kept;
    this.metrics.leased.inc(reply.contacts.length);
    this.metrics.leaseSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return reply;
  }

  /**
   * The asked contacts not leased, each with its reason. A contact still pending that was
   * not leased was locked by a concurrent lease (another agent clicked it first, or the
   * pacer took it): it reads as leased.
   */
  private async whyNotLeased(
    request: LeaseContactsRequest,
    campaignStatus: string,
    keptIds: Set<string>,
    screenedOut: Set<string>,
  ): Promise<NonNullable<LeaseContactsReply['refused']>> {
    const asked = [...new Set(request.contactIds)].filter((id) => !keptIds.has(id));
    if (asked.length === 0) return [];
    const rows = await queryRows<{ id: string; status: string; route_agent: string | null }>(
      this.pool,
      `SELECT c.id, c.status, ${ROUTE_AGENT} AS route_agent FROM contact c
        WHERE c.campaign_id = $1 AND c.id = ANY($2::uuid[])`,
      [request.campaignId, asked],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const agents = new Set(request.agentIds ?? []);
    return asked.map((contactId) => {
      const row = found.get(contactId);
      const reason: LeaseRefusalReason = !row
        ? 'CONTACT_NOT_FOUND'
        : screenedOut.has(contactId)
          ? 'CONTACT_NOT_COMPLIANT'
          : campaignStatus !== 'running'
            ? 'CAMPAIGN_NOT_RUNNING'
            : row.status === 'done'
              ? 'CONTACT_DONE'
              : row.status === 'leased'
                ? 'CONTACT_LEASED'
                : row.route_agent !== null && !agents.has(row.route_agent)
                  ? 'CONTACT_NOT_YOURS'
                  : !request.includeUnowned && row.route_agent === null
                    ? 'CONTACT_NOT_YOURS'
                    : 'CONTACT_LEASED';
      return { contactId, reason };
    });
  }

  private async leaseFromQueue(request: LeaseContactsRequest): Promise<LeaseContactsReply> {
    const first = await this.leaseOnce(request);
    if (first.contacts.length > 0) {
      // Expired leases of this campaign wait behind these: reclaim them without holding up the reply.
      if (first.expired) this.reclaimSoon(request.campaignId);
      return { campaignStatus: first.status!, contacts: first.contacts };
    }
    // Nothing leased: an unknown campaign, one not running, nothing due, or expired leases to reclaim first.
    const campaign = await queryOne<{ status: string; expired: boolean }>(
      this.pool,
      `SELECT status, EXISTS (SELECT 1 FROM contact
                               WHERE campaign_id = $1 AND status = 'leased' AND lease_expires_at < now()) AS expired
         FROM campaign WHERE id = $1`,
      [request.campaignId],
    );
    if (!campaign) throw new AtsError('NOT_FOUND', `campaign ${request.campaignId} not found`);
    if (isCampaignDialable(campaign.status as never) && campaign.expired) {
      if ((await this.reclaimExpiredLeases(request.campaignId)) > 0) {
        const second = await this.leaseOnce(request);
        return { campaignStatus: second.status ?? campaign.status, contacts: second.contacts };
      }
    }
    return { campaignStatus: campaign.status, contacts: [] };
  }

  /**
   * One statement, one round trip: check the campaign runs, pick the first due contacts in
   * queue order that nobody holds (FOR UPDATE SKIP LOCKED), lease them, record the attempts,
   * and say whether expired leases are waiting.
   */
  private async leaseOnce(
    request: LeaseContactsRequest,
  ): Promise<{ status: string | null; expired: boolean; contacts: LeasedContact[] }> {
    const hasAgents = request.agentIds !== undefined && request.agentIds.length > 0;
    if (!hasAgents && !request.includeUnowned) return { status: null, expired: false, contacts: [] };
    const params: unknown[] = [request.campaignId, request.count, request.dialerId, request.leaseSeconds];
    const clauses = [`c.campaign_id = $1`, `c.status = 'pending'`];
    if (request.contactIds) {
      // Chosen by an agent: their due time is not waited for (every other rule holds).
      params.push(request.contactIds);
      clauses.push(`c.id = ANY($${params.length}::uuid[])`);
    } else {
      clauses.push(`c.due_at <= now()`);
    }
    if (hasAgents) {
      params.push(request.agentIds);
      clauses.push(
        request.includeUnowned
          ? `(${ROUTE_AGENT} IS NULL OR ${ROUTE_AGENT} = ANY($${params.length}::text[]))`
          : `${ROUTE_AGENT} = ANY($${params.length}::text[])`,
      );
    } else {
      clauses.push(`${ROUTE_AGENT} IS NULL`);
    }
    if (request.segmentId) {
      clauses.push(
        segmentFilterSql(await loadSegmentFilter(this.pool, request.campaignId, request.segmentId), params),
      );
    }
    const rows = await queryRows<
      ContactRow & {
        callback_due_at: Date | null;
        callback_notes: string | null;
        campaign_status: string;
        campaign_version: number;
        expired: boolean;
        dnc_entries: LeasedNumberFacts['dnc'] | null;
        number_invalid: boolean;
      }
    >(
      this.pool,
      `WITH camp AS (
         SELECT status, version FROM campaign WHERE id = $1
       ), picked AS (
         SELECT c.id FROM contact c
          WHERE ${clauses.join(' AND ')} AND (SELECT status FROM camp) = 'running'
          ORDER BY ${QUEUE_ORDER}
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE contact c
            SET status = 'leased', lease_attempt_id = gen_random_uuid(), leased_by = $3,
                lease_expires_at = now() + make_interval(secs => $4), version = c.version + 1, updated_at = now()
           FROM picked WHERE c.id = picked.id
         RETURNING ${CONTACT_COLUMNS}
       ), attempt AS (
         INSERT INTO contact_attempt (attempt_id, contact_id, campaign_id, dialer_id, attempt_number, leased_at, lease_expires_at,
                                      phone, phone_index)
         SELECT lease_attempt_id, id, campaign_id, leased_by, attempts + 1, now(), lease_expires_at,
                CASE WHEN phone_index BETWEEN 1 AND cardinality(alt_phones) THEN alt_phones[phone_index] ELSE phone END,
                CASE WHEN phone_index BETWEEN 1 AND cardinality(alt_phones) THEN phone_index ELSE 0 END
           FROM leased
       ), waiting AS (
         SELECT EXISTS (SELECT 1 FROM contact
                         WHERE campaign_id = $1 AND status = 'leased' AND lease_expires_at < now()) AS expired
       )
       SELECT c.*, cb.due_at AS callback_due_at, cb.notes AS callback_notes,
              (SELECT status FROM camp) AS campaign_status, (SELECT version FROM camp) AS campaign_version,
              waiting.expired,
              -- What the compliance check needs about each number, in the same round trip.
              (SELECT json_agg(json_build_object('kind', d.kind, 'scope', d.scope, 'expiresAt', d.expires_at))
                 FROM dnc_entry d WHERE d.phone = c.phone) AS dnc_entries,
              EXISTS (SELECT 1 FROM invalid_number i WHERE i.phone = c.phone) AS number_invalid
         FROM leased c CROSS JOIN waiting LEFT JOIN callback cb ON cb.id = c.callback_id`,
      params,
    );
    rows.sort(compareQueueOrder);
    return {
      status: rows[0]?.campaign_status ?? null,
      expired: rows[0]?.expired ?? false,
      contacts: rows.map((row) => {
        const contact: LeasedContact = {
          ...toContact(row),
          // The screen below puts the number to dial for this attempt in `phone`.
          primaryPhone: row.phone,
          phoneIndex: row.phone_index >= 1 && row.phone_index <= row.alt_phones.length ? row.phone_index : 0,
          dueAt: iso(row.due_at),
          attemptId: row.lease_attempt_id!,
          attemptNumber: row.attempts + 1,
          leaseExpiresAt: iso(row.lease_expires_at)!,
        };
        this.leasedFacts.set(contact, {
          dnc: row.dnc_entries ?? [],
          invalid: row.number_invalid,
          campaignVersion: row.campaign_version,
        });
        return contact;
      }),
    };
  }

  /** The DNC entries and invalid flag of each leased contact's number, read by the lease statement itself. */
  private readonly leasedFacts = new WeakMap<LeasedContact, LeasedNumberFacts>();

  private readonly reclaiming = new Set<string>();

  private reclaimSoon(campaignId: string): void {
    if (this.reclaiming.has(campaignId)) return;
    this.reclaiming.add(campaignId);
    this.reclaimExpiredLeases(campaignId)
      .catch((error: unknown) => this.logger.warn({ err: String(error), campaignId }, 'lease reclaim failed'))
      .finally(() => this.reclaiming.delete(campaignId));
  }

  async renew(request: { dialerId: string; attemptIds: string[]; leaseSeconds: number }) {
    const rows = await queryRows<{ attempt_id: string; lease_expires_at: Date }>(
      this.pool,
      `WITH renewed AS (
         UPDATE contact SET lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
          WHERE id IN (SELECT contact_id FROM contact_attempt WHERE attempt_id = ANY($1::uuid[]))
            AND lease_attempt_id = ANY($1::uuid[]) AND status = 'leased'
         RETURNING lease_attempt_id AS attempt_id, lease_expires_at
       ), attempt AS (
         UPDATE contact_attempt a SET lease_expires_at = r.lease_expires_at FROM renewed r WHERE a.attempt_id = r.attempt_id
       )
       SELECT * FROM renewed`,
      [request.attemptIds, request.leaseSeconds],
    );
    const renewed = new Set(rows.map((r) => r.attempt_id));
    return {
      renewed: rows.map((r) => ({ attemptId: r.attempt_id, leaseExpiresAt: iso(r.lease_expires_at)! })),
      lost: request.attemptIds.filter((id) => !renewed.has(id)),
    };
  }

  /** Gives contacts back undialed: pending again (keeping their place unless `dueAt` says later), no attempt counted. */
  async release(request: { dialerId: string; attemptIds: string[]; dueAt?: string; reason: string }) {
    const rows = await queryRows<{ attempt_id: string }>(
      this.pool,
      `WITH held AS (
         SELECT id, lease_attempt_id FROM contact
          WHERE id IN (SELECT contact_id FROM contact_attempt WHERE attempt_id = ANY($1::uuid[]))
            AND lease_attempt_id = ANY($1::uuid[]) AND status = 'leased' FOR UPDATE
       ), released AS (
         UPDATE contact c SET status = 'pending', due_at = coalesce($2::timestamptz, c.due_at),
                lease_attempt_id = NULL, leased_by = NULL, lease_expires_at = NULL, version = c.version + 1, updated_at = now()
           FROM held WHERE c.id = held.id
         RETURNING held.lease_attempt_id AS attempt_id
       ), attempt AS (
         UPDATE contact_attempt a SET ended = 'released' FROM released r WHERE a.attempt_id = r.attempt_id
       )
       SELECT * FROM released`,
      [request.attemptIds, request.dueAt ?? null],
    );
    const released = new Set(rows.map((r) => r.attempt_id));
    return {
      released: rows.map((r) => r.attempt_id),
      notHeld: request.attemptIds.filter((id) => !released.has(id)),
    };
  }

  /**
   * Returns expired leases to the queue, each exactly once (FOR UPDATE SKIP LOCKED: two
   * reclaimers never take the same row; a row whose outcome is being recorded is left to
   * that transaction), with a contact.leaseExpired event each.
   */
  async reclaimExpiredLeases(campaignId?: string): Promise<number> {
    const reclaimed = await inTransaction(this.pool, async (tx) => {
      const rows = await queryRows<{
        id: string;
        campaign_id: string;
        version: number;
        attempt_id: string;
        leased_by: string;
        lease_expires_at: Date;
      }>(
        tx,
        `WITH expired AS (
           SELECT id, lease_attempt_id, leased_by, lease_expires_at FROM contact
            WHERE status = 'leased' AND lease_expires_at < now() ${campaignId ? 'AND campaign_id = $1' : ''}
            ORDER BY lease_expires_at LIMIT ${RECLAIM_BATCH}
            FOR UPDATE SKIP LOCKED
         ), back AS (
           UPDATE contact c SET status = 'pending', lease_attempt_id = NULL, leased_by = NULL, lease_expires_at = NULL,
                  version = c.version + 1, updated_at = now()
             FROM expired e WHERE c.id = e.id
           RETURNING c.id, c.campaign_id, c.version, e.lease_attempt_id AS attempt_id, e.leased_by, e.lease_expires_at
         ), attempt AS (
           UPDATE contact_attempt a SET ended = 'expired' FROM back b WHERE a.attempt_id = b.attempt_id AND a.ended IS NULL
         )
         SELECT * FROM back`,
        campaignId ? [campaignId] : [],
      );
      await appendToOutbox(
        tx,
        rows.map((row) =>
          campaignEvent(
            this.bus.topology,
            row.campaign_id,
            campaignEvents.contactLeaseExpired,
            { id: row.id, version: row.version },
            {
              campaignId: row.campaign_id,
              contactId: row.id,
              attemptId: row.attempt_id,
              dialerId: row.leased_by,
              leaseExpiredAt: iso(row.lease_expires_at)!,
            },
          ),
        ),
      );
      return rows.length;
    });
    if (reclaimed > 0) {
      this.metrics.leaseExpirations.inc(reclaimed);
      this.outbox.kick();
    }
    return reclaimed;
  }

  recordOutcome(request: RecordOutcomeRequest): Promise<OutcomeResult> {
    return this.recordOutcomes([request]).then(([answer]) => {
      if ('error' in answer!) throw answer.error;
      return answer!.ok;
    });
  }

  /**
   * Several outcomes in one transaction (the dialer's of a few milliseconds): the contacts
   * locked in one statement, in id order (the order the clearance and the reclaimer take),
   * then their attempts in one; each outcome then recorded as alone. An unknown attempt or
   * a different outcome for one already recorded is answered its error; the others go on.
   * A contact changed by an earlier outcome of the batch is read again before the next.
   */
  async recordOutcomes(
    requests: RecordOutcomeRequest[],
  ): Promise<Array<{ ok: OutcomeResult } | { error: AtsError }>> {
    const attemptIds = [...new Set(requests.map((r) => r.attemptId))];
    const { answers, recorded } = await inTransaction(
      this.pool,
      async (tx) => {
        const contacts = await queryRows<OutcomeContactRow & { for_attempt: string }>(
          tx,
          `${OUTCOME_CONTACT_SQL} WHERE a.attempt_id = ANY($1::uuid[]) ORDER BY c.id FOR UPDATE OF c`,
          [attemptIds],
        );
        const attempts = await queryRows<AttemptRow>(
          tx,
          `${OUTCOME_ATTEMPT_SQL} WHERE attempt_id = ANY($1::uuid[]) ORDER BY attempt_id FOR UPDATE`,
          [attemptIds],
        );
        const contactOf = new Map(contacts.map((c) => [c.for_attempt, c]));
        const attemptOf = new Map(attempts.map((a) => [a.attempt_id, a]));
        const changed = new Set<string>();
        const answers: Array<{ ok: OutcomeResult } | { error: AtsError }> = [];
        const recorded: OutcomeResult[] = [];
        for (const request of requests) {
          let contact = contactOf.get(request.attemptId);
          let attempt = attemptOf.get(request.attemptId);
          if (contact && (changed.has(contact.id) || changed.has(request.attemptId))) {
            contact = await queryOne<OutcomeContactRow & { for_attempt: string }>(
              tx,
              `${OUTCOME_CONTACT_SQL} WHERE a.attempt_id = $1 FOR UPDATE OF c`,
              [request.attemptId],
            );
            attempt = await queryOne<AttemptRow>(
              tx,
              `${OUTCOME_ATTEMPT_SQL} WHERE attempt_id = $1 FOR UPDATE`,
              [request.attemptId],
            );
          }
          if (!contact || !attempt) {
            answers.push({ error: new AtsError('NOT_FOUND', `attempt ${request.attemptId} not found`) });
          } else if (attempt.outcome !== null) {
            // Recorded before: the same outcome answers the same result, another is refused.
            answers.push(
              attempt.outcome === request.outcome
                ? { ok: attempt.result! }
                : {
                    error: new AtsError(
                      'CONFLICT',
                      `attempt ${request.attemptId} already ended with ${attempt.outcome}`,
                      { reason: 'OUTCOME_MISMATCH', recorded: attempt.result },
                    ),
                  },
            );
          } else {
            const result = await this.applyOutcome(tx, request, contact, attempt);
            changed.add(contact.id).add(request.attemptId);
            answers.push({ ok: result });
            recorded.push(result);
          }
        }
        return { answers, recorded };
      },
      { deadlockAttempts: 3 },
    );
    for (const result of recorded) this.metrics.outcomes.inc({ outcome: result.outcome });
    if (recorded.length > 0) this.outbox.kick();
    return answers;
  }

  /** Records one outcome of a locked contact and attempt, not recorded yet; its events go in the outbox. */
  private async applyOutcome(
    tx: Tx,
    request: RecordOutcomeRequest,
    contact: OutcomeContactRow,
    attempt: AttemptRow,
  ): Promise<OutcomeResult> {
    const settings = contact.settings;
    const now = new Date();
    const holding = contact.status === 'leased' && contact.lease_attempt_id === attempt.attempt_id;
    const late = !holding || attempt.lease_expires_at.getTime() < now.getTime();
    // The lease is gone but nobody else has the contact: the outcome still decides what follows.
    const applied = holding || contact.status === 'pending';
    // A skipped preview was never dialed: it is in the history and counts, not an attempt.
    const dialed = request.outcome !== 'skipped';
    const attempts = dialed ? contact.attempts + 1 : contact.attempts;
    const outcomeCounts = {
      ...contact.outcome_counts,
      [request.outcome]: (contact.outcome_counts[request.outcome] ?? 0) + 1,
    };
    const events: Array<{ subject: string; event: EventEnvelope }> = [];
    let status = contact.status;
    let nextDueAt: Date | null = contact.status === 'pending' ? contact.due_at : null;
    let finalReason = contact.final_reason;
    let version: number;
    // The number this attempt dialed: an invalid one is retired for good (this number, not the contact's others).
    const dialedIndex = attempt.phone_index ?? 0;
    if (request.outcome === 'invalidNumber')
      await this.clearance.markInvalid(tx, attempt.phone ?? contact.phone, attempt.attempt_id);
    const numbers = contactNumbers({ phone: contact.phone, alternatePhones: contact.alt_phones });
    const after =
      numbers.length > 1
        ? nextNumberAfterOutcome({
            outcome: request.outcome,
            count: numbers.length,
            dialedIndex,
            dead: await this.deadNumbers(tx, numbers),
          })
        : { next: 0, otherAlive: false };
    if (applied) {
      const pending = contact.pending_disposition
        ? await this.takePendingDisposition(tx, contact.id, settings.dispositionSet)
        : null;
      const decision: ContactDecision = pending
        ? decideAfterDisposition(pending.code, {
            callbackAt: pending.callbackAt,
            attempts,
            rules: settings.retryRules,
            now,
          })
        : decideAfterOutcome({
            outcome: request.outcome,
            attempts,
            outcomeCount: outcomeCounts[request.outcome]!,
            rules: settings.retryRules,
            now,
            wasCallback: contact.lane === 0,
            otherNumberAlive: after.otherAlive,
          });
      const changed = await applyContactDecision(tx, contact, {
        decision,
        callback: pending?.callback,
        attempts,
        outcomeCounts,
        lastOutcome: request.outcome,
        ...(dialed ? { lastAttemptAt: now } : {}),
        phoneIndex: after.next ?? dialedIndex,
        ...(pending ? { lastDisposition: pending.code.code } : {}),
      });
      status = changed.status;
      nextDueAt = changed.dueAt;
      finalReason = changed.finalReason;
      version = changed.version;
      if (changed.closedCallbackId) {
        const callback = await loadCallback(tx, changed.closedCallbackId);
        events.push(
          campaignEvent(
            this.bus.topology,
            contact.campaign_id,
            campaignEvents.callbackClosed,
            { id: contact.id, version },
            { callback },
          ),
        );
      }
    } else {
      const row = await queryOne<{ version: number }>(
        tx,
        `UPDATE contact SET attempts = $2, outcome_counts = $3, last_outcome = $4,
                last_attempt_at = coalesce($5, last_attempt_at), version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING version`,
        [contact.id, attempts, JSON.stringify(outcomeCounts), request.outcome, dialed ? now : null],
      );
      version = row!.version;
    }
    const result: OutcomeResult = {
      attemptId: attempt.attempt_id,
      contactId: contact.id,
      campaignId: contact.campaign_id,
      outcome: request.outcome,
      attemptNumber: attempt.attempt_number,
      applied,
      late,
      contactStatus: status,
      nextDueAt: iso(nextDueAt),
      finalReason,
      recordedAt: now.toISOString(),
    };
    events.unshift(
      campaignEvent(
        this.bus.topology,
        contact.campaign_id,
        campaignEvents.contactOutcomeRecorded,
        { id: contact.id, version },
        {
          campaignId: contact.campaign_id,
          contactId: contact.id,
          attemptId: attempt.attempt_id,
          dialerId: request.dialerId,
          callId: request.callId ?? null,
          outcome: request.outcome,
          attemptNumber: attempt.attempt_number,
          hangupCause: request.hangupCause ?? null,
          occurredAt: request.occurredAt ?? now.toISOString(),
          applied,
          late,
          contactStatus: status,
          nextDueAt: iso(nextDueAt),
          finalReason,
        },
      ),
    );
    // The attempt's record and the events in one statement.
    await tx.query(
      `WITH attempt AS (
         UPDATE contact_attempt SET ended = coalesce(ended, 'outcome'), outcome = $2, call_id = $3, hangup_cause = $4,
                details = $5, occurred_at = $6, recorded_at = $7, result = $8
          WHERE attempt_id = $1
       )
       INSERT INTO outbox (subject, event) SELECT * FROM unnest($9::text[], $10::jsonb[])`,
      [
        attempt.attempt_id,
        request.outcome,
        request.callId ?? null,
        request.hangupCause ?? null,
        request.details ? JSON.stringify(request.details) : null,
        request.occurredAt ?? now.toISOString(),
        now,
        JSON.stringify(result),
        events.map((e) => e.subject),
        events.map((e) => JSON.stringify(e.event)),
      ],
    );
    return result;
  }

  /** The indexes of a contact's numbers known invalid (retired for good, by any contact). */
  private async deadNumbers(tx: Tx, numbers: string[]): Promise<Set<number>> {
    const rows = await queryRows<{ phone: string }>(
      tx,
      'SELECT phone FROM invalid_number WHERE phone = ANY($1::text[])',
      [numbers],
    );
    const dead = new Set(rows.map((r) => r.phone));
    return new Set(numbers.flatMap((phone, index) => (dead.has(phone) ? [index] : [])));
  }

  /**
   * A disposition recorded while its contact was still leased waits for the attempt's
   * outcome: it is taken here (the latest one; older waiting ones are superseded).
   */
  private async takePendingDisposition(tx: Tx, contactId: string, set: DispositionSet) {
    const rows = await queryRows<{
      id: string;
      code: string;
      callback_at: Date | null;
      callback_id: string | null;
      recorded_at: Date;
    }>(
      tx,
      `UPDATE disposition d SET applied = true
         FROM (SELECT id FROM disposition WHERE contact_id = $1 AND NOT applied FOR UPDATE) w
        WHERE d.id = w.id
        RETURNING d.id, d.code, d.callback_at, d.callback_id, d.recorded_at`,
      [contactId],
    );
    if (rows.length === 0) return null;
    rows.sort((a, b) => a.recorded_at.getTime() - b.recorded_at.getTime() || (a.id < b.id ? -1 : 1));
    const latest = rows[rows.length - 1]!;
    const superseded = rows.slice(0, -1).flatMap((r) => (r.callback_id ? [r.callback_id] : []));
    if (superseded.length > 0) {
      await tx.query(
        `UPDATE callback SET state = 'cancelled', closed_at = now() WHERE id = ANY($1::uuid[]) AND state = 'scheduled'`,
        [superseded],
      );
    }
    const code = set.codes.find((c) => c.code === latest.code);
    if (!code) return null; // the set changed since: the outcome alone decides
    const owner = latest.callback_id
      ? await queryOne<{ owner_agent_id: string | null }>(
          tx,
          'SELECT owner_agent_id FROM callback WHERE id = $1',
          [latest.callback_id],
        )
      : undefined;
    return {
      code,
      callbackAt: latest.callback_at,
      callback: latest.callback_id
        ? { id: latest.callback_id, ownerAgentId: owner?.owner_agent_id ?? null }
        : null,
    };
  }
}
