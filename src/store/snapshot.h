/*
** snapshot.h: the store rows an export carries beyond the casebooks (issue
** 13): the study, its sites and accounts, and per patient its ids and
** times, its signatures' voided times and its queries.  The ODM export
** writes them; a data freeze keeps them as they were (freeze.h), so that a
** freeze's ODM file is the same whenever it is written.
*/
#ifndef HCC_STORE_SNAPSHOT_H
#define HCC_STORE_SNAPSHOT_H

#include <jansson.h>

#include "../core/err.h"
#include "../db/db.h"

/* The administrative rows: {"study": {nct_id, study_id, protocol_json,
** is_locked, created_utc, version}, "sites": [{id, code, name,
** created_utc, version}], "users": [{id, username, role, site, is_active,
** created_utc, version}]} (site: the user's site code or null).  Never a
** password hash.  Caller json_decref()s *out. */
int store_odm_admin(struct db *db, json_t **out, struct err *e);

/* What the casebook of patient code does not carry: {"id",
** "created_utc", "derived_utc", "records": {"<id>": [created_utc,
** updated_utc]}, "signatures": [voided_utc or null, in id order, with
** "ids"], "queries": [{every column but patient_id}]}.  The live rows
** (a freeze keeps its own copy: store_freeze_extra).  Caller
** json_decref()s. */
int store_odm_patient_extra(struct db *db, const char *code, json_t **out,
                            struct err *e);

#endif
