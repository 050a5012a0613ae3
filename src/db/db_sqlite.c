/*
** db_sqlite.c: the SQLite backend of db.h.
**
** Durability: WAL journal with synchronous=FULL, so a transaction that
** returned success survives a crash or power loss.  busy_timeout lets
** concurrent writers wait instead of failing at once.  SQLite reads "$1" as
** a named parameter whose index follows first appearance (checked against
** 3.40.1), so binding is by name through sqlite3_bind_parameter_index().
*/
#include "db_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* How long a writer waits for the lock before reporting busy (ms). */
#define DB_SQLITE_BUSY_MS 10000

static int sq_error(sqlite3 *h, int rc, struct err *e, const char *what) {
  int code = (rc & 0xff) == SQLITE_CONSTRAINT ? APP_ECONFLICT : APP_EDB;
  ERR_SET(e, code, "database: %s: %s", what, sqlite3_errmsg(h));
  return code;
}

static int sq_open(struct db *db, const char *target, struct err *e) {
  sqlite3 *h = NULL;
  int rc = sqlite3_open_v2(target, &h,
                           (db->is_readonly
                                ? SQLITE_OPEN_READONLY
                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                               SQLITE_OPEN_FULLMUTEX,
                           NULL);
  if (rc != SQLITE_OK) {
    ERR_SET(e, APP_EDB, "database: cannot open %s: %s", target,
            h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    sqlite3_close(h);
    return APP_EDB;
  }
  sqlite3_busy_timeout(h, DB_SQLITE_BUSY_MS);
  sqlite3_extended_result_codes(h, 1);
  db->conn = h;
  if (db->is_readonly) {
    /* The file as it is (its journal mode included); query_only refuses
    ** any write even where the file could be written. */
    if (db->be->exec(db, "PRAGMA query_only=1", e) != APP_OK) {
      sqlite3_close(h);
      db->conn = NULL;
      return APP_EDB;
    }
    return APP_OK;
  }
  if (db->be->exec(db, "PRAGMA journal_mode=WAL", e) != APP_OK ||
      db->be->exec(db, "PRAGMA synchronous=FULL", e) != APP_OK ||
      db->be->exec(db, "PRAGMA foreign_keys=ON", e) != APP_OK) {
    sqlite3_close(h);
    db->conn = NULL;
    return APP_EDB;
  }
  return APP_OK;
}

static void sq_close(struct db *db) {
  sqlite3_close(db->conn);
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt *st,
                      struct err *e) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db->conn, sql, -1, &s, NULL);
  if (rc != SQLITE_OK) {
    return sq_error(db->conn, rc, e, "prepare");
  }
  st->h = s;
  return APP_OK;
}

static int sq_bind(struct db_stmt *st, int idx, enum db_type t, int64_t i,
                   double d, const void *p, size_t n) {
  char name[16];
  int k;
  int rc;
  snprintf(name, sizeof(name), "$%d", idx);
  k = sqlite3_bind_parameter_index(st->h, name);
  if (k == 0) {
    return APP_EINTERNAL;
  }
  switch (t) {
  case DB_T_NULL:
    rc = sqlite3_bind_null(st->h, k);
    break;
  case DB_T_INT:
    rc = sqlite3_bind_int64(st->h, k, i);
    break;
  case DB_T_DOUBLE:
    rc = sqlite3_bind_double(st->h, k, d);
    break;
  case DB_T_TEXT:
    rc = sqlite3_bind_text(st->h, k, p, (int)n, SQLITE_TRANSIENT);
    break;
  default:
    rc = sqlite3_bind_blob(st->h, k, p, (int)n, SQLITE_TRANSIENT);
    break;
  }
  return rc == SQLITE_OK ? APP_OK : APP_EINTERNAL;
}

static int sq_step(struct db_stmt *st, struct err *e) {
  int rc = sqlite3_step(st->h);
  if (rc == SQLITE_ROW) {
    return DB_ROW;
  }
  if (rc == SQLITE_DONE) {
    return DB_DONE;
  }
  return -sq_error(st->db->conn, rc, e, "step");
}

static bool sq_is_null(struct db_stmt *st, int col) {
  return sqlite3_column_type(st->h, col) == SQLITE_NULL;
}

static int64_t sq_col_int(struct db_stmt *st, int col) {
  return sqlite3_column_int64(st->h, col);
}

static double sq_col_double(struct db_stmt *st, int col) {
  return sqlite3_column_double(st->h, col);
}

static const char *sq_col_text(struct db_stmt *st, int col) {
  return (const char *)sqlite3_column_text(st->h, col);
}

static const void *sq_col_blob(struct db_stmt *st, int col, size_t *n) {
  const void *p = sqlite3_column_blob(st->h, col);
  *n = (size_t)sqlite3_column_bytes(st->h, col);
  return p;
}

static int sq_col_count(struct db_stmt *st) {
  return sqlite3_column_count(st->h);
}

static const char *sq_col_name(struct db_stmt *st, int col) {
  return sqlite3_column_name(st->h, col);
}

static enum db_type sq_col_type(struct db_stmt *st, int col) {
  switch (sqlite3_column_type(st->h, col)) {
  case SQLITE_INTEGER:
    return DB_T_INT;
  case SQLITE_FLOAT:
    return DB_T_DOUBLE;
  case SQLITE_TEXT:
    return DB_T_TEXT;
  case SQLITE_BLOB:
    return DB_T_BLOB;
  default:
    return DB_T_NULL;
  }
}

static void sq_reset(struct db_stmt *st) {
  sqlite3_reset(st->h);
  sqlite3_clear_bindings(st->h);
}

static void sq_finalize(struct db_stmt *st) {
  sqlite3_finalize(st->h);
}

static int sq_exec(struct db *db, const char *sql, struct err *e) {
  char *msg = NULL;
  int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    ERR_SET(e, (rc & 0xff) == SQLITE_CONSTRAINT ? APP_ECONFLICT : APP_EDB,
            "database: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return (rc & 0xff) == SQLITE_CONSTRAINT ? APP_ECONFLICT : APP_EDB;
  }
  return APP_OK;
}

static int64_t sq_changes(struct db *db) {
  return sqlite3_changes(db->conn);
}

/* Online backup with SQLite's backup API: copies pages in steps while
** other connections keep reading and writing; the copy is a consistent
** snapshot of one moment. */
static int sq_backup(struct db *db, const char *dest, struct err *e) {
  sqlite3 *out = NULL;
  sqlite3_backup *b;
  int rc = sqlite3_open_v2(dest, &out,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    ERR_SET(e, APP_EIO, "backup: cannot create %s: %s", dest,
            out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
    sqlite3_close(out);
    return APP_EIO;
  }
  b = sqlite3_backup_init(out, "main", db->conn, "main");
  if (b == NULL) {
    ERR_SET(e, APP_EIO, "backup: %s", sqlite3_errmsg(out));
    sqlite3_close(out);
    return APP_EIO;
  }
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(20);
    }
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    ERR_SET(e, APP_EIO, "backup: %s", sqlite3_errstr(rc));
    sqlite3_close(out);
    return APP_EIO;
  }
  rc = sqlite3_close(out);
  return rc == SQLITE_OK ? APP_OK : ERR_SET(e, APP_EIO, "backup: close");
}

const struct db_backend db_sqlite_backend = {
  "sqlite",
  "BEGIN IMMEDIATE",
  "BEGIN",
  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
  sq_open,
  sq_close,
  sq_prepare,
  sq_bind,
  sq_step,
  sq_is_null,
  sq_col_int,
  sq_col_double,
  sq_col_text,
  sq_col_blob,
  sq_col_count,
  sq_col_name,
  sq_col_type,
  sq_reset,
  sq_finalize,
  sq_exec,
  sq_changes,
  sq_backup,
  NULL,
  NULL,
};
