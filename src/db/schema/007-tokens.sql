-- 007-tokens.sql: API tokens for scripted clients (src/store/token.h).
-- Only the SHA-256 of a token is stored, with its first characters
-- (prefix) so that a list can show which token is which.

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id), -- acts as this user
  name TEXT NOT NULL,                       -- what it is for ("nightly R")
  prefix TEXT NOT NULL,                     -- "hcc_" and 8 hex digits
  secret_sha256 TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the token
  scope TEXT NOT NULL,                      -- "read" or "METHOD route,..."
  created_by INTEGER NOT NULL REFERENCES app_user(id),
  created_utc TEXT NOT NULL,
  expires_utc TEXT NOT NULL,
  expires_epoch INTEGER NOT NULL,           -- seconds, for the check
  revoked_utc TEXT,                         -- NULL while not revoked
  last_used_utc TEXT,                       -- NULL until first used
  uses INTEGER NOT NULL DEFAULT 0           -- accepted requests
);
CREATE INDEX api_token_by_user ON api_token(user_id);
