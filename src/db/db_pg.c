/*
** db_pg.c: the PostgreSQL backend of db.h (libpq, PostgreSQL 15).
**
** Statements.  hccstudy's SQL already uses $1, $2 ... so it goes to the
** server unchanged.  A statement is prepared on the server lazily, at its
** first step, with the types of the values bound then (int8, float8; text
** and NULL as "unknown", so the server infers them from the context); it
** is prepared again under a new name if a later execution binds a number
** where the first bound another type.  Statements that db.c does not cache
** run unnamed (PQexecParams) and leave nothing on the server.  Results come
** back whole, in text format, and are read row by row.
**
** Transactions.  db_begin_write() starts a transaction that takes one
** transaction-scoped advisory lock, so writers from every hccstudy server
** on the database are serialized exactly as SQLite's BEGIN IMMEDIATE
** serializes them: the audit chain's "last row", the per-site study number
** and every read-check-write sequence stay race free across servers.
** Readers take no lock (READ COMMITTED, a snapshot per statement, as on
** SQLite outside a transaction).
**
** Connections.  A broken connection is reset before the next statement
** that runs outside a transaction; statements prepared on the old
** connection are prepared again (the generation number tells).
**
** Errors: SQLSTATE class 23 (integrity constraint) is APP_ECONFLICT, as
** SQLITE_CONSTRAINT is on SQLite; everything else is APP_EDB.
*/
#include "db_int.h"

#include "../core/buf.h"
#include "../core/mem.h"
#include "../core/str.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs (pg_type.dat; stable across releases). */
#define PG_BOOLOID 16
#define PG_BYTEAOID 17
#define PG_INT8OID 20
#define PG_INT2OID 21
#define PG_INT4OID 23
#define PG_FLOAT4OID 700
#define PG_FLOAT8OID 701
#define PG_NUMERICOID 1700

/* Session settings of every connection: UTF-8 text, shortest exact float
** output (PostgreSQL 12+), UTC. */
#define PG_SESSION_SQL                                                       \
  "SET client_encoding = 'UTF8'; SET extra_float_digits = 1; SET TIME "      \
  "ZONE 'UTC'"

/* The advisory lock every write transaction takes ("hcc" in ASCII). */
#define PG_WRITE_LOCK "6841187"

/* One connection. */
struct pg_conn {
  PGconn *c;
  long generation; /* bumped when the connection is reset */
  long n_names;    /* statement names handed out */
  int64_t changes; /* rows changed by the last command */
};

/* One statement. */
struct pg_stmt {
  char *sql;
  int n_params;        /* highest $N in the SQL */
  char **values;       /* bound values as text (NULL = SQL NULL) */
  int *lengths;        /* byte lengths (blobs) */
  int *formats;        /* 0 text, 1 binary (blobs) */
  Oid *types;          /* bound types (0 = let the server infer) */
  Oid *prep_types;     /* the types the server statement was prepared with */
  char name[32];       /* server statement name, "" = not prepared */
  long generation;     /* connection generation it was prepared on */
  PGresult *res;       /* result of the current execution */
  int row;             /* current row, -1 before the first */
  int n_rows;
  unsigned char *blob; /* last unescaped bytea column */
};

static void pg_ignore_notice(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

/* The message of a result or connection, without the trailing newline. */
static int pg_fail(struct err *e, const char *what, PGconn *c,
                   const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  int code = state != NULL && strncmp(state, "23", 2) == 0 ? APP_ECONFLICT
                                                           : APP_EDB;
  size_t n = msg ? strlen(msg) : 0;
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
    n--;
  }
  ERR_SET(e, code, "database: %s: %.*s", what, (int)n, msg ? msg : "");
  return code;
}

static int pg_open(struct db *db, const char *target, struct err *e) {
  struct pg_conn *pc;
  PGconn *c;
  PGresult *r;
  char *parse_error = NULL;
  PQconninfoOption *opts = PQconninfoParse(target, &parse_error);
  if (opts == NULL) {
    /* libpq's message may quote the string, password and all. */
    PQfreemem(parse_error);
    return ERR_SET(e, APP_EINVAL, "--db: not a valid PostgreSQL URL or "
                   "connection string (docs/deployment.md)");
  }
  PQconninfoFree(opts);
  c = PQconnectdb(target);
  if (c == NULL || PQstatus(c) != CONNECTION_OK) {
    const char *m = c ? PQerrorMessage(c) : "out of memory";
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' ')) {
      n--;
    }
    ERR_SET(e, APP_EDB, "--db: cannot connect to PostgreSQL: %.*s", (int)n,
            m);
    PQfinish(c);
    return APP_EDB;
  }
  PQsetNoticeProcessor(c, pg_ignore_notice, NULL);
  r = PQexec(c, PG_SESSION_SQL);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    pg_fail(e, "connect", c, r);
    PQclear(r);
    PQfinish(c);
    return APP_EDB;
  }
  PQclear(r);
  pc = xcalloc(1, sizeof(*pc));
  pc->c = c;
  db->conn = pc;
  return APP_OK;
}

static void pg_close(struct db *db) {
  struct pg_conn *pc = db->conn;
  if (pc != NULL) {
    PQfinish(pc->c);
    xfree(pc);
  }
}

/* Reconnect a broken connection when no transaction is open. */
static void pg_heal(struct db *db) {
  struct pg_conn *pc = db->conn;
  if (PQstatus(pc->c) == CONNECTION_OK || db->depth > 0) {
    return;
  }
  PQreset(pc->c);
  if (PQstatus(pc->c) == CONNECTION_OK) {
    PGresult *r = PQexec(pc->c, PG_SESSION_SQL);
    PQclear(r);
    pc->generation++;
  }
}

/* The highest $N in sql, outside quoted strings and identifiers. */
static int pg_count_params(const char *sql) {
  int max = 0;
  char quote = 0;
  const char *p;
  for (p = sql; *p; p++) {
    if (quote) {
      if (*p == quote) {
        quote = 0;
      }
    } else if (*p == '\'' || *p == '"') {
      quote = *p;
    } else if (*p == '$' && isdigit((unsigned char)p[1])) {
      long n = strtol(p + 1, NULL, 10); /* SQL is ours: $1 .. $N */
      if (n > max && n <= 65535) {
        max = (int)n;
      }
    }
  }
  return max;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt *st,
                      struct err *e) {
  struct pg_stmt *s = xcalloc(1, sizeof(*s));
  (void)db;
  (void)e;
  s->sql = xstrdup(sql);
  s->n_params = pg_count_params(sql);
  if (s->n_params > 0) {
    size_t n = (size_t)s->n_params;
    s->values = xcalloc(n, sizeof(*s->values));
    s->lengths = xcalloc(n, sizeof(*s->lengths));
    s->formats = xcalloc(n, sizeof(*s->formats));
    s->types = xcalloc(n, sizeof(*s->types));
    s->prep_types = xcalloc(n, sizeof(*s->prep_types));
  }
  s->row = -1;
  st->h = s;
  return APP_OK;
}

static int pg_bind(struct db_stmt *st, int idx, enum db_type t, int64_t i,
                   double d, const void *p, size_t n) {
  struct pg_stmt *s = st->h;
  char num[40];
  int k = idx - 1;
  if (idx < 1 || idx > s->n_params) {
    return APP_EINTERNAL;
  }
  xfree(s->values[k]);
  s->values[k] = NULL;
  s->lengths[k] = 0;
  s->formats[k] = 0;
  s->types[k] = 0;
  switch (t) {
  case DB_T_NULL:
    break;
  case DB_T_INT:
    snprintf(num, sizeof(num), "%" PRId64, i);
    s->values[k] = xstrdup(num);
    s->types[k] = PG_INT8OID;
    break;
  case DB_T_DOUBLE:
    if (isnan(d)) {
      snprintf(num, sizeof(num), "NaN");
    } else if (isinf(d)) {
      snprintf(num, sizeof(num), "%sInfinity", d < 0 ? "-" : "");
    } else {
      snprintf(num, sizeof(num), "%.17g", d);
    }
    s->values[k] = xstrdup(num);
    s->types[k] = PG_FLOAT8OID;
    break;
  case DB_T_TEXT:
    s->values[k] = xmalloc(n + 1);
    memcpy(s->values[k], p, n);
    s->values[k][n] = '\0';
    break;
  default:
    s->values[k] = xmalloc(n + 1);
    if (n > 0) {
      memcpy(s->values[k], p, n);
    }
    s->lengths[k] = (int)n;
    s->formats[k] = 1;
    s->types[k] = PG_BYTEAOID;
    break;
  }
  return APP_OK;
}

/* Whether the server statement fits the types bound now. */
static bool pg_types_fit(const struct pg_stmt *s) {
  int k;
  for (k = 0; k < s->n_params; k++) {
    if (s->types[k] != 0 && s->types[k] != s->prep_types[k]) {
      return false;
    }
  }
  return true;
}


/* Rows a command affected ("" for commands that report none: 0). */
static int64_t cmd_tuples(PGresult *r) {
  int64_t n = 0;
  return str_to_i64(PQcmdTuples(r), &n) == 0 ? n : 0;
}
static int pg_execute(struct db_stmt *st, struct err *e) {
  struct pg_stmt *s = st->h;
  struct pg_conn *pc = st->db->conn;
  PGresult *r;
  ExecStatusType status;
  pg_heal(st->db);
  if (st->cache_slot < 0) {
    r = PQexecParams(pc->c, s->sql, s->n_params, s->types,
                     (const char *const *)s->values, s->lengths, s->formats,
                     0);
  } else {
    if (s->name[0] == '\0' || s->generation != pc->generation ||
        !pg_types_fit(s)) {
      if (s->name[0] != '\0' && s->generation == pc->generation &&
          PQtransactionStatus(pc->c) != PQTRANS_INERROR) {
        char sql[64];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
        PQclear(PQexec(pc->c, sql));
      }
      snprintf(s->name, sizeof(s->name), "hcc_%ld", ++pc->n_names);
      if (s->n_params > 0) {
        memcpy(s->prep_types, s->types,
               (size_t)s->n_params * sizeof(*s->types));
      }
      r = PQprepare(pc->c, s->name, s->sql, s->n_params, s->prep_types);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        int code = pg_fail(e, "prepare", pc->c, r);
        PQclear(r);
        s->name[0] = '\0';
        return code;
      }
      PQclear(r);
      s->generation = pc->generation;
    }
    r = PQexecPrepared(pc->c, s->name, s->n_params,
                       (const char *const *)s->values, s->lengths,
                       s->formats, 0);
  }
  status = PQresultStatus(r);
  if (status == PGRES_TUPLES_OK) {
    s->res = r;
    s->n_rows = PQntuples(r);
    s->row = -1;
    pc->changes = cmd_tuples(r);
    return APP_OK;
  }
  if (status == PGRES_COMMAND_OK) {
    pc->changes = cmd_tuples(r);
    s->res = r;
    s->n_rows = 0;
    s->row = -1;
    return APP_OK;
  }
  {
    int code = pg_fail(e, "step", pc->c, r);
    PQclear(r);
    return code;
  }
}

/* Whether a failed statement may be sent again on a new connection: the
** old one was lost, it was idle (outside any transaction) when the
** statement was sent, and the statement changes nothing, so running it
** twice is harmless ("SELECT ...", or "BEGIN ..." which only opens a
** transaction).  A write in autocommit may have committed before the
** connection broke, and a COMMIT's transaction has an unknown fate: never
** sent again. */
static bool pg_can_retry(const struct db *db, PGTransactionStatusType was,
                         const char *sql) {
  const struct pg_conn *pc = db->conn;
  while (isspace((unsigned char)*sql)) {
    sql++;
  }
  return was == PQTRANS_IDLE && db->depth == 0 &&
         PQstatus(pc->c) == CONNECTION_BAD &&
         (strncmp(sql, "SELECT ", 7) == 0 || strncmp(sql, "BEGIN", 5) == 0);
}

static int pg_step(struct db_stmt *st, struct err *e) {
  struct pg_stmt *s = st->h;
  if (s->res == NULL) {
    PGTransactionStatusType was =
        PQtransactionStatus(((struct pg_conn *)st->db->conn)->c);
    int rc = pg_execute(st, e);
    if (rc != APP_OK && pg_can_retry(st->db, was, s->sql)) {
      err_clear(e);
      rc = pg_execute(st, e);
    }
    if (rc != APP_OK) {
      return -rc;
    }
  }
  if (s->row + 1 < s->n_rows) {
    s->row++;
    return DB_ROW;
  }
  s->row = s->n_rows;
  return DB_DONE;
}

/* Whether the current row has column col (a programming error if not). */
static bool pg_has(const struct pg_stmt *s, int col) {
  return s->res != NULL && s->row >= 0 && s->row < s->n_rows && col >= 0 &&
         col < PQnfields(s->res);
}

static bool pg_is_null(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  return !pg_has(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_col_int(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  const char *v;
  if (pg_is_null(st, col)) {
    return 0;
  }
  v = PQgetvalue(s->res, s->row, col);
  if (PQftype(s->res, col) == PG_BOOLOID) {
    return v[0] == 't';
  }
  return (int64_t)strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  if (pg_is_null(st, col)) {
    return 0.0;
  }
  return strtod(PQgetvalue(s->res, s->row, col), NULL);
}

static const char *pg_col_text(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  if (pg_is_null(st, col)) {
    return NULL;
  }
  return PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *n) {
  struct pg_stmt *s = st->h;
  *n = 0;
  if (pg_is_null(st, col)) {
    return NULL;
  }
  if (s->blob != NULL) {
    PQfreemem(s->blob);
    s->blob = NULL;
  }
  if (PQftype(s->res, col) != PG_BYTEAOID) {
    *n = (size_t)PQgetlength(s->res, s->row, col);
    return PQgetvalue(s->res, s->row, col);
  }
  s->blob = PQunescapeBytea(
      (const unsigned char *)PQgetvalue(s->res, s->row, col), n);
  return s->blob;
}

static int pg_col_count(struct db_stmt *st) {
  struct pg_stmt *s = st->h;
  return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  return s->res && col < PQnfields(s->res) ? PQfname(s->res, col) : NULL;
}

static enum db_type pg_col_type(struct db_stmt *st, int col) {
  struct pg_stmt *s = st->h;
  if (pg_is_null(st, col)) {
    return DB_T_NULL;
  }
  switch (PQftype(s->res, col)) {
  case PG_BOOLOID:
  case PG_INT2OID:
  case PG_INT4OID:
  case PG_INT8OID:
    return DB_T_INT;
  case PG_FLOAT4OID:
  case PG_FLOAT8OID:
  case PG_NUMERICOID:
    return DB_T_DOUBLE;
  case PG_BYTEAOID:
    return DB_T_BLOB;
  default:
    return DB_T_TEXT;
  }
}

static void pg_clear_result(struct pg_stmt *s) {
  if (s->blob != NULL) {
    PQfreemem(s->blob);
    s->blob = NULL;
  }
  PQclear(s->res);
  s->res = NULL;
  s->row = -1;
  s->n_rows = 0;
}

static void pg_reset(struct db_stmt *st) {
  struct pg_stmt *s = st->h;
  int k;
  pg_clear_result(s);
  for (k = 0; k < s->n_params; k++) {
    xfree(s->values[k]);
    s->values[k] = NULL;
    s->types[k] = 0;
    s->lengths[k] = 0;
    s->formats[k] = 0;
  }
}

static void pg_finalize(struct db_stmt *st) {
  struct pg_stmt *s = st->h;
  if (s == NULL) {
    return;
  }
  pg_reset(st);
  xfree(s->values);
  xfree(s->lengths);
  xfree(s->formats);
  xfree(s->types);
  xfree(s->prep_types);
  xfree(s->sql);
  xfree(s);
  st->h = NULL;
}

static int pg_exec(struct db *db, const char *sql, struct err *e) {
  struct pg_conn *pc = db->conn;
  PGresult *r;
  ExecStatusType status;
  PGTransactionStatusType was;
  pg_heal(db);
  was = PQtransactionStatus(pc->c);
  r = PQexec(pc->c, sql);
  status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
      pg_can_retry(db, was, sql)) {
    PQclear(r);
    pg_heal(db);
    r = PQexec(pc->c, sql);
    status = PQresultStatus(r);
  }
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    int code = pg_fail(e, "exec", pc->c, r);
    PQclear(r);
    return code;
  }
  PQclear(r);
  return APP_OK;
}

static int64_t pg_changes(struct db *db) {
  return ((struct pg_conn *)db->conn)->changes;
}

/* Copy bytes [a, b) of src to out, rewriting SQLite's column types into
** PostgreSQL's: "INTEGER PRIMARY KEY" (SQLite's rowid alias) becomes a
** 64-bit identity key, any other INTEGER a BIGINT, and TEXT compares and
** sorts byte by byte (COLLATE "C", SQLite's BINARY) whatever the
** database's locale. */
static void pg_rewrite_types(struct buf *out, const char *a, const char *b) {
  static const char pk[] = "INTEGER PRIMARY KEY";
  const char *p = a;
  while (p < b) {
    bool at_word = p == a || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    if (at_word && (size_t)(b - p) >= sizeof(pk) - 1 &&
        strncmp(p, pk, sizeof(pk) - 1) == 0) {
      buf_puts(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
      p += sizeof(pk) - 1;
    } else if (at_word && b - p >= 4 && strncmp(p, "TEXT", 4) == 0 &&
               (b - p == 4 || !(isalnum((unsigned char)p[4]) ||
                                p[4] == '_'))) {
      buf_puts(out, "TEXT COLLATE \"C\"");
      p += 4;
    } else if (at_word && b - p >= 7 && strncmp(p, "INTEGER", 7) == 0 &&
               (b - p == 7 || !(isalnum((unsigned char)p[7]) ||
                                p[7] == '_'))) {
      buf_puts(out, "BIGINT");
      p += 7;
    } else {
      buf_putc(out, *p++);
    }
  }
}

static char *pg_dialect(const char *sql) {
  struct buf out;
  buf_init(&out, 0);
  pg_rewrite_types(&out, sql, sql + strlen(sql));
  return buf_detach(&out);
}

/* After rows were copied with their own ids, move every identity sequence
** past the largest id so that new rows do not collide. */
static int pg_after_copy(struct db *db, struct err *e) {
  return pg_exec(db,
                 "DO $$ DECLARE r record; BEGIN FOR r IN SELECT table_name "
                 "AS t, column_name AS c FROM information_schema.columns "
                 "WHERE is_identity = 'YES' AND table_schema = "
                 "current_schema() LOOP EXECUTE format('SELECT setval("
                 "pg_get_serial_sequence(%L, %L), COALESCE((SELECT MAX(%I) "
                 "FROM %I), 0) + 1, false)', r.t, r.c, r.c, r.t); END LOOP; "
                 "END $$",
                 e);
}

const struct db_backend db_pg_backend = {
  "postgres",
  "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
  "current_schema() AND table_name = $1",
  pg_open,
  pg_close,
  pg_prepare,
  pg_bind,
  pg_step,
  pg_is_null,
  pg_col_int,
  pg_col_double,
  pg_col_text,
  pg_col_blob,
  pg_col_count,
  pg_col_name,
  pg_col_type,
  pg_reset,
  pg_finalize,
  pg_exec,
  pg_changes,
  NULL, /* backups: store_backup() copies table by table */
  pg_dialect,
  pg_after_copy,
};
