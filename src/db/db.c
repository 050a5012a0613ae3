/*
** db.c: the backend-neutral part of db.h: connection set-up, statement
** bookkeeping, nested transactions and schema migrations.
**
** Migrations are recorded in the table schema_migrations (portable, unlike
** SQLite's user_version) and each one runs in its own transaction, so a
** failed migration leaves the database at the previous version.
*/
#include "db_int.h"

#include "../core/buf.h"
#include "../core/mem.h"

#include <assert.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

/* Source of write epochs, unique across connections and threads. */
static atomic_uint_fast64_t db_epochs;

static void new_epoch(struct db *db) {
  db->epoch = (uint64_t)atomic_fetch_add(&db_epochs, 1) + 1;
}

static void queue_cmd(struct db *db, const char *cmd, bool is_savepoint);
static void clear_pending(struct db *db);
static int flush_pending(struct db *db, struct err *e);

uint64_t db_write_epoch(const struct db *db) {
  return db->epoch;
}

/* Whether s starts with prefix, ignoring ASCII case. */
static bool starts_nocase(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++) {
    if (tolower((unsigned char)*s) != *prefix) {
      return false;
    }
  }
  return true;
}

bool db_url_is_postgres(const char *url) {
  const char *p = url;
  if (url == NULL) {
    return false;
  }
  if (starts_nocase(url, "postgres://") ||
      starts_nocase(url, "postgresql://")) {
    return true;
  }
  /* A libpq keyword/value string: "keyword = value ...". */
  while (isspace((unsigned char)*p)) {
    p++;
  }
  if (!islower((unsigned char)*p)) {
    return false;
  }
  while (islower((unsigned char)*p) || *p == '_') {
    p++;
  }
  while (isspace((unsigned char)*p)) {
    p++;
  }
  return *p == '=';
}

/* Append the value that starts at p of a keyword/value string (quoted
** '...' with backslash escapes, or up to white space) to out as "***" when
** hide, else as it is; returns the end of the value. */
static const char *redact_value(const char *p, bool hide, struct buf *out) {
  const char *start = p;
  if (*p == '\'') {
    for (p++; *p && *p != '\''; p++) {
      if (*p == '\\' && p[1]) {
        p++;
      }
    }
    if (*p) {
      p++;
    }
  } else {
    while (*p && !isspace((unsigned char)*p)) {
      p++;
    }
  }
  if (hide) {
    buf_puts(out, "***");
  } else {
    buf_append(out, start, (size_t)(p - start));
  }
  return p;
}

/* A URL: the password of its user information (everything after the first
** ':' up to the last '@' before the host) and any "password" parameter. */
static void redact_url(const char *url, struct buf *out) {
  const char *auth = strstr(url, "://") + 3;
  const char *q = strchr(auth, '?');
  const char *at = NULL, *p;
  for (p = auth; *p && (q == NULL || p < q); p++) {
    if (*p == '@') {
      at = p;
    }
  }
  if (at != NULL) {
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    buf_append(out, url, (size_t)((colon ? colon + 1 : at) - url));
    if (colon != NULL) {
      buf_puts(out, "***");
    }
    p = at;
  } else {
    p = url;
  }
  while (*p) {
    if ((*p == '?' || *p == '&') && starts_nocase(p + 1, "password=")) {
      buf_append(out, p, 10);
      buf_puts(out, "***");
      p += 10;
      while (*p && *p != '&') {
        p++;
      }
    } else {
      buf_putc(out, *p++);
    }
  }
}

/* A keyword/value string: the value of every "password" keyword. */
static void redact_keywords(const char *s, struct buf *out) {
  const char *p = s;
  while (*p) {
    const char *key = p;
    size_t n;
    while (isspace((unsigned char)*p)) {
      buf_putc(out, *p++);
    }
    key = p;
    while (*p && *p != '=' && !isspace((unsigned char)*p)) {
      p++;
    }
    n = (size_t)(p - key);
    buf_append(out, key, n);
    while (isspace((unsigned char)*p)) {
      buf_putc(out, *p++);
    }
    if (*p != '=') {
      continue;
    }
    buf_putc(out, *p++);
    while (isspace((unsigned char)*p)) {
      buf_putc(out, *p++);
    }
    p = redact_value(p, n == 8 && strncmp(key, "password", 8) == 0, out);
  }
}

const char *db_sqlite_path(const char *url) {
  if (url == NULL || db_url_is_postgres(url)) {
    return NULL;
  }
  return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

void db_remove_sqlite_files(const char *path) {
  static const char *const suffix[] = {"", "-wal", "-shm"};
  char name[4096];
  size_t i;
  for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
    snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
    remove(name);
  }
}

char *db_url_redacted(const char *url) {
  struct buf out;
  buf_init(&out, 0);
  if (url == NULL) {
    return buf_detach(&out);
  }
  if (starts_nocase(url, "postgres://") ||
      starts_nocase(url, "postgresql://")) {
    redact_url(url, &out);
  } else if (db_url_is_postgres(url)) {
    redact_keywords(url, &out);
  } else {
    buf_puts(&out, url);
  }
  return buf_detach(&out);
}

static int db_open_as(const char *url, bool readonly, struct db **out,
                      struct err *e);

int db_open(const char *url, struct db **out, struct err *e) {
  return db_open_as(url, false, out, e);
}

int db_open_readonly(const char *url, struct db **out, struct err *e) {
  return db_open_as(url, true, out, e);
}

static int db_open_as(const char *url, bool readonly, struct db **out,
                      struct err *e) {
  struct db *db = xcalloc(1, sizeof(*db));
  const char *target = url;
  *out = NULL;
  if (url == NULL || url[0] == '\0') {
    xfree(db);
    return ERR_SET(e, APP_EINVAL, "--db: no database given (use --db FILE "
                   "or set HCCSTUDY_DB)");
  }
  if (db_url_is_postgres(url)) {
    db->be = &db_pg_backend;
  } else {
    target = db_sqlite_path(url);
    db->be = &db_sqlite_backend;
  }
  db->is_readonly = readonly;
  {
    int rc = db->be->open(db, target, e);
    if (rc == APP_OK && readonly && db->be == &db_pg_backend) {
      rc = db->be->exec(db, "SET SESSION CHARACTERISTICS AS TRANSACTION "
                            "READ ONLY", e);
      if (rc != APP_OK) {
        db->be->close(db);
      }
    }
    if (rc != APP_OK) {
      xfree(db);
      return rc;
    }
  }
  new_epoch(db);
  *out = db;
  return APP_OK;
}

void db_close(struct db *db) {
  int i;
  if (db == NULL) {
    return;
  }
  assert(db->n_stmts == 0);
  if (db->app_data != NULL && db->app_free != NULL) {
    db->app_free(db->app_data);
  }
  for (i = 0; i < DB_STMT_CACHE; i++) {
    if (db->cache[i].sql != NULL) {
      db->be->finalize(db->cache[i].stmt);
      xfree(db->cache[i].stmt);
      xfree(db->cache[i].text);
    }
  }
  db->be->close(db);
  xfree(db->pending);
  xfree(db);
}

/* Slot for sql in the cache: its hit, or a free slot, or -1. */
static int cache_slot(struct db *db, const char *sql, bool *is_hit) {
  size_t h = ((uintptr_t)sql >> 3) % DB_STMT_CACHE;
  int i;
  *is_hit = false;
  for (i = 0; i < DB_STMT_CACHE; i++) {
    struct db_cached *c = &db->cache[(h + (size_t)i) % DB_STMT_CACHE];
    if (c->sql == NULL) {
      return (int)((h + (size_t)i) % DB_STMT_CACHE);
    }
    if (c->sql == sql && strcmp(c->text, sql) == 0) {
      *is_hit = !c->is_in_use;
      return c->is_in_use ? -1 : (int)((h + (size_t)i) % DB_STMT_CACHE);
    }
  }
  return -1;
}

void db_fault_after_rows(struct db *db, const char *sql_part,
                         int64_t rows) {
  snprintf(db->fault_sql, sizeof(db->fault_sql), "%s",
           sql_part ? sql_part : "");
  db->fault_rows = rows;
}

/* Mark st to fail if an armed fault names its SQL (and disarm it). */
static void arm_fault(struct db *db, const char *sql, struct db_stmt *st) {
  st->n_rows = 0;
  st->fault = db->fault_sql[0] != '\0' && strstr(sql, db->fault_sql);
  if (st->fault) {
    db->fault_sql[0] = '\0';
  }
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
               struct err *e) {
  struct db_stmt *st;
  bool is_hit;
  int slot = cache_slot(db, sql, &is_hit);
  if (slot >= 0 && is_hit) {
    db->cache[slot].is_in_use = true;
    db->n_stmts++;
    *out = db->cache[slot].stmt;
    arm_fault(db, sql, *out);
    return APP_OK;
  }
  st = xcalloc(1, sizeof(*st));
  st->db = db;
  st->cache_slot = -1;
  if (db->be->prepare(db, sql, st, e) != APP_OK) {
    xfree(st);
    *out = NULL;
    return APP_EDB;
  }
  if (slot >= 0) {
    db->cache[slot].sql = sql;
    db->cache[slot].text = xstrdup(sql);
    db->cache[slot].stmt = st;
    db->cache[slot].is_in_use = true;
    st->cache_slot = slot;
  }
  db->n_stmts++;
  arm_fault(db, sql, st);
  *out = st;
  return APP_OK;
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v) {
  return st->db->be->bind(st, idx, DB_T_INT, v, 0, NULL, 0);
}

int db_bind_double(struct db_stmt *st, int idx, double v) {
  return st->db->be->bind(st, idx, DB_T_DOUBLE, 0, v, NULL, 0);
}

int db_bind_text(struct db_stmt *st, int idx, const char *v) {
  if (v == NULL) {
    return db_bind_null(st, idx);
  }
  return st->db->be->bind(st, idx, DB_T_TEXT, 0, 0, v, strlen(v));
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n) {
  return st->db->be->bind(st, idx, DB_T_BLOB, 0, 0, p, n);
}

int db_bind_null(struct db_stmt *st, int idx) {
  return st->db->be->bind(st, idx, DB_T_NULL, 0, 0, NULL, 0);
}

int db_step(struct db_stmt *st, struct err *e) {
  int rc;
  if (st->db->pending_len > 0) {
    rc = flush_pending(st->db, e);
    if (rc != APP_OK) {
      return -rc;
    }
  }
  if (st->fault && st->n_rows >= st->db->fault_rows) {
    st->fault = false;
    return -ERR_SET(e, APP_EDB, "database: injected failure after %" PRId64
                    " rows", st->n_rows);
  }
  rc = st->db->be->step(st, e);
  st->n_rows += rc == DB_ROW;
  return rc;
}

int db_step_id(struct db_stmt *st, int64_t *id, struct err *e) {
  int rc = db_step(st, e);
  *id = 0;
  if (rc == DB_ROW) {
    *id = db_column_int64(st, 0);
    rc = db_step(st, e);
  }
  return rc == DB_DONE ? APP_OK : e->code;
}

bool db_column_is_null(struct db_stmt *st, int col) {
  return st->db->be->is_null(st, col);
}

int64_t db_column_int64(struct db_stmt *st, int col) {
  return st->db->be->col_int(st, col);
}

double db_column_double(struct db_stmt *st, int col) {
  return st->db->be->col_double(st, col);
}

const char *db_column_text(struct db_stmt *st, int col) {
  return st->db->be->col_text(st, col);
}

const void *db_column_blob(struct db_stmt *st, int col, size_t *n) {
  return st->db->be->col_blob(st, col, n);
}

char *db_column_dup(struct db_stmt *st, int col) {
  const char *s = db_column_text(st, col);
  return s ? xstrdup(s) : NULL;
}

int db_column_count(struct db_stmt *st) {
  return st->db->be->col_count(st);
}

const char *db_column_name(struct db_stmt *st, int col) {
  return st->db->be->col_name(st, col);
}

enum db_type db_column_type(struct db_stmt *st, int col) {
  return st->db->be->col_type(st, col);
}

void db_reset(struct db_stmt *st) {
  st->db->be->reset(st);
}

void db_finalize(struct db_stmt *st) {
  if (st == NULL) {
    return;
  }
  st->db->n_stmts--;
  if (st->cache_slot >= 0) {
    st->db->be->reset(st);
    st->db->cache[st->cache_slot].is_in_use = false;
    return;
  }
  st->db->be->finalize(st);
  xfree(st);
}

int db_exec(struct db *db, const char *sql, struct err *e) {
  if (db->pending_len > 0) {
    int rc;
    queue_cmd(db, sql, false);
    rc = db->be->exec(db, db->pending, e);
    clear_pending(db);
    return rc;
  }
  return db->be->exec(db, sql, e);
}

/* Savepoints are sent lazily.  A nested db_begin_write() only queues
** "SAVEPOINT hcc_spN"; db_commit() and db_rollback() of a nested level
** queue "RELEASE" or "ROLLBACK TO ...; RELEASE" (or, when no statement ran
** since its SAVEPOINT, just drop that SAVEPOINT: an empty level costs
** nothing).  The queue is sent in one round trip with the next statement
** (db_step, db_exec) or the outermost COMMIT.  The order of commands is
** kept, so the server sees exactly the sequence it would have seen. */
static void queue_cmd(struct db *db, const char *cmd, bool is_savepoint) {
  size_t n = strlen(cmd) + 2;
  if (db->pending_len + n + 1 > db->pending_cap) {
    db->pending_cap = (db->pending_len + n + 1) * 2;
    db->pending = xrealloc(db->pending, db->pending_cap);
  }
  if (is_savepoint && db->n_trailing < DB_MAX_TRAILING) {
    db->trailing_at[db->n_trailing++] = db->pending_len;
  } else {
    db->n_trailing = 0; /* a SAVEPOINT past the limit is just sent */
  }
  memcpy(db->pending + db->pending_len, cmd, n - 2);
  memcpy(db->pending + db->pending_len + n - 2, "; ", 3);
  db->pending_len += n;
}

static void clear_pending(struct db *db) {
  db->pending_len = 0;
  db->n_trailing = 0;
  if (db->pending != NULL) {
    db->pending[0] = '\0';
  }
}

/* Send the queued commands, if any. */
static int flush_pending(struct db *db, struct err *e) {
  int rc;
  if (db->pending_len == 0) {
    return APP_OK;
  }
  rc = db->be->exec(db, db->pending, e);
  clear_pending(db);
  return rc;
}

/* Leave nested level depth (>= 2): release it, or undo its work. */
static void end_level(struct db *db, bool undo) {
  char sql[96];
  int sp = db->depth - 1; /* level depth is savepoint hcc_sp(depth - 1) */
  db->depth--;
  if (db->n_trailing > 0) {
    /* Nothing ran inside: forget its SAVEPOINT. */
    db->pending_len = db->trailing_at[--db->n_trailing];
    db->pending[db->pending_len] = '\0';
    return;
  }
  if (undo) {
    snprintf(sql, sizeof(sql), "ROLLBACK TO hcc_sp%d; RELEASE hcc_sp%d", sp,
             sp);
  } else {
    snprintf(sql, sizeof(sql), "RELEASE hcc_sp%d", sp);
  }
  queue_cmd(db, sql, false);
}

/* Start a transaction with sql (the backend's BEGIN for writing or
** reading). */
static int begin_outermost(struct db *db, const char *sql, struct err *e) {
  clear_pending(db);
  new_epoch(db);
  if (db_exec(db, sql, e) != APP_OK) {
    return APP_EDB;
  }
  db->depth = 1;
  return APP_OK;
}

int db_begin_write(struct db *db, struct err *e) {
  if (db->depth > 0) {
    char sql[48];
    snprintf(sql, sizeof(sql), "SAVEPOINT hcc_sp%d", db->depth);
    queue_cmd(db, sql, true);
    db->depth++;
    return APP_OK;
  }
  return begin_outermost(db, db->be->begin_write_sql, e);
}

int db_begin_read(struct db *db, struct err *e) {
  assert(db->depth == 0);
  return begin_outermost(db, db->be->begin_read_sql, e);
}

int db_commit(struct db *db, struct err *e) {
  int rc;
  assert(db->depth > 0);
  if (db->depth > 1) {
    end_level(db, false);
    return APP_OK;
  }
  /* depth stays 1 while COMMIT runs: a connection lost meanwhile must not
  ** be reopened and the COMMIT sent to a new session (which would answer
  ** "no transaction in progress" with success for work that was lost). */
  new_epoch(db);
  queue_cmd(db, "COMMIT", false);
  rc = flush_pending(db, e);
  if (rc != APP_OK) {
    struct err ignore;
    err_clear(&ignore);
    db->be->exec(db, "ROLLBACK", &ignore);
    db->depth = 0;
    return APP_EDB;
  }
  db->depth = 0;
  return APP_OK;
}

void db_rollback(struct db *db) {
  struct err ignore;
  assert(db->depth > 0);
  err_clear(&ignore);
  new_epoch(db);
  if (db->depth > 1) {
    end_level(db, true);
    return;
  }
  clear_pending(db);
  db->depth = 0;
  db->be->exec(db, "ROLLBACK", &ignore);
}

bool db_in_transaction(const struct db *db) {
  return db->depth > 0;
}

int64_t db_changes(struct db *db) {
  return db->be->changes(db);
}

int db_backup(struct db *db, const char *dest, struct err *e) {
  if (db->be->backup == NULL) {
    return ERR_SET(e, APP_EINVAL, "backup: not an online-backup engine (%s)",
                   db->be->name);
  }
  return db->be->backup(db, dest, e);
}

void *db_app_data(const struct db *db) {
  return db->app_data;
}

void db_set_app_data(struct db *db, void *data, void (*free_fn)(void *)) {
  if (db->app_data != NULL && db->app_free != NULL) {
    db->app_free(db->app_data);
  }
  db->app_data = data;
  db->app_free = free_fn;
}

int db_open_statements(const struct db *db) {
  return db->n_stmts;
}

const char *db_backend_name(const struct db *db) {
  return db->be->name;
}

int db_after_copy(struct db *db, struct err *e) {
  return db->be->after_copy ? db->be->after_copy(db, e) : APP_OK;
}

/* The text of a migration for db's engine: the lines of the other engine's
** "-- @sqlite" / "-- @postgres" ... "-- @end" blocks dropped, then the
** backend's dialect applied.  Caller frees with xfree(). */
static char *migration_text(const struct db *db, const char *sql) {
  size_t n = strlen(sql);
  char *out = xmalloc(n + 1);
  char *dialect;
  size_t len = 0;
  const char *p = sql;
  int keep = 1;
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t line = eol ? (size_t)(eol - p) + 1 : strlen(p);
    if (strncmp(p, "-- @sqlite", 10) == 0) {
      keep = strcmp(db->be->name, "sqlite") == 0;
    } else if (strncmp(p, "-- @postgres", 12) == 0) {
      keep = strcmp(db->be->name, "postgres") == 0;
    } else if (strncmp(p, "-- @end", 7) == 0) {
      keep = 1;
    } else if (keep) {
      memcpy(out + len, p, line);
      len += line;
    }
    p += line;
  }
  out[len] = '\0';
  if (db->be->dialect == NULL) {
    return out;
  }
  dialect = db->be->dialect(out);
  xfree(out);
  return dialect;
}

int db_latest_schema_version(void) {
  return db_migrations[db_n_migrations - 1].version;
}

int db_schema_version(struct db *db, int *out, struct err *e) {
  struct db_stmt *st = NULL;
  int rc;
  *out = 0;
  /* Asked without creating anything, so that a role that may only read
  ** and write rows (docs/deployment.md) can open a migrated database. */
  rc = db_prepare(db, db->be->has_table_sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, "schema_migrations");
  rc = db_step(st, e);
  if (rc == DB_ROW && db_column_int64(st, 0) == 0) {
    db_finalize(st);
    return APP_OK; /* a new database */
  }
  db_finalize(st);
  if (rc != DB_ROW) {
    return APP_EDB;
  }
  rc = db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM "
                      "schema_migrations", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *out = (int)db_column_int64(st, 0);
    rc = APP_OK;
  } else {
    rc = APP_EDB;
  }
  db_finalize(st);
  return rc;
}

int db_migrate(struct db *db, struct err *e) {
  int have = 0;
  int i;
  int rc = db_schema_version(db, &have, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (have > db_migrations[db_n_migrations - 1].version) {
    return ERR_SET(e, APP_EDB, "database: schema version %d is newer than "
                   "this hccstudy (%d); upgrade hccstudy", have,
                   db_migrations[db_n_migrations - 1].version);
  }
  if (have == 0) {
    rc = db_exec(db,
                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
                 " version BIGINT PRIMARY KEY,"
                 " name TEXT NOT NULL,"
                 " applied_utc TEXT NOT NULL)",
                 e);
    if (rc != APP_OK) {
      return rc;
    }
  }
  for (i = 0; i < db_n_migrations; i++) {
    const struct db_migration *m = &db_migrations[i];
    struct db_stmt *st = NULL;
    char now[32];
    time_t t = time(NULL);
    struct tm tmv;
    if (m->version <= have) {
      continue;
    }
    gmtime_r(&t, &tmv);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tmv);
    if (db_begin_write(db, e) != APP_OK) {
      return APP_EDB;
    }
    {
      char *sql = migration_text(db, m->sql);
      rc = db_exec(db, sql, e);
      xfree(sql);
    }
    if (rc == APP_OK) {
      rc = db_prepare(db, "INSERT INTO schema_migrations(version, name, "
                          "applied_utc) VALUES ($1, $2, $3)", &st, e);
    }
    if (rc == APP_OK) {
      db_bind_int64(st, 1, m->version);
      db_bind_text(st, 2, m->name);
      db_bind_text(st, 3, now);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
    }
    if (rc != APP_OK) {
      db_rollback(db);
      return ERR_SET(e, APP_EDB, "database: migration %s failed", m->name);
    }
    if (db_commit(db, e) != APP_OK) {
      return APP_EDB;
    }
  }
  return APP_OK;
}
