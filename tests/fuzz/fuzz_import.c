/*
** fuzz_import.c: the casebook import (src/store/import.h), as
** `hccstudy import --input FILE` and POST /api/v1/import read it.
**
** Init (once): a SQLite study under /tmp (the default protocol, sites SA and
** SB, a data manager "dm" and a coordinator "coord.a" at SA) with one
** patient, SA-0001, imported from the seed new-0.json's records.  Each run:
** the input parsed as a JSON object, then store_import as the data manager
** inside an outer write transaction that is always rolled back, so every
** run starts from the same study.  A refused import must list problems or
** carry a message.  Seeds: demo casebooks turned into import documents.
*/
#include "fuzz_study.h"

#include <string.h>
#include <unistd.h>

#include "../unit/db_harness.h"
#include "store/import.h"
#include "store/store.h"


static struct db *fz_db;
static struct actor fz_dm;
static char fz_url[128];

static void fz_cleanup(void) {
  db_close(fz_db);
  db_remove_sqlite_files(fz_url);
}

static void fz_die(const char *what, const struct err *e) {
  fprintf(stderr, "fuzz_import: %s: %s\n", what, e->msg);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  struct err e;
  struct actor coord;
  (void)argc;
  (void)argv;
  err_clear(&e);
  snprintf(fz_url, sizeof(fz_url), "/tmp/hcc-fuzz-import-%d.db", (int)getpid());
  if (fuzz_study_open(fz_url, &fz_db, &fz_dm, &coord, &e) != APP_OK) {
    fz_die("init", &e);
  }
  atexit(fz_cleanup);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct err e;
  json_t *doc = fuzz_json_object(data, size);
  json_t *problems;
  int64_t n = 0;
  int rc;
  if (doc == NULL) {
    return 0;
  }
  err_clear(&e);
  if (db_begin_write(fz_db, &e) != APP_OK) {
    fz_die("begin", &e);
  }
  problems = json_array();
  rc = store_import(fz_db, &fz_dm, doc, problems, &n, &e);
  if (rc != APP_OK && json_array_size(problems) == 0 && e.msg[0] == '\0') {
    abort(); /* refused without saying why */
  }
  db_rollback(fz_db);
  json_decref(problems);
  json_decref(doc);
  return 0;
}
