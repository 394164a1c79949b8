-- Failed sign-ins per key ('account:<sha256 of the email>' or 'ip:<client address>'),
-- shared by every gateway replica. A row is changed by compare-and-set on
-- (failures, window_started_at), so concurrent failures are all counted.
CREATE TABLE login_throttle (
  key               text           PRIMARY KEY,
  failures          integer        NOT NULL CHECK (failures > 0),
  window_started_at timestamptz(3) NOT NULL,
  locked_until      timestamptz(3)
);

CREATE INDEX login_throttle_window_started_at ON login_throttle (window_started_at);
