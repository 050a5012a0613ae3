/*
** db_int.h: internals shared by db.c and the backends.  Not for use
** outside src/db/.
**
** A backend is a table of functions (curl's struct Curl_ssl, lwan's struct
** db); db.c adds what is common: nesting of transactions, statement
** counting, migrations.
*/
#ifndef HCC_DB_INT_H
#define HCC_DB_INT_H

#include "db.h"


/* One backend's operations. */
struct db_backend {
  const char *name;  /* "sqlite", "postgres" */
  const char *begin_write_sql; /* starts a transaction holding the write lock */
  const char *begin_read_sql;  /* starts a read-only snapshot transaction */
  const char *has_table_sql;   /* COUNT(*) of tables named $1 (0 or 1) */
  int (*open)(struct db *db, const char *target, struct err *e);
  void (*close)(struct db *db);
  int (*prepare)(struct db *db, const char *sql, struct db_stmt *st,
                 struct err *e);
  int (*bind)(struct db_stmt *st, int idx, enum db_type t, int64_t i,
              double d, const void *p, size_t n);
  int (*step)(struct db_stmt *st, struct err *e);
  bool (*is_null)(struct db_stmt *st, int col);
  int64_t (*col_int)(struct db_stmt *st, int col);
  double (*col_double)(struct db_stmt *st, int col);
  const char *(*col_text)(struct db_stmt *st, int col);
  const void *(*col_blob)(struct db_stmt *st, int col, size_t *n);
  int (*col_count)(struct db_stmt *st);
  const char *(*col_name)(struct db_stmt *st, int col);
  enum db_type (*col_type)(struct db_stmt *st, int col);
  void (*reset)(struct db_stmt *st);
  void (*finalize)(struct db_stmt *st);
  int (*exec)(struct db *db, const char *sql, struct err *e);
  int64_t (*changes)(struct db *db);
  /* Online copy to a new file (NULL: the engine has none). */
  int (*backup)(struct db *db, const char *dest, struct err *e);
  /* Migration SQL in this engine's dialect (NULL: used as written);
  ** returns a new string the caller frees. */
  char *(*dialect)(const char *sql);
  /* After rows were copied in with explicit ids (NULL: nothing to do). */
  int (*after_copy)(struct db *db, struct err *e);
};

/* Prepared statements kept per connection (Fossil's static statements):
** SQL in hccstudy is string literals, so a statement is found by the
** address of its text (and checked by content). */
#define DB_STMT_CACHE 64

/* Trailing savepoints remembered (deeper nesting just sends them). */
#define DB_MAX_TRAILING 16

struct db_stmt;

/* One cache slot. */
struct db_cached {
  const char *sql;        /* the caller's SQL pointer, NULL = empty slot */
  char *text;             /* a copy of the SQL, to confirm a hit */
  struct db_stmt *stmt;   /* the prepared statement */
  bool is_in_use;         /* handed out and not yet finalized */
};

/* An open connection. */
struct db {
  const struct db_backend *be; /* operations */
  void *conn;                  /* backend handle (sqlite3 *, pg_conn *) */
  int depth;                   /* transaction nesting depth, 0 = none;
                                  levels below the first are savepoints */
  int n_stmts;                 /* statements handed out, not finalized */
  struct db_cached cache[DB_STMT_CACHE]; /* reusable statements */
  uint64_t epoch;              /* see db_write_epoch() */
  /* Savepoint commands not yet sent (SAVEPOINT, RELEASE, ROLLBACK TO ...;
  ** see db.c): they go with the next statement, in one round trip.  The
  ** trailing SAVEPOINTs (no statement after them yet) are remembered so
  ** that releasing or rolling back an empty level sends nothing. */
  char *pending;               /* "cmd; cmd; " (NULL when empty) */
  size_t pending_len;
  size_t pending_cap;
  int n_trailing;              /* trailing SAVEPOINTs in pending */
  size_t trailing_at[DB_MAX_TRAILING]; /* where each one starts */
  void *app_data;              /* one slot for the layer above (store) */
  void (*app_free)(void *);    /* frees app_data at db_close */
  bool is_readonly;            /* db_open_readonly(): nothing is written */
  char fault_sql[64];          /* db_fault_after_rows(): armed when set */
  int64_t fault_rows;
};

/* A prepared statement. */
struct db_stmt {
  struct db *db;  /* owning connection */
  void *h;        /* backend handle (sqlite3_stmt *, ...) */
  int cache_slot; /* index in db->cache, or -1 when not cached */
  bool fault;     /* fails after db->fault_rows rows (tests) */
  int64_t n_rows; /* rows stepped since prepared */
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

/* The embedded migrations, in order. */
struct db_migration {
  int version;       /* 1, 2, ... */
  const char *name;  /* file name, for messages */
  const char *sql;   /* the SQL text, NUL-terminated */
};

/* The migration table and its length (schema_embed.c). */
extern const struct db_migration db_migrations[];
extern const int db_n_migrations;

#endif
