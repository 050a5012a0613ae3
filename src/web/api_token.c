/*
** api_token.c: the API-token routes (/api/v1/tokens), for the logged-in
** user's own tokens (a token_admin sees and revokes everyone's, and may
** create one for another user).  A session is required: a token cannot
** make or list tokens (R_NO_TOKEN in routes.c), so a leaked token cannot
** outlive its own expiry.  The token's text is in the creation answer only.
*/
#include "api.h"

#include "../core/str.h"

#include <sodium.h>

#include <stdio.h>
#include <string.h>

int api_token_create(struct request *rq, struct response *rs) {
  const char *name = json_string_value(json_object_get(rq->json, "name"));
  const char *user = json_string_value(json_object_get(rq->json, "user"));
  json_t *scope_j = json_object_get(rq->json, "scope");
  json_t *days_j = json_object_get(rq->json, "expires_days");
  char secret[TOKEN_LEN];
  struct buf scope;
  struct err e;
  int64_t id = 0;
  json_int_t days = TOKEN_DEFAULT_DAYS;
  err_clear(&e);
  buf_init(&scope, TOKEN_MAX_SCOPE);
  if (scope_j != NULL && !json_is_string(scope_j)) {
    web_error(rs, 400, "E_INVALID", "scope: expected \"read\" or a "
              "comma-separated list of routes", "scope");
    return 0;
  }
  if (days_j != NULL) {
    if (!json_is_integer(days_j)) {
      web_error(rs, 400, "E_INVALID", "expires_days: expected a number",
                "expires_days");
      return 0;
    }
    days = json_integer_value(days_j);
  }
  if (days < 1 || days > TOKEN_MAX_DAYS) {
    days = 0; /* token_create refuses it, naming the limit */
  }
  if (web_token_scope(json_string_value(scope_j), &scope, &e) != APP_OK ||
      token_create(rq->db, &rq->actor, user, name, buf_str(&scope),
                   (int)days, secret, &id, &e) != APP_OK) {
    buf_reset(&scope);
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 201,
           json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)id,
                     "token", secret, "name", name, "user",
                     user ? user : rq->actor.username, "scope",
                     buf_str(&scope), "expires_days", days));
  sodium_memzero(secret, sizeof(secret));
  buf_reset(&scope);
  return 0;
}

int api_token_list(struct request *rq, struct response *rs) {
  json_t *list = NULL;
  struct err e;
  err_clear(&e);
  if (token_list(rq->db, &rq->actor, &list, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:o}", "tokens", list));
  return 0;
}

int api_token_revoke(struct request *rq, struct response *rs) {
  int64_t id = 0;
  struct err e;
  err_clear(&e);
  if (str_to_i64(rq->seg[3], &id) != APP_OK || id <= 0) {
    web_error(rs, 404, "E_NOT_FOUND", "no such token", NULL);
    return 0;
  }
  if (token_revoke(rq->db, &rq->actor, id, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked",
                              1));
  return 0;
}
