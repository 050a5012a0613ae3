/*
** cmd_test.c: hidden commands that let tests and benchmarks drive the
** store directly (Fossil's test-* commands).  Not listed in --help.
**
** test-writer --db FILE --user NAME --patients P --records R
**   creates P patients and saves R lab records spread over them, each save
**   a durable, audited transaction; prints "committed N" after every
**   commit (flushed, so a test that kills the process knows what was
**   committed) and finally the rate.
*/
#include "commands.h"

#include "../core/mem.h"
#include "../store/patient.h"
#include "cli_study.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int cmd_test_writer(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *sp = cli_opt(c, "--patients");
  const char *sr = cli_opt(c, "--records");
  bool quiet = cli_flag(c, "--quiet");
  long n_pat = 10, n_rec = 100, i;
  char (*codes)[32];
  struct timespec t0, t1;
  double secs;
  int rc = APP_OK;
  err_clear(&e);
  if ((sp && cli_parse_long("--patients", sp, 1, 1000000, &n_pat, &e)) ||
      (sr && cli_parse_long("--records", sr, 1, 100000000, &n_rec, &e)) ||
      cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  codes = xcalloc((size_t)n_pat, sizeof(*codes));
  for (i = 0; rc == APP_OK && i < n_pat; i++) {
    struct patient p;
    rc = store_patient_create(db, &a, NULL, &p, &e);
    snprintf(codes[i], sizeof(codes[i]), "%s", p.code);
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (i = 0; rc == APP_OK && i < n_rec; i++) {
    json_t *d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test",
                          "ALT", "value", (double)(i % 97) + 0.5, "unit",
                          "U/L");
    int64_t id = 0;
    rc = store_record_save(db, &a, codes[i % n_pat], "lab", 0, 0, d, NULL,
                           "", NULL, &id, &e);
    json_decref(d);
    if (rc == APP_OK && !quiet) {
      printf("committed %" PRId64 "\n", id);
      fflush(stdout);
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  db_close(db);
  xfree(codes);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) /
                                               1e9;
  printf("saves %ld seconds %.3f per_second %.0f\n", n_rec, secs,
         (double)n_rec / secs);
  return 0;
}
