-- Compliance at dial time (issue 8): do-not-call lists, numbers known invalid, and the
-- audit record of every decision to dial or not.

-- One row per number per list. `scope` is '*' for the global list and the blacklist, the
-- campaign's id for a campaign list (a plain key column: the drift check compares keys).
CREATE TABLE dnc_entry (
  phone       text           NOT NULL,
  kind        text           NOT NULL CHECK (kind IN ('global', 'campaign', 'blacklist')),
  scope       text           NOT NULL,
  reason      text,
  source      text,
  expires_at  timestamptz(3),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (phone, kind, scope),
  CHECK ((kind = 'campaign') = (scope <> '*'))
);
CREATE INDEX dnc_entry_list_idx ON dnc_entry (kind, scope, phone);

-- A number that answered with an invalid-number cause: never dialed again, by any contact.
CREATE TABLE invalid_number (
  phone      text           PRIMARY KEY,
  attempt_id uuid,
  found_at   timestamptz(3) NOT NULL DEFAULT now()
);

-- Every decision: which rules were checked, with what inputs, and the result.
CREATE TABLE dial_audit (
  id           uuid           PRIMARY KEY,
  campaign_id  uuid           NOT NULL,
  contact_id   uuid           NOT NULL,
  attempt_id   uuid,
  phone        text           NOT NULL,
  stage        text           NOT NULL CHECK (stage IN ('lease', 'dial')),
  allowed      boolean        NOT NULL,
  reason       text,
  checks       jsonb          NOT NULL,
  decided_for  timestamptz(3) NOT NULL,
  recorded_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX dial_audit_contact_idx ON dial_audit (contact_id, recorded_at, id);
-- The per-number daily cap counts the dials cleared for a number since its local midnight.
CREATE INDEX dial_audit_cleared_idx ON dial_audit (phone, decided_for) WHERE allowed AND stage = 'dial';
