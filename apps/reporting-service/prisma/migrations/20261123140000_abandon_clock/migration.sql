-- The abandon clock of each call (libs/contracts abandonVerdict): when the intro message
-- ended (the grace runs from it; null: no intro) and the campaign's grace the call ran
-- under (null: not told, 2 s is assumed). Both optional in the call events.
ALTER TABLE call_record ADD COLUMN intro_ended_at TIMESTAMPTZ(3);
ALTER TABLE call_record ADD COLUMN abandon_grace_ms INTEGER;
