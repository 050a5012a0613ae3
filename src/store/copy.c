/*
** copy.c: a whole study from one database to another (see copy.h).
*/
#include "copy.h"

#include "../core/buf.h"
#include "../core/mem.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The tables, parents before children so that foreign keys hold row by
** row, with their statements as fixed texts (identifiers cannot be bound;
** these are the schema's own names, never input). */
static const struct {
  const char *name;
  const char *count_sql;
  const char *select_sql;
} copy_tables[COPY_N_TABLES] = {
#define COPY_TABLE(t)                                                        \
  { #t, "SELECT COUNT(*) FROM " #t, "SELECT * FROM " #t " ORDER BY 1" }
    COPY_TABLE(study),     COPY_TABLE(site),        COPY_TABLE(app_user),
    COPY_TABLE(audit),     COPY_TABLE(patient),     COPY_TABLE(record),
    COPY_TABLE(derived),   COPY_TABLE(query),       COPY_TABLE(sdv),
    COPY_TABLE(signature), COPY_TABLE(terminology), COPY_TABLE(term),
    COPY_TABLE(session),   COPY_TABLE(api_token),   COPY_TABLE(data_freeze),
    COPY_TABLE(freeze_casebook), COPY_TABLE(login_throttle),
#undef COPY_TABLE
};

/* Indexes in copy_tables of the tables a target must have empty. */
#define COPY_STUDY 0
#define COPY_AUDIT 3

/* Rows of table i of copy_tables. */
static int count_rows(struct db *db, int i, int64_t *n, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, copy_tables[i].count_sql, &st, e);
  *n = 0;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *n = db_column_int64(st, 0);
  }
  db_finalize(st);
  return rc == DB_ROW ? APP_OK : APP_EDB;
}

/* The last audit hash ("" for an empty trail). */
static int last_hash(struct db *db, char out[65], struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1",
                      &st, e);
  out[0] = '\0';
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW && db_column_text(st, 0) != NULL) {
    snprintf(out, 65, "%s", db_column_text(st, 0));
  }
  db_finalize(st);
  return rc < 0 ? APP_EDB : APP_OK;
}

/* 1 if s is a plain lower-case SQL identifier ([a-z_][a-z0-9_]*): the
** column names the source returns are formatted into the INSERT. */
static int is_identifier(const char *s) {
  if (s == NULL || !((*s >= 'a' && *s <= 'z') || *s == '_')) {
    return 0;
  }
  for (; *s; s++) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
      return 0;
    }
  }
  return 1;
}

/* Copy table ti of copy_tables: every row, every column, values bound with
** their kind.  The INSERT names the columns the SELECT returned. */
static int copy_table(struct db *from, struct db *to, int ti,
                      int64_t *n_rows, struct err *e) {
  struct db_stmt *src = NULL, *dst = NULL;
  struct buf ins;
  int rc, n_cols = 0, i;
  *n_rows = 0;
  rc = db_prepare(from, copy_tables[ti].select_sql, &src, e);
  if (rc != APP_OK) {
    return rc;
  }
  buf_init(&ins, 0);
  while ((rc = db_step(src, e)) == DB_ROW) {
    if (dst == NULL) {
      n_cols = db_column_count(src);
      buf_lit(&ins, "INSERT INTO ");
      buf_puts(&ins, copy_tables[ti].name);
      buf_putc(&ins, '(');
      for (i = 0; i < n_cols && rc == DB_ROW; i++) {
        const char *c = db_column_name(src, i);
        if (!is_identifier(c)) {
          rc = -ERR_SET(e, APP_EDB, "%s: column %d has no plain name",
                        copy_tables[ti].name, i + 1);
        }
        buf_puts(&ins, i ? ", " : "");
        buf_puts(&ins, c ? c : "");
      }
      if (rc != DB_ROW) {
        break;
      }
      buf_lit(&ins, ") VALUES (");
      for (i = 0; i < n_cols; i++) {
        buf_appendf(&ins, "%s$%d", i ? ", " : "", i + 1);
      }
      buf_putc(&ins, ')');
      /* checksrc:db_prepare-literal: names checked by is_identifier */
      if (db_prepare(to, buf_str(&ins), &dst, e) != APP_OK) {
        rc = -APP_EDB;
        break;
      }
    }
    for (i = 0; i < n_cols; i++) {
      size_t len;
      const void *p;
      switch (db_column_type(src, i)) {
      case DB_T_NULL:
        db_bind_null(dst, i + 1);
        break;
      case DB_T_INT:
        db_bind_int64(dst, i + 1, db_column_int64(src, i));
        break;
      case DB_T_DOUBLE:
        db_bind_double(dst, i + 1, db_column_double(src, i));
        break;
      case DB_T_BLOB:
        p = db_column_blob(src, i, &len);
        db_bind_blob(dst, i + 1, p, len);
        break;
      default:
        db_bind_text(dst, i + 1, db_column_text(src, i));
        break;
      }
    }
    if (db_step(dst, e) != DB_DONE) {
      char detail[sizeof(e->msg)];
      snprintf(detail, sizeof(detail), "%s", e->msg);
      rc = -ERR_SET(e, APP_EDB, "copy: table %s, row %" PRId64 ": %s",
                    copy_tables[ti].name, *n_rows + 1, detail);
      break;
    }
    db_reset(dst);
    (*n_rows)++;
  }
  db_finalize(dst);
  db_finalize(src);
  buf_reset(&ins);
  return rc < 0 ? APP_EDB : APP_OK;
}

int store_copy(struct db *from, struct db *to, bool hold_writes,
               const struct audit_entry *note, struct copy_report *out,
               struct err *e) {
  int v_from = 0, v_to = 0, rc, i;
  int64_t n;
  bool to_open = false;
  char to_hash[65];
  struct audit_check chk;
  memset(out, 0, sizeof(*out));
  rc = db_schema_version(from, &v_from, e);
  if (rc == APP_OK && v_from != db_latest_schema_version()) {
    rc = ERR_SET(e, APP_EINVAL, "--from: the study's schema is version %d, "
                 "this hccstudy's %d; open it once with this hccstudy first",
                 v_from, db_latest_schema_version());
  }
  if (rc == APP_OK) {
    rc = db_migrate(to, e);
  }
  if (rc == APP_OK) {
    rc = db_schema_version(to, &v_to, e);
  }
  if (rc == APP_OK) {
    rc = count_rows(to, COPY_STUDY, &n, e);
  }
  if (rc == APP_OK && n > 0) {
    rc = ERR_SET(e, APP_EINVAL, "--to: already holds a study; a copy goes "
                 "into an empty database");
  }
  if (rc == APP_OK) {
    rc = count_rows(to, COPY_AUDIT, &n, e);
    if (rc == APP_OK && n > 0) {
      rc = ERR_SET(e, APP_EINVAL, "--to: its audit trail is not empty");
    }
  }
  if (rc != APP_OK) {
    return rc;
  }
  if (strcmp(db_backend_name(from), "postgres") == 0 &&
      strcmp(db_backend_name(to), "postgres") == 0) {
    hold_writes = false; /* one advisory lock if it is one database */
  }
  rc = hold_writes ? db_begin_write(from, e) : db_begin_read(from, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_begin_write(to, e);
  to_open = rc == APP_OK;
  for (i = 0; i < COPY_N_TABLES && rc == APP_OK; i++) {
    out->table[i] = copy_tables[i].name;
    rc = copy_table(from, to, i, &out->n_rows[i], e);
  }
  if (rc == APP_OK) {
    rc = db_after_copy(to, e);
  }
  /* Verify on arrival, inside the copy's transaction (a copy that fails
  ** is rolled back, leaving no study behind), while the source still shows
  ** the copied state. */
  for (i = 0; i < COPY_N_TABLES && rc == APP_OK; i++) {
    int64_t n_from = 0, n_to = 0;
    rc = count_rows(from, i, &n_from, e);
    if (rc == APP_OK) {
      rc = count_rows(to, i, &n_to, e);
    }
    if (rc == APP_OK && (n_from != n_to || n_to != out->n_rows[i])) {
      rc = ERR_SET(e, APP_EDB, "copy: table %s has %" PRId64 " rows in the "
                   "source and %" PRId64 " in the copy",
                   copy_tables[i].name, n_from, n_to);
    }
  }
  if (rc == APP_OK) {
    rc = last_hash(from, out->last_hash, e);
  }
  if (rc == APP_OK) {
    rc = last_hash(to, to_hash, e);
  }
  if (rc == APP_OK && strcmp(out->last_hash, to_hash) != 0) {
    rc = ERR_SET(e, APP_EDB, "copy: the copy's last audit hash differs from "
                 "the source's");
  }
  if (rc == APP_OK && note != NULL) {
    rc = audit_append(to, NULL, note, e);
  }
  if (rc == APP_OK) {
    rc = audit_verify(to, &chk, e);
  }
  if (rc == APP_OK && chk.first_bad != 0) {
    rc = ERR_SET(e, APP_EDB, "copy: the copied audit trail does not verify "
                 "(%s); nothing was copied", chk.why);
  }
  if (rc == APP_OK) {
    out->n_audit_verified = chk.n_checked;
  }
  if (to_open) {
    if (rc == APP_OK) {
      rc = db_commit(to, e);
    } else {
      db_rollback(to);
    }
  }
  db_rollback(from); /* read only, or nothing written: just end it */
  (void)v_to;
  return rc;
}

int store_backup(struct db *db, const struct actor *a, const char *dest,
                 struct err *e) {
  struct db *out = NULL;
  struct copy_report r;
  struct audit_entry en = {0};
  int rc = access_require(db, a, ACCESS_BACKUP, "backup", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (strcmp(db_backend_name(db), "sqlite") == 0) {
    rc = db_backup(db, dest, e);
  } else {
    rc = db_open(dest, &out, e);
    if (rc == APP_OK) {
      rc = store_copy(db, out, false, NULL, &r, e);
      db_close(out);
    }
    if (rc != APP_OK) {
      db_remove_sqlite_files(dest);
    }
  }
  if (rc != APP_OK) {
    return rc;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  en.action = "backup";
  en.entity = "study";
  en.new_value = dest;
  rc = access_audit(db, a, &en, 1, e);
  if (rc != APP_OK) {
    return store_rollback(db, rc);
  }
  return db_commit(db, e);
}
