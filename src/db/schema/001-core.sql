-- 001-core.sql: the study, sites, users and the audit trail.
-- Written once for SQLite and PostgreSQL; times are UTC ISO 8601 text.

CREATE TABLE study (
  id INTEGER PRIMARY KEY CHECK (id = 1),     -- one study per database
  nct_id TEXT NOT NULL,
  study_id TEXT NOT NULL,
  protocol_json TEXT NOT NULL,               -- the protocol in force
  is_locked INTEGER NOT NULL DEFAULT 0,      -- study lock: no more writes
  created_utc TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE site (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,                 -- short code, e.g. "TJH"
  name TEXT NOT NULL,
  created_utc TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'pi', 'investigator',
    'coordinator', 'monitor', 'data_manager', 'statistician')),
  site_id INTEGER REFERENCES site(id),       -- NULL: all sites
  pw_hash TEXT NOT NULL,                     -- argon2id (libsodium)
  is_active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  created_utc TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

-- Append-only, hash-chained audit trail: one row per changed field or
-- event.  hash = SHA-256 of the row's canonical text and prev_hash.
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,                   -- 1, 2, 3 ... without gaps
  ts_utc TEXT NOT NULL,
  actor TEXT NOT NULL,                       -- username, or "system"
  role TEXT NOT NULL,
  site TEXT,                                 -- actor's site code
  action TEXT NOT NULL,                      -- create, update, delete, ...
  entity TEXT NOT NULL,                      -- table or object kind
  entity_id TEXT,
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  reason TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- The audit trail refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE)
-- from everyone, the application included.
-- @sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
-- @end
-- @postgres
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only'
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
-- @end
