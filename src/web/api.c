/*
** api.c: the JSON API handlers (see api.h and docs/api.md).
*/
#include "api.h"

#include "../core/jsonx.h"
#include "assets.h"
#include "../core/clock.h"
#include "../store/patient.h"
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

static json_t *actor_json(const struct actor *a) {
  return json_pack("{s:s,s:s,s:s?}", "username", a->username, "role",
                   role_name(a->role), "site",
                   a->site_code[0] ? a->site_code : NULL);
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
  if (session_create(rq->db, user, pw, &a, token, csrf, &e) != APP_OK) {
    if (e.code == APP_EINVAL) {
      web_error(rs, 401, "E_LOGIN", e.msg, NULL);
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

/* Site filter for site-scoped roles (0 = all sites). */
static int64_t scope_site(const struct actor *a) {
  return (a->role == ROLE_INVESTIGATOR || a->role == ROLE_COORDINATOR)
             ? a->site_id
             : 0;
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
  struct db_stmt *st = NULL;
  struct err e;
  json_t *arr = json_array();
  const char *status = web_arg(rq, "status");
  const char *cohort = web_arg(rq, "cohort");
  const char *site = web_arg(rq, "site");
  err_clear(&e);
  if (rq->actor.role == ROLE_ADMIN) {
    json_decref(arr);
    web_error(rs, 403, "E_FORBIDDEN", "patients: not for the admin role",
              NULL);
    return 0;
  }
  if (db_prepare(rq->db,
                 "SELECT p.code, s.code, p.status, p.cohort, p.is_locked, "
                 "p.version, (SELECT COUNT(*) FROM query q WHERE "
                 "q.patient_id = p.id AND q.status = 'open') FROM patient p "
                 "JOIN site s ON s.id = p.site_id WHERE ($1 = 0 OR p.site_id "
                 "= $1) AND (CAST($2 AS TEXT) IS NULL OR p.status = $2) AND "
                 "(CAST($3 AS TEXT) IS NULL OR p.cohort = $3) AND (CAST($4 "
                 "AS TEXT) IS NULL OR s.code = $4) ORDER BY p.code LIMIT "
                 "10000",
                 &st, &e) != APP_OK) {
    json_decref(arr);
    web_store_error(rs, &e);
    return 0;
  }
  db_bind_int64(st, 1, scope_site(&rq->actor));
  db_bind_text(st, 2, status);
  db_bind_text(st, 3, cohort);
  db_bind_text(st, 4, site);
  while (db_step(st, &e) == DB_ROW) {
    json_array_append_new(
        arr, json_pack("{s:s,s:s,s:s,s:s?,s:b,s:I,s:I}", "code",
                       db_column_text(st, 0), "site", db_column_text(st, 1),
                       "status", db_column_text(st, 2), "cohort",
                       db_column_text(st, 3), "locked",
                       db_column_int64(st, 4) != 0, "version",
                       (json_int_t)db_column_int64(st, 5), "open_queries",
                       (json_int_t)db_column_int64(st, 6)));
  }
  db_finalize(st);
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
    web_json(rs, 422,
             json_pack("{s:{s:s,s:i,s:s,s:O,s:O}}", "error", "code",
                       "E_INVALID", "status", 422, "message", e->msg,
                       "field", json_object_get(first, "field"), "problems",
                       problems));
  } else {
    web_store_error(rs, e);
  }
}

int api_record_create(struct request *rq, struct response *rs) {
  json_t *problems = json_array();
  struct err e;
  int64_t id = 0;
  err_clear(&e);
  if (store_record_save(
          rq->db, &rq->actor, rq->seg[3],
          json_string_value(json_object_get(rq->json, "kind")), 0, 0,
          json_object_get(rq->json, "data"), NULL, "", problems, &id, &e) !=
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
  err_clear(&e);
  if (rid <= 0 || !json_is_integer(ver)) {
    web_error(rs, 400, "E_INVALID", rid <= 0 ? "record id must be a "
              "positive number" : "version is required", rid <= 0 ? "id"
              : "version");
    json_decref(problems);
    return 0;
  }
  if (store_record_save(
          rq->db, &rq->actor, rq->seg[3],
          json_string_value(json_object_get(rq->json, "kind")), rid,
          json_integer_value(ver), json_object_get(rq->json, "data"),
          json_string_value(json_object_get(rq->json, "reason")), "",
          problems, &id, &e) != APP_OK) {
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
  err_clear(&e);
  if (store_protocol(rq->db, &p, &e) != APP_OK ||
      eligibility_from_json(rq->json, &in, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  eligibility_check(&p.elig, &in, &r);
  web_json(rs, 200, eligibility_to_json(&r));
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
  struct patient pt;
  struct db_stmt *st = NULL;
  struct err e;
  json_t *arr;
  char id[128];
  long rid = strtol(rq->seg[5], NULL, 10);
  err_clear(&e);
  if (store_patient_get(rq->db, &rq->actor, rq->seg[3], &pt, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  /* Audit entity ids of records are CODE/KIND/ID. */
  if (db_prepare(rq->db, "SELECT kind FROM record WHERE id = $1 AND "
                         "patient_id = $2", &st, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  db_bind_int64(st, 1, rid);
  db_bind_int64(st, 2, pt.id);
  if (db_step(st, &e) != DB_ROW) {
    db_finalize(st);
    web_error(rs, 404, "E_NOT_FOUND", "no such record", NULL);
    return 0;
  }
  snprintf(id, sizeof(id), "%s/%s/%ld", pt.code, db_column_text(st, 0),
           rid);
  db_finalize(st);
  if (db_prepare(rq->db,
                 "SELECT seq, ts_utc, actor, role, site, action, field, "
                 "old_value, new_value, reason FROM audit WHERE entity = "
                 "'record' AND entity_id = $1 ORDER BY seq",
                 &st, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  db_bind_text(st, 1, id);
  arr = json_array();
  while (db_step(st, &e) == DB_ROW) {
    json_array_append_new(
        arr, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?,s:s?,s:s?}",
                       "seq", (json_int_t)db_column_int64(st, 0), "ts_utc",
                       db_column_text(st, 1), "actor", db_column_text(st, 2),
                       "role", db_column_text(st, 3), "site",
                       db_column_text(st, 4), "action",
                       db_column_text(st, 5), "field", db_column_text(st, 6),
                       "old_value", db_column_text(st, 7), "new_value",
                       db_column_text(st, 8), "reason",
                       db_column_text(st, 9)));
  }
  db_finalize(st);
  web_json(rs, 200, json_pack("{s:s,s:I,s:o}", "patient", pt.code, "record",
                              (json_int_t)rid, "history", arr));
  return 0;
}
