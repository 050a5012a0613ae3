/*
** test_session.c: web sessions: creation, CSRF token, idle limit (30
** minutes), absolute limit (12 hours), logout, deactivated users.
*/
#include "harness.h"
#include "db_harness.h"

#include "db/db.h"
#include "store/session.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct db *db;

/* Check token at a clock offset (seconds from now). */
static int check_at(const char *token, long offset) {
  char off[32], csrf[SESSION_TOKEN_LEN];
  struct actor a;
  struct err e;
  err_clear(&e);
  snprintf(off, sizeof(off), "%ld", offset);
  setenv("HCCSTUDY_FAKE_EPOCH_OFFSET", off, 1);
  return session_check(db, token, &a, csrf, &e);
}

int main(void) {
  char path[512], token[SESSION_TOKEN_LEN], csrf[SESSION_TOKEN_LEN];
  char csrf2[SESSION_TOKEN_LEN];
  struct protocol p;
  struct actor admin, a;
  struct err e;
  size_t plen;
  int64_t id;
  static const char *const pw = "test-password-123";
  err_clear(&e);
  if (harness_db_url("session", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  CHECK(db_open(path, &db, &e) == APP_OK);
  CHECK(protocol_default(&p, &e) == APP_OK);
  CHECK(store_init(db, &p, protocol_default_text(&plen), "admin", pw, &e) ==
        APP_OK);
  CHECK(store_login(db, "admin", pw, &admin, &e) == APP_OK);
  CHECK(store_site_add(db, &admin, "SA", "A", &id, &e) == APP_OK);
  CHECK(store_user_add(db, &admin, "ca", "coordinator", "SA", pw, &e) ==
        APP_OK);
  /* A session: 64 hex token, its own CSRF token, the user's site. */
  CHECK(session_create(db, "ca", pw, NULL, &a, token, csrf, &e) == APP_OK);
  CHECK_INT_EQ(strlen(token), 64);
  CHECK_INT_EQ(strlen(csrf), 64);
  CHECK(strcmp(token, csrf) != 0);
  CHECK(check_at(token, 0) == APP_OK);
  CHECK(session_check(db, token, &a, csrf2, &e) == APP_OK);
  CHECK_STR_EQ(csrf2, csrf);
  CHECK_STR_EQ(a.site_code, "SA");
  CHECK(check_at("0123", 0) == APP_ENOTFOUND);
  /* Idle: 29 minutes is fine and refreshes the idle clock ... */
  CHECK(check_at(token, 29 * 60) == APP_OK);
  /* ... so 29 more minutes are fine too, but 31 idle minutes are not. */
  CHECK(check_at(token, 58 * 60) == APP_OK);
  CHECK(check_at(token, 58 * 60 + 31 * 60) == APP_ENOTFOUND);
  /* An expired session is gone for good. */
  CHECK(check_at(token, 60) == APP_ENOTFOUND);
  /* Absolute: even an active session ends after 12 hours. */
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  CHECK(session_create(db, "ca", pw, NULL, &a, token, csrf, &e) == APP_OK);
  {
    long t;
    int ok = 1;
    for (t = 20 * 60; t < 12 * 3600; t += 20 * 60) {
      ok = ok && check_at(token, t) == APP_OK;
    }
    CHECK(ok);
    CHECK(check_at(token, 12 * 3600 + 60) == APP_ENOTFOUND);
  }
  /* Logout ends a session. */
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  CHECK(session_create(db, "ca", pw, NULL, &a, token, csrf, &e) == APP_OK);
  CHECK(session_end(db, token, &a, &e) == APP_OK);
  CHECK(check_at(token, 0) == APP_ENOTFOUND);
  /* Deactivating a user ends its sessions at the next request. */
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  CHECK(session_create(db, "ca", pw, NULL, &a, token, csrf, &e) == APP_OK);
  CHECK(store_user_update(db, &admin, "ca", NULL, NULL, 0, NULL, &e) ==
        APP_OK);
  CHECK(check_at(token, 0) == APP_ENOTFOUND);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
