-- 008-freezes.sql: data freezes (src/store/freeze.h).  A freeze is a named,
-- immutable snapshot of every casebook at one moment of the audit trail:
-- the last audit entry it includes (audit_seq), the chain hash there, and
-- the casebooks as the store gave them, with what an ODM file holds beyond
-- them (record and query rows, the sites and accounts) as they were, and
-- the SHA-256 of it all so that an altered snapshot is found.  Neither table accepts UPDATE or DELETE.

CREATE TABLE data_freeze (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,                      -- "primary analysis"
  created_utc TEXT NOT NULL,
  created_by TEXT NOT NULL,                 -- username
  audit_seq INTEGER NOT NULL,               -- last audit entry included
  chain_hash TEXT NOT NULL,                 -- the audit chain hash there
  n_patients INTEGER NOT NULL,
  content_sha256 TEXT NOT NULL,             -- of the casebooks, in order
  admin TEXT NOT NULL                       -- the study, sites and accounts
                                            -- then (JSON; odm_store.c)
);

CREATE TABLE freeze_casebook (
  freeze_id INTEGER NOT NULL,               -- data_freeze.id (written first)
  code TEXT NOT NULL,                       -- patient code
  site TEXT NOT NULL,                       -- site code (site scoping)
  casebook TEXT NOT NULL,                   -- store_casebook_text's JSON
  extra TEXT NOT NULL,                      -- its store rows beyond the
                                            -- casebook: ids, times, queries
                                            -- (JSON; odm_store.c)
  PRIMARY KEY (freeze_id, code)
);

-- @sqlite
CREATE TRIGGER data_freeze_no_update BEFORE UPDATE ON data_freeze
BEGIN
  SELECT RAISE(ABORT, 'a data freeze is immutable');
END;
CREATE TRIGGER data_freeze_no_delete BEFORE DELETE ON data_freeze
BEGIN
  SELECT RAISE(ABORT, 'a data freeze is immutable');
END;
CREATE TRIGGER freeze_casebook_no_update BEFORE UPDATE ON freeze_casebook
BEGIN
  SELECT RAISE(ABORT, 'a data freeze is immutable');
END;
CREATE TRIGGER freeze_casebook_no_delete BEFORE DELETE ON freeze_casebook
BEGIN
  SELECT RAISE(ABORT, 'a data freeze is immutable');
END;
-- @postgres
CREATE FUNCTION freeze_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a data freeze is immutable'
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER data_freeze_no_change BEFORE UPDATE OR DELETE ON data_freeze
  FOR EACH STATEMENT EXECUTE FUNCTION freeze_immutable();
CREATE TRIGGER data_freeze_no_truncate BEFORE TRUNCATE ON data_freeze
  FOR EACH STATEMENT EXECUTE FUNCTION freeze_immutable();
CREATE TRIGGER freeze_casebook_no_change BEFORE UPDATE OR DELETE
  ON freeze_casebook FOR EACH STATEMENT EXECUTE FUNCTION freeze_immutable();
CREATE TRIGGER freeze_casebook_no_truncate BEFORE TRUNCATE ON freeze_casebook
  FOR EACH STATEMENT EXECUTE FUNCTION freeze_immutable();
-- @end
