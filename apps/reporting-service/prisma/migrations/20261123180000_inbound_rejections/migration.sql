-- Inbound calls the gate refused (call.inboundRejected on the calls stream): one row per
-- event (its envelope id), and one per refused channel (the dialer derives the event id
-- from the channel, and only one replica decides a call), so a replayed event finds its
-- row and counts once.
CREATE TABLE inbound_rejection (
  event_id       UUID           PRIMARY KEY,
  channel_uuid   UUID           NOT NULL,
  dialer_id      TEXT           NOT NULL,
  node           TEXT           NOT NULL,
  caller_number  TEXT           NOT NULL,
  called_number  TEXT           NOT NULL,
  list           TEXT           NOT NULL,
  list_reason    TEXT,
  hangup_cause   TEXT           NOT NULL,
  rejected_at    TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX inbound_rejection_channel_uuid_key ON inbound_rejection (channel_uuid);
CREATE INDEX inbound_rejection_rejected_at_event_id_idx ON inbound_rejection (rejected_at, event_id);
CREATE INDEX inbound_rejection_caller_number_rejected_at_idx ON inbound_rejection (caller_number, rejected_at);
