/*
** cmd_freeze.c: `hccstudy freeze create|list|show`, data freezes
** (src/store/freeze.h).  A data manager freezes the study under a label;
** `hccstudy export --freeze ID`, `hccstudy stats ... --freeze ID` and the
** API's ?freeze=ID then read the frozen casebooks and give the same bytes
** whenever they are run.
*/
#include "commands.h"

#include "../store/freeze.h"
#include "cli_study.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void freeze_print(const json_t *f) {
  printf("freeze %" JSON_INTEGER_FORMAT " \"%s\"\n"
         "  created     %s by %s\n"
         "  audit seq   %" JSON_INTEGER_FORMAT "\n"
         "  chain hash  %s\n"
         "  patients    %" JSON_INTEGER_FORMAT "\n"
         "  content     sha256 %s\n",
         json_integer_value(json_object_get(f, "id")),
         json_string_value(json_object_get(f, "label")),
         json_string_value(json_object_get(f, "created_utc")),
         json_string_value(json_object_get(f, "created_by")),
         json_integer_value(json_object_get(f, "audit_seq")),
         json_string_value(json_object_get(f, "chain_hash")),
         json_integer_value(json_object_get(f, "n_patients")),
         json_string_value(json_object_get(f, "content_sha256")));
}

/* Parse the freeze id at argv[1]. */
static int freeze_id_arg(struct cli *c, const char *what, long *id,
                         struct err *e) {
  if (c->argc < 2 || c->argv[1][0] == '-') {
    return ERR_FIELD(e, APP_EINVAL, "ID",
                     "freeze %s: expected the freeze's ID (see 'hccstudy "
                     "freeze list')", what);
  }
  c->used[1] = true;
  return cli_parse_long("ID", c->argv[1], 1, INT32_MAX, id, e);
}

/* freeze create --label TEXT, or freeze show ID. */
static int freeze_one_cmd(struct cli *c, bool create, bool json) {
  const char *label = cli_opt(c, "--label");
  struct freeze_info info;
  struct actor a;
  struct err e;
  struct db *db = NULL;
  int64_t id = 0;
  long want = 0;
  json_t *o;
  int rc;
  err_clear(&e);
  if (create && label == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--label",
              "freeze create: --label TEXT is required (e.g. \"primary "
              "analysis\")");
    return cli_fail(&e);
  }
  if (!create && freeze_id_arg(c, "show", &want, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = create ? store_freeze_create(db, &a, label, &id, &e) : APP_OK;
  if (rc == APP_OK) {
    rc = store_freeze_get(db, &a, create ? id : want, &info, &e);
  }
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  o = store_freeze_json(&info);
  if (json) {
    cli_print_json(o);
  } else {
    freeze_print(o);
  }
  json_decref(o);
  return 0;
}

static int freeze_list_cmd(struct cli *c, bool json) {
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
  rc = store_freeze_list(db, &a, &list, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_pack("{s:o}", "freezes", list);
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  for (i = 0; i < json_array_size(list); i++) {
    json_t *f = json_array_get(list, i);
    printf("%-4" JSON_INTEGER_FORMAT " %s  seq %-8" JSON_INTEGER_FORMAT
           " %.16s  %4" JSON_INTEGER_FORMAT " patients  %s  \"%s\"\n",
           json_integer_value(json_object_get(f, "id")),
           json_string_value(json_object_get(f, "created_utc")),
           json_integer_value(json_object_get(f, "audit_seq")),
           json_string_value(json_object_get(f, "chain_hash")),
           json_integer_value(json_object_get(f, "n_patients")),
           json_string_value(json_object_get(f, "created_by")),
           json_string_value(json_object_get(f, "label")));
  }
  json_decref(list);
  return 0;
}

int cmd_freeze(struct cli *c) {
  struct err e;
  bool json;
  err_clear(&e);
  if (c->argc >= 1) {
    c->used[0] = true;
    json = cli_flag(c, "--json");
    if (strcmp(c->argv[0], "create") == 0) {
      return freeze_one_cmd(c, true, json);
    }
    if (strcmp(c->argv[0], "show") == 0) {
      return freeze_one_cmd(c, false, json);
    }
    if (strcmp(c->argv[0], "list") == 0) {
      return freeze_list_cmd(c, json);
    }
  }
  ERR_SET(&e, APP_EINVAL, "freeze: expected 'freeze create|list|show' (see "
          "'hccstudy help freeze')");
  return cli_fail(&e);
}
