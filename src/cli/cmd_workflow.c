/*
** cmd_workflow.c: query, sdv, sign and lock commands over src/store/
** workflow.h, acting as the logged-in user.
*/
#include "commands.h"

#include "../core/mem.h"
#include "../store/workflow.h"
#include "cli_study.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int sub_is(struct cli *c, const char *word) {
  if (c->argc >= 1 && strcmp(c->argv[0], word) == 0) {
    c->used[0] = true;
    return 1;
  }
  return 0;
}

int cmd_query(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *patient = cli_opt(c, "--patient");
  const char *rec = cli_opt(c, "--record");
  const char *field = cli_opt(c, "--field");
  const char *text = cli_opt(c, "--text");
  const char *idtext = cli_opt(c, "--id");
  const char *status = cli_opt(c, "--status");
  bool json = cli_flag(c, "--json");
  long rid = 0, qid = 0;
  int64_t newid = 0;
  int rc;
  int mode = sub_is(c, "raise")    ? 1
             : sub_is(c, "answer") ? 2
             : sub_is(c, "close")  ? 3
             : sub_is(c, "list")   ? 4
                                   : 0;
  err_clear(&e);
  if (mode == 0) {
    ERR_SET(&e, APP_EINVAL, "query: expected raise, answer, close or list");
    return cli_fail(&e);
  }
  if ((rec && cli_parse_long("--record", rec, 1, INT32_MAX, &rid, &e)) ||
      (idtext && cli_parse_long("--id", idtext, 1, INT32_MAX, &qid, &e))) {
    return cli_fail(&e);
  }
  if ((mode == 1 && (patient == NULL || text == NULL)) ||
      ((mode == 2 || mode == 3) && (qid == 0 || (mode == 2 && !text)))) {
    ERR_SET(&e, APP_EINVAL, "query %s: missing option (see 'hccstudy help "
            "query')", c->argv[0]);
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (mode == 1) {
    rc = store_query_raise(db, &a, patient, rid, field, text, &newid, &e);
    if (rc == APP_OK) {
      printf("query %" PRId64 " raised\n", newid);
    }
  } else if (mode == 2) {
    rc = store_query_answer(db, &a, qid, text, &e);
  } else if (mode == 3) {
    rc = store_query_close(db, &a, qid, text, &e);
  } else {
    json_t *list = NULL;
    rc = store_query_list(db, &a, patient, status, &list, &e);
    if (rc == APP_OK) {
      if (json) {
        json_t *o = json_pack("{s:o}", "queries", list);
        cli_print_json(o);
        json_decref(o);
      } else {
        size_t i;
        for (i = 0; i < json_array_size(list); i++) {
          json_t *q = json_array_get(list, i);
          printf("%5" JSON_INTEGER_FORMAT "  %-10s %-8s %-18s %s\n",
                 json_integer_value(json_object_get(q, "id")),
                 json_string_value(json_object_get(q, "patient")),
                 json_string_value(json_object_get(q, "status")),
                 json_is_string(json_object_get(q, "check"))
                     ? json_string_value(json_object_get(q, "check"))
                     : json_string_value(json_object_get(q, "raised_by")),
                 json_string_value(json_object_get(q, "text")));
        }
        json_decref(list);
      }
    }
  }
  db_close(db);
  return rc == APP_OK ? 0 : cli_fail(&e);
}

int cmd_sdv(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *rec = cli_opt(c, "--record");
  long rid = 0;
  int rc;
  err_clear(&e);
  if (rec == NULL ||
      cli_parse_long("--record", rec, 1, INT32_MAX, &rid, &e) != APP_OK) {
    if (e.code == APP_OK) {
      ERR_SET(&e, APP_EINVAL, "sdv: --record ID is required");
    }
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = store_sdv_mark(db, &a, rid, &e);
  db_close(db);
  return rc == APP_OK ? 0 : cli_fail(&e);
}

int cmd_sign(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *patient = cli_opt(c, "--patient");
  const char *meaning = cli_opt(c, "--meaning");
  char *pw;
  int rc;
  err_clear(&e);
  if (patient == NULL) {
    ERR_SET(&e, APP_EINVAL, "sign: --patient CODE is required");
    return cli_fail(&e);
  }
  if (meaning == NULL) {
    meaning = "I approve the data in this casebook as complete and "
              "accurate.";
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  pw = cli_read_password("HCCSTUDY_PASSWORD", "Password to sign: ", &e);
  rc = pw ? store_sign(db, &a, patient, pw, meaning, &e) : APP_EINVAL;
  if (pw) {
    memset(pw, 0, strlen(pw));
    xfree(pw);
  }
  db_close(db);
  if (rc == APP_OK) {
    printf("casebook %s signed by %s\n", patient, a.username);
  }
  return rc == APP_OK ? 0 : cli_fail(&e);
}

int cmd_lock(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *patient = cli_opt(c, "--patient");
  const char *reason = cli_opt(c, "--reason");
  bool unlock = cli_flag(c, "--unlock");
  int rc;
  err_clear(&e);
  if (patient == NULL) {
    ERR_SET(&e, APP_EINVAL, "lock: --patient CODE is required");
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = store_lock(db, &a, patient, !unlock, reason, &e);
  db_close(db);
  return rc == APP_OK ? 0 : cli_fail(&e);
}
