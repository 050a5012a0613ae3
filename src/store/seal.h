/*
** seal.h: the audit trail vouches for the data (issue 14, item 1).
**
** Every row the store writes in a data table is sealed in the same
** transaction: an audit entry (action "seal", entity the table, entity_id
** the row's key) whose new value lists, column by column, the first 32
** bits of SHA-256(column name, value).  The seal is chained like every
** entry, so it cannot be changed without breaking the chain (and, past a
** signed checkpoint, without being seen: anchor.h).  seal_verify() reads
** the newest seal of every row and compares it with the row as it is: a
** row changed, added or removed behind the store's back is reported by
** table, key and field.
**
** Sealed: study, site, app_user (not failed_logins: counted on every
** failed login), patient, record, derived, query, sdv, signature,
** api_token (not last_used_utc and uses: counted on every use).  Not
** sealed: sessions, the login throttle (no study data), the terminology
** (its file's SHA-256 is audited at import), freezes (their content hash
** is audited at creation).
*/
#ifndef HCC_STORE_SEAL_H
#define HCC_STORE_SEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "access.h"

/* The sealed tables. */
enum seal_table {
  SEAL_STUDY = 0,
  SEAL_SITE,
  SEAL_APP_USER,
  SEAL_PATIENT,
  SEAL_RECORD,
  SEAL_DERIVED,
  SEAL_QUERY,
  SEAL_SDV,
  SEAL_SIGNATURE,
  SEAL_API_TOKEN,
  SEAL_N_TABLES
};

/* Seal the row of table t whose key is key (its id; derived and sdv: the
** patient's / the record's id), as actor a (NULL: the system), inside the
** caller's write transaction.  A row that does not exist is sealed as
** removed. */
int store_seal(struct db *db, const struct actor *a, enum seal_table t,
               int64_t key, struct err *e);

/* Seal every row of table t (query, signature, record, sdv) that belongs
** to patient patient_id. */
int store_seal_patient_rows(struct db *db, const struct actor *a,
                            enum seal_table t, int64_t patient_id,
                            struct err *e);

/* After a save: seal the patient, record record_id (0: none) and the
** patient's derived values.  The queries that edit checks raise or close
** and the signatures a save voids are sealed where they change
** (workflow.c). */
int store_seal_casebook(struct db *db, const struct actor *a,
                        int64_t patient_id, int64_t record_id,
                        struct err *e);

/* Seal every row of every sealed table (an ODM import's restored rows, or
** a database from before seals existed: `hccstudy audit seal`). */
int store_seal_all(struct db *db, const struct actor *a, struct err *e);

/* What seal_verify found. */
struct seal_report {
  int64_t n_rows;        /* rows compared */
  int64_t n_seals;       /* rows the trail has a seal for */
  int64_t n_problems;    /* rows that disagree */
  char first[8][200];    /* the first problems, by table, key and field */
  int n_first;
};

/* Compare every row of every sealed table with its newest seal.  Reads
** only.  APP_OK (see out) or APP_EDB. */
int seal_verify(struct db *db, struct seal_report *out, struct err *e);

#endif
