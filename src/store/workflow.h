/*
** workflow.h: queries, source-data verification, signatures and locks.
**
** Who may do what:
**   raise a query            monitor, data_manager
**   answer a query           investigator, coordinator (own site),
**                            data_manager
**   close a query            monitor, data_manager
**   mark a record verified   monitor
**   sign a casebook          investigator (own site), pi
**   lock / unlock            data_manager
** Every action is audited.  Edit checks (src/study/checks.h) raise and close
** their own queries as the data change.
*/
#ifndef HCC_WORKFLOW_H
#define HCC_WORKFLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "patient.h"
#include "store.h"

/* Raise a query on patient `code` (record_id 0 for the casebook as a
** whole). */
int store_query_raise(struct db *db, const struct actor *a,
                      const char *code, int64_t record_id,
                      const char *field, const char *text, int64_t *id,
                      struct err *e);

/* Answer an open query. */
int store_query_answer(struct db *db, const struct actor *a, int64_t id,
                       const char *answer, struct err *e);

/* Close a query (open or answered). */
int store_query_close(struct db *db, const struct actor *a, int64_t id,
                      const char *note, struct err *e);

/* Queries the actor may see, for one patient (code) or all (NULL), with
** one status or all (NULL).  Caller json_decref()s *out. */
int store_query_list(struct db *db, const struct actor *a, const char *code,
                     const char *status, json_t **out, struct err *e);

/* Mark a record verified against source at its current version. */
int store_sdv_mark(struct db *db, const struct actor *a, int64_t record_id,
                   struct err *e);

/* Sign patient `code`'s casebook: the password is checked again (21 CFR
** 11.200) and `meaning` states what the signature means (11.50). */
int store_sign(struct db *db, const struct actor *a, const char *code,
               const char *password, const char *meaning, struct err *e);

/* Lock or unlock a casebook. */
int store_lock(struct db *db, const struct actor *a, const char *code,
               bool lock, const char *reason, struct err *e);

/* Internal to the store: after a change of patient pt, open a query for each
** new edit-check finding and close those no longer found. */
int workflow_sync_checks(struct db *db, const struct patient *pt,
                         const json_t *findings, struct err *e);

/* Internal to the store: void the patient's valid signatures (its data
** changed). */
int workflow_void_signatures(struct db *db, const struct patient *pt,
                             struct err *e);

#endif
