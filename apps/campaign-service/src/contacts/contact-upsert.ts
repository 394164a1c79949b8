import { randomUUID } from 'node:crypto';
import { mergeContactDrafts, type ContactDraft } from '@autotelesale/campaign-domain';
import { queryRows, type Tx } from '../db/sql';

const BATCH = 5_000;

interface ExistingContact {
  id: string;
  phone: string;
  alt_phones: string[];
  name: string | null;
  fields: ContactDraft['fields'];
  time_zone: string | null;
  priority: number;
  owner_agent_id: string | null;
}

/**
 * Puts drafts (distinct phones) into a campaign: a phone already there is merged into its
 * contact (mergeContactDrafts: the new row fills in and overrides; its queue state is left
 * alone), a new phone becomes a pending contact due now. The caller holds the campaign's
 * contacts lock, so the read-merge-write cannot race another import. Multi-row statements
 * over unnest() arrays: a few round trips per 5,000 rows.
 */
export async function upsertContactDrafts(
  tx: Tx,
  campaignId: string,
  listId: string | null,
  drafts: ContactDraft[],
): Promise<{ inserted: number; merged: number; ids: Map<string, string> }> {
  let inserted = 0;
  let merged = 0;
  const ids = new Map<string, string>();
  for (let start = 0; start < drafts.length; start += BATCH) {
    const batch = drafts.slice(start, start + BATCH);
    const existing = await queryRows<ExistingContact>(
      tx,
      `SELECT id, phone, alt_phones, name, fields, time_zone, priority, owner_agent_id FROM contact
        WHERE campaign_id = $1 AND phone = ANY($2::text[])`,
      [campaignId, batch.map((d) => d.phone)],
    );
    const byPhone = new Map(existing.map((e) => [e.phone, e]));
    const updates: Array<{ id: string; draft: ContactDraft }> = [];
    const inserts: ContactDraft[] = [];
    for (const draft of batch) {
      const current = byPhone.get(draft.phone);
      if (!current) {
        inserts.push(draft);
        continue;
      }
      const mergedDraft = mergeContactDrafts(
        {
          phone: current.phone,
          name: current.name,
          priority: current.priority,
          timeZone: current.time_zone,
          ownerAgentId: current.owner_agent_id,
          fields: current.fields,
          alternatePhones: current.alt_phones,
        },
        draft,
      );
      updates.push({ id: current.id, draft: mergedDraft });
      ids.set(draft.phone, current.id);
    }
    if (updates.length > 0) {
      await tx.query(
        `UPDATE contact c SET name = u.name, fields = u.fields, time_zone = u.time_zone, priority = u.priority,
                owner_agent_id = u.owner_agent_id, alt_phones = ARRAY(SELECT jsonb_array_elements_text(u.alts)),
                version = c.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::int[], $6::text[], $7::jsonb[])
                AS u(id, name, fields, time_zone, priority, owner_agent_id, alts)
          WHERE c.id = u.id`,
        [
          updates.map((u) => u.id),
          updates.map((u) => u.draft.name),
          updates.map((u) => JSON.stringify(u.draft.fields)),
          updates.map((u) => u.draft.timeZone),
          updates.map((u) => u.draft.priority ?? 0),
          updates.map((u) => u.draft.ownerAgentId),
          updates.map((u) => JSON.stringify(u.draft.alternatePhones)),
        ],
      );
      merged += updates.length;
    }
    if (inserts.length > 0) {
      const newIds = inserts.map(() => randomUUID());
      await tx.query(
        `INSERT INTO contact (id, campaign_id, list_id, phone, alt_phones, name, fields, time_zone, priority, owner_agent_id, due_at)
         SELECT u.id, $1, $2, u.phone, ARRAY(SELECT jsonb_array_elements_text(u.alts)), u.name, u.fields, u.time_zone,
                u.priority, u.owner_agent_id, now()
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::int[], $9::text[], $10::jsonb[])
                AS u(id, phone, name, fields, time_zone, priority, owner_agent_id, alts)`,
        [
          campaignId,
          listId,
          newIds,
          inserts.map((d) => d.phone),
          inserts.map((d) => d.name),
          inserts.map((d) => JSON.stringify(d.fields)),
          inserts.map((d) => d.timeZone),
          inserts.map((d) => d.priority ?? 0),
          inserts.map((d) => d.ownerAgentId),
          inserts.map((d) => JSON.stringify(d.alternatePhones)),
        ],
      );
      inserts.forEach((d, i) => ids.set(d.phone, newIds[i]!));
      inserted += inserts.length;
    }
  }
  return { inserted, merged, ids };
}
