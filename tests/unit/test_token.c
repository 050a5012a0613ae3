/*
** test_token.c: API tokens (src/store/token.h): creation for oneself and
** (admin only) for others, the stored form (the SHA-256 and a prefix,
** never the text, in the table or the audit trail), lookup, expiry,
** revocation, an inactive user, scope matching and its normalization
** against the route table (web_token_scope), and the audit of each use.
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "core/buf.h"
#include "store/token.h"
#include "web/web.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static struct fixture fx;

/* Rows of the token table or the audit trail holding text anywhere. */
static int64_t rows_holding(const char *text) {
  char sql[1200];
  int64_t n1, n2;
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM api_token WHERE "
           "name || prefix || secret_sha256 || scope || created_utc || "
           "expires_utc LIKE '%%%s%%'", text);
  n1 = db_count(db, sql);
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit WHERE "
           "COALESCE(actor, '') || COALESCE(action, '') || "
           "COALESCE(entity, '') || COALESCE(entity_id, '') || "
           "COALESCE(field, '') || COALESCE(old_value, '') || "
           "COALESCE(new_value, '') || COALESCE(reason, '') LIKE '%%%s%%'",
           text);
  n2 = db_count(db, sql);
  return n1 < 0 || n2 < 0 ? -1 : n1 + n2;
}

static int check_at(const char *text, long offset, struct token_use *u) {
  char off[32];
  struct err e;
  err_clear(&e);
  snprintf(off, sizeof(off), "%ld", offset);
  setenv("HCCSTUDY_FAKE_EPOCH_OFFSET", off, 1);
  return token_check(db, text, u, &e);
}

static void test_create_check(void) {
  char secret[TOKEN_LEN], other[TOKEN_LEN], hex[65];
  unsigned char h[crypto_hash_sha256_BYTES];
  char sql[300];
  struct token_use u;
  struct err e;
  int64_t id = 0, id2 = 0;
  err_clear(&e);
  CHECK(token_create(db, &fx.coord_a, NULL, "nightly", "read", 30, secret,
                     &id, &e) == APP_OK);
  CHECK(id > 0);
  CHECK_INT_EQ(strlen(secret), TOKEN_LEN - 1);
  CHECK(strncmp(secret, "hcc_", 4) == 0);
  /* Stored: the SHA-256 and the first 12 characters, never the text. */
  crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
  sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM api_token WHERE id = %d "
           "AND secret_sha256 = '%s' AND length(prefix) = 12", (int)id, hex);
  CHECK_INT_EQ(db_count(db, sql), 1);
  CHECK_INT_EQ(rows_holding(secret), 0);
  CHECK_INT_EQ(rows_holding(secret + 12), 0);
  CHECK(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                     "'token_create'") >= 5);
  /* It authenticates as its user, with the user's site. */
  CHECK(check_at(secret, 0, &u) == APP_OK);
  CHECK(u.refusal == NULL);
  CHECK_INT_EQ(u.id, id);
  CHECK_STR_EQ(u.actor.username, "coord.a");
  CHECK_STR_EQ(u.actor.site_code, "SA");
  CHECK(u.actor.role == fx.coord_a.role);
  CHECK_STR_EQ(u.scope, "read");
  /* Malformed and unknown tokens. */
  CHECK(check_at("hcc_1234", 0, &u) == APP_ENOTFOUND);
  CHECK(check_at("", 0, &u) == APP_ENOTFOUND);
  memcpy(other, secret, sizeof(other));
  other[20] = other[20] == 'a' ? 'b' : 'a';
  CHECK(check_at(other, 0, &u) == APP_ENOTFOUND);
  other[20] = 'G'; /* not hex */
  CHECK(check_at(other, 0, &u) == APP_ENOTFOUND);
  /* Expiry: 30 days. */
  CHECK(check_at(secret, 29 * 86400, &u) == APP_OK && u.refusal == NULL);
  CHECK(check_at(secret, 30 * 86400 + 1, &u) == APP_OK);
  CHECK(u.refusal != NULL && strcmp(u.refusal, "expired") == 0);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  /* Limits and names. */
  CHECK(token_create(db, &fx.coord_a, NULL, "x", "read", 0, other, &id2,
                     &e) == APP_EINVAL);
  CHECK(token_create(db, &fx.coord_a, NULL, "x", "read", TOKEN_MAX_DAYS + 1,
                     other, &id2, &e) == APP_EINVAL);
  CHECK(token_create(db, &fx.coord_a, NULL, "", "read", 5, other, &id2,
                     &e) == APP_EINVAL);
  CHECK(token_create(db, &fx.coord_a, NULL, "x", "read'; --", 5, other,
                     &id2, &e) == APP_EINVAL);
  /* For another user: token_admin only. */
  err_clear(&e);
  CHECK(token_create(db, &fx.coord_a, "mon", "x", "read", 5, other, &id2,
                     &e) == APP_EPERM);
  CHECK(token_create(db, &fx.admin, "mon", "for mon", "read", 5, other,
                     &id2, &e) == APP_OK);
  CHECK(check_at(other, 0, &u) == APP_OK);
  CHECK_STR_EQ(u.actor.username, "mon");
  err_clear(&e);
  CHECK(token_create(db, &fx.admin, "nobody", "x", "read", 5, other, &id2,
                     &e) == APP_ENOTFOUND);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
}

static void test_revoke_list(void) {
  char secret[TOKEN_LEN];
  struct token_use u;
  struct err e;
  json_t *list = NULL;
  int64_t id = 0;
  size_t i, n_mine = 0;
  err_clear(&e);
  CHECK(token_create(db, &fx.inv_a, NULL, "r", "read", 10, secret, &id,
                     &e) == APP_OK);
  /* Another user cannot revoke it (it reads as not found). */
  CHECK(token_revoke(db, &fx.coord_a, id, &e) == APP_ENOTFOUND);
  err_clear(&e);
  CHECK(check_at(secret, 0, &u) == APP_OK && u.refusal == NULL);
  CHECK(token_revoke(db, &fx.inv_a, id, &e) == APP_OK);
  CHECK(token_revoke(db, &fx.inv_a, id, &e) == APP_ECONFLICT);
  err_clear(&e);
  CHECK(token_revoke(db, &fx.inv_a, 999999, &e) == APP_ENOTFOUND);
  err_clear(&e);
  CHECK(check_at(secret, 0, &u) == APP_OK);
  CHECK(u.refusal != NULL && strcmp(u.refusal, "revoked") == 0);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  /* Lists: one's own; an admin's, everyone's; never the text. */
  CHECK(token_list(db, &fx.inv_a, &list, &e) == APP_OK);
  for (i = 0; i < json_array_size(list); i++) {
    json_t *t = json_array_get(list, i);
    CHECK_STR_EQ(json_string_value(json_object_get(t, "user")), "inv.a");
    CHECK(json_object_get(t, "token") == NULL);
    n_mine++;
  }
  CHECK_INT_EQ(n_mine, 1);
  CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 0),
                                                 "state")),
               "revoked");
  json_decref(list);
  CHECK(token_list(db, &fx.admin, &list, &e) == APP_OK);
  CHECK(json_array_size(list) >= 3);
  json_decref(list);
  /* The admin revokes anyone's. */
  CHECK(token_create(db, &fx.inv_a, NULL, "r2", "read", 10, secret, &id,
                     &e) == APP_OK);
  CHECK(token_revoke(db, &fx.admin, id, &e) == APP_OK);
  /* A deactivated user's token is refused. */
  CHECK(token_create(db, &fx.stat, NULL, "s", "read", 10, secret, &id,
                     &e) == APP_OK);
  CHECK(store_user_update(db, &fx.admin, "stat", NULL, NULL, 0, NULL, &e) ==
        APP_OK);
  CHECK(check_at(secret, 0, &u) == APP_OK);
  CHECK(u.refusal != NULL && strcmp(u.refusal, "inactive user") == 0);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
}

static void test_scope(void) {
  struct buf b;
  struct err e;
  err_clear(&e);
  buf_init(&b, 0);
  CHECK(token_scope_allows("read", "GET", "api/v1/patients"));
  CHECK(!token_scope_allows("read", "POST", "api/v1/patients"));
  CHECK(!token_scope_allows("read", "DELETE", "api/v1/session"));
  CHECK(token_scope_allows("GET api/v1/patients,POST api/v1/patients",
                           "POST", "api/v1/patients"));
  CHECK(!token_scope_allows("GET api/v1/patients", "GET",
                            "api/v1/patients/:code"));
  CHECK(!token_scope_allows("GET api/v1/patients/:code", "GET",
                            "api/v1/patients"));
  CHECK(web_token_scope(NULL, &b, &e) == APP_OK);
  CHECK_STR_EQ(buf_str(&b), "read");
  CHECK(web_token_scope("GET patients, /api/v1/patients/:code", &b, &e) ==
        APP_OK);
  CHECK_STR_EQ(buf_str(&b),
               "GET api/v1/patients,GET api/v1/patients/:code");
  CHECK(web_token_scope("patients", &b, &e) == APP_OK);
  CHECK_STR_EQ(buf_str(&b), "GET api/v1/patients,POST api/v1/patients");
  CHECK(web_token_scope("GET nowhere", &b, &e) == APP_EINVAL);
  CHECK(web_token_scope("PUT patients", &b, &e) == APP_EINVAL);
  CHECK(web_token_scope("tokens", &b, &e) == APP_EINVAL);
  CHECK(web_token_scope("DELETE session", &b, &e) == APP_EINVAL);
  CHECK(web_token_scope(",", &b, &e) == APP_EINVAL);
  buf_reset(&b);
}

static void test_use_audited(void) {
  char secret[TOKEN_LEN];
  struct token_use u;
  struct err e;
  int64_t id = 0;
  err_clear(&e);
  CHECK(token_create(db, &fx.pi, NULL, "use", "read", 10, secret, &id,
                     &e) == APP_OK);
  CHECK(check_at(secret, 0, &u) == APP_OK);
  unsetenv("HCCSTUDY_FAKE_EPOCH_OFFSET");
  CHECK(token_record_use(db, &u, "GET", "/api/v1/patients", NULL, &e) ==
        APP_OK);
  CHECK(token_record_use(db, &u, "POST", "/api/v1/patients",
                         "refused: out of scope", &e) == APP_OK);
  CHECK_INT_EQ(db_count(db, "SELECT uses FROM api_token WHERE name = "
                            "'use'"), 1);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM api_token WHERE name = "
                            "'use' AND last_used_utc IS NOT NULL"), 1);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                            "'token_use' AND actor = 'pi' AND reason IS "
                            "NULL AND new_value = '/api/v1/patients'"), 1);
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM audit WHERE action = "
                            "'token_use' AND actor = 'pi' AND reason = "
                            "'refused: out of scope'"), 1);
  CHECK_INT_EQ(rows_holding(secret), 0);
}

int main(void) {
  char path[512];
  struct err e;
  err_clear(&e);
  if (harness_db_url("token", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  CHECK(db_open(path, &db, &e) == APP_OK);
  CHECK(fixture_study(db, &fx) == APP_OK);
  test_create_check();
  test_revoke_list();
  test_scope();
  test_use_audited();
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
