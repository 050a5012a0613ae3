/*
** api.c: the JSON API handlers (see api.h and docs/api.md).
*/
#include "api.h"

#include "../core/jsonx.h"
#include "assets.h"
#include "../core/clock.h"
#include "../store/casebook.h"
#include "../store/import.h"
#include "../store/status.h"
#include "../store/workflow.h"
#include "../study/eligibility.h"
#include "../study/forms.h"
#include "../study/mrecist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_health(struct request *rq, struct response *rs) {
  (void)rq;
  web_json(rs, 200, json_pack("{s:s,s:s}", "status", "ok", "database",
                              db_backend_name(rq->db)));
  return 0;
}

/* The session's user, with what access.c lets it do: the interface shows
** its buttons from these, so the table lives once. */
static json_t *actor_json(const struct actor *a) {
  json_t *perms = json_array();
  int p;
  for (p = 0; p < ACCESS_N_PERMS; p++) {
    if (access_may(a, (enum access_perm)p)) {
      json_array_append_new(perms,
                            json_string(access_perm_name((enum access_perm)p)));
    }
  }
  return json_pack("{s:s,s:s,s:s?,s:b,s:o}", "username", a->username, "role",
                   role_name(a->role), "site",
                   a->site_code[0] ? a->site_code : NULL, "site_scoped",
                   access_role_site_scoped(a->role), "permissions", perms);
}

int api_login(struct request *rq, struct response *rs) {
  const char *user = json_string_value(json_object_get(rq->json, "username"));
  const char *pw = json_string_value(json_object_get(rq->json, "password"));
  char token[SESSION_TOKEN_LEN], csrf[SESSION_TOKEN_LEN];
  struct actor a;
  struct err e;
  json_t *body;
  err_clear(&e);
  if (user == NULL || pw == NULL) {
    web_error(rs, 400, "E_INVALID", "username and password are required",
              user == NULL ? "username" : "password");
    return 0;
  }
  if (session_create(rq->db, user, pw, rq->client, &a, token, csrf, &e) !=
      APP_OK) {
    if (e.code == APP_EINVAL) {
      web_error(rs, 401, "E_LOGIN", e.msg, NULL);
    } else if (e.code == APP_ETHROTTLED) {
      web_error(rs, 429, "E_THROTTLED", e.msg, NULL);
    } else {
      web_store_error(rs, &e);
    }
    return 0;
  }
  snprintf(rs->set_cookie, sizeof(rs->set_cookie),
           "%shcc_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
           rq->is_tls ? "__Host-" : "", token, rq->is_tls ? "; Secure" : "");
  body = json_pack("{s:o,s:s}", "user", actor_json(&a), "csrf", csrf);
  web_json(rs, 200, body);
  return 0;
}

int api_me(struct request *rq, struct response *rs) {
  web_json(rs, 200, json_pack("{s:o,s:s}", "user", actor_json(&rq->actor),
                              "csrf", rq->csrf));
  return 0;
}

int api_logout(struct request *rq, struct response *rs) {
  struct err e;
  err_clear(&e);
  if (session_end(rq->db, rq->token, &rq->actor, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  snprintf(rs->set_cookie, sizeof(rs->set_cookie),
           "%shcc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
           rq->is_tls ? "__Host-" : "", rq->is_tls ? "; Secure" : "");
  web_json(rs, 200, json_pack("{s:b}", "logged_out", 1));
  return 0;
}

int api_status(struct request *rq, struct response *rs) {
  struct protocol p;
  struct err e;
  json_t *st = NULL;
  err_clear(&e);
  if (store_protocol(rq->db, &p, &e) != APP_OK ||
      store_status(rq->db, &rq->actor, p.target_enrollment, clock_today(),
                   &st, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, st);
  return 0;
}

int api_dictionary(struct request *rq, struct response *rs) {
  json_t *arr = json_array();
  int i;
  (void)rq;
  for (i = 0; i < form_n_all; i++) {
    json_array_append_new(arr, form_to_json(form_all[i]));
  }
  web_json(rs, 200, json_pack("{s:o}", "forms", arr));
  return 0;
}

int api_patients(struct request *rq, struct response *rs) {
  struct patient_filter f = {0};
  struct err e;
  json_t *arr = NULL;
  err_clear(&e);
  f.status = web_arg(rq, "status");
  f.cohort = web_arg(rq, "cohort");
  f.site = web_arg(rq, "site");
  if (store_patient_list(rq->db, &rq->actor, &f, &arr, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:o}", "patients", arr));
  return 0;
}

int api_patient_create(struct request *rq, struct response *rs) {
  struct patient p;
  struct err e;
  err_clear(&e);
  if (store_patient_create(rq->db, &rq->actor,
                           json_string_value(json_object_get(rq->json,
                                                             "site")),
                           &p, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 201, json_pack("{s:s,s:s,s:s}", "code", p.code, "site",
                              p.site_code, "status", p.status));
  return 0;
}

int api_casebook(struct request *rq, struct response *rs) {
  struct err e;
  err_clear(&e);
  rs->body.len = 0;
  if (store_casebook_text(rq->db, &rq->actor, rq->seg[3], &rs->body, &e) !=
      APP_OK) {
    rs->body.len = 0;
    web_store_error(rs, &e);
    return 0;
  }
  rs->status = 200;
  rs->content_type = "application/json";
  return 0;
}

/* The answer to a saved record: its id, the version this save produced,
** and the casebook as it is now (which may already show a later save by
** someone else: "version" is this save's).  Runs after the write
** committed, on the request's own thread, so the writer thread only
** writes. */
static void record_saved_after(struct request *rq, struct response *rs) {
  struct err e;
  int status = rs->status;
  err_clear(&e);
  rs->body.len = 0;
  buf_appendf(&rs->body, "{\"id\":%lld,\"version\":%lld,\"casebook\":",
              (long long)rq->saved_id, (long long)rq->saved_version);
  if (store_casebook_text(rq->db, &rq->actor, rq->seg[3], &rs->body, &e) !=
      APP_OK) {
    rs->body.len = 0;
    web_store_error(rs, &e);
    return;
  }
  buf_putc(&rs->body, '}');
  rs->status = status;
  rs->content_type = "application/json";
}

static void record_saved(struct request *rq, struct response *rs,
                         int64_t id, int64_t version, int status) {
  rs->status = status;
  rq->saved_id = id;
  rq->saved_version = version;
  rq->after_write = record_saved_after;
}

static void save_failed(struct response *rs, const struct err *e,
                        json_t *problems) {
  if (e->code == APP_EINVAL && json_array_size(problems) > 0) {
    json_t *first = json_array_get(problems, 0);
    struct buf msg;
    buf_init(&msg, 0);
    i18n_message(rs->lang, e->msg, &msg);
    web_json(rs, 422,
             json_pack("{s:{s:s,s:i,s:s,s:O,s:o}}", "error", "code",
                       "E_INVALID", "status", 422, "message", buf_str(&msg),
                       "field", json_object_get(first, "field"), "problems",
                       web_problems_localized(rs, problems)));
    buf_reset(&msg);
  } else {
    web_store_error(rs, e);
  }
}

/* The record to save that the request's body and path describe. */
static struct record_save record_of(const struct request *rq) {
  struct record_save in = {0};
  in.code = rq->seg[3];
  in.kind = json_string_value(json_object_get(rq->json, "kind"));
  in.data = json_object_get(rq->json, "data");
  in.reason = json_string_value(json_object_get(rq->json, "reason"));
  return in;
}

int api_record_create(struct request *rq, struct response *rs) {
  json_t *problems = json_array();
  struct record_save in = record_of(rq);
  struct err e;
  int64_t id = 0;
  err_clear(&e);
  in.reason = NULL;
  if (store_record_save(rq->db, &rq->actor, &in, problems, &id, &e) !=
      APP_OK) {
    save_failed(rs, &e, problems);
  } else {
    record_saved(rq, rs, id, 1, 201);
  }
  json_decref(problems);
  return 0;
}

int api_record_update(struct request *rq, struct response *rs) {
  json_t *problems = json_array();
  struct err e;
  int64_t id = 0;
  long rid = strtol(rq->seg[5], NULL, 10);
  json_t *ver = json_object_get(rq->json, "version");
  struct record_save in;
  err_clear(&e);
  if (rid <= 0 || !json_is_integer(ver)) {
    web_error(rs, 400, "E_INVALID", rid <= 0 ? "record id must be a "
              "positive number" : "version is required", rid <= 0 ? "id"
              : "version");
    json_decref(problems);
    return 0;
  }
  in = record_of(rq);
  in.record_id = rid;
  in.version = json_integer_value(ver);
  if (store_record_save(rq->db, &rq->actor, &in, problems, &id, &e) !=
      APP_OK) {
    save_failed(rs, &e, problems);
  } else {
    /* The store saved only if `version` was current: now it is one more. */
    record_saved(rq, rs, id, json_integer_value(ver) + 1, 200);
  }
  json_decref(problems);
  return 0;
}

int api_query_raise(struct request *rq, struct response *rs) {
  struct err e;
  int64_t id = 0;
  json_t *rec = json_object_get(rq->json, "record_id");
  err_clear(&e);
  if (store_query_raise(rq->db, &rq->actor, rq->seg[3],
                        json_is_integer(rec) ? json_integer_value(rec) : 0,
                        json_string_value(json_object_get(rq->json, "field")),
                        json_string_value(json_object_get(rq->json, "text")),
                        &id, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 201, json_pack("{s:I}", "id", (json_int_t)id));
  return 0;
}

static int query_step(struct request *rq, struct response *rs, int close) {
  struct err e;
  long id = strtol(rq->seg[3], NULL, 10);
  const char *text = json_string_value(json_object_get(rq->json, "text"));
  int rc;
  err_clear(&e);
  if (id <= 0) {
    web_error(rs, 404, "E_NOT_FOUND", "no such query", NULL);
    return 0;
  }
  rc = close ? store_query_close(rq->db, &rq->actor, id, text, &e)
             : store_query_answer(rq->db, &rq->actor, id, text, &e);
  if (rc != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status",
                              close ? "closed" : "answered"));
  return 0;
}

int api_query_answer(struct request *rq, struct response *rs) {
  return query_step(rq, rs, 0);
}

int api_query_close(struct request *rq, struct response *rs) {
  return query_step(rq, rs, 1);
}

int api_queries(struct request *rq, struct response *rs) {
  json_t *list = NULL;
  struct err e;
  err_clear(&e);
  if (store_query_list(rq->db, &rq->actor, web_arg(rq, "patient"),
                       web_arg(rq, "status"), &list, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:o}", "queries", list));
  return 0;
}

int api_sign(struct request *rq, struct response *rs) {
  struct err e;
  err_clear(&e);
  if (store_sign(rq->db, &rq->actor, rq->seg[3],
                 json_string_value(json_object_get(rq->json, "password")),
                 json_string_value(json_object_get(rq->json, "meaning")),
                 &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:b}", "signed", 1));
  return 0;
}

int api_lock(struct request *rq, struct response *rs) {
  struct err e;
  json_t *lock = json_object_get(rq->json, "locked");
  err_clear(&e);
  if (!json_is_boolean(lock)) {
    web_error(rs, 400, "E_INVALID", "locked: true or false is required",
              "locked");
    return 0;
  }
  if (store_lock(rq->db, &rq->actor, rq->seg[3], json_is_true(lock),
                 json_string_value(json_object_get(rq->json, "reason")),
                 &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:b}", "locked", json_is_true(lock)));
  return 0;
}

int api_sdv(struct request *rq, struct response *rs) {
  struct err e;
  long id = strtol(rq->seg[3], NULL, 10);
  err_clear(&e);
  if (store_sdv_mark(rq->db, &rq->actor, id, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:b}", "verified", 1));
  return 0;
}

int api_import(struct request *rq, struct response *rs) {
  json_t *problems = json_array();
  struct err e;
  int64_t n = 0;
  err_clear(&e);
  if (store_import(rq->db, &rq->actor, rq->json, problems, &n, &e) !=
      APP_OK) {
    save_failed(rs, &e, problems);
  } else {
    web_json(rs, 200, json_pack("{s:I}", "records", (json_int_t)n));
  }
  json_decref(problems);
  return 0;
}

int api_rules_eligibility(struct request *rq, struct response *rs) {
  struct protocol p;
  struct elig_input in;
  struct elig_result r;
  struct err e;
  json_t *out;
  err_clear(&e);
  if (store_protocol(rq->db, &p, &e) != APP_OK ||
      eligibility_from_json(rq->json, &in, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  eligibility_check(&p.elig, &in, &r);
  out = eligibility_to_json(&r);
  if (out != NULL && rs->lang != I18N_EN) {
    /* The reasons are read by the coordinator: in the request's language
    ** (criterion ids stay as they are). */
    json_object_set_new(out, "failed",
                        web_members_localized(rs, json_object_get(out,
                                                                  "failed"),
                                              "reason"));
  }
  web_json(rs, 200, out);
  return 0;
}

int api_rules_mrecist(struct request *rq, struct response *rs) {
  struct protocol p;
  struct mr_input in;
  struct mr_options o;
  struct mr_result r;
  struct err e;
  err_clear(&e);
  memset(&in, 0, sizeof(in));
  if (store_protocol(rq->db, &p, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  mr_options_from_protocol(&p.response, &o);
  if (mr_options_from_json(rq->json, &o, &e) != APP_OK ||
      mr_input_from_json(rq->json, true, &in, &e) != APP_OK ||
      mrecist_evaluate(&in, &o, &r, &e) != APP_OK) {
    mr_input_free(&in);
    web_store_error(rs, &e);
    return 0;
  }
  mr_input_free(&in);
  web_json(rs, 200, mr_result_to_json(&r));
  mr_result_free(&r);
  return 0;
}

int api_static(struct request *rq, struct response *rs) {
  const struct asset *a = (strcmp(rq->method, "GET") == 0 ||
                           strcmp(rq->method, "HEAD") == 0)
                              ? asset_find(rq->path)
                              : NULL;
  if (a == NULL) {
    web_error(rs, 404, "E_NOT_FOUND", "no such page", NULL);
    return 0;
  }
  rs->status = 200;
  rs->content_type = a->content_type;
  buf_append(&rs->body, a->data, (size_t)(a->end - a->data));
  return 0;
}

int api_record_history(struct request *rq, struct response *rs) {
  struct err e;
  json_t *h = NULL;
  long rid = strtol(rq->seg[5], NULL, 10);
  err_clear(&e);
  if (store_record_history(rq->db, &rq->actor, rq->seg[3], rid, &h, &e) !=
      APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, h);
  return 0;
}
