/*
** fuzz_study.h: the small study the harnesses that need a database share
** (fuzz_import, fuzz_http): sites SA and SB, a data manager "dm", a
** coordinator "coord.a" of SA, and patient SA-0001 imported from
** tests/fuzz/corpus/import/new-0.json (run from the repository's root, as
** run.sh does).  Password FUZZ_PW for every account.
*/
#ifndef HCC_FUZZ_STUDY_H
#define HCC_FUZZ_STUDY_H

#include "fuzz.h"

#include "../unit/db_harness.h"
#include "store/import.h"
#include "store/store.h"

#define FUZZ_PW "fuzz-password-123"

/* Make the study in the SQLite file url (removed first).  *dm and *coord
** get the two logins.  APP_OK, or the error in e. */
static inline int fuzz_study_open(const char *url, struct db **db,
                                  struct actor *dm, struct actor *coord,
                                  struct err *e) {
  struct actor admin;
  size_t plen;
  int64_t id, n = 0;
  json_t *seed, *problems;
  int rc;
  db_remove_sqlite_files(url);
  if (db_open(url, db, e) != APP_OK ||
      store_init(*db, fuzz_protocol(), protocol_default_text(&plen), "admin",
                 FUZZ_PW, e) != APP_OK ||
      store_login(*db, "admin", FUZZ_PW, &admin, e) != APP_OK ||
      store_site_add(*db, &admin, "SA", "Site A", &id, e) != APP_OK ||
      store_site_add(*db, &admin, "SB", "Site B", &id, e) != APP_OK ||
      store_user_add(*db, &admin, "dm", "data_manager", NULL, FUZZ_PW, e) !=
          APP_OK ||
      store_user_add(*db, &admin, "coord.a", "coordinator", "SA", FUZZ_PW,
                     e) != APP_OK ||
      store_login(*db, "dm", FUZZ_PW, dm, e) != APP_OK ||
      store_login(*db, "coord.a", FUZZ_PW, coord, e) != APP_OK) {
    return e->code ? e->code : APP_EINTERNAL;
  }
  seed = json_load_file("tests/fuzz/corpus/import/new-0.json", 0, NULL);
  if (seed == NULL) {
    fprintf(stderr, "fuzz: tests/fuzz/corpus/import/new-0.json not found: "
                    "no patient SA-0001\n");
    return APP_OK;
  }
  problems = json_array();
  rc = store_import(*db, coord, seed, problems, &n, e);
  json_decref(seed);
  json_decref(problems);
  return rc;
}

#endif
