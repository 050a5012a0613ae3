-- 005-sessions.sql: web sessions, kept in the database so that several
-- servers can share them.  Only the SHA-256 of the session token is stored.

CREATE TABLE session (
  token_sha256 TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  csrf TEXT NOT NULL,                       -- per-session CSRF token
  created_utc TEXT NOT NULL,
  last_seen_utc TEXT NOT NULL,
  created_epoch INTEGER NOT NULL,           -- seconds, for the limits
  last_seen_epoch INTEGER NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);
