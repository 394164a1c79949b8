-- Agents, their live state, groups, reservations, state intervals and the event outbox.

CREATE TYPE agent_state AS ENUM ('logged_out', 'not_ready', 'ready', 'reserved', 'on_call', 'wrap_up');
CREATE TYPE reservation_status AS ENUM ('pending', 'confirmed', 'released', 'expired', 'ended');

-- One row per agent: profile and live state together, so that one conditional UPDATE of
-- one row (state and version checked) is the compare-and-set of a reservation.
CREATE TABLE agent (
  agent_id               uuid           PRIMARY KEY,
  name                   text           NOT NULL,
  extension              text           NOT NULL UNIQUE,
  skills                 text[]         NOT NULL DEFAULT '{}',
  version                integer        NOT NULL,
  state                  agent_state    NOT NULL DEFAULT 'logged_out',
  state_since            timestamptz(3) NOT NULL DEFAULT now(),
  -- NULL when logged out, so the unique constraint only binds live sessions.
  session_extension      text           UNIQUE,
  reason_code            text,
  campaign_id            text,
  reservation_id         uuid,
  call_id                text,
  reservation_expires_at timestamptz(3),
  wrap_up_ends_at        timestamptz(3),
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  updated_at             timestamptz(3) NOT NULL DEFAULT now()
);
-- Longest-idle ready agent first.
CREATE INDEX agent_state_since_idx ON agent (state, state_since);
-- The wrap-up sweeper's scan (partial: only the agents with a deadline).
CREATE INDEX agent_wrap_up_deadline_idx ON agent (wrap_up_ends_at) WHERE state = 'wrap_up';

CREATE TABLE agent_group (
  group_id   uuid           PRIMARY KEY,
  name       text           NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE agent_group_member (
  group_id uuid NOT NULL REFERENCES agent_group (group_id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agent (agent_id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, agent_id)
);
CREATE INDEX agent_group_member_agent_idx ON agent_group_member (agent_id);

-- Kept after the agent is deleted (history), hence no foreign key.
CREATE TABLE reservation (
  reservation_id uuid               PRIMARY KEY,
  agent_id       uuid               NOT NULL,
  campaign_id    text               NOT NULL,
  call_id        text,
  extension      text               NOT NULL,
  status         reservation_status NOT NULL,
  created_at     timestamptz(3)     NOT NULL DEFAULT now(),
  expires_at     timestamptz(3)     NOT NULL,
  confirmed_at   timestamptz(3),
  closed_at      timestamptz(3)
);
CREATE INDEX reservation_agent_idx ON reservation (agent_id, created_at);
-- The expiry sweeper's scan.
CREATE INDEX reservation_pending_deadline_idx ON reservation (expires_at) WHERE status = 'pending';

-- Time in each state, for reporting. Kept after the agent is deleted.
CREATE TABLE agent_state_interval (
  interval_id bigserial      PRIMARY KEY,
  agent_id    uuid           NOT NULL,
  state       agent_state    NOT NULL,
  campaign_id text,
  reason_code text,
  started_at  timestamptz(3) NOT NULL,
  ended_at    timestamptz(3)
);
CREATE INDEX agent_state_interval_agent_idx ON agent_state_interval (agent_id, started_at);
-- At most one open interval per agent.
CREATE UNIQUE INDEX agent_state_interval_open_idx ON agent_state_interval (agent_id) WHERE ended_at IS NULL;

-- Transactional outbox: an agent's change and its event commit together, and the relay
-- publishes in seq order (which is version order per agent). (agent_id, version) unique:
-- two events can never claim the same version of one agent.
CREATE TABLE agent_event_outbox (
  seq          bigserial      PRIMARY KEY,
  event_id     uuid           NOT NULL UNIQUE,
  agent_id     uuid           NOT NULL,
  version      integer        NOT NULL,
  envelope     jsonb          NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  published_at timestamptz(3),
  UNIQUE (agent_id, version)
);
CREATE INDEX agent_event_outbox_unpublished_idx ON agent_event_outbox (seq) WHERE published_at IS NULL;
