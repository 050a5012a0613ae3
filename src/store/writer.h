/*
** writer.h: group commit.  One writer thread owns a write connection and
** runs the write jobs that other threads submit, many per transaction: each
** job runs in its own savepoint (a failing job undoes only itself), then one
** COMMIT makes the whole batch durable with one fsync, and only then is each
** submitter told its result.  So every save is still durable when it
** returns, but the disk's synchronous-write rate no longer caps the number
** of saves per second (PostgreSQL's commit_delay idea, without the delay:
** a batch is whatever queued up while the previous one was committing).
*/
#ifndef HCC_WRITER_H
#define HCC_WRITER_H

#include <stdbool.h>

#include "../core/err.h"
#include "../db/db.h"

/* One write operation.  fn runs on the writer's connection, may call any
** store function, and returns an APP_* code with detail in *e. */
struct write_job {
  int (*fn)(struct db *db, void *arg, struct err *e); /* the work */
  void *arg;                  /* its argument (borrowed) */
  int rc;                     /* result, set by the writer */
  struct err err;             /* detail of a failure */
  bool is_done;               /* set when the batch has committed */
  struct write_job *next;     /* queue link (writer's) */
};

struct writer;

/* Most jobs in one transaction. */
#define WRITER_MAX_BATCH 256

/* Start a writer on database url (opened by the writer thread). */
int writer_start(const char *url, struct writer **out, struct err *e);

/* Run job through the writer and wait until its batch is durable.  Returns
** job->rc (job->err holds the detail). */
int writer_submit(struct writer *w, struct write_job *job);

/* Finish the queued jobs, stop the thread, close the connection. */
void writer_stop(struct writer *w);

/* Transactions and jobs committed so far (for benchmarks). */
void writer_stats(struct writer *w, long *batches, long *jobs);

#endif
