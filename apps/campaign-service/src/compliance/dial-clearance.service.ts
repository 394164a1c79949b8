import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  AtsError,
  campaignEvents,
  type CampaignSettings,
  type ClearToDialManyReply,
  type ClearToDialManyRequest,
  type ClearToDialReply,
  type ClearToDialRequest,
  type DialAudit,
  type FinalReason,
  type LeasedContact,
} from '@autotelesale/contracts';
import {
  chooseNumberToDial,
  type CheckedNumber,
  type ClearanceDecision,
  type ComplianceClock,
  type DncEntry,
  type RefusalReason,
} from '@autotelesale/compliance-domain';
import { contactNumbers, type ContactDecision } from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import { decodeCursor, encodeCursor, inTransaction, iso, queryOne, queryRows, type Tx } from '../db/sql';
import {
  CONTACT_COLUMNS,
  SETTINGS_WITHOUT_AGENTS,
  type ContactRow,
  type SettingsWithoutAgents,
} from '../contacts/contact-row';
import { applyContactDecision } from '../contacts/contact-transition';
import { COMPLIANCE_CLOCK } from './compliance-clock';
import { decideFor, loadNumberFacts, type NumberFacts } from './clearance-facts';

/** A leased number's do-not-call entries (as the lease statement reads them) and whether it is known invalid. */
export interface LeasedNumberFacts {
  dnc: Array<{ kind: DncEntry['kind']; scope: string; expiresAt: string | null }>;
  invalid: boolean;
  /** The campaign's version when leased: the settings cached for it are exact. */
  campaignVersion: number;
}

function factsFromLease(
  leased: LeasedContact[],
  known: (contact: LeasedContact) => LeasedNumberFacts | undefined,
): NumberFacts {
  const facts: NumberFacts = { dnc: new Map(), invalid: new Set(), cleared: new Map() };
  for (const contact of leased) {
    const found = known(contact)!;
    if (found.invalid) facts.invalid.add(contact.phone);
    facts.dnc.set(
      contact.phone,
      found.dnc.map((d) => ({
        kind: d.kind,
        phone: contact.phone,
        campaignId: d.scope === '*' ? null : d.scope,
        expiresAt: d.expiresAt === null ? null : Date.parse(d.expiresAt),
      })),
    );
  }
  return facts;
}

/** One dial_audit record to write. */
interface AuditRow {
  id: string;
  contact: { campaign_id: string; id: string };
  number: { phone: string; index: number };
  attemptId: string;
  stage: 'lease' | 'dial';
  decision: ClearanceDecision;
}

const FINAL_REASON: Partial<Record<RefusalReason, FinalReason>> = {
  doNotCall: 'doNotCall',
  invalidNumber: 'invalidNumber',
  maxAttempts: 'maxAttempts',
};

/** Refusals that end one number, not the contact when it has another. */
const NUMBER_ONLY: ReadonlySet<RefusalReason> = new Set(['doNotCall', 'invalidNumber']);

/** What a refusal does to the contact: finished for good, or due again (from which number, and when). */
interface Refusal {
  stage: 'lease' | 'dial';
  reason: RefusalReason;
  final: boolean;
  /** Compliance-clock epoch ms; null: keep its due time. */
  retryAt: number | null;
  /** The number refused (0 the main one). */
  phoneIndex: number;
  /** The number a retry starts from; undefined: unchanged. */
  nextPhoneIndex?: number;
  at: number;
}

/**
 * Compliance at the moment of dialing. Twice per dial: when contacts are leased (a
 * contact outside its hours, on a list, over its caps or with a dead number is not handed
 * out: it is finished, or put back due when the rules next allow it), and right before
 * the dialer originates (`clearToDial`: every rule again at that instant, so a number put
 * on a list while its contact was leased is refused). Every clear-to-dial decision, and
 * every refusal at lease time, is written to `dial_audit` with the rules and their inputs.
 */
@Injectable()
export class DialClearanceService {
  private readonly logger = new Logger('dial-clearance');

  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
  ) {}

  async clearToDial(request: ClearToDialRequest): Promise<ClearToDialReply> {
    const { results } = await this.clearToDialMany({
      attemptIds: [request.attemptId],
      dialerId: request.dialerId,
    });
    if (!results[0]) throw new AtsError('NOT_FOUND', `attempt ${request.attemptId} not found`);
    return results[0];
  }

  /**
   * `clearToDial` for several attempts in one transaction: their contacts locked in one
   * statement (in id order, so two batches never wait on each other in a cycle), the facts
   * of all their numbers read in one query, the audit records written in one insert. Each
   * gets the decision it would get alone; a number cleared earlier in the batch counts
   * towards the daily cap of the next attempt on it. PostgreSQL may still pick this
   * transaction as a deadlock victim against a path that locks in another order: it is
   * then run again (it changed nothing).
   */
  async clearToDialMany(request: ClearToDialManyRequest): Promise<ClearToDialManyReply> {
    const { reply, refused } = await inTransaction(
      this.pool,
      (tx) => this.clearInTx(tx, request.attemptIds),
      {
        deadlockAttempts: 3,
      },
    );
    if (refused) this.outbox.kick();
    return reply;
  }

  private async clearInTx(
    tx: Tx,
    attemptIds: string[],
  ): Promise<{ reply: ClearToDialManyReply; refused: boolean }> {
    // Contacts first, as on every path (no deadlock with outcomes, releases, reclaims).
    const rows = await queryRows<
      ContactRow & {
        settings: SettingsWithoutAgents;
        campaign_status: string;
        attempt_id: string;
        attempt_phone: string | null;
        attempt_phone_index: number | null;
      }
    >(
      tx,
      `SELECT ${CONTACT_COLUMNS}, ${SETTINGS_WITHOUT_AGENTS}, k.status AS campaign_status,
              a.attempt_id, a.phone AS attempt_phone, a.phone_index AS attempt_phone_index
         FROM contact_attempt a
         JOIN contact c ON c.id = a.contact_id
         JOIN campaign k ON k.id = c.campaign_id
        WHERE a.attempt_id = ANY($1::uuid[])
        ORDER BY c.id
          FOR UPDATE OF c`,
      [attemptIds],
    );
    const byAttempt = new Map(rows.map((r) => [r.attempt_id, r]));
    const at = this.clock.now();
    // The number each attempt dials (the lease chose it among the contact's numbers).
    const numberOf = (row: (typeof rows)[number]) => ({
      phone: row.attempt_phone ?? row.phone,
      index: row.attempt_phone_index ?? 0,
    });
    const facts = await loadNumberFacts(
      tx,
      [...new Set(rows.map((r) => numberOf(r).phone))],
      rows.some((r) => (r.settings.compliance?.maxDialsPerNumberPerDay ?? null) !== null),
      at,
    );
    const results: ClearToDialReply[] = [];
    const audits: AuditRow[] = [];
    const refusals: Array<{ contact: ContactRow; attemptId: string; refusal: Refusal }> = [];
    for (const attemptId of attemptIds) {
      const contact = byAttempt.get(attemptId);
      if (!contact) continue;
      const { phone, index: phoneIndex } = numberOf(contact);
      const leaseHeld = contact.status === 'leased' && contact.lease_attempt_id === attemptId;
      const decision = decideFor({
        at,
        campaignId: contact.campaign_id,
        campaignStatus: contact.campaign_status,
        settings: contact.settings,
        contact: { id: contact.id, phone, timeZone: contact.time_zone, attempts: contact.attempts },
        facts,
        leaseHeld,
      });
      // The next attempt on this number in the batch sees this dial in its daily count.
      if (decision.allowed) {
        const cleared = facts.cleared.get(phone);
        if (cleared) cleared.push(at);
        else facts.cleared.set(phone, [at]);
      }
      const auditId = randomUUID();
      audits.push({
        id: auditId,
        contact,
        number: { phone, index: phoneIndex },
        attemptId,
        stage: 'dial',
        decision,
      });
      let final = decision.final;
      let retryAt = decision.retryAt;
      if (!decision.allowed && leaseHeld) {
        // A listed or invalid number ends only itself when the contact has others: the
        // contact is due again at once, from its next number (the lease checks that one).
        const count = contactNumbers({ phone: contact.phone, alternatePhones: contact.alt_phones }).length;
        const otherNumber = count > 1 && NUMBER_ONLY.has(decision.reason!);
        if (otherNumber) {
          final = false;
          retryAt = at;
        }
        refusals.push({
          contact,
          attemptId,
          refusal: {
            stage: 'dial',
            reason: decision.reason!,
            final,
            retryAt,
            phoneIndex,
            ...(otherNumber ? { nextPhoneIndex: (phoneIndex + 1) % count } : {}),
            at,
          },
        });
      }
      if (!decision.allowed)
        this.logger.log({ msg: 'dial refused', contactId: contact.id, reason: decision.reason });
      results.push({
        attemptId,
        allowed: decision.allowed,
        reason: decision.reason,
        final,
        retryAt: retryAt === null ? null : new Date(retryAt).toISOString(),
        auditId,
      });
    }
    await this.writeAudits(tx, audits);
    for (const r of refusals) await this.refuse(tx, r.contact, r.attemptId, r.refusal);
    return {
      reply: { results, notFound: attemptIds.filter((id) => !byAttempt.has(id)) },
      refused: refusals.length > 0,
    };
  }

  /**
   * Contacts just leased, checked before they are handed out: each gets the first of its
   * numbers, round-robin from where its retries left off, that the rules allow (in `phone`,
   * with `phoneIndex`); numbers refused on the way are audited. A contact none of whose
   * numbers may be dialed now is finished or put back (no attempt counted), audited, and
   * left out of the reply.
   */
  async screenLeased(
    campaignId: string,
    leased: LeasedContact[],
    known: (contact: LeasedContact) => LeasedNumberFacts | undefined = () => undefined,
  ): Promise<LeasedContact[]> {
    if (leased.length === 0) return leased;
    const campaign = await this.campaignSettings(campaignId, known(leased[0]!)?.campaignVersion);
    if (!campaign) return leased;
    const at = this.clock.now();
    const withCap = (campaign.settings.compliance?.maxDialsPerNumberPerDay ?? null) !== null;
    const hasAlternates = leased.some((c) => (c.alternatePhones?.length ?? 0) > 0);
    const facts =
      withCap || hasAlternates || leased.some((c) => known(c) === undefined)
        ? await loadNumberFacts(
            this.pool,
            [...new Set(leased.flatMap((c) => contactNumbers(c)))],
            withCap,
            at,
          )
        : factsFromLease(leased, known);
    const kept: LeasedContact[] = [];
    /** Numbers refused at this lease: audited; `contact` set when the contact itself is given back. */
    const refusedNumbers: Array<{ contact: LeasedContact; numbers: CheckedNumber[] }> = [];
    const refused: Array<{ contact: LeasedContact; refusal: Refusal }> = [];
    const moved: Array<{ attemptId: string; phone: string; index: number }> = [];
    for (const contact of leased) {
      const cursor = contact.phoneIndex ?? 0;
      const choice = chooseNumberToDial(contactNumbers(contact), cursor, (phone) =>
        decideFor({
          at,
          campaignId,
          // The lease statement only leases from a running campaign.
          campaignStatus: 'running',
          settings: campaign.settings,
          contact: { id: contact.id, phone, timeZone: contact.timeZone, attempts: contact.attempts },
          facts,
          leaseHeld: true,
        }),
      );
      if (choice.kind === 'dial') {
        kept.push({ ...contact, phone: choice.number.phone, phoneIndex: choice.number.index });
        if (choice.number.index !== cursor)
          moved.push({
            attemptId: contact.attemptId,
            phone: choice.number.phone,
            index: choice.number.index,
          });
        if (choice.skipped.length > 0) refusedNumbers.push({ contact, numbers: choice.skipped });
        continue;
      }
      refusedNumbers.push({ contact, numbers: choice.refused });
      refused.push({
        contact,
        refusal: {
          stage: 'lease',
          reason: choice.reason,
          final: choice.final,
          retryAt: choice.retryAt,
          phoneIndex: choice.deciding.index,
          nextPhoneIndex: choice.deciding.index,
          at,
        },
      });
    }
    if (refusedNumbers.length > 0 || moved.length > 0) {
      await inTransaction(this.pool, async (tx) => {
        if (moved.length > 0) {
          await tx.query(
            `UPDATE contact_attempt a SET phone = m.phone, phone_index = m.idx
               FROM unnest($1::uuid[], $2::text[], $3::int[]) AS m(attempt_id, phone, idx)
              WHERE a.attempt_id = m.attempt_id`,
            [moved.map((m) => m.attemptId), moved.map((m) => m.phone), moved.map((m) => m.index)],
          );
        }
        const givenBack = new Map(refused.map((r) => [r.contact.attemptId, r.refusal]));
        const audits: AuditRow[] = [];
        for (const { contact, numbers } of refusedNumbers) {
          const refusal = givenBack.get(contact.attemptId);
          const row = refusal
            ? await queryOne<ContactRow>(
                tx,
                `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.id = $1 FOR UPDATE`,
                [contact.id],
              )
            : undefined;
          // A contact given back that is no longer ours (released, reclaimed) is left as it is.
          if (refusal && (!row || row.status !== 'leased' || row.lease_attempt_id !== contact.attemptId))
            continue;
          for (const number of numbers)
            audits.push({
              id: randomUUID(),
              contact: { campaign_id: campaignId, id: contact.id },
              number,
              attemptId: contact.attemptId,
              stage: 'lease',
              decision: number.decision,
            });
          if (refusal) await this.refuse(tx, row!, contact.attemptId, refusal);
        }
        await this.writeAudits(tx, audits);
      });
      if (refused.length > 0) this.outbox.kick();
    }
    return kept;
  }

  private readonly settingsCache = new Map<string, { version: number; settings: CampaignSettings }>();

  /**
   * A campaign's settings for the lease-time screen, kept per version (the lease statement
   * reads the version, so a cached copy is used only while it is exact); the clear-to-dial
   * check reads them in its own transaction.
   */
  private async campaignSettings(
    campaignId: string,
    version: number | undefined,
  ): Promise<{ settings: CampaignSettings } | undefined> {
    const cached = this.settingsCache.get(campaignId);
    if (cached && version !== undefined && cached.version === version) return cached;
    const row = await queryOne<{ settings: CampaignSettings; version: number }>(
      this.pool,
      'SELECT settings, version FROM campaign WHERE id = $1',
      [campaignId],
    );
    if (!row) return undefined;
    if (this.settingsCache.size > 10_000) this.settingsCache.clear();
    const entry = { version: row.version, settings: row.settings };
    this.settingsCache.set(campaignId, entry);
    return entry;
  }

  /** Records a number that answered with an invalid-number cause: no contact dials it again. */
  async markInvalid(tx: Tx, phone: string, attemptId: string): Promise<void> {
    await tx.query(
      `INSERT INTO invalid_number (phone, attempt_id) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING`,
      [phone, attemptId],
    );
  }

  async listAudit(request: { contactId: string; limit: number; cursor?: string }) {
    const after = decodeCursor<{ at: string; id: string }>(request.cursor);
    const rows = await queryRows<{
      id: string;
      campaign_id: string;
      contact_id: string;
      attempt_id: string | null;
      phone: string;
      phone_index: number | null;
      stage: 'lease' | 'dial';
      allowed: boolean;
      reason: RefusalReason | null;
      checks: DialAudit['checks'];
      decided_for: Date;
      recorded_at: Date;
    }>(
      this.pool,
      `SELECT id, campaign_id, contact_id, attempt_id, phone, phone_index, stage, allowed, reason, checks, decided_for, recorded_at
         FROM dial_audit
        WHERE contact_id = $1 ${after ? 'AND (recorded_at, id) > ($3::timestamptz, $4::uuid)' : ''}
        ORDER BY recorded_at, id LIMIT $2`,
      after
        ? [request.contactId, request.limit + 1, after.at, after.id]
        : [request.contactId, request.limit + 1],
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r): DialAudit => ({
        id: r.id,
        campaignId: r.campaign_id,
        contactId: r.contact_id,
        attemptId: r.attempt_id,
        phoneMasked: maskPhone(r.phone),
        phoneIndex: r.phone_index ?? 0,
        stage: r.stage,
        allowed: r.allowed,
        reason: r.reason,
        checks: r.checks,
        decidedFor: iso(r.decided_for)!,
        recordedAt: iso(r.recorded_at)!,
      })),
      nextCursor:
        rows.length > request.limit && last ? encodeCursor({ at: iso(last.recorded_at), id: last.id }) : null,
    };
  }

  /** Audit records, all in one statement. */
  private async writeAudits(tx: Tx, audits: AuditRow[]): Promise<void> {
    if (audits.length === 0) return;
    await tx.query(
      `INSERT INTO dial_audit (id, campaign_id, contact_id, attempt_id, phone, phone_index, stage, allowed, reason, checks, decided_for)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::text[],
                            $8::boolean[], $9::text[], $10::jsonb[], $11::timestamptz[])`,
      [
        audits.map((a) => a.id),
        audits.map((a) => a.contact.campaign_id),
        audits.map((a) => a.contact.id),
        audits.map((a) => a.attemptId),
        audits.map((a) => a.number.phone),
        audits.map((a) => a.number.index),
        audits.map((a) => a.stage),
        audits.map((a) => a.decision.allowed),
        audits.map((a) => a.decision.reason),
        audits.map((a) => JSON.stringify(a.decision.checks)),
        audits.map((a) => new Date(a.decision.at)),
      ],
    );
  }

  /**
   * Gives a refused lease back without an attempt: finished for good, or due when the rules
   * next allow; and says so on the campaign's stream (`contact.dialRefused`, no number).
   */
  private async refuse(tx: Tx, contact: ContactRow, attemptId: string, refusal: Refusal) {
    const finalReason = refusal.final ? FINAL_REASON[refusal.reason] : undefined;
    const next: ContactDecision = finalReason
      ? { status: 'done', finalReason }
      : {
          status: 'pending',
          dueAt:
            refusal.retryAt === null
              ? (contact.due_at ?? new Date())
              : new Date(this.clock.toReal(refusal.retryAt)),
          callback: contact.lane === 0,
        };
    const after = await applyContactDecision(tx, contact, {
      decision: next,
      ...(refusal.nextPhoneIndex !== undefined ? { phoneIndex: refusal.nextPhoneIndex } : {}),
    });
    await tx.query(`UPDATE contact_attempt SET ended = 'released' WHERE attempt_id = $1 AND ended IS NULL`, [
      attemptId,
    ]);
    await appendToOutbox(tx, [
      campaignEvent(
        this.bus.topology,
        contact.campaign_id,
        campaignEvents.contactDialRefused,
        { id: contact.id, version: after.version },
        {
          campaignId: contact.campaign_id,
          contactId: contact.id,
          attemptId,
          stage: refusal.stage,
          rule: refusal.reason,
          result: after.status === 'done' ? 'finished' : 'rescheduled',
          finalReason: after.finalReason,
          nextDueAt: iso(after.dueAt),
          phoneIndex: refusal.phoneIndex,
          decidedAt: new Date(this.clock.toReal(refusal.at)).toISOString(),
        },
      ),
    ]);
  }
}

/** `+84961166133` -> `+84******133`: audit rows are read by many. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return phone.replace(/\d/g, '*');
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 6)}${phone.slice(-3)}`;
}
