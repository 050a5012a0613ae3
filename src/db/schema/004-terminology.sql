-- 004-terminology.sql: an adverse-event terminology imported by an
-- administrator (CTCAE v5.0: MedDRA code, term, grade definitions).

CREATE TABLE terminology (
  id INTEGER PRIMARY KEY CHECK (id = 1),    -- one terminology in force
  name TEXT NOT NULL,                       -- e.g. "CTCAE v5.0"
  source_sha256 TEXT NOT NULL,              -- of the imported file
  n_terms INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  imported_utc TEXT NOT NULL
);

CREATE TABLE term (
  code TEXT PRIMARY KEY,                    -- MedDRA code
  soc TEXT NOT NULL,                        -- system organ class
  term TEXT NOT NULL,
  term_key TEXT NOT NULL,                   -- lower-case term, for lookup
  grade1 TEXT, grade2 TEXT, grade3 TEXT, grade4 TEXT, grade5 TEXT,
  definition TEXT
);
CREATE INDEX term_by_key ON term(term_key);

-- SQLite's instr(text, part), which term search uses, for PostgreSQL.
-- @postgres
CREATE FUNCTION instr(t text, part text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT strpos(t, part) $$;
-- @end
