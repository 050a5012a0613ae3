/*
** writer.c: group commit on one writer thread (see writer.h).
*/
#include "writer.h"

#include "../core/mem.h"
#include "access.h"

#include <pthread.h>
#include <string.h>

struct writer {
  struct db *db;                 /* the writer's connection */
  pthread_t thread;              /* the writer thread */
  pthread_mutex_t lock;          /* guards everything below */
  pthread_cond_t have_jobs;      /* signalled when a job is queued */
  pthread_cond_t batch_done;     /* broadcast when a batch committed */
  struct write_job *head;        /* queued jobs, oldest first */
  struct write_job *tail;        /* last queued job */
  bool is_stopping;              /* writer_stop was called */
  long n_batches;                /* transactions committed */
  long n_jobs;                   /* jobs run */
};

static void run_batch(struct writer *w, struct write_job *batch) {
  struct write_job *j;
  struct err e;
  int rc;
  err_clear(&e);
  rc = db_begin_write(w->db, &e);
  for (j = batch; j != NULL; j = j->next) {
    err_clear(&j->err);
    if (rc != APP_OK) {
      j->rc = APP_EDB;
      j->err = e;
      continue;
    }
    if (db_begin_write(w->db, &j->err) != APP_OK) {
      j->rc = APP_EDB;
      continue;
    }
    j->rc = j->fn(w->db, j->arg, &j->err);
    if (j->rc == APP_OK) {
      if (db_commit(w->db, &j->err) != APP_OK) {
        j->rc = APP_EDB;
      }
    } else {
      db_rollback(w->db);
    }
    /* Refusals noted by the job survive its rollback. */
    {
      struct err ignore;
      err_clear(&ignore);
      access_flush(w->db, &ignore);
    }
  }
  if (rc == APP_OK && db_commit(w->db, &e) != APP_OK) {
    for (j = batch; j != NULL; j = j->next) {
      if (j->rc == APP_OK) {
        j->rc = APP_EDB;
        j->err = e;
      }
    }
  }
}

static void *writer_main(void *arg) {
  struct writer *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    struct write_job *batch, *j, *last = NULL;
    int n = 0;
    while (w->head == NULL && !w->is_stopping) {
      pthread_cond_wait(&w->have_jobs, &w->lock);
    }
    if (w->head == NULL && w->is_stopping) {
      break;
    }
    /* Take up to WRITER_MAX_BATCH jobs. */
    batch = w->head;
    for (j = w->head; j != NULL && n < WRITER_MAX_BATCH; j = j->next) {
      last = j;
      n++;
    }
    w->head = last->next;
    if (w->head == NULL) {
      w->tail = NULL;
    }
    last->next = NULL;
    pthread_mutex_unlock(&w->lock);
    run_batch(w, batch);
    pthread_mutex_lock(&w->lock);
    for (j = batch; j != NULL; j = j->next) {
      j->is_done = true;
    }
    w->n_batches++;
    w->n_jobs += n;
    pthread_cond_broadcast(&w->batch_done);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

int writer_start(const char *url, struct writer **out, struct err *e) {
  struct writer *w = xcalloc(1, sizeof(*w));
  if (db_open(url, &w->db, e) != APP_OK) {
    xfree(w);
    return APP_EDB;
  }
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->have_jobs, NULL);
  pthread_cond_init(&w->batch_done, NULL);
  if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
    db_close(w->db);
    xfree(w);
    return ERR_SET(e, APP_EINTERNAL, "writer: cannot start a thread");
  }
  *out = w;
  return APP_OK;
}

int writer_submit(struct writer *w, struct write_job *job) {
  job->is_done = false;
  job->next = NULL;
  pthread_mutex_lock(&w->lock);
  if (w->tail != NULL) {
    w->tail->next = job;
  } else {
    w->head = job;
  }
  w->tail = job;
  pthread_cond_signal(&w->have_jobs);
  while (!job->is_done) {
    pthread_cond_wait(&w->batch_done, &w->lock);
  }
  pthread_mutex_unlock(&w->lock);
  return job->rc;
}

void writer_stop(struct writer *w) {
  if (w == NULL) {
    return;
  }
  pthread_mutex_lock(&w->lock);
  w->is_stopping = true;
  pthread_cond_signal(&w->have_jobs);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  db_close(w->db);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->have_jobs);
  pthread_cond_destroy(&w->batch_done);
  xfree(w);
}

void writer_stats(struct writer *w, long *batches, long *jobs) {
  pthread_mutex_lock(&w->lock);
  *batches = w->n_batches;
  *jobs = w->n_jobs;
  pthread_mutex_unlock(&w->lock);
}
