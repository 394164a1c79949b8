-- Call records, agent state intervals, dispositions and campaign settings, all built
-- from the calls, agents and campaigns streams. Every table has a natural key, so that
-- a replayed event finds its row (besides processed_message).

-- One row per call attempt, merged from its call.* events in any order.
CREATE TABLE call_record (
  call_id               text             PRIMARY KEY,
  campaign_id           uuid             NOT NULL,
  attempt_id            uuid,
  contact_id            uuid,
  dialer_id             text,
  node                  text,
  mode                  text,
  phone                 text,
  outcome               text,
  live_answer           boolean          NOT NULL DEFAULT false,
  abandoned             boolean          NOT NULL DEFAULT false,
  abandon_reason        text,
  amd                   text,
  agent_id              text,
  extension             text,
  dialed_at             timestamptz(3),
  answered_at           timestamptz(3),
  connected_at          timestamptz(3),
  abandoned_at          timestamptz(3),
  ended_at              timestamptz(3),
  ring_seconds          double precision,
  hold_seconds          double precision,
  talk_seconds          double precision,
  hangup_cause          text,
  hangup_by             text,
  recording_path        text,
  identification_played boolean,
  answer_to_agent_ms    integer,
  ended                 boolean          NOT NULL DEFAULT false,
  last_version          integer          NOT NULL DEFAULT 0,
  -- The regulator's accounting of the call (reporting-domain's classifyCall), stored so
  -- that every query sums the same definition.
  counted_live          boolean          NOT NULL DEFAULT false,
  counted_abandon       boolean          NOT NULL DEFAULT false,
  amd_false_positive    boolean          NOT NULL DEFAULT false,
  updated_at            timestamptz(3)   NOT NULL DEFAULT now()
);
CREATE INDEX call_record_campaign_dialed_idx ON call_record (campaign_id, dialed_at, call_id);
CREATE INDEX call_record_dialed_idx ON call_record (dialed_at, call_id);
CREATE INDEX call_record_agent_dialed_idx ON call_record (agent_id, dialed_at);
CREATE INDEX call_record_phone_idx ON call_record (phone);

-- Agent state intervals: one row per agent.stateChanged (agent, version), the state held
-- from started_at until the next version's started_at (ended_at, null while current).
CREATE TABLE agent_state_interval (
  agent_id    text           NOT NULL,
  version     integer        NOT NULL,
  state       text           NOT NULL,
  campaign_id text,
  reason_code text,
  extension   text,
  call_id     text,
  started_at  timestamptz(3) NOT NULL,
  ended_at    timestamptz(3),
  PRIMARY KEY (agent_id, version)
);
CREATE INDEX agent_state_interval_started_idx ON agent_state_interval (started_at);
CREATE INDEX agent_state_interval_ended_idx ON agent_state_interval (ended_at);

-- Dispositions (conversion and sale value), by their id; a call has one.
CREATE TABLE disposition (
  disposition_id uuid             PRIMARY KEY,
  call_id        text             NOT NULL,
  campaign_id    uuid             NOT NULL,
  contact_id     uuid             NOT NULL,
  agent_id       text             NOT NULL,
  code           text             NOT NULL,
  sale           boolean          NOT NULL,
  sale_value     double precision,
  currency       text,
  recorded_at    timestamptz(3)   NOT NULL
);
CREATE INDEX disposition_call_idx ON disposition (call_id);
CREATE INDEX disposition_recorded_idx ON disposition (campaign_id, recorded_at);

-- What reporting needs of each campaign: its name and abandon cap (the metrics' "vs cap").
CREATE TABLE campaign (
  campaign_id      uuid             PRIMARY KEY,
  name             text             NOT NULL,
  abandon_rate_cap double precision NOT NULL,
  version          integer          NOT NULL,
  updated_at       timestamptz(3)   NOT NULL DEFAULT now()
);
