-- Published outbox rows are deleted once older than the retention (ATS_AGENT_OUTBOX_RETENTION_MINUTES):
-- the purge finds them by publication time, oldest first, without walking the unpublished ones.
CREATE INDEX agent_event_outbox_published_idx ON agent_event_outbox (published_at) WHERE published_at IS NOT NULL;
