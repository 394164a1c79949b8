-- Campaigns, contact lists and their imports, contacts and the dialer's queue, attempts,
-- segments, dispositions, callbacks, and the outbox of events.

CREATE TABLE campaign (
  id                uuid           PRIMARY KEY,
  version           integer        NOT NULL,
  status            text           NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'completed', 'archived')),
  name              text           NOT NULL,
  mode              text           NOT NULL,
  -- The whole CampaignSettings document (libs/contracts), validated by campaign-domain.
  settings          jsonb          NOT NULL,
  idempotency_key   text           UNIQUE,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  status_changed_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX campaign_created_idx ON campaign (created_at, id);

CREATE TABLE contact_list (
  id              uuid           PRIMARY KEY,
  campaign_id     uuid           NOT NULL REFERENCES campaign (id),
  name            text           NOT NULL,
  default_region  text           NOT NULL,
  idempotency_key text,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, idempotency_key)
);

CREATE TABLE list_import (
  id              uuid           PRIMARY KEY,
  list_id         uuid           NOT NULL REFERENCES contact_list (id),
  campaign_id     uuid           NOT NULL REFERENCES campaign (id),
  state           text           NOT NULL CHECK (state IN ('receiving', 'completed', 'aborted', 'failed')),
  format          text           NOT NULL,
  -- StartImportRequest options and the parser's carry-over between chunks (plain JSON),
  -- so any replica can take the next chunk.
  options         jsonb          NOT NULL,
  parser_state    jsonb          NOT NULL,
  next_seq        integer        NOT NULL DEFAULT 0,
  bytes_received  bigint         NOT NULL DEFAULT 0,
  total_bytes     bigint,
  rows_in         integer        NOT NULL DEFAULT 0,
  accepted        integer        NOT NULL DEFAULT 0,
  merged          integer        NOT NULL DEFAULT 0,
  rejected        integer        NOT NULL DEFAULT 0,
  blank_lines     integer        NOT NULL DEFAULT 0,
  file_name       text,
  error           text,
  idempotency_key text,
  started_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  completed_at    timestamptz(3),
  UNIQUE (list_id, idempotency_key),
  CHECK (rows_in = accepted + merged + rejected)
);

CREATE TABLE import_reject (
  import_id uuid    NOT NULL REFERENCES list_import (id),
  -- Ordinal of the row among the file's rows (1-based); line where it starts.
  row_no    integer NOT NULL,
  line      integer NOT NULL,
  code      text    NOT NULL,
  reason    text    NOT NULL,
  raw       jsonb,
  PRIMARY KEY (import_id, row_no)
);

CREATE TABLE contact (
  id                uuid           PRIMARY KEY,
  campaign_id       uuid           NOT NULL REFERENCES campaign (id),
  list_id           uuid           REFERENCES contact_list (id),
  phone             text           NOT NULL,
  name              text,
  fields            jsonb          NOT NULL DEFAULT '{}',
  time_zone         text,
  priority          integer        NOT NULL DEFAULT 0,
  owner_agent_id    text,
  status            text           NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'leased', 'done')),
  -- 0: an open callback (dialed first), 1: everything else.
  lane              smallint       NOT NULL DEFAULT 1,
  due_at            timestamptz(3),
  attempts          integer        NOT NULL DEFAULT 0,
  outcome_counts    jsonb          NOT NULL DEFAULT '{}',
  last_outcome      text,
  last_attempt_at   timestamptz(3),
  last_disposition  text,
  final_reason      text,
  callback_id       uuid,
  callback_agent_id text,
  lease_attempt_id  uuid,
  leased_by         text,
  lease_expires_at  timestamptz(3),
  version           integer        NOT NULL DEFAULT 1,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  -- Duplicates within a campaign are one contact.
  UNIQUE (campaign_id, phone),
  CHECK ((status = 'leased') = (lease_attempt_id IS NOT NULL)),
  CHECK (status <> 'pending' OR due_at IS NOT NULL)
);
-- The queue: callbacks first, then priority, then due time; only waiting contacts.
CREATE INDEX contact_queue_idx ON contact (campaign_id, lane, priority DESC, due_at, id) WHERE status = 'pending';
-- Leases to reclaim when they expire.
CREATE INDEX contact_lease_expiry_idx ON contact (campaign_id, lease_expires_at) WHERE status = 'leased';
CREATE UNIQUE INDEX contact_lease_attempt_idx ON contact (lease_attempt_id) WHERE lease_attempt_id IS NOT NULL;
CREATE INDEX contact_campaign_page_idx ON contact (campaign_id, id);
CREATE INDEX contact_list_idx ON contact (list_id);

-- One row per lease: how it ended (outcome, expired, released) and the outcome's result,
-- recorded exactly once (the row is locked and checked on every report).
CREATE TABLE contact_attempt (
  attempt_id       uuid           PRIMARY KEY,
  contact_id       uuid           NOT NULL REFERENCES contact (id),
  campaign_id      uuid           NOT NULL,
  dialer_id        text           NOT NULL,
  attempt_number   integer        NOT NULL,
  leased_at        timestamptz(3) NOT NULL,
  lease_expires_at timestamptz(3) NOT NULL,
  ended            text           CHECK (ended IN ('outcome', 'expired', 'released')),
  outcome          text,
  call_id          text,
  hangup_cause     text,
  details          jsonb,
  occurred_at      timestamptz(3),
  recorded_at      timestamptz(3),
  result           jsonb
);
CREATE INDEX contact_attempt_contact_idx ON contact_attempt (contact_id, leased_at);
CREATE INDEX contact_attempt_campaign_idx ON contact_attempt (campaign_id, outcome);

CREATE TABLE segment (
  id          uuid           PRIMARY KEY,
  campaign_id uuid           NOT NULL REFERENCES campaign (id),
  name        text           NOT NULL,
  filter      jsonb          NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, name)
);

CREATE TABLE disposition (
  id          uuid           PRIMARY KEY,
  campaign_id uuid           NOT NULL REFERENCES campaign (id),
  contact_id  uuid           NOT NULL REFERENCES contact (id),
  call_id     text           NOT NULL UNIQUE,
  agent_id    text           NOT NULL,
  code        text           NOT NULL,
  final       boolean        NOT NULL,
  sale        boolean        NOT NULL,
  notes       text,
  callback_at timestamptz(3),
  callback_owner text,
  callback_id uuid,
  sale_value  numeric(20,2),
  currency    text,
  fields      jsonb          NOT NULL DEFAULT '{}',
  applied     boolean        NOT NULL,
  contact_status text        NOT NULL,
  -- The request as received, to tell a repeat from a different disposition for the call.
  request     jsonb          NOT NULL,
  recorded_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX disposition_campaign_idx ON disposition (campaign_id, recorded_at, id);
CREATE INDEX disposition_contact_idx ON disposition (contact_id, recorded_at);

CREATE TABLE callback (
  id              uuid           PRIMARY KEY,
  campaign_id     uuid           NOT NULL REFERENCES campaign (id),
  contact_id      uuid           NOT NULL REFERENCES contact (id),
  due_at          timestamptz(3) NOT NULL,
  owner_agent_id  text,
  notes           text,
  requested_by    text,
  state           text           NOT NULL CHECK (state IN ('scheduled', 'done', 'cancelled')),
  idempotency_key text,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  closed_at       timestamptz(3),
  UNIQUE (campaign_id, idempotency_key)
);
CREATE INDEX callback_campaign_idx ON callback (campaign_id, created_at, id);

-- Events written in the same transaction as the change they describe; the relay
-- publishes them to JetStream in order and deletes them.
CREATE TABLE outbox (
  seq        bigserial      PRIMARY KEY,
  subject    text           NOT NULL,
  event      jsonb          NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
