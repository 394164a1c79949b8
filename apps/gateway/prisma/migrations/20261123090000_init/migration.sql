-- People who sign in to the gateway. A password is stored only as a scrypt hash
-- (scrypt$N$r$p$salt$hash); an agent account is linked to the agent id it may act as.
CREATE TABLE app_user (
  id            uuid           PRIMARY KEY,
  email         text           NOT NULL UNIQUE,
  password_hash text           NOT NULL,
  role          text           NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
  agent_id      text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  disabled_at   timestamptz(3),
  CONSTRAINT app_user_agent_has_agent_id CHECK ((role = 'agent') = (agent_id IS NOT NULL))
);

-- Keys that systems (CRMs, ERPs) present. The key is shown once at creation; only the
-- SHA-256 of its secret part is kept (the secret is 32 random bytes, so a fast hash is
-- enough), looked up by its public prefix.
CREATE TABLE api_key (
  id           uuid           PRIMARY KEY,
  name         text           NOT NULL,
  prefix       text           NOT NULL UNIQUE,
  secret_hash  text           NOT NULL,
  role         text           NOT NULL CHECK (role IN ('admin', 'supervisor')),
  created_by   uuid,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  revoked_at   timestamptz(3),
  last_used_at timestamptz(3)
);

-- Idempotency-Key of POSTs that create things, per caller: the first request's body hash
-- and, once it has finished, its response, replayed for a retry with the same body.
CREATE TABLE idempotency_key (
  principal       text           NOT NULL,
  key             text           NOT NULL,
  request_hash    text           NOT NULL,
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  completed_at    timestamptz(3),
  PRIMARY KEY (principal, key)
);
