/*
** copy.h: copying a whole study from one database to another, table by
** table through the neutral db API, so that it works between any two
** engines: `hccstudy migrate` (SQLite to PostgreSQL) and `hccstudy backup`
** of a PostgreSQL study into a SQLite file.
**
** Every row keeps its id, the audit trail is copied row for row (its hashes
** are not recomputed: the copy must verify on its own), and the copy is
** checked on arrival: the same number of rows in every table, the audit
** chain verifies from its first entry, and its last hash equals the
** source's.
*/
#ifndef HCC_COPY_H
#define HCC_COPY_H

#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "access.h"

/* Tables in the order they are copied (parents before children). */
#define COPY_N_TABLES 17

/* What a copy moved and found. */
struct copy_report {
  const char *table[COPY_N_TABLES]; /* table names */
  int64_t n_rows[COPY_N_TABLES];    /* rows copied, per table */
  int64_t n_audit_verified;         /* audit entries verified in the copy */
  char last_hash[65];               /* the last audit hash, both sides */
};

/* Copy the study in `from` (migrated to this build's schema) into `to`,
** which must hold no study: its schema is created, the rows copied in one
** transaction, checked (row counts, the last audit hash equal to the
** source's), `note` (when not NULL) appended to the copy's audit trail,
** the whole chain verified, and only then committed; a failure leaves `to`
** without the study.  With hold_writes, `from` keeps its write lock for the
** whole copy, so no change made meanwhile can be left behind (writers
** elsewhere wait); otherwise, and always when both ends are PostgreSQL
** (they may share the lock), the copy reads one consistent snapshot. */
int store_copy(struct db *from, struct db *to, bool hold_writes,
               const struct audit_entry *note, struct copy_report *out,
               struct err *e);

/* Write the study to dest, a new SQLite file, while it stays in use: the
** SQLite online backup, or, from another engine, store_copy() from one
** snapshot; then record a "backup" audit entry naming dest in the source
** (ACCESS_BACKUP).  A failed copy leaves no file behind. */
int store_backup(struct db *db, const struct actor *a, const char *dest,
                 struct err *e);

#endif
