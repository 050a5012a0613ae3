/*
** odm_store.h: the store's side of the CDISC ODM 1.3.2 round trip
** (report/odm.h writes the file, report/odm_read.h reads it).
**
** Reads: the study's administrative rows (study, sites, users), the
** per-patient rows a casebook does not show (ids, creation times, queries,
** voided signatures' times) and a cursor over the audit trail up to a
** given entry.  Writes: an import into a database that holds no study,
** row by row with the original ids, in one write transaction; the audit
** rows are stored as the file gives them (seq, times, hashes) and the
** chain is verified before anything commits.  See docs/odm.md.
*/
#ifndef HCC_STORE_ODM_H
#define HCC_STORE_ODM_H

#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "snapshot.h"
#include "access.h"

/* Text fields of an audit row, in the table's order after seq. */
#define ODM_AUDIT_N_FIELDS 11

/* One audit row as stored: f[] is ts_utc, actor, role, site, action,
** entity, entity_id, field, old_value, new_value, reason (NULL members
** are SQL NULL).  Borrowed: valid during the callback only. */
struct odm_audit_row {
  int64_t seq;
  const char *f[ODM_AUDIT_N_FIELDS];
  const char *prev_hash; /* 64 hex digits */
  const char *hash;      /* 64 hex digits */
};

/* Called with each audit row in seq order. */
typedef int (*store_odm_audit_fn)(void *ctx, const struct odm_audit_row *r,
                                  struct err *e);

/* Walk the audit rows 1..upto_seq, paged (memory independent of the
** trail's length).  A site-scoped actor gets only the rows whose site is
** its own.  Needs ACCESS_AUDIT_LOG (the caller checks). */
int store_odm_audit_walk(struct db *db, const struct actor *a, int64_t upto_seq,
                         store_odm_audit_fn fn, void *ctx, struct err *e);

/* Begin an import into db: the schema is created, and the database must
** hold no study and no audit entry (APP_EINVAL naming "--db" otherwise);
** a write transaction is opened.  End with store_odm_import_end or
** store_odm_import_abort. */
int store_odm_import_begin(struct db *db, struct err *e);

/* The study row: {nct_id, study_id, protocol_json, is_locked,
** created_utc, version}. */
int store_odm_import_study(struct db *db, const json_t *study, struct err *e);

/* A site: {id, code, name, created_utc, version}. */
int store_odm_import_site(struct db *db, const json_t *site, struct err *e);

/* An account: {id, username, role, site (code or null), is_active,
** created_utc, version}.  password: the account's new password (hashed
** with argon2id), or NULL for an account nobody can log in to until an
** administrator sets one. */
int store_odm_import_user(struct db *db, const json_t *user,
                          const char *password, struct err *e);

/* A patient: {id, code, site, status, cohort, locked, version,
** created_utc, records: [{id, kind, version, created_utc, updated_utc,
** data}], derived (object or null), derived_utc, signatures: [{id,
** signed_by, role, meaning, content_sha256, signed_utc, valid,
** voided_utc}], sdv: [{record_id, version, verified_by, verified_utc}],
** queries: [{id, record_id, field, check_id, status, text, answer,
** raised_by, raised_utc, answered_by, answered_utc, closed_by,
** closed_utc, version}]}.  Problems are APP_EINVAL naming ctx. */
int store_odm_import_patient(struct db *db, const json_t *pt, const char *ctx,
                             struct err *e);

/* An audit row, stored as given (seq must be the next one). */
int store_odm_import_audit(struct db *db, const struct odm_audit_row *r,
                           struct err *e);

/* How an import ends. */
struct odm_import_end {
  int64_t audit_seq;       /* the file's last audit entry */
  const char *chain_hash;  /* the file's chain hash there */
  const char *created_utc; /* the file's CreationDateTime */
  const char *file_oid;    /* the file's FileOID */
  const struct actor *a;   /* the importer (an imported account) */
  int64_t freeze_id;       /* out: the freeze recording the import */
};

/* Check the import (the audit chain verifies from entry 1 and ends at
** audit_seq with chain_hash), record a freeze of the imported casebooks
** at that audit position (dated created_utc) and one "import" audit
** entry by the importer, and commit.  On failure everything is rolled
** back. */
int store_odm_import_end(struct db *db, struct odm_import_end *end,
                         struct err *e);

/* Roll the import back (nothing stays written). */
void store_odm_import_abort(struct db *db);

#endif
