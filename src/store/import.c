/*
** import.c: import of many patients' records, checked whole before anything
** is written (see import.h).
*/
#include "import.h"

#include "../study/forms.h"

#include <stdio.h>
#include <string.h>

/* Append {"field", "message"} to problems. */
static void add_problem(json_t *problems, const char *field,
                        const char *message) {
  if (problems != NULL) {
    json_array_append_new(problems, json_pack("{s:s,s:s}", "field", field,
                                              "message", message));
  }
}

int store_import(struct db *db, const struct actor *a, const json_t *doc,
                 json_t *problems, int64_t *n_records, struct err *e) {
  json_t *patients = json_object_get(doc, "patients");
  size_t i, j;
  int rc = APP_OK;
  *n_records = 0;
  rc = access_require(db, a, ACCESS_WRITE, "import", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (!json_is_array(patients)) {
    add_problem(problems, "patients", "expected an array of patients");
    return ERR_FIELD(e, APP_EINVAL, "patients", "patients: expected an array");
  }
  /* Pass 1: check everything without writing. */
  for (i = 0; i < json_array_size(patients); i++) {
    json_t *p = json_array_get(patients, i);
    json_t *recs = json_object_get(p, "records");
    const char *code = json_string_value(json_object_get(p, "code"));
    char ctx[64], rctx[96];
    snprintf(ctx, sizeof(ctx), "patients[%zu]", i);
    if (!json_is_object(p) || !json_is_array(recs)) {
      snprintf(rctx, sizeof(rctx), "%s.records", ctx);
      add_problem(problems, rctx, "expected an array of records");
      continue;
    }
    if (code != NULL) {
      struct patient pt;
      struct err pe;
      err_clear(&pe);
      if (store_patient_get(db, a, code, &pt, &pe) != APP_OK) {
        snprintf(rctx, sizeof(rctx), "%s.code", ctx);
        add_problem(problems, rctx, pe.msg);
      }
    }
    for (j = 0; j < json_array_size(recs); j++) {
      json_t *r = json_array_get(recs, j);
      const char *kind = json_string_value(json_object_get(r, "kind"));
      const struct form_spec *f = form_find(kind);
      snprintf(rctx, sizeof(rctx), "%s.records[%zu]", ctx, j);
      if (f == NULL) {
        char kp[120];
        snprintf(kp, sizeof(kp), "%s.kind", rctx);
        add_problem(problems, kp, "unknown record kind");
        continue;
      }
      {
        char dp[120];
        json_t *data = json_object_get(r, "data");
        snprintf(dp, sizeof(dp), "%s.data", rctx);
        if (!json_is_object(data)) {
          add_problem(problems, dp, "expected an object");
        } else {
          form_validate(f, data, dp, problems);
        }
      }
    }
  }
  if (json_array_size(problems) > 0) {
    return ERR_SET(e, APP_EINVAL, "import refused: %zu problem(s); nothing "
                   "was written", json_array_size(problems));
  }
  /* Pass 2: write everything in one transaction. */
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  for (i = 0; rc == APP_OK && i < json_array_size(patients); i++) {
    json_t *p = json_array_get(patients, i);
    json_t *recs = json_object_get(p, "records");
    const char *code = json_string_value(json_object_get(p, "code"));
    struct patient pt;
    if (code == NULL) {
      rc = store_patient_create(db, a,
                                json_string_value(json_object_get(p, "site")),
                                &pt, e);
      code = pt.code;
    }
    for (j = 0; rc == APP_OK && j < json_array_size(recs); j++) {
      json_t *r = json_array_get(recs, j);
      char rctx[96];
      int64_t id = 0;
      snprintf(rctx, sizeof(rctx), "patients[%zu].records[%zu]", i, j);
      struct record_save in;
      in.code = code;
      in.kind = json_string_value(json_object_get(r, "kind"));
      in.record_id = json_integer_value(json_object_get(r, "id"));
      in.version = json_integer_value(json_object_get(r, "version"));
      in.data = json_object_get(r, "data");
      in.reason = json_string_value(json_object_get(r, "reason"));
      in.ctx = rctx;
      rc = store_record_save(db, a, &in, problems, &id, e);
      if (rc != APP_OK && json_array_size(problems) == 0) {
        add_problem(problems, rctx, e->msg);
      }
      (*n_records)++;
    }
  }
  if (rc != APP_OK) {
    store_rollback(db, rc);
    *n_records = 0;
    if (e->code == APP_OK) {
      ERR_SET(e, APP_EINVAL, "import refused; nothing was written");
    }
    return e->code;
  }
  return db_commit(db, e);
}
