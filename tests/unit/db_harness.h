/*
** db_harness.h: small helpers for unit tests that open a study database.
*/
#ifndef HCC_DB_HARNESS_H
#define HCC_DB_HARNESS_H

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh, empty database for the test `name` in out: a SQLite file under
** /tmp, or, when HCCSTUDY_TEST_PG holds a PostgreSQL URL (tests/run.sh
** --engine postgres), a new schema on that server.  Returns 0, or -1 when
** the server cannot be reached. */
static inline int harness_db_url(const char *name, char *out, size_t n) {
  const char *pg = getenv("HCCSTUDY_TEST_PG");
  struct db *db = NULL;
  struct err e;
  char sql[200];
  int rc;
  if (pg == NULL || pg[0] == '\0') {
    snprintf(out, n, "/tmp/hcc-test-%s-%d.db", name, (int)getpid());
    return 0;
  }
  err_clear(&e);
  if (db_open(pg, &db, &e) != APP_OK) {
    fprintf(stderr, "harness: %s\n", e.msg);
    return -1;
  }
  snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS t_%s_%d CASCADE; CREATE "
           "SCHEMA t_%s_%d", name, (int)getpid(), name, (int)getpid());
  rc = db_exec(db, sql, &e);
  db_close(db);
  if (rc != APP_OK) {
    fprintf(stderr, "harness: %s\n", e.msg);
    return -1;
  }
  snprintf(out, n, "%s%coptions=-csearch_path%%3Dt_%s_%d", pg,
           strchr(pg, '?') ? '&' : '?', name, (int)getpid());
  return 0;
}

/* Remove what harness_db_url() made: the SQLite file with its -wal and
** -shm files, or the schema. */
static inline void harness_drop_db(const char *url) {
  const char *pg = getenv("HCCSTUDY_TEST_PG");
  const char *schema = strstr(url, "search_path%3D");
  char aux[600];
  if (pg != NULL && pg[0] != '\0' && schema != NULL) {
    struct db *db = NULL;
    struct err e;
    err_clear(&e);
    if (db_open(pg, &db, &e) == APP_OK) {
      snprintf(aux, sizeof(aux), "DROP SCHEMA IF EXISTS %s CASCADE",
               schema + 14);
      db_exec(db, aux, &e);
      db_close(db);
    }
    return;
  }
  db_remove_sqlite_files(url);
}

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
