/*
** test_writer.c: group commit.  Many threads submit saves at once; each
** gets its own result, a failing save undoes only itself, and everything
** that reported success is in the database with an unbroken audit chain.
*/
#include "harness.h"

#include "db_harness.h"

#include "db/db.h"
#include "store/audit.h"
#include "store/casebook.h"
#include "store/import.h"
#include "store/store.h"
#include "store/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N_THREADS 8
#define N_PER_THREAD 50

static char path[512];
static struct writer *w;
static struct actor coord;
static struct actor other_site;

struct job_arg {
  const struct actor *a;
  int bad;          /* 1: invalid data; 2: another site's patient */
  double value;
};

static int job_fn(struct db *db, void *arg, struct err *e) {
  struct job_arg *j = arg;
  json_t *d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test",
                        "ALT", "value", j->value, "unit", "U/L");
  int64_t id = 0;
  int rc;
  if (j->bad == 1) {
    json_object_set_new(d, "value", json_string("high"));
  }
  rc = store_record_save(
      db, j->a,
      &(struct record_save){.code = "SA-0001", .kind = "lab", .data = d}, NULL,
      &id, e);
  json_decref(d);
  return rc;
}

static int ok_count[N_THREADS];
static int fail_count[N_THREADS];

static void *thread_main(void *arg) {
  int t = (int)(intptr_t)arg;
  int i;
  for (i = 0; i < N_PER_THREAD; i++) {
    struct job_arg ja = {&coord, 0, t * 1000 + i};
    struct write_job job;
    memset(&job, 0, sizeof(job));
    if (i % 10 == 3) {
      ja.bad = 1;
    } else if (i % 10 == 7) {
      ja.a = &other_site;
      ja.bad = 2;
    }
    job.fn = job_fn;
    job.arg = &ja;
    if (writer_submit(w, &job) == APP_OK) {
      ok_count[t]++;
    } else {
      fail_count[t]++;
    }
  }
  return NULL;
}


int main(void) {
  struct db *db = NULL;
  struct protocol p;
  struct actor admin;
  struct patient pt;
  struct err e;
  struct audit_check chk;
  pthread_t tids[N_THREADS];
  size_t plen;
  int64_t id;
  int i, oks = 0, fails = 0;
  long batches = 0, jobs = 0;
  static const char *const pw = "test-password-123";
  err_clear(&e);
  if (harness_db_url("writer", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  CHECK(db_open(path, &db, &e) == APP_OK);
  CHECK(protocol_default(&p, &e) == APP_OK);
  CHECK(store_init(db, &p, protocol_default_text(&plen), "admin", pw, &e) ==
        APP_OK);
  CHECK(store_login(db, "admin", pw, &admin, &e) == APP_OK);
  CHECK(store_site_add(db, &admin, "SA", "A", &id, &e) == APP_OK);
  CHECK(store_site_add(db, &admin, "SB", "B", &id, &e) == APP_OK);
  CHECK(store_user_add(db, &admin, "ca", "coordinator", "SA", pw, &e) ==
        APP_OK);
  CHECK(store_user_add(db, &admin, "cb", "coordinator", "SB", pw, &e) ==
        APP_OK);
  CHECK(store_login(db, "ca", pw, &coord, &e) == APP_OK);
  CHECK(store_login(db, "cb", pw, &other_site, &e) == APP_OK);
  CHECK(store_patient_create(db, &coord, NULL, &pt, &e) == APP_OK);
  CHECK(writer_start(path, &w, &e) == APP_OK);
  for (i = 0; i < N_THREADS; i++) {
    pthread_create(&tids[i], NULL, thread_main, (void *)(intptr_t)i);
  }
  for (i = 0; i < N_THREADS; i++) {
    pthread_join(tids[i], NULL);
    oks += ok_count[i];
    fails += fail_count[i];
  }
  writer_stats(w, &batches, &jobs);
  writer_stop(w);
  CHECK_INT_EQ(oks, N_THREADS * N_PER_THREAD * 8 / 10);
  CHECK_INT_EQ(fails, N_THREADS * N_PER_THREAD * 2 / 10);
  CHECK_INT_EQ(jobs, N_THREADS * N_PER_THREAD);
  CHECK(batches <= jobs);
  /* Exactly the saves that reported success are stored ... */
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM record WHERE kind = 'lab'"),
               oks);
  /* ... each with its audit entries, and the refused ones are audited. */
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                         "'create' AND entity = 'record' AND field = "
                         "'value'"), oks);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                         "'access_denied' AND actor = 'cb'"),
               N_THREADS * N_PER_THREAD / 10);
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK_INT_EQ(chk.first_bad, 0);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
