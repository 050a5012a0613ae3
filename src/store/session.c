/*
** session.c: database-backed web sessions (see session.h).
*/
#include "session.h"

#include "../core/clock.h"
#include "audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void random_hex(char out[SESSION_TOKEN_LEN]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof(raw));
  sodium_bin2hex(out, SESSION_TOKEN_LEN, raw, sizeof(raw));
}

static void token_hash(const char *token, char out[SESSION_TOKEN_LEN]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
  sodium_bin2hex(out, SESSION_TOKEN_LEN, h, sizeof(h));
}

/* Seconds since the epoch; HCCSTUDY_FAKE_EPOCH_OFFSET shifts it in tests of
** the limits. */
static int64_t now_epoch(void) {
  const char *off = getenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  int64_t t = (int64_t)time(NULL);
  if (off != NULL) {
    t += strtoll(off, NULL, 10);
  }
  return t;
}

int session_create(struct db *db, const char *username, const char *password,
                   const char *client, struct actor *a,
                   char token[SESSION_TOKEN_LEN],
                   char csrf[SESSION_TOKEN_LEN], struct err *e) {
  struct db_stmt *st = NULL;
  char hash[SESSION_TOKEN_LEN], now[CLOCK_STR_LEN];
  int64_t t = now_epoch();
  int rc = store_login_from(db, username, password, client, a, e);
  if (rc != APP_OK) {
    return rc;
  }
  random_hex(token);
  random_hex(csrf);
  token_hash(token, hash);
  clock_now_utc(now);
  rc = db_prepare(db, "INSERT INTO session(token_sha256, user_id, csrf, "
                      "created_utc, last_seen_utc, created_epoch, "
                      "last_seen_epoch) VALUES ($1, $2, $3, $4, $4, $5, $5)",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, hash);
  db_bind_int64(st, 2, a->user_id);
  db_bind_text(st, 3, csrf);
  db_bind_text(st, 4, now);
  db_bind_int64(st, 5, t);
  rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
  db_finalize(st);
  return rc;
}

int session_check(struct db *db, const char *token, struct actor *a,
                  char csrf[SESSION_TOKEN_LEN], struct err *e) {
  struct db_stmt *st = NULL;
  char hash[SESSION_TOKEN_LEN];
  int64_t t = now_epoch(), created = 0, seen = 0;
  int rc, found = 0, active = 0;
  if (token == NULL || strlen(token) != SESSION_TOKEN_LEN - 1) {
    return ERR_SET(e, APP_ENOTFOUND, "session: not logged in");
  }
  token_hash(token, hash);
  rc = db_prepare(db,
                  "SELECT s.created_epoch, s.last_seen_epoch, s.csrf, u.id, "
                  "u.username, u.role, COALESCE(u.site_id, 0), "
                  "COALESCE(si.code, ''), u.is_active FROM session s JOIN "
                  "app_user u ON u.id = s.user_id LEFT JOIN site si ON "
                  "si.id = u.site_id WHERE s.token_sha256 = $1",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, hash);
  rc = db_step(st, e);
  if (rc < 0) {
    db_finalize(st);
    return APP_EDB; /* the database failed: not "logged out" */
  }
  if (rc == DB_ROW) {
    found = 1;
    created = db_column_int64(st, 0);
    seen = db_column_int64(st, 1);
    snprintf(csrf, SESSION_TOKEN_LEN, "%s", db_column_text(st, 2));
    memset(a, 0, sizeof(*a));
    a->user_id = db_column_int64(st, 3);
    snprintf(a->username, sizeof(a->username), "%s", db_column_text(st, 4));
    a->role = (enum role)role_parse(db_column_text(st, 5));
    a->site_id = db_column_int64(st, 6);
    snprintf(a->site_code, sizeof(a->site_code), "%s",
             db_column_text(st, 7));
    active = (int)db_column_int64(st, 8);
  }
  db_finalize(st);
  if (!found) {
    return ERR_SET(e, APP_ENOTFOUND, "session: not logged in");
  }
  if (!active || t - seen > SESSION_IDLE_SECONDS ||
      t - created > SESSION_ABSOLUTE_SECONDS) {
    rc = db_prepare(db, "DELETE FROM session WHERE token_sha256 = $1", &st,
                    e);
    if (rc == APP_OK) {
      db_bind_text(st, 1, hash);
      db_step(st, e);
      db_finalize(st);
    }
    return ERR_SET(e, APP_ENOTFOUND, "session: expired; log in again");
  }
  /* Refresh the idle clock at most once a minute (fewer writes). */
  if (t - seen >= 60) {
    rc = db_prepare(db, "UPDATE session SET last_seen_epoch = $1 WHERE "
                        "token_sha256 = $2", &st, e);
    if (rc == APP_OK) {
      db_bind_int64(st, 1, t);
      db_bind_text(st, 2, hash);
      db_step(st, e);
      db_finalize(st);
    }
  }
  return APP_OK;
}

int session_end(struct db *db, const char *token, const struct actor *a,
                struct err *e) {
  struct db_stmt *st = NULL;
  struct audit_entry en = {0};
  char hash[SESSION_TOKEN_LEN];
  int rc;
  token_hash(token ? token : "", hash);
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_prepare(db, "DELETE FROM session WHERE token_sha256 = $1", &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, hash);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  en.action = "logout";
  en.entity = "app_user";
  en.field = "username";
  en.new_value = a->username;
  if (rc == APP_OK) {
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}
