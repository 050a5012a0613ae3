/*
** cmd_test.c: hidden commands that let tests and benchmarks drive the
** store directly (Fossil's test-* commands).  Not listed in --help.
**
** test-writer --db FILE --user NAME --patients P --records R
**   creates P patients and saves R lab records spread over them, each save
**   a durable, audited transaction; prints "committed N" after every
**   commit (flushed, so a test that kills the process knows what was
**   committed) and finally the rate.  With --threads T, T threads submit
**   the saves through the group-commit writer (src/store/writer.h), as the
**   web server's request threads do.
*/
#include "commands.h"

#include "../core/mem.h"
#include "../store/record.h"
#include "../store/writer.h"
#include "cli_study.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One save, as a writer job. */
struct save_arg {
  const struct actor *a;  /* who saves */
  const char *code;       /* patient */
  double value;           /* lab value */
  int64_t id;             /* out: record id */
};

static int save_job(struct db *db, void *arg, struct err *e) {
  struct save_arg *s = arg;
  json_t *d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test",
                        "ALT", "value", s->value, "unit", "U/L");
  struct record_save in = {0};
  int rc;
  in.code = s->code;
  in.kind = "lab";
  in.data = d;
  rc = store_record_save(db, s->a, &in, NULL, &s->id, e);
  json_decref(d);
  return rc;
}

/* A submitting thread's share of the work. */
struct submitter {
  struct writer *w;         /* the writer */
  const struct actor *a;    /* who saves */
  char (*codes)[32];        /* patients */
  long n_pat;               /* number of patients */
  long first, count;        /* saves first .. first+count-1 */
  int failures;             /* saves that failed */
};

static void *submit_main(void *arg) {
  struct submitter *t = arg;
  long i;
  for (i = t->first; i < t->first + t->count; i++) {
    struct save_arg s = {t->a, t->codes[i % t->n_pat], (double)(i % 97), 0};
    struct write_job job;
    memset(&job, 0, sizeof(job));
    job.fn = save_job;
    job.arg = &s;
    if (writer_submit(t->w, &job) != APP_OK) {
      t->failures++;
    }
  }
  return NULL;
}

int cmd_test_writer(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *sp = cli_opt(c, "--patients");
  const char *sr = cli_opt(c, "--records");
  const char *st = cli_opt(c, "--threads");
  const char *url = cli_db_path(c);
  long n_threads = 0;
  bool quiet = cli_flag(c, "--quiet");
  long n_pat = 10, n_rec = 100, i;
  char (*codes)[32];
  struct timespec t0, t1;
  double secs;
  int rc = APP_OK;
  err_clear(&e);
  if ((sp && cli_parse_long("--patients", sp, 1, 1000000, &n_pat, &e)) ||
      (sr && cli_parse_long("--records", sr, 1, 100000000, &n_rec, &e)) ||
      (st && cli_parse_long("--threads", st, 1, 256, &n_threads, &e)) ||
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
  if (rc == APP_OK && n_threads > 0) {
    struct writer *w = NULL;
    struct submitter *subs = xcalloc((size_t)n_threads, sizeof(*subs));
    pthread_t *tids = xcalloc((size_t)n_threads, sizeof(*tids));
    long k, failures = 0, batches = 0, jobs = 0;
    rc = writer_start(url, &w, &e);
    for (k = 0; rc == APP_OK && k < n_threads; k++) {
      subs[k].w = w;
      subs[k].a = &a;
      subs[k].codes = codes;
      subs[k].n_pat = n_pat;
      subs[k].first = k * (n_rec / n_threads);
      subs[k].count = k == n_threads - 1 ? n_rec - subs[k].first
                                         : n_rec / n_threads;
      pthread_create(&tids[k], NULL, submit_main, &subs[k]);
    }
    for (k = 0; rc == APP_OK && k < n_threads; k++) {
      pthread_join(tids[k], NULL);
      failures += subs[k].failures;
    }
    if (w != NULL) {
      writer_stats(w, &batches, &jobs);
      writer_stop(w);
    }
    if (rc == APP_OK && failures > 0) {
      rc = ERR_SET(&e, APP_EDB, "test-writer: %ld saves failed", failures);
    }
    if (!quiet) {
      printf("batches %ld jobs %ld\n", batches, jobs);
    }
    xfree(subs);
    xfree(tids);
    n_rec = jobs;
  }
  for (i = 0; rc == APP_OK && n_threads == 0 && i < n_rec; i++) {
    json_t *d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test",
                          "ALT", "value", (double)(i % 97) + 0.5, "unit",
                          "U/L");
    struct record_save in = {0};
    int64_t id = 0;
    in.code = codes[i % n_pat];
    in.kind = "lab";
    in.data = d;
    rc = store_record_save(db, &a, &in, NULL, &id, &e);
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
