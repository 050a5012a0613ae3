/*
** db_harness.h: small helpers for unit tests that open a study database.
*/
#ifndef HCC_DB_HARNESS_H
#define HCC_DB_HARNESS_H

#include "db/db.h"

/* The first column of the first row of a one-value query, -1 on error. */
static inline int64_t db_count(struct db *db, const char *sql) {
  struct db_stmt *st = NULL;
  struct err e;
  int64_t n = -1;
  err_clear(&e);
  if (db_prepare(db, sql, &st, &e) == APP_OK && db_step(st, &e) == DB_ROW) {
    n = db_column_int64(st, 0);
  }
  db_finalize(st);
  return n;
}

#endif
