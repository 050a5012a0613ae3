/*
** db.h: the neutral SQL API.  Only src/db/ includes a driver header.
**
** SQL is written once, with PostgreSQL's $1, $2 ... placeholders, and runs on
** every backend (SQLite and PostgreSQL behind the same table of functions).
** It keeps to what both engines read alike: no engine-specific functions,
** NULLS FIRST/LAST where NULLs are sorted, an alias on every subquery in
** FROM, CAST where a parameter's type is not clear from its context, and
** INSERT ... RETURNING for new ids.  Values are always bound, never
** formatted into SQL.  Text returned by
** db_column_text() is valid only until the next db_step()/db_reset()/
** db_finalize() on that statement: copy it (db_column_dup) to keep it.
**
** Transactions nest: db_begin_write() inside a transaction opens a
** savepoint; db_commit() of an inner level releases it and db_rollback()
** undoes only that level's work.  The outermost db_commit() commits.  (So a
** batch of independent saves can share one transaction and one fsync, each
** save in its own savepoint: see src/store/writer.h.)
*/
#ifndef HCC_DB_H
#define HCC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

struct db;      /* an open connection (opaque) */
struct db_stmt; /* a prepared statement (opaque) */

/* Kinds of values (bound, or read from a column). */
enum db_type { DB_T_NULL, DB_T_INT, DB_T_DOUBLE, DB_T_TEXT, DB_T_BLOB };

/* Results of db_step(). */
enum db_step_result {
  DB_ROW = 1,  /* a row is available */
  DB_DONE = 0  /* no (more) rows */
  /* a negative value is a failure: APP_EDB/APP_ECONFLICT, detail in err */
};

/* Open a database.  `url` is a PostgreSQL URL ("postgresql://user@host/db",
** "postgres://...", any case), a libpq keyword/value string (anything that
** starts with "keyword =": "host=... dbname=..."), "sqlite:PATH", or a
** plain PATH (SQLite).  A malformed PostgreSQL string is APP_EINVAL, an
** unreachable server APP_EDB.  A new SQLite file is created,
** switched to WAL with synchronous=FULL and foreign keys on.  Caller closes
** with db_close(). */
int db_open(const char *url, struct db **out, struct err *e);

/* The same, read-only: a SQLite file opened SQLITE_OPEN_READONLY with
** query_only (no journal mode set, nothing created), a PostgreSQL session
** whose transactions are READ ONLY.  Every write then fails.  For checks
** that must not change what they check (audit verify). */
int db_open_readonly(const char *url, struct db **out, struct err *e);

/* Whether url names a PostgreSQL database (see db_open). */
bool db_url_is_postgres(const char *url);

/* The SQLite file url names ("sqlite:PATH" or PATH), or NULL when url is a
** PostgreSQL database.  Points into url. */
const char *db_sqlite_path(const char *url);

/* Remove a SQLite database file with its -wal and -shm files (a copy that
** failed half-way); a missing file is not an error. */
void db_remove_sqlite_files(const char *path);

/* url with any password replaced by "***", for messages and logs.  Caller
** frees with xfree(). */
char *db_url_redacted(const char *url);

/* Close; statements still open are a bug (asserted in debug builds). */
void db_close(struct db *db);

/* Apply the embedded migrations (src/db/schema/NNN-*.sql) that are newer
** than the database's schema version, each in its own transaction.  One
** text serves both engines: lines between "-- @sqlite" (or "-- @postgres")
** and "-- @end" are for that engine only, and on PostgreSQL the column type
** INTEGER is BIGINT and "INTEGER PRIMARY KEY" (SQLite's rowid key) is a
** BIGINT identity key. */
int db_migrate(struct db *db, struct err *e);

/* The newest schema version this build knows (its last migration). */
int db_latest_schema_version(void);

/* The database's schema version (number of the last migration applied). */
int db_schema_version(struct db *db, int *out, struct err *e);

/* Prepare one statement.  Caller finalizes with db_finalize(). */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
               struct err *e);

/* Bind parameter $idx (1-based).  An index the SQL does not hold is a
** programming error reported as APP_EINTERNAL. */
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *v); /* NULL->NULL */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
int db_bind_null(struct db_stmt *st, int idx);

/* For tests of failure paths: the next statement prepared whose SQL
** contains sql_part fails (APP_EDB, -APP_EDB from db_step) at the step
** after `rows` rows; sql_part NULL or "" disarms. */
void db_fault_after_rows(struct db *db, const char *sql_part,
                         int64_t rows);

/* Step: DB_ROW, DB_DONE, or a negative value with err set (a constraint
** violation is APP_ECONFLICT, anything else APP_EDB). */
int db_step(struct db_stmt *st, struct err *e);

/* Step an "INSERT ... RETURNING id": *id is the new row's id, or 0 when
** the statement inserted no row.  Returns APP_OK or the failure's code. */
int db_step_id(struct db_stmt *st, int64_t *id, struct err *e);

/* Column accessors, 0-based, for the current row.  NULL reads as 0, 0.0
** or NULL text; a PostgreSQL boolean reads as 0 or 1. */
bool db_column_is_null(struct db_stmt *st, int col);
int64_t db_column_int64(struct db_stmt *st, int col);
double db_column_double(struct db_stmt *st, int col);
const char *db_column_text(struct db_stmt *st, int col);
const void *db_column_blob(struct db_stmt *st, int col, size_t *n);
/* A copy of a text column (NULL for NULL); caller frees with xfree(). */
char *db_column_dup(struct db_stmt *st, int col);
/* Columns of the result, a column's name and the kind of its value in the
** current row (valid once db_step() returned DB_ROW). */
int db_column_count(struct db_stmt *st);
const char *db_column_name(struct db_stmt *st, int col);
enum db_type db_column_type(struct db_stmt *st, int col);

/* Reset for re-execution with new bindings. */
void db_reset(struct db_stmt *st);

/* Free a statement; NULL is allowed. */
void db_finalize(struct db_stmt *st);

/* Run SQL that returns no rows and takes no parameters (schema, pragmas). */
int db_exec(struct db *db, const char *sql, struct err *e);

/* Transactions (nesting counted, see above).  db_begin_write() takes the
** write lock at once, so writers are serialized: SQLite's BEGIN IMMEDIATE;
** on PostgreSQL a transaction-scoped advisory lock that every hccstudy
** server sharing the database takes. */
int db_begin_write(struct db *db, struct err *e);
/* A read-only transaction that sees one consistent snapshot for all its
** statements (SQLite: a deferred transaction; PostgreSQL: REPEATABLE READ
** READ ONLY).  Ended with db_commit() or db_rollback(); not nestable. */
int db_begin_read(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* Whether a transaction is open on this connection. */
bool db_in_transaction(const struct db *db);

/* A number that stays the same exactly as long as this connection's
** write transaction has seen only its own changes, all of them kept: it
** changes when a transaction begins or ends and at every rollback (a
** savepoint's too), and no two connections ever share a value.  Lets a
** caller keep what it just wrote (the audit trail's last entry) instead
** of reading it back. */
uint64_t db_write_epoch(const struct db *db);

/* Rows changed by the last statement. */
int64_t db_changes(struct db *db);

/* Write a consistent copy of a SQLite database to the file dest while it
** stays in use (the online backup API).  Other engines answer APP_EINVAL:
** store_backup() copies them table by table instead. */
int db_backup(struct db *db, const char *dest, struct err *e);

/* One pointer the layer above may keep with a connection (the store keeps
** its parsed-record cache there), freed with free_fn at db_close. */
void *db_app_data(const struct db *db);
void db_set_app_data(struct db *db, void *data, void (*free_fn)(void *));

/* Statements currently prepared and not finalized (tests assert 0). */
int db_open_statements(const struct db *db);

/* The backend's name: "sqlite" or "postgres". */
const char *db_backend_name(const struct db *db);

/* After rows were copied in with their own ids (store_copy): let new rows
** get ids above them (PostgreSQL moves its identity sequences). */
int db_after_copy(struct db *db, struct err *e);

#endif
