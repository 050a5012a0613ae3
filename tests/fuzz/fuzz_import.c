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
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "../unit/db_harness.h"
#include "store/import.h"
#include "store/store.h"

#define FUZZ_PW "fuzz-password-123"

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
  struct actor admin, coord;
  size_t plen;
  int64_t id, n = 0;
  json_t *seed, *problems;
  (void)argc;
  (void)argv;
  err_clear(&e);
  snprintf(fz_url, sizeof(fz_url), "/tmp/hcc-fuzz-import-%d.db", (int)getpid());
  db_remove_sqlite_files(fz_url);
  if (db_open(fz_url, &fz_db, &e) != APP_OK ||
      store_init(fz_db, fuzz_protocol(), protocol_default_text(&plen), "admin",
                 FUZZ_PW, &e) != APP_OK ||
      store_login(fz_db, "admin", FUZZ_PW, &admin, &e) != APP_OK ||
      store_site_add(fz_db, &admin, "SA", "Site A", &id, &e) != APP_OK ||
      store_site_add(fz_db, &admin, "SB", "Site B", &id, &e) != APP_OK ||
      store_user_add(fz_db, &admin, "dm", "data_manager", NULL, FUZZ_PW, &e) !=
          APP_OK ||
      store_user_add(fz_db, &admin, "coord.a", "coordinator", "SA", FUZZ_PW,
                     &e) != APP_OK ||
      store_login(fz_db, "dm", FUZZ_PW, &fz_dm, &e) != APP_OK ||
      store_login(fz_db, "coord.a", FUZZ_PW, &coord, &e) != APP_OK) {
    fz_die("init", &e);
  }
  atexit(fz_cleanup);
  seed = json_load_file("tests/fuzz/corpus/import/new-0.json", 0, NULL);
  if (seed == NULL) { /* run from the repository's root (run.sh does) */
    fprintf(stderr, "fuzz: tests/fuzz/corpus/import/new-0.json not found: "
                    "no patient SA-0001\n");
  }
  problems = json_array();
  if (seed != NULL &&
      store_import(fz_db, &coord, seed, problems, &n, &e) != APP_OK) {
    fz_die("seed patient", &e);
  }
  json_decref(seed);
  json_decref(problems);
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
