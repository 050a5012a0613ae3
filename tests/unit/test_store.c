/*
** test_store.c: the database layer, study creation, users, login throttle
** and the tamper-evident audit trail.
*/
#include "harness.h"

#include "db_harness.h"

#include "db/db.h"
#include "store/audit.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[512];


static void test_db_layer(struct db *db) {
  struct db_stmt *st = NULL;
  struct err e;
  int v = 0;
  err_clear(&e);
  CHECK(db_schema_version(db, &v, &e) == APP_OK);
  CHECK_INT_EQ(v, db_latest_schema_version());
  CHECK(v >= 3);
  /* $N placeholders bind by name even when they appear out of order. */
  CHECK(db_prepare(db, "SELECT $2 || $1", &st, &e) == APP_OK);
  db_bind_text(st, 1, "a");
  db_bind_text(st, 2, "b");
  CHECK_INT_EQ(db_step(st, &e), DB_ROW);
  CHECK_STR_EQ(db_column_text(st, 0), "ba");
  CHECK_INT_EQ(db_bind_text(st, 3, "x"), APP_EINTERNAL);
  db_finalize(st);
  /* A nested rollback undoes only its own level (a savepoint). */
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "CREATE TABLE t(x INTEGER)", &e) == APP_OK);
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == APP_OK);
  db_rollback(db);
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO t VALUES (2)", &e) == APP_OK);
  CHECK(db_commit(db, &e) == APP_OK);
  CHECK(db_commit(db, &e) == APP_OK);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM t"), 1);
  CHECK_INT_EQ(db_count(db, "SELECT SUM(x) FROM t"), 2);
  /* An outer rollback undoes everything, committed inner levels too. */
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO t VALUES (3)", &e) == APP_OK);
  CHECK(db_commit(db, &e) == APP_OK);
  db_rollback(db);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM t"), 1);
  /* A failed statement inside a level (on PostgreSQL it aborts the
  ** transaction) is undone by that level's rollback; the work around it
  ** stays.  Savepoints are sent lazily (db.c): this checks the order. */
  CHECK(db_exec(db, "CREATE TABLE u(k INTEGER PRIMARY KEY)", &e) == APP_OK);
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO u VALUES (1)", &e) == APP_OK);
  CHECK(db_begin_write(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO u VALUES (1)", &e) == APP_ECONFLICT);
  db_rollback(db);
  err_clear(&e);
  CHECK(db_begin_write(db, &e) == APP_OK); /* an empty level */
  CHECK(db_commit(db, &e) == APP_OK);
  CHECK(db_exec(db, "INSERT INTO u VALUES (2)", &e) == APP_OK);
  CHECK(db_commit(db, &e) == APP_OK);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM u"), 2);
  /* Deeper than the savepoints db.c remembers: 20 levels, each with a row,
  ** the odd ones rolled back on the way out. */
  {
    int level;
    char sql[64];
    CHECK(db_begin_write(db, &e) == APP_OK);
    for (level = 1; level <= 20; level++) {
      CHECK(db_begin_write(db, &e) == APP_OK);
      snprintf(sql, sizeof(sql), "INSERT INTO u VALUES (%d)", 100 + level);
      if (level % 5 == 0) { /* some levels write, the others stay empty */
        CHECK(db_exec(db, sql, &e) == APP_OK);
      }
    }
    for (level = 20; level >= 1; level--) {
      if (level == 15) {
        db_rollback(db); /* undoes the rows of levels 15 and 20 */
      } else {
        CHECK(db_commit(db, &e) == APP_OK);
      }
    }
    CHECK(db_commit(db, &e) == APP_OK);
    CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM u WHERE k > 100"), 2);
    CHECK_INT_EQ(db_count(db, "SELECT SUM(k) FROM u WHERE k > 100"),
                 105 + 110);
  }
  CHECK(db_exec(db, "DROP TABLE u", &e) == APP_OK);
  CHECK(db_exec(db, "DROP TABLE t", &e) == APP_OK);
  /* Migrating again changes nothing. */
  CHECK(db_migrate(db, &e) == APP_OK);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM schema_migrations"),
               db_latest_schema_version());
}

static void test_users(struct db *db) {
  struct actor admin, coord, nobody;
  struct err e;
  int64_t id = 0;
  int i;
  err_clear(&e);
  CHECK(store_login(db, "admin", "a-long-enough-password", &admin, &e) ==
        APP_OK);
  CHECK_INT_EQ(admin.role, ROLE_ADMIN);
  CHECK(store_site_add(db, &admin, "TJH", "Tongji Hospital", &id, &e) ==
        APP_OK);
  CHECK(store_site_add(db, &admin, "TJH", "again", &id, &e) ==
        APP_ECONFLICT);
  CHECK(strstr(e.msg, "TJH") != NULL);
  err_clear(&e);
  CHECK(store_site_add(db, &admin, "bad code!", "x", &id, &e) == APP_EINVAL);
  err_clear(&e);
  CHECK(store_user_add(db, &admin, "coord1", "coordinator", "TJH",
                       "coordinator-password", &e) == APP_OK);
  CHECK(store_user_add(db, &admin, "coord2", "coordinator", NULL,
                       "coordinator-password", &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "site") != NULL);
  err_clear(&e);
  CHECK(store_user_add(db, &admin, "x", "nurse", NULL, "password-long-x",
                       &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "role") != NULL);
  err_clear(&e);
  CHECK(store_user_add(db, &admin, "y", "monitor", NULL, "short", &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "password") != NULL);
  err_clear(&e);
  CHECK(store_user_add(db, &admin, "z", "monitor", "NOPE",
                       "monitor-password-1", &e) == APP_ENOTFOUND);
  err_clear(&e);
  CHECK(store_login(db, "coord1", "coordinator-password", &coord, &e) ==
        APP_OK);
  CHECK_INT_EQ(coord.role, ROLE_COORDINATOR);
  CHECK_STR_EQ(coord.site_code, "TJH");
  /* Only an admin manages sites and users. */
  CHECK(store_site_add(db, &coord, "XYZ", "x", &id, &e) == APP_EPERM);
  CHECK(strstr(e.msg, "permission denied") != NULL);
  err_clear(&e);
  CHECK(store_user_add(db, &coord, "w", "monitor", NULL,
                       "monitor-password-1", &e) == APP_EPERM);
  err_clear(&e);
  /* Unknown user and wrong password give the same message. */
  CHECK(store_login(db, "ghost", "whatever-password", &nobody, &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "invalid username or password") != NULL);
  err_clear(&e);
  /* Failures throttle, they do not deactivate: STORE_LOGIN_FREE_USER
  ** failures in a row are free, the next attempt must wait 1 s (refused
  ** unchecked before, APP_ETHROTTLED, even with the right password), and
  ** once the delay has passed the right password logs in and clears the
  ** count.  An unknown username is throttled the same way. */
  for (i = 0; i < STORE_LOGIN_FREE_USER; i++) {
    CHECK(store_login(db, "coord1", "wrong-password-xx", &nobody, &e) ==
          APP_EINVAL);
    err_clear(&e);
  }
  CHECK(store_login(db, "coord1", "coordinator-password", &coord, &e) ==
        APP_ETHROTTLED);
  CHECK(strstr(e.msg, "try again in") != NULL);
  err_clear(&e);
  for (i = 0; i < STORE_LOGIN_FREE_USER; i++) {
    CHECK(store_login(db, "ghost2", "whatever-password", &nobody, &e) ==
          APP_EINVAL);
    err_clear(&e);
  }
  CHECK(store_login(db, "ghost2", "whatever-password", &nobody, &e) ==
        APP_ETHROTTLED);
  err_clear(&e);
  setenv("HCCSTUDY_FAKE_EPOCH_OFFSET", "2", 1); /* 2 s later */
  CHECK(store_login(db, "coord1", "coordinator-password", &coord, &e) ==
        APP_OK);
  err_clear(&e);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM login_throttle WHERE key "
                            "= 'u:coord1'"), 0);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM app_user WHERE username "
                            "= 'coord1' AND is_active = 1"), 1);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                            "'login_failed'"), 7);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                            "'login_throttled'"), 2);
  /* The delays: free, then doubling, capped. */
  CHECK_INT_EQ((int)store_login_delay(3, 3), 1);
  CHECK_INT_EQ((int)store_login_delay(2, 3), 0);
  CHECK_INT_EQ((int)store_login_delay(5, 3), 4);
  CHECK_INT_EQ((int)store_login_delay(40, 3), STORE_LOGIN_MAX_DELAY);
  CHECK_INT_EQ((int)store_login_delay(12, 3), 512);
  CHECK_INT_EQ((int)store_login_delay(13, 3), STORE_LOGIN_MAX_DELAY);
}

static void test_audit(struct db *db) {
  struct audit_check chk;
  struct err e;
  int64_t n;
  err_clear(&e);
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  n = db_count(db, "SELECT COUNT(*) FROM audit");
  CHECK(n > 10);
  CHECK_INT_EQ(chk.first_bad, 0);
  CHECK_INT_EQ(chk.n_checked, n);
  /* The database refuses UPDATE and DELETE. */
  CHECK(db_exec(db, "UPDATE audit SET actor = 'x' WHERE seq = 3", &e) !=
        APP_OK);
  CHECK(strstr(e.msg, "append-only") != NULL);
  err_clear(&e);
  CHECK(db_exec(db, "DELETE FROM audit WHERE seq = 3", &e) != APP_OK);
  err_clear(&e);
  /* Someone with file access drops the triggers and edits entry 4. */
  CHECK(db_exec(db, strcmp(db_backend_name(db), "postgres") == 0
                        ? "DROP TRIGGER audit_no_update ON audit; DROP "
                          "TRIGGER audit_no_delete ON audit"
                        : "DROP TRIGGER audit_no_update; DROP TRIGGER "
                          "audit_no_delete",
                &e) == APP_OK);
  CHECK(db_exec(db, "CREATE TEMP TABLE kept AS SELECT new_value FROM audit "
                    "WHERE seq = 4", &e) == APP_OK);
  CHECK(db_exec(db, "UPDATE audit SET new_value = 'TJX' WHERE seq = 4", &e)
        == APP_OK);
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK_INT_EQ(chk.first_bad, 4);
  CHECK_INT_EQ(chk.n_checked, 3);
  CHECK(strstr(chk.why, "altered") != NULL);
  /* Recomputing that row's own hash does not help: the next one breaks. */
  CHECK(db_exec(db, "UPDATE audit SET new_value = (SELECT new_value FROM "
                    "kept) WHERE seq = 4", &e) == APP_OK);
  CHECK(db_exec(db, "DELETE FROM audit WHERE seq = 6", &e) == APP_OK);
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK_INT_EQ(chk.first_bad, 6);
  CHECK(strstr(chk.why, "missing") != NULL);
}

int main(void) {
  struct db *db = NULL;
  struct protocol p;
  size_t plen;
  struct err e;
  err_clear(&e);
  if (harness_db_url("store", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (protocol_default(&p, &e) != APP_OK || db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "setup: %s\n", e.msg);
    return 1;
  }
  CHECK(store_init(db, &p, protocol_default_text(&plen), "admin", "a-long-enough-password", &e) ==
        APP_OK);
  CHECK(store_init(db, &p, protocol_default_text(&plen), "admin2", "a-long-enough-password", &e) ==
        APP_ECONFLICT);
  err_clear(&e);
  test_db_layer(db);
  test_users(db);
  test_audit(db);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
