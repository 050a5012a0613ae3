/*
** casebook.h: what a patient's casebook holds, as one document: header,
** records, derived values and signatures (ACCESS_READ, own site for
** site-scoped roles).  Every reader here fails whole: a query that fails
** part way is an error, never a partial answer.
*/
#ifndef HCC_STORE_CASEBOOK_H
#define HCC_STORE_CASEBOOK_H

#include <jansson.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "patient.h"

/* The whole casebook: {"patient": {...}, "records": [{"id", "kind",
** "version", "data"}], "derived": {...}, "signatures": [...], "sdv":
** [{"record_id", "version" (the one verified), "verified_by",
** "verified_utc", "stale" (changed since)}]}.  A read that
** fails part way fails whole.  Caller json_decref()s *out. */
int store_casebook(struct db *db, const struct actor *a, const char *code,
                   json_t **out, struct err *e);

/* The casebook as compact JSON text appended to out, exactly what
** jx_dump(store_casebook(...)) gives, built by splicing the stored JSON
** of the records and derived values instead of parsing and re-writing
** them (the API's hottest read). */
int store_casebook_text(struct db *db, const struct actor *a,
                        const char *code, struct buf *out, struct err *e);

/* The audit history of record record_id of patient code: {"patient",
** "record", "history": [{"seq", "ts_utc", "actor", "role", "site",
** "action", "field", "old_value", "new_value", "reason"}]}, oldest first.
** APP_ENOTFOUND when the patient has no such record.  Caller
** json_decref()s *out. */
int store_record_history(struct db *db, const struct actor *a,
                         const char *code, int64_t record_id, json_t **out,
                         struct err *e);

#endif
