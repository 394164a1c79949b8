-- The UK rule's estimate of AMD false positives (issue 8): the campaign's false-positive
-- rate each call ran under (call.answered / call.ended `amdFalsePositiveRate`; null: AMD
-- off, or an event from before the field), whether the call ended on a machine verdict
-- with nobody connected (what the dialer counts as `machineDetected`), and the estimate
-- that verdict adds (its rate; 0 otherwise). Rows from before carry no rate: no estimate.
ALTER TABLE call_record ADD COLUMN amd_false_positive_rate DOUBLE PRECISION;
ALTER TABLE call_record ADD COLUMN machine_verdict BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE call_record ADD COLUMN amd_false_positive_estimate DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE call_record
   SET machine_verdict = true
 WHERE amd = 'machine' AND NOT live_answer AND connected_at IS NULL AND NOT amd_false_positive;
