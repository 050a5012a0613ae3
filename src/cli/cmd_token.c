/*
** cmd_token.c: `hccstudy token create|list|revoke`, API tokens for scripts
** (src/store/token.h).  Acts as the logged-in --user: anyone manages its
** own tokens, an admin (token_admin) everyone's.  `create` prints the
** token once, alone on standard output (so `TOKEN=$(hccstudy token create
** ...)` works), and what it is on standard error.
*/
#include "commands.h"

#include "../store/token.h"
#include "../web/web.h"
#include "cli_study.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* token create: --name, --scope, --expires DAYS, --for USER. */
static int token_create_cmd(struct cli *c, bool json) {
  const char *name = cli_opt(c, "--name");
  const char *scope_s = cli_opt(c, "--scope");
  const char *days_s = cli_opt(c, "--expires");
  const char *for_user = cli_opt(c, "--for");
  char secret[TOKEN_LEN];
  long days = TOKEN_DEFAULT_DAYS;
  struct buf scope;
  struct actor a;
  struct err e;
  struct db *db = NULL;
  int64_t id = 0;
  int rc;
  err_clear(&e);
  if (name == NULL) {
    ERR_SET(&e, APP_EINVAL, "token create: --name NAME is required");
    return cli_fail(&e);
  }
  if (days_s != NULL && cli_parse_long("--expires", days_s, 1,
                                       TOKEN_MAX_DAYS, &days, &e) != APP_OK) {
    return cli_fail(&e);
  }
  buf_init(&scope, TOKEN_MAX_SCOPE);
  if (web_token_scope(scope_s, &scope, &e) != APP_OK) {
    buf_reset(&scope);
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    buf_reset(&scope);
    return cli_fail(&e);
  }
  rc = token_create(db, &a, for_user, name, buf_str(&scope), (int)days,
                    secret, &id, &e);
  db_close(db);
  if (rc != APP_OK) {
    buf_reset(&scope);
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)id,
                          "token", secret, "name", name, "user",
                          for_user ? for_user : a.username, "scope",
                          buf_str(&scope), "expires_days", (int)days);
    cli_print_json(o);
    json_decref(o);
  } else {
    printf("%s\n", secret);
    fprintf(stderr, "token %" PRId64 " \"%s\" for %s: scope %s, expires in "
            "%ld days.  Copy it now: it is shown only once.\n", id, name,
            for_user ? for_user : a.username, buf_str(&scope), days);
  }
  sodium_memzero(secret, sizeof(secret));
  buf_reset(&scope);
  return 0;
}

static int token_list_cmd(struct cli *c, bool json) {
  struct actor a;
  struct err e;
  struct db *db = NULL;
  json_t *list = NULL;
  size_t i;
  int rc;
  err_clear(&e);
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = token_list(db, &a, &list, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_pack("{s:o}", "tokens", list);
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  for (i = 0; i < json_array_size(list); i++) {
    json_t *t = json_array_get(list, i);
    const char *used =
        json_string_value(json_object_get(t, "last_used_utc"));
    printf("%-4" JSON_INTEGER_FORMAT " %-16s %-20s %s... %-8s expires %s  "
           "last used %s  %s\n",
           json_integer_value(json_object_get(t, "id")),
           json_string_value(json_object_get(t, "user")),
           json_string_value(json_object_get(t, "name")),
           json_string_value(json_object_get(t, "prefix")),
           json_string_value(json_object_get(t, "state")),
           json_string_value(json_object_get(t, "expires_utc")),
           used ? used : "never",
           json_string_value(json_object_get(t, "scope")));
  }
  json_decref(list);
  return 0;
}

static int token_revoke_cmd(struct cli *c) {
  struct actor a;
  struct err e;
  struct db *db = NULL;
  long id = 0;
  int rc;
  err_clear(&e);
  if (c->argc < 2 || c->argv[1][0] == '-') {
    ERR_SET(&e, APP_EINVAL, "token revoke: expected the token's ID (see "
            "'hccstudy token list')");
    return cli_fail(&e);
  }
  c->used[1] = true;
  if (cli_parse_long("ID", c->argv[1], 1, INT32_MAX, &id, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = token_revoke(db, &a, id, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("token %ld revoked\n", id);
  return 0;
}

int cmd_token(struct cli *c) {
  struct err e;
  bool json;
  err_clear(&e);
  if (c->argc < 1) {
    ERR_SET(&e, APP_EINVAL, "token: expected 'token create|list|revoke' "
            "(see 'hccstudy help token')");
    return cli_fail(&e);
  }
  c->used[0] = true;
  if (strcmp(c->argv[0], "revoke") == 0) {
    return token_revoke_cmd(c);
  }
  json = cli_flag(c, "--json");
  if (strcmp(c->argv[0], "create") == 0) {
    return token_create_cmd(c, json);
  }
  if (strcmp(c->argv[0], "list") == 0) {
    return token_list_cmd(c, json);
  }
  ERR_SET(&e, APP_EINVAL, "token: expected 'token create|list|revoke' "
          "(see 'hccstudy help token')");
  return cli_fail(&e);
}
