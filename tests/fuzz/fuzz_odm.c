/*
** fuzz_odm.c: the whole ODM import (src/report/odm_read.c, odm_import),
** as `hccstudy import --format odm --input FILE.xml` runs it: the libxml2
** reader, the OID and audit-chain checks and the store's writes.
**
** The input is written to a file under /tmp (odm_import reads a path) and
** imported as the file's data manager "dm" into an empty, migrated SQLite
** database under /tmp.  A failed import must leave that database empty
** (checked: no study, no audit entry, no patient) and is reused; after a
** successful import the database is removed and made again, so every run
** starts from an empty one.  Seeds: a one-patient study exported with
** `hccstudy export --format odm` and cut-down variants of it.
*/
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "../unit/db_harness.h"
#include "report/odm.h"

static struct db *fz_db;
static char fz_url[128];
static char fz_xml[128];

static void fz_open(void) {
  struct err e;
  err_clear(&e);
  db_remove_sqlite_files(fz_url);
  if (db_open(fz_url, &fz_db, &e) != APP_OK ||
      db_migrate(fz_db, &e) != APP_OK) {
    fprintf(stderr, "fuzz_odm: %s\n", e.msg);
    abort();
  }
}

static void fz_cleanup(void) {
  db_close(fz_db);
  db_remove_sqlite_files(fz_url);
  unlink(fz_xml);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  snprintf(fz_url, sizeof(fz_url), "/tmp/hcc-fuzz-odm-%d.db", (int)getpid());
  snprintf(fz_xml, sizeof(fz_xml), "/tmp/hcc-fuzz-odm-%d.xml", (int)getpid());
  fz_open();
  atexit(fz_cleanup);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct odm_import_report rep;
  struct err e;
  FILE *fp = fopen(fz_xml, "wb");
  int rc;
  if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
    abort();
  }
  err_clear(&e);
  rc = odm_import(fz_db, fz_xml, "dm", "fuzz-password-123", &rep, &e);
  if (rc == APP_OK) {
    db_close(fz_db);
    fz_open();
  } else if (e.msg[0] == '\0') {
    abort(); /* refused without saying why */
  } else if (db_count(fz_db, "SELECT COUNT(*) FROM study") != 0 ||
             db_count(fz_db, "SELECT COUNT(*) FROM audit") != 0 ||
             db_count(fz_db, "SELECT COUNT(*) FROM patient") != 0) {
    fprintf(stderr, "fuzz_odm: a failed import left rows: %s\n", e.msg);
    abort();
  }
  return 0;
}
