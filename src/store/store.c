/*
** store.c: study creation, sites, users and login (see store.h).
**
** Passwords are hashed with argon2id (libsodium crypto_pwhash_str,
** "interactive" limits: 64 MiB, 2 passes), never stored or logged in clear.
** Each write and its audit entries share one transaction.
*/
#include "store.h"
#include "seal.h"

#include "../core/clock.h"
#include "../core/mem.h"
#include "audit.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int store_sodium(struct err *e) {
  if (sodium_init() < 0) {
    return ERR_SET(e, APP_EINTERNAL, "libsodium failed to initialise");
  }
  return APP_OK;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES],
                         struct err *e) {
  if (store_sodium(e) != APP_OK) {
    return APP_EINTERNAL;
  }
  if (crypto_pwhash_str(out, pw, strlen(pw),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return ERR_SET(e, APP_EINTERNAL, "password hashing ran out of memory");
  }
  return APP_OK;
}

static int check_password_rules(const char *pw, struct err *e) {
  if (pw == NULL || strlen(pw) < STORE_MIN_PASSWORD) {
    return ERR_FIELD(e, APP_EINVAL, "password",
                     "password: at least %d characters are "
                     "required",
                     STORE_MIN_PASSWORD);
  }
  if (strlen(pw) > 128) {
    return ERR_FIELD(e, APP_EINVAL, "password",
                     "password: at most 128 characters");
  }
  return APP_OK;
}

static int check_name(const char *what, const char *s, size_t max,
                      struct err *e) {
  size_t i;
  if (s == NULL || s[0] == '\0' || strlen(s) > max) {
    return ERR_FIELD(e, APP_EINVAL, what,
                     "%s: 1 to %zu characters are required", what, max);
  }
  for (i = 0; s[i]; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
      return ERR_FIELD(e, APP_EINVAL, what,
                       "%s: only letters, digits, '_', '-' and "
                       "'.' are allowed",
                       what);
    }
  }
  return APP_OK;
}

static int insert_user(struct db *db, const char *username, enum role r,
                       int64_t site_id, const char *pw_hash, int64_t *id,
                       struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN];
  int rc;
  clock_now_utc(now);
  rc = db_prepare(db, "INSERT INTO app_user(username, role, site_id, "
                      "pw_hash, created_utc) VALUES ($1, $2, $3, $4, $5) "
                      "RETURNING id",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, username);
  db_bind_text(st, 2, role_name(r));
  if (site_id > 0) {
    db_bind_int64(st, 3, site_id);
  } else {
    db_bind_null(st, 3);
  }
  db_bind_text(st, 4, pw_hash);
  db_bind_text(st, 5, now);
  rc = db_step_id(st, id, e);
  db_finalize(st);
  if (rc != APP_OK) {
    if (e->code == APP_ECONFLICT) {
      e->code = APP_OK;
      e->msg[0] = '\0';
      return ERR_FIELD(e, APP_ECONFLICT, "username",
                       "username: \"%s\" already exists", username);
    }
    return APP_EDB;
  }
  return APP_OK;
}

int store_init(struct db *db, const struct protocol *p,
               const char *protocol_json, const char *admin_username,
               const char *admin_password, struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN];
  char pw_hash[crypto_pwhash_STRBYTES];
  char idtext[32];
  int64_t uid = 0;
  int rc;
  struct audit_entry en = {0};

  if (check_name("username", admin_username, 63, e) != APP_OK ||
      check_password_rules(admin_password, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (db_migrate(db, e) != APP_OK) {
    return APP_EDB;
  }
  if (hash_password(admin_password, pw_hash, e) != APP_OK) {
    return APP_EINTERNAL;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = db_prepare(db, "INSERT INTO study(id, nct_id, study_id, "
                      "protocol_json, created_utc) VALUES (1, $1, $2, $3, "
                      "$4)", &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, p->nct_id);
    db_bind_text(st, 2, p->study_id);
    db_bind_text(st, 3, protocol_json);
    db_bind_text(st, 4, now);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
    if (rc != APP_OK && e->code == APP_ECONFLICT) {
      e->code = APP_OK;
      e->msg[0] = '\0';
      rc = ERR_FIELD(e, APP_ECONFLICT, "--db",
                     "--db: this database already holds a "
                     "study");
    }
  }
  en.action = "create";
  en.entity = "study";
  en.entity_id = p->study_id;
  en.new_value = p->nct_id;
  en.reason = "study created";
  if (rc == APP_OK) {
    rc = audit_append(db, NULL, &en, e);
  }
  if (rc == APP_OK) {
    rc = insert_user(db, admin_username, ROLE_ADMIN, 0, pw_hash, &uid, e);
  }
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, uid);
    memset(&en, 0, sizeof(en));
    en.action = "create";
    en.entity = "app_user";
    en.entity_id = idtext;
    en.field = "username";
    en.new_value = admin_username;
    en.reason = "initial administrator";
    rc = audit_append(db, NULL, &en, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, NULL, SEAL_STUDY, 1, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, NULL, SEAL_APP_USER, uid, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* Look up a user by name: id, role, site, hash, active, failures. */
static int find_user(struct db *db, const char *username, struct actor *a,
                     char pw_hash[crypto_pwhash_STRBYTES], int *active,
                     int *failed, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db,
                      "SELECT u.id, u.role, COALESCE(u.site_id, 0), "
                      "COALESCE(s.code, ''), u.pw_hash, u.is_active, "
                      "u.failed_logins FROM app_user u LEFT JOIN site s ON "
                      "s.id = u.site_id WHERE u.username = $1",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, username);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    memset(a, 0, sizeof(*a));
    a->user_id = db_column_int64(st, 0);
    snprintf(a->username, sizeof(a->username), "%s", username);
    a->role = (enum role)role_parse(db_column_text(st, 1));
    a->site_id = db_column_int64(st, 2);
    snprintf(a->site_code, sizeof(a->site_code), "%s",
             db_column_text(st, 3));
    snprintf(pw_hash, crypto_pwhash_STRBYTES, "%s", db_column_text(st, 4));
    *active = (int)db_column_int64(st, 5);
    *failed = (int)db_column_int64(st, 6);
    rc = APP_OK;
  } else if (rc == DB_DONE) {
    rc = APP_ENOTFOUND;
  } else {
    rc = APP_EDB;
  }
  db_finalize(st);
  return rc;
}

/* A hash of a password nobody has, made once with the same parameters as
** every account's: checked when the username is unknown or inactive, so
** that every failed login costs one argon2id verification. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static int dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void) {
  unsigned char pw[24];
  randombytes_buf(pw, sizeof(pw));
  dummy_ok = crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw),
                               crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

/* Now (Unix time in milliseconds: a delay of 1 s is 1 s, not what is
** left of the current second), shifted by HCCSTUDY_FAKE_EPOCH_OFFSET
** seconds in tests, as the sessions' clock is. */
static int64_t login_now_ms(void) {
  const char *off = getenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
         (off != NULL ? strtoll(off, NULL, 10) * 1000 : 0);
}

int64_t store_login_delay(int failures, int free_failures) {
  int k = failures - free_failures;
  if (k < 0) {
    return 0;
  }
  return k >= 10 ? STORE_LOGIN_MAX_DELAY
                 : ((int64_t)1 << k) < STORE_LOGIN_MAX_DELAY
                       ? ((int64_t)1 << k)
                       : STORE_LOGIN_MAX_DELAY;
}

/* The milliseconds key must still wait (0: none), and its failures in a
** row (failures older than STORE_LOGIN_FORGET seconds are forgotten). */
static int throttle_get(struct db *db, const char *key, int free_failures,
                        int64_t now, int64_t *wait, int *failures,
                        struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT failures, last_failed_ms FROM "
                          "login_throttle WHERE key = $1", &st, e);
  *wait = 0;
  *failures = 0;
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, key);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    int64_t last = db_column_int64(st, 1);
    *failures = (int)db_column_int64(st, 0);
    if (now - last > STORE_LOGIN_FORGET * 1000) {
      *failures = 0;
    } else {
      int64_t until =
          last + 1000 * store_login_delay(*failures, free_failures);
      *wait = until > now ? until - now : 0;
    }
  }
  db_finalize(st);
  return rc < 0 ? APP_EDB : APP_OK;
}

/* Record one more failure of key (failures: its count before). */
static int throttle_fail(struct db *db, const char *key, int failures,
                         int64_t now, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "INSERT INTO login_throttle(key, failures, "
                          "last_failed_ms) VALUES ($1, $2, $3) ON "
                          "CONFLICT (key) DO UPDATE SET failures = $2, "
                          "last_failed_ms = $3", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, key);
  db_bind_int64(st, 2, failures + 1);
  db_bind_int64(st, 3, now);
  rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
  db_finalize(st);
  return rc;
}

static int throttle_clear(struct db *db, const char *key, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "DELETE FROM login_throttle WHERE key = $1", &st,
                      e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, key);
  rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
  db_finalize(st);
  return rc;
}

/* Look up username and, when verify, check password against its hash (or
** the dummy hash, so that an unknown or inactive account costs the same):
** *known, *active, and whether the password is the account's. */
static int check_password(struct db *db, const char *username,
                          const char *password, bool verify, struct actor *a,
                          bool *known, int *active, bool *verified,
                          struct err *e) {
  char pw_hash[crypto_pwhash_STRBYTES];
  int failed = 0;
  int rc = find_user(db, username, a, pw_hash, active, &failed, e);
  if (rc == APP_EDB) {
    return rc;
  }
  *known = rc == APP_OK;
  *verified = verify &&
              crypto_pwhash_str_verify(*known && *active ? pw_hash
                                                         : dummy_hash,
                                       password, strlen(password)) == 0;
  sodium_memzero(pw_hash, sizeof(pw_hash));
  return APP_OK;
}

int store_login(struct db *db, const char *username, const char *password,
                struct actor *out, struct err *e) {
  return store_login_from(db, username, password, NULL, out, e);
}

int store_authenticate(struct db *db, const char *username,
                       const char *password, struct actor *out,
                       struct err *e) {
  int active = 0, rc;
  bool known = false, verified = false;
  struct actor a;
  if (store_sodium(e) != APP_OK) {
    return APP_EINTERNAL;
  }
  pthread_once(&dummy_once, dummy_make);
  if (!dummy_ok) {
    return ERR_SET(e, APP_EINTERNAL, "password hashing ran out of memory");
  }
  rc = check_password(db, username ? username : "", password ? password : "",
                      true, &a, &known, &active, &verified, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (!(known && active && verified)) {
    return ERR_SET(e, APP_EINVAL, "invalid username or password (or the "
                   "account is inactive)");
  }
  *out = a;
  return APP_OK;
}

int store_login_from(struct db *db, const char *username,
                     const char *password, const char *client,
                     struct actor *out, struct err *e) {
  char idtext[32], ukey[128], akey[96], why[128];
  int active = 0, ufail = 0, afail = 0;
  int64_t now = login_now_ms(), uwait = 0, await = 0, wait, wait_s;
  bool known, verified, ok;
  int rc;
  struct db_stmt *st = NULL;
  struct audit_entry en = {0};
  struct actor a;

  if (store_sodium(e) != APP_OK) {
    return APP_EINTERNAL;
  }
  pthread_once(&dummy_once, dummy_make);
  if (!dummy_ok) {
    return ERR_SET(e, APP_EINTERNAL, "password hashing ran out of memory");
  }
  username = username ? username : "";
  password = password ? password : "";
  snprintf(ukey, sizeof(ukey), "u:%.120s", username);
  snprintf(akey, sizeof(akey), "a:%.90s", client ? client : "");
  rc = throttle_get(db, ukey, STORE_LOGIN_FREE_USER, now, &uwait, &ufail, e);
  if (rc == APP_OK && client != NULL && client[0] != '\0') {
    rc = throttle_get(db, akey, STORE_LOGIN_FREE_CLIENT, now, &await,
                      &afail, e);
  }
  if (rc != APP_OK) {
    return APP_EDB;
  }
  wait = uwait > await ? uwait : await;
  wait_s = (wait + 999) / 1000; /* for messages: whole seconds, rounded up */
  /* Throttled attempts are refused without looking at the password (so
  ** that guessing gains nothing); the others always cost one argon2id
  ** verification, against a dummy hash when the username is unknown or
  ** the account inactive, so that their time tells nothing either. */
  rc = check_password(db, username, password, wait == 0, &a, &known, &active,
                      &verified, e);
  if (rc != APP_OK) {
    return rc;
  }
  ok = wait == 0 && known && active && verified;
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  en.entity = "app_user";
  en.action = ok ? "login" : wait > 0 ? "login_throttled" : "login_failed";
  en.field = "username";
  en.new_value = username;
  if (wait > 0) {
    snprintf(why, sizeof(why), "%s: try again in %" PRId64 " s",
             uwait >= await ? "failed logins for this username"
                            : "failed logins from this address",
             wait_s);
    en.reason = why;
  } else if (!known) {
    en.reason = "unknown username";
  } else if (!active) {
    en.reason = "inactive account";
  }
  rc = APP_OK;
  if (known && wait == 0) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, a.user_id);
    en.entity_id = idtext;
    rc = db_prepare(db,
                    ok ? "UPDATE app_user SET failed_logins = 0 WHERE id = $1"
                       : "UPDATE app_user SET failed_logins = failed_logins "
                         "+ 1 WHERE id = $1",
                    &st, e);
    if (rc == APP_OK) {
      db_bind_int64(st, 1, a.user_id);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
    }
  } else if (known) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, a.user_id);
    en.entity_id = idtext;
  }
  if (rc == APP_OK && wait == 0 && !ok) {
    rc = throttle_fail(db, ukey, ufail, now, e);
    if (rc == APP_OK && client != NULL && client[0] != '\0') {
      rc = throttle_fail(db, akey, afail, now, e);
    }
  } else if (rc == APP_OK && ok && ufail > 0) {
    rc = throttle_clear(db, ukey, e);
  }
  if (rc == APP_OK) {
    rc = access_audit(db, ok ? &a : NULL, &en, 1, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  if (db_commit(db, e) != APP_OK) {
    return APP_EDB;
  }
  if (wait > 0) {
    return ERR_SET(e, APP_ETHROTTLED, "too many failed logins: try again "
                   "in %" PRId64 " s", wait_s);
  }
  if (!ok) {
    return ERR_SET(e, APP_EINVAL, "invalid username or password (or the "
                   "account is inactive)");
  }
  *out = a;
  return APP_OK;
}

int store_site_add(struct db *db, const struct actor *a, const char *code,
                   const char *name, int64_t *id, struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN];
  char idtext[32];
  struct audit_entry en = {0};
  int rc;
  if (access_require(db, a, ACCESS_ADMIN, "site add", e) != APP_OK ||
      check_name("site code", code, 15, e) != APP_OK) {
    return e->code;
  }
  if (name == NULL || name[0] == '\0' || strlen(name) > 200) {
    return ERR_SET(e, APP_EINVAL, "site name: 1 to 200 characters are "
                   "required");
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = db_prepare(db, "INSERT INTO site(code, name, created_utc) VALUES "
                      "($1, $2, $3) RETURNING id", &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, code);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, now);
    rc = db_step_id(st, id, e);
    db_finalize(st);
    if (rc == APP_ECONFLICT) {
      e->code = APP_OK;
      e->msg[0] = '\0';
      ERR_SET(e, APP_ECONFLICT, "site code: \"%s\" already exists", code);
    }
  }
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, *id);
    en.action = "create";
    en.entity = "site";
    en.entity_id = idtext;
    en.field = "code";
    en.new_value = code;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    en.field = "name";
    en.new_value = name;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_SITE, *id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* The id of the one row sql ("SELECT id ... WHERE key = $1") finds for
** key: APP_OK, APP_ENOTFOUND (e untouched: the caller words it) or
** APP_EDB. */
static int lookup_id(struct db *db, const char *sql, const char *key,
                     int64_t *id, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, key);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *id = db_column_int64(st, 0);
  }
  db_finalize(st);
  return rc == DB_ROW ? APP_OK : rc == DB_DONE ? APP_ENOTFOUND : APP_EDB;
}

int store_site_id(struct db *db, const char *code, int64_t *id,
                  struct err *e) {
  int rc = lookup_id(db, "SELECT id FROM site WHERE code = $1", code, id, e);
  if (rc == APP_ENOTFOUND) {
    return ERR_SET(e, APP_ENOTFOUND, "site: no site with code \"%s\"",
                   code);
  }
  return rc;
}

int store_user_id(struct db *db, const char *username, int64_t *id,
                  struct err *e) {
  int rc = lookup_id(db, "SELECT id FROM app_user WHERE username = $1",
                     username, id, e);
  if (rc == APP_ENOTFOUND) {
    return ERR_FIELD(e, APP_ENOTFOUND, "user", "user: no user \"%.63s\"",
                     username);
  }
  return rc;
}

int store_user_add(struct db *db, const struct actor *a,
                   const char *username, const char *role,
                   const char *site_code, const char *password,
                   struct err *e) {
  char pw_hash[crypto_pwhash_STRBYTES];
  char idtext[32];
  int64_t site_id = 0, uid = 0;
  int r = role_parse(role);
  int rc;
  struct audit_entry en = {0};
  if (access_require(db, a, ACCESS_ADMIN, "user add", e) != APP_OK ||
      check_name("username", username, 63, e) != APP_OK) {
    return e->code;
  }
  if (r < 0) {
    return ERR_FIELD(e, APP_EINVAL, "role",
                     "role: \"%s\" is not one of admin, pi, "
                     "investigator, coordinator, monitor, data_manager, "
                     "statistician",
                     role ? role : "");
  }
  if (access_role_site_scoped((enum role)r) &&
      (site_code == NULL || site_code[0] == '\0')) {
    return ERR_FIELD(e, APP_EINVAL, "site", "site: the %s role needs a site",
                   role_name((enum role)r));
  }
  if (check_password_rules(password, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (site_code != NULL && site_code[0] != '\0' &&
      store_site_id(db, site_code, &site_id, e) != APP_OK) {
    return e->code;
  }
  if (hash_password(password, pw_hash, e) != APP_OK) {
    return APP_EINTERNAL;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = insert_user(db, username, (enum role)r, site_id, pw_hash, &uid, e);
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, uid);
    en.action = "create";
    en.entity = "app_user";
    en.entity_id = idtext;
    en.field = "username";
    en.new_value = username;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    en.field = "role";
    en.new_value = role_name((enum role)r);
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK && site_id > 0) {
    en.field = "site";
    en.new_value = site_code;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_APP_USER, uid, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_user_update(struct db *db, const struct actor *a,
                      const char *username, const char *role,
                      const char *site_code, int active,
                      const char *password, struct err *e) {
  struct actor u;
  char old_hash[crypto_pwhash_STRBYTES];
  char pw_hash[crypto_pwhash_STRBYTES];
  char idtext[32];
  int old_active = 0, failed = 0;
  int64_t site_id = 0;
  int r = -1;
  int rc;
  struct db_stmt *st = NULL;
  struct audit_entry en = {0};
  rc = access_require(db, a, ACCESS_ADMIN, "user set", e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = find_user(db, username ? username : "", &u, old_hash, &old_active,
                 &failed, e);
  if (rc == APP_ENOTFOUND) {
    return ERR_SET(e, APP_ENOTFOUND,
                     "username: no user \"%.60s\"", username ? username : "");
  }
  if (rc != APP_OK) {
    return rc;
  }
  if (role != NULL && (r = role_parse(role)) < 0) {
    return ERR_FIELD(e, APP_EINVAL, "role",
                     "role: \"%.30s\" is not one of admin, pi, "
                     "investigator, coordinator, monitor, data_manager, "
                     "statistician",
                     role);
  }
  if (u.user_id == a->user_id &&
      (active == 0 || (r >= 0 && !access_role_may((enum role)r,
                                                  ACCESS_ADMIN)))) {
    return ERR_FIELD(e, APP_EINVAL, "username",
                     "username: an administrator cannot "
                     "deactivate or demote itself");
  }
  if (site_code != NULL && site_code[0] != '\0' &&
      store_site_id(db, site_code, &site_id, e) != APP_OK) {
    return e->code;
  }
  if (site_code == NULL) {
    site_id = u.site_id;
  }
  if (access_role_site_scoped(r >= 0 ? (enum role)r : u.role) && site_id == 0) {
    return ERR_FIELD(e, APP_EINVAL, "site", "site: the %s role needs a site",
                   role_name(r >= 0 ? (enum role)r : u.role));
  }
  if (password != NULL && (check_password_rules(password, e) != APP_OK ||
                           hash_password(password, pw_hash, e) != APP_OK)) {
    return e->code;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_prepare(db,
                  "UPDATE app_user SET role = $2, site_id = $3, is_active = "
                  "$4, failed_logins = CASE WHEN $4 = 1 AND is_active = 0 "
                  "THEN 0 ELSE failed_logins END, pw_hash = $5, version = "
                  "version + 1 WHERE id = $1",
                  &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, u.user_id);
    db_bind_text(st, 2, role_name(r >= 0 ? (enum role)r : u.role));
    if (site_id > 0) {
      db_bind_int64(st, 3, site_id);
    } else {
      db_bind_null(st, 3);
    }
    db_bind_int64(st, 4, active >= 0 ? active : old_active);
    db_bind_text(st, 5, password ? pw_hash : old_hash);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  snprintf(idtext, sizeof(idtext), "%" PRId64, u.user_id);
  en.action = "update";
  en.entity = "app_user";
  en.entity_id = idtext;
  if (rc == APP_OK && r >= 0 && (enum role)r != u.role) {
    en.field = "role";
    en.old_value = role_name(u.role);
    en.new_value = role_name((enum role)r);
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK && site_id != u.site_id) {
    en.field = "site";
    en.old_value = u.site_code[0] ? u.site_code : NULL;
    en.new_value = site_code && site_code[0] ? site_code : NULL;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK && active >= 0 && active != old_active) {
    en.field = "active";
    en.old_value = old_active ? "true" : "false";
    en.new_value = active ? "true" : "false";
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK && password != NULL) {
    en.field = "password";
    en.old_value = NULL;
    en.new_value = "changed";
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_APP_USER, u.user_id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_user_list(struct db *db, const struct actor *a, json_t **out,
                    struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc;
  rc = access_require(db, a, ACCESS_ADMIN, "user list", e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT u.username, u.role, s.code, u.is_active, "
                  "u.failed_logins FROM app_user u LEFT JOIN site s ON s.id "
                  "= u.site_id ORDER BY u.username",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_array_append_new(
        arr, json_pack("{s:s,s:s,s:s?,s:b,s:I}", "username",
                       db_column_text(st, 0), "role", db_column_text(st, 1),
                       "site", db_column_text(st, 2), "active",
                       db_column_int64(st, 3) != 0, "failed_logins",
                       (json_int_t)db_column_int64(st, 4)));
  }
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

/* The study's protocol.  Parsing it is the costliest step of a save, and
** it never changes once the study exists, so each thread keeps the last one
** it parsed and reuses it while the stored text is the same. */
#define PROTO_CACHE_MAX 32768 /* bytes; a longer protocol is not cached */
static _Thread_local char proto_text_cached[PROTO_CACHE_MAX];
static _Thread_local struct protocol proto_cached;

int store_protocol(struct db *db, struct protocol *p, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT protocol_json FROM study WHERE id = 1",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *t = db_column_text(st, 0);
    if (proto_text_cached[0] != '\0' && strcmp(proto_text_cached, t) == 0) {
      *p = proto_cached;
      rc = APP_OK;
    } else {
      rc = protocol_parse(t, strlen(t), "stored protocol", p, e);
      if (rc == APP_OK && strlen(t) < PROTO_CACHE_MAX) {
        memcpy(proto_text_cached, t, strlen(t) + 1);
        proto_cached = *p;
      }
    }
  } else {
    rc = APP_EDB;
  }
  db_finalize(st);
  return rc;
}

int store_rollback(struct db *db, int rc) {
  db_rollback(db);
  if (!db_in_transaction(db)) {
    struct err ignore;
    err_clear(&ignore);
    access_flush(db, &ignore);
  }
  return rc;
}

int store_audit_log(struct db *db, const struct actor *a, int64_t limit,
                    json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc = access_require(db, a, ACCESS_AUDIT_LOG, "audit", e);
  static const char *const cols[] = {
    "seq", "ts_utc", "actor", "role", "site", "action", "entity",
    "entity_id", "field", "old_value", "new_value", "reason", "hash"};
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT seq, ts_utc, actor, role, site, action, entity, "
                  "entity_id, field, old_value, new_value, reason, hash "
                  "FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT $1) "
                  "AS recent ORDER BY seq",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, limit);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = json_object();
    int i, bad = 0;
    json_object_set_new(o, "seq", json_integer(db_column_int64(st, 0)));
    for (i = 1; i < 13; i++) {
      const char *v = db_column_text(st, i);
      json_t *jv = v ? json_string(v) : json_null();
      bad |= jv == NULL || json_object_set_new(o, cols[i], jv) != 0;
    }
    if (bad) {
      json_decref(o);
      o = NULL;
    }
    rc = store_row_append(arr, o, "audit", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}

int store_row_append(json_t *arr, json_t *o, const char *what,
                     struct err *e) {
  if (json_array_append_new(arr, o) != 0) {
    return -ERR_SET(e, APP_EDB, "%s: a stored row is not valid text", what);
  }
  return DB_ROW;
}

int store_rows_done(struct db_stmt *st, int rc, json_t *arr, json_t **out,
                    struct err *e) {
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return e->code != APP_OK ? e->code : APP_EDB;
  }
  *out = arr;
  return APP_OK;
}
