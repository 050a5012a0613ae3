-- 002-patients.sql: patients, their records (one row per form instance) and
-- the values derived from them.

CREATE TABLE patient (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES site(id),
  code TEXT NOT NULL UNIQUE,                 -- study id, e.g. "TJH-0001"
  status TEXT NOT NULL DEFAULT 'screening' CHECK (status IN
    ('screening', 'screen_failed', 'enrolled', 'off_study')),
  cohort TEXT CHECK (cohort IN ('TACE', 'HAIC')),
  is_locked INTEGER NOT NULL DEFAULT 0,
  created_utc TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

-- A record is one filled form: its JSON was validated against the form
-- (src/study/forms.c) before it was written.
CREATE TABLE record (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patient(id),
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  is_deleted INTEGER NOT NULL DEFAULT 0,
  created_utc TEXT NOT NULL,
  updated_utc TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX record_by_patient ON record(patient_id, kind);

-- Values derived by the rules engine, recomputed whenever a record of the
-- patient changes.
CREATE TABLE derived (
  patient_id INTEGER PRIMARY KEY REFERENCES patient(id),
  data TEXT NOT NULL,
  updated_utc TEXT NOT NULL
);
