-- 003-workflow.sql: queries, source-data verification, signatures.

-- A query on a patient's data: raised by a person (check_id NULL) or by an
-- edit check (check_id set; closed automatically when the data no longer
-- trigger it).  open -> answered -> closed; an answered query can be
-- re-opened by raising a new one.
CREATE TABLE query (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patient(id),
  record_id INTEGER REFERENCES record(id),
  field TEXT,
  check_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
  text TEXT NOT NULL,
  answer TEXT,
  raised_by TEXT NOT NULL,
  raised_utc TEXT NOT NULL,
  answered_by TEXT,
  answered_utc TEXT,
  closed_by TEXT,
  closed_utc TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX query_by_patient ON query(patient_id, status);

-- Source-data verification of a record at a version: a later change of the
-- record makes the mark stale (record.version > sdv.record_version).
CREATE TABLE sdv (
  record_id INTEGER PRIMARY KEY REFERENCES record(id),
  record_version INTEGER NOT NULL,
  verified_by TEXT NOT NULL,
  verified_utc TEXT NOT NULL
);

-- Electronic signature of a casebook (21 CFR 11.50/11.70): who, when, what
-- it means, and the SHA-256 of the signed content.  A later change to the
-- casebook voids it visibly.
CREATE TABLE signature (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patient(id),
  signed_by TEXT NOT NULL,
  role TEXT NOT NULL,
  meaning TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  signed_utc TEXT NOT NULL,
  is_void INTEGER NOT NULL DEFAULT 0,
  voided_utc TEXT
);
