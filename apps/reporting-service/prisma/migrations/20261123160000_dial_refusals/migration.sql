-- Dials compliance refused (contact.dialRefused on the campaigns stream): one row per
-- event (its envelope id), so a replayed event finds its row and counts once.
CREATE TABLE dial_refusal (
  event_id     UUID           PRIMARY KEY,
  campaign_id  UUID           NOT NULL,
  contact_id   UUID           NOT NULL,
  attempt_id   UUID           NOT NULL,
  stage        TEXT           NOT NULL,
  rule         TEXT           NOT NULL,
  result       TEXT           NOT NULL,
  phone_index  INTEGER        NOT NULL,
  decided_at   TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX dial_refusal_campaign_id_decided_at_idx ON dial_refusal (campaign_id, decided_at);
CREATE INDEX dial_refusal_decided_at_idx ON dial_refusal (decided_at);
