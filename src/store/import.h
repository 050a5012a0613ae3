/*
** import.h: many patients' records at once, all or nothing.
*/
#ifndef HCC_IMPORT_H
#define HCC_IMPORT_H

#include <jansson.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "record.h"

/* Import a document {"patients": [{"code"?, "site"?, "records": [{"kind",
** "data", "id"?, "version"?, "reason"?}]}]} all or nothing: every problem
** is appended to problems and nothing is written unless there are none.
** *n_records receives the number of records written. */
int store_import(struct db *db, const struct actor *a, const json_t *doc,
                 json_t *problems, int64_t *n_records, struct err *e);

#endif
