/*
** token.c: API tokens (see token.h).
**
** The workload: a few tokens per user, each used by a nightly script for a
** few hundred requests.  A use is one indexed lookup by hash and, through
** the caller's group-commit writer, one audit row.
*/
#include "token.h"
#include "seal.h"

#include "store.h"

#include "../core/clock.h"
#include "audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Hex SHA-256 length plus NUL. */
#define TOKEN_HASH_LEN 65

/* Seconds since the epoch; HCCSTUDY_FAKE_EPOCH_OFFSET shifts it in tests of
** expiry (as for sessions). */
static int64_t token_now(void) {
  const char *off = getenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  int64_t t = (int64_t)time(NULL);
  if (off != NULL) {
    t += strtoll(off, NULL, 10);
  }
  return t;
}

/* t as "YYYY-MM-DDTHH:MM:SSZ". */
static void epoch_utc(int64_t t, char out[CLOCK_STR_LEN]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, CLOCK_STR_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void secret_hash(const char *text, char out[TOKEN_HASH_LEN]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
  sodium_bin2hex(out, TOKEN_HASH_LEN, h, sizeof(h));
}

/* Is s a well-formed token: "hcc_" and 64 lower-case hex digits? */
static bool token_well_formed(const char *s) {
  size_t i;
  if (s == NULL || strlen(s) != TOKEN_LEN - 1 || strncmp(s, "hcc_", 4) != 0) {
    return false;
  }
  for (i = 4; i < TOKEN_LEN - 1; i++) {
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
      return false;
    }
  }
  return true;
}

/* Scope text: "read", or items "METHOD route" joined by commas, of the
** characters a route table holds (the caller checks the routes exist). */
static int check_scope(const char *scope, struct err *e) {
  size_t i, n = strlen(scope);
  if (strcmp(scope, "read") == 0) {
    return APP_OK;
  }
  if (n == 0 || n >= TOKEN_MAX_SCOPE) {
    return ERR_FIELD(e, APP_EINVAL, "scope", "scope: expected read or a "
                     "list of routes (at most %d characters)",
                     TOKEN_MAX_SCOPE - 1);
  }
  for (i = 0; i < n; i++) {
    char c = scope[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || strchr("/:._-, ", c) != NULL)) {
      return ERR_FIELD(e, APP_EINVAL, "scope", "scope: unexpected "
                       "character at position %zu", i + 1);
    }
  }
  return APP_OK;
}

bool token_scope_allows(const char *scope, const char *method,
                        const char *pattern) {
  size_t ml = strlen(method), pl = strlen(pattern);
  const char *p = scope;
  if (strcmp(scope, "read") == 0) {
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
  }
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == ml + 1 + pl && strncmp(p, method, ml) == 0 && p[ml] == ' ' &&
        strncmp(p + ml + 1, pattern, pl) == 0) {
      return true;
    }
    p += n;
    if (*p == ',') {
      p++;
    }
  }
  return false;
}

int token_create(struct db *db, const struct actor *a, const char *for_user,
                 const char *name, const char *scope, int days,
                 char secret[TOKEN_LEN], int64_t *id, struct err *e) {
  struct db_stmt *st = NULL;
  struct audit_entry en[5];
  unsigned char raw[32];
  char hash[TOKEN_HASH_LEN], prefix[TOKEN_PREFIX_LEN + 1];
  char now[CLOCK_STR_LEN], expires[CLOCK_STR_LEN], idtext[32];
  int64_t uid = a ? a->user_id : 0, exp;
  const char *owner = a ? a->username : "";
  int rc;
  *id = 0;
  secret[0] = '\0';
  if (a == NULL || a->user_id == 0) {
    return ERR_SET(e, APP_EPERM, "token create: log in first");
  }
  if (scope == NULL) {
    scope = "read";
  }
  if (name == NULL || name[0] == '\0' || strlen(name) > 64) {
    return ERR_FIELD(e, APP_EINVAL, "name", "name: a token needs a name "
                     "(at most 64 characters)");
  }
  if (days < 1 || days > TOKEN_MAX_DAYS) {
    return ERR_FIELD(e, APP_EINVAL, "expires_days", "expires_days: "
                     "expected 1 to %d days", TOKEN_MAX_DAYS);
  }
  if (check_scope(scope, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (for_user != NULL && strcmp(for_user, a->username) != 0) {
    if (access_require(db, a, ACCESS_TOKEN_ADMIN, "token create for "
                       "another user", e) != APP_OK) {
      return e->code;
    }
    rc = store_user_id(db, for_user, &uid, e);
    if (rc != APP_OK) {
      return rc;
    }
    owner = for_user;
  }
  randombytes_buf(raw, sizeof(raw));
  memcpy(secret, "hcc_", 4);
  sodium_bin2hex(secret + 4, TOKEN_LEN - 4, raw, sizeof(raw));
  sodium_memzero(raw, sizeof(raw));
  secret_hash(secret, hash);
  memcpy(prefix, secret, TOKEN_PREFIX_LEN);
  prefix[TOKEN_PREFIX_LEN] = '\0';
  clock_now_utc(now);
  exp = token_now() + (int64_t)days * 86400;
  epoch_utc(exp, expires);
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_prepare(db, "INSERT INTO api_token(user_id, name, prefix, "
                      "secret_sha256, scope, created_by, created_utc, "
                      "expires_utc, expires_epoch) VALUES ($1, $2, $3, $4, "
                      "$5, $6, $7, $8, $9) RETURNING id", &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, uid);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, prefix);
    db_bind_text(st, 4, hash);
    db_bind_text(st, 5, scope);
    db_bind_int64(st, 6, a->user_id);
    db_bind_text(st, 7, now);
    db_bind_text(st, 8, expires);
    db_bind_int64(st, 9, exp);
    rc = db_step_id(st, id, e);
    db_finalize(st);
  }
  if (rc == APP_OK) {
    size_t i;
    static const char *const fields[5] = {"name", "user", "prefix", "scope",
                                          "expires_utc"};
    const char *values[5];
    values[0] = name;
    values[1] = owner;
    values[2] = prefix;
    values[3] = scope;
    values[4] = expires;
    snprintf(idtext, sizeof(idtext), "%" PRId64, *id);
    memset(en, 0, sizeof(en));
    for (i = 0; i < 5; i++) {
      en[i].action = "token_create";
      en[i].entity = "api_token";
      en[i].entity_id = idtext;
      en[i].field = fields[i];
      en[i].new_value = values[i];
    }
    rc = access_audit(db, a, en, 5, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_API_TOKEN, *id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    sodium_memzero(secret, TOKEN_LEN);
    *id = 0;
    return rc;
  }
  rc = db_commit(db, e);
  if (rc != APP_OK) {
    sodium_memzero(secret, TOKEN_LEN);
    *id = 0;
  }
  return rc;
}

int token_list(struct db *db, const struct actor *a, json_t **out,
               struct err *e) {
  struct db_stmt *st = NULL;
  int64_t t = token_now();
  bool all = access_may(a, ACCESS_TOKEN_ADMIN);
  json_t *arr;
  int rc;
  *out = NULL;
  if (a == NULL || a->user_id == 0) {
    return ERR_SET(e, APP_EPERM, "token list: log in first");
  }
  rc = db_prepare(db,
                  "SELECT t.id, u.username, t.name, t.prefix, t.scope, "
                  "t.created_utc, t.expires_utc, t.revoked_utc, "
                  "t.last_used_utc, t.uses, t.expires_epoch FROM api_token t "
                  "JOIN app_user u ON u.id = t.user_id WHERE $1 = 1 OR "
                  "t.user_id = $2 ORDER BY t.id DESC",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, all ? 1 : 0);
  db_bind_int64(st, 2, a->user_id);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    const char *state = !db_column_is_null(st, 7) ? "revoked"
                        : db_column_int64(st, 10) <= t ? "expired"
                                                        : "active";
    json_array_append_new(
        arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:I,s:s}",
                       "id", (json_int_t)db_column_int64(st, 0), "user",
                       db_column_text(st, 1), "name", db_column_text(st, 2),
                       "prefix", db_column_text(st, 3), "scope",
                       db_column_text(st, 4), "created_utc",
                       db_column_text(st, 5), "expires_utc",
                       db_column_text(st, 6), "revoked_utc",
                       db_column_text(st, 7), "last_used_utc",
                       db_column_text(st, 8), "uses",
                       (json_int_t)db_column_int64(st, 9), "state", state));
  }
  db_finalize(st);
  if (rc != DB_DONE) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

int token_revoke(struct db *db, const struct actor *a, int64_t id,
                 struct err *e) {
  struct db_stmt *st = NULL;
  struct audit_entry en = {0};
  char now[CLOCK_STR_LEN], idtext[32];
  int64_t owner = 0;
  bool revoked = false, found = false;
  int rc;
  if (a == NULL || a->user_id == 0) {
    return ERR_SET(e, APP_EPERM, "token revoke: log in first");
  }
  snprintf(idtext, sizeof(idtext), "%" PRId64, id);
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_prepare(db, "SELECT user_id, revoked_utc FROM api_token WHERE "
                      "id = $1", &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, id);
    rc = db_step(st, e);
    if (rc == DB_ROW) {
      found = true;
      owner = db_column_int64(st, 0);
      revoked = !db_column_is_null(st, 1);
    }
    rc = rc < 0 ? APP_EDB : APP_OK;
    db_finalize(st);
  }
  if (rc == APP_OK && found && owner != a->user_id &&
      !access_may(a, ACCESS_TOKEN_ADMIN)) {
    db_rollback(db);
    return access_deny(db, a, ACCESS_NO_SITE, "token revoke", "token",
                       idtext, e);
  }
  if (rc == APP_OK && !found) {
    rc = ERR_SET(e, APP_ENOTFOUND, "token revoke: no token %s", idtext);
  } else if (rc == APP_OK && revoked) {
    rc = ERR_SET(e, APP_ECONFLICT, "token revoke: token %s is already "
                 "revoked", idtext);
  }
  clock_now_utc(now);
  if (rc == APP_OK) {
    rc = db_prepare(db, "UPDATE api_token SET revoked_utc = $1 WHERE id = "
                        "$2", &st, e);
  }
  if (rc == APP_OK) {
    db_bind_text(st, 1, now);
    db_bind_int64(st, 2, id);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  if (rc == APP_OK) {
    en.action = "token_revoke";
    en.entity = "api_token";
    en.entity_id = idtext;
    en.field = "revoked_utc";
    en.new_value = now;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_API_TOKEN, id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int token_check(struct db *db, const char *text, struct token_use *u,
                struct err *e) {
  struct db_stmt *st = NULL;
  char hash[TOKEN_HASH_LEN];
  int rc;
  memset(u, 0, sizeof(*u));
  if (!token_well_formed(text)) {
    return ERR_SET(e, APP_ENOTFOUND, "token: not a valid API token");
  }
  secret_hash(text, hash);
  /* The lookup is by the hash of a 256-bit secret: its timing tells an
  ** attacker nothing about any stored token. */
  rc = db_prepare(db,
                  "SELECT t.id, t.scope, t.revoked_utc, t.expires_epoch, "
                  "u.id, u.username, u.role, COALESCE(u.site_id, 0), "
                  "COALESCE(si.code, ''), u.is_active, t.secret_sha256 "
                  "FROM api_token t JOIN app_user u ON u.id = t.user_id "
                  "LEFT JOIN site si ON si.id = u.site_id WHERE "
                  "t.secret_sha256 = $1",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, hash);
  rc = db_step(st, e);
  if (rc < 0) {
    db_finalize(st);
    return APP_EDB;
  }
  if (rc != DB_ROW ||
      sodium_memcmp(db_column_text(st, 10), hash, TOKEN_HASH_LEN - 1) != 0) {
    db_finalize(st);
    return ERR_SET(e, APP_ENOTFOUND, "token: not a valid API token");
  }
  u->id = db_column_int64(st, 0);
  snprintf(u->scope, sizeof(u->scope), "%s", db_column_text(st, 1));
  u->actor.user_id = db_column_int64(st, 4);
  snprintf(u->actor.username, sizeof(u->actor.username), "%s",
           db_column_text(st, 5));
  u->actor.role = (enum role)role_parse(db_column_text(st, 6));
  u->actor.site_id = db_column_int64(st, 7);
  snprintf(u->actor.site_code, sizeof(u->actor.site_code), "%s",
           db_column_text(st, 8));
  if (!db_column_is_null(st, 2)) {
    u->refusal = "revoked";
  } else if (db_column_int64(st, 3) <= token_now()) {
    u->refusal = "expired";
  } else if (db_column_int64(st, 9) == 0) {
    u->refusal = "inactive user";
  }
  db_finalize(st);
  return APP_OK;
}

int token_record_use(struct db *db, const struct token_use *u,
                     const char *method, const char *path,
                     const char *refused, struct err *e) {
  struct db_stmt *st = NULL;
  struct audit_entry en = {0};
  char now[CLOCK_STR_LEN], idtext[32];
  int rc = APP_OK;
  snprintf(idtext, sizeof(idtext), "%" PRId64, u->id);
  clock_now_utc(now);
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  if (refused == NULL) {
    rc = db_prepare(db, "UPDATE api_token SET last_used_utc = $1, uses = "
                        "uses + 1 WHERE id = $2", &st, e);
    if (rc == APP_OK) {
      db_bind_text(st, 1, now);
      db_bind_int64(st, 2, u->id);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
    }
  }
  if (rc == APP_OK) {
    en.action = "token_use";
    en.entity = "api_token";
    en.entity_id = idtext;
    en.field = method;
    en.new_value = path;
    en.reason = refused;
    rc = access_audit(db, &u->actor, &en, 1, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}
