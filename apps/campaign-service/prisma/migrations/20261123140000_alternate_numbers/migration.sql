-- Alternate numbers of a contact (issue 8): the numbers after the main one, which of them
-- the next attempt starts from, the number each attempt dialed, which number an audit
-- record checked, and the cells of kept rows left out of an import (bad alternates).

ALTER TABLE contact ADD COLUMN alt_phones text[] NOT NULL DEFAULT '{}';
-- 0: the main number; n: alt_phones[n] (SQL arrays count from 1).
ALTER TABLE contact ADD COLUMN phone_index smallint NOT NULL DEFAULT 0;

ALTER TABLE contact_attempt ADD COLUMN phone text;
ALTER TABLE contact_attempt ADD COLUMN phone_index smallint;

ALTER TABLE dial_audit ADD COLUMN phone_index smallint;

ALTER TABLE list_import ADD COLUMN warnings integer NOT NULL DEFAULT 0;

CREATE TABLE import_warning (
  import_id   uuid    NOT NULL REFERENCES list_import (id),
  row_no      integer NOT NULL,
  column_name text    NOT NULL,
  line        integer NOT NULL,
  code        text    NOT NULL,
  reason      text    NOT NULL,
  value       text    NOT NULL,
  PRIMARY KEY (import_id, row_no, column_name)
);
