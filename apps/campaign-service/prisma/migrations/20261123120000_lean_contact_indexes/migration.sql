-- A lease changes indexed columns of the contact (status, lease), so every index of the
-- contact table and of contact_attempt takes a new entry per leased contact. Indexes that
-- only served convenience queries go, and those queries take another way:
--   contact_campaign_page_idx  contact.list pages by (campaign_id, phone), the unique key;
--   contact_list_idx           a list's contact count is the sum of its imports' accepted rows;
--   contact_lease_attempt_idx  renew/release find the contact through contact_attempt's key;
--   contact_attempt_*_idx      stats read the contacts' outcome counts.
DROP INDEX contact_campaign_page_idx;
DROP INDEX contact_list_idx;
DROP INDEX contact_lease_attempt_idx;
DROP INDEX contact_attempt_contact_idx;
DROP INDEX contact_attempt_campaign_idx;
