-- 009-login-throttle.sql: failed logins counted per username and per client
-- address (store_login_from in src/store/store.c).  After a few failures in
-- a row, each further attempt for that username or from that address
-- waits longer (a growing delay, at most 15 minutes) instead of the account
-- being deactivated: nobody can lock another user out by guessing.  A key
-- is "u:USERNAME" or "a:ADDRESS"; usernames that do not exist are counted
-- the same way, so the table tells nothing about which accounts exist.
-- Every attempt is also in the audit trail; this table is only the count.

CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,                -- failures in a row
  last_failed_ms INTEGER NOT NULL           -- Unix time of the last one, ms
);
