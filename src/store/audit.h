/*
** audit.h: the tamper-evident audit trail.
**
** One row per changed field or event, with who (user, role, site), what
** (entity, id, field, old and new value), when (UTC) and why (reason).  Rows
** are chained: hash = SHA-256(canonical text of the row || prev_hash), the
** first row's prev_hash being 64 zeros.  The database refuses UPDATE and
** DELETE on the table; audit_verify() detects an edited, deleted, inserted or
** reordered row made behind the database's back and names the first broken
** one.
*/
#ifndef HCC_AUDIT_H
#define HCC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"

/* Who made a change, as recorded: login name, role name and site code
** (NULL: none).  access_who() makes one from an actor. */
struct audit_who {
  const char *username;
  const char *role;
  const char *site;
};

/* One audit entry to append; NULL members are stored as NULL. */
struct audit_entry {
  const char *action;     /* "create", "update", "delete", "login", ... */
  const char *entity;     /* "site", "app_user", "patient", ... */
  const char *entity_id;  /* the record's id, as text */
  const char *field;      /* the changed field */
  const char *old_value;  /* its value before */
  const char *new_value;  /* its value after */
  const char *reason;     /* why (required for changes to saved data) */
};

/* Append one entry made by w (NULL = "system").  Must run inside the
** caller's write transaction so the entry commits with the change. */
int audit_append(struct db *db, const struct audit_who *w,
                 const struct audit_entry *en, struct err *e);

/* Append n entries (one change of several fields), in order, chained as n
** calls of audit_append() would chain them, with one statement per 16. */
int audit_append_many(struct db *db, const struct audit_who *w,
                      const struct audit_entry *en, size_t n,
                      struct err *e);

/* The newest entry: its seq (0 when the trail is empty) and its hash (64
** hex digits; 64 zeros when empty) in hash. */
int audit_head(struct db *db, int64_t *seq, char hash[65], struct err *e);

/* Result of a verification. */
struct audit_check {
  int64_t n_checked;   /* rows verified */
  int64_t first_bad;   /* seq of the first broken row, 0 when intact */
  char why[160];       /* what is wrong with it */
};

/* Walk the chain from the first row.  Returns APP_OK (check *out for
** breaks) or APP_EDB. */
int audit_verify(struct db *db, struct audit_check *out, struct err *e);

#endif
