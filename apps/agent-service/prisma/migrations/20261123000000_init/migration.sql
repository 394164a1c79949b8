-- Events and messages already applied, per consumer (idempotent consumers).
CREATE TABLE processed_message (
  consumer     text           NOT NULL,
  message_id   uuid           NOT NULL,
  processed_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);
