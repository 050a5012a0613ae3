/*
** snapshot.c: the store rows an export carries beyond the casebooks (see
** snapshot.h).
*/
#include "snapshot.h"

#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The current row of st as a JSON object, one member a column (NULL ->
** null, integers, reals, text); NULL when a text is not UTF-8. */
static json_t *row_json(struct db_stmt *st) {
  json_t *o = json_object();
  int i, n = db_column_count(st);
  for (i = 0; i < n; i++) {
    json_t *v;
    switch (db_column_type(st, i)) {
    case DB_T_NULL:
      v = json_null();
      break;
    case DB_T_INT:
      v = json_integer(db_column_int64(st, i));
      break;
    case DB_T_DOUBLE:
      v = json_real(db_column_double(st, i));
      break;
    default:
      v = json_string(db_column_text(st, i));
      break;
    }
    if (v == NULL) {
      json_decref(o);
      return NULL;
    }
    json_object_set_new(o, db_column_name(st, i), v);
  }
  return o;
}

/* Every row of sql (bound with text arg as $1 when not NULL) as an array
** of row_json objects in *out. */
static int rows_json(struct db *db, const char *sql, const char *arg,
                     json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc;
  *out = NULL;
  /* checksrc:db_prepare-literal: every caller passes a literal */
  rc = db_prepare(db, sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (arg != NULL) {
    db_bind_text(st, 1, arg);
  }
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    rc = store_row_append(arr, row_json(st), "odm", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}

int store_odm_admin(struct db *db, json_t **out, struct err *e) {
  json_t *study = NULL, *sites = NULL, *users = NULL;
  int rc;
  *out = NULL;
  rc = rows_json(db,
                 "SELECT nct_id, study_id, protocol_json, is_locked, "
                 "created_utc, version FROM study",
                 NULL, &study, e);
  if (rc == APP_OK && json_array_size(study) != 1) {
    rc = ERR_SET(e, APP_EINVAL, "--db: holds no study");
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT id, code, name, created_utc, version FROM "
                   "site ORDER BY id",
                   NULL, &sites, e);
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT u.id, u.username, u.role, s.code AS site, "
                   "u.is_active, u.created_utc, u.version FROM app_user "
                   "u LEFT JOIN site s ON s.id = u.site_id ORDER BY u.id",
                   NULL, &users, e);
  }
  if (rc == APP_OK) {
    *out = json_pack("{s:O,s:O,s:O}", "study", json_array_get(study, 0),
                     "sites", sites, "users", users);
  }
  json_decref(study);
  json_decref(sites);
  json_decref(users);
  return rc;
}

int store_odm_patient_extra(struct db *db, const char *code, json_t **out,
                            struct err *e) {
  json_t *pt = NULL, *recs = NULL, *sigs = NULL, *qs = NULL, *der = NULL;
  json_t *rmap, *o, *x;
  size_t i;
  int rc;
  *out = NULL;
  rc = rows_json(db, "SELECT id, created_utc FROM patient WHERE code = $1",
                 code, &pt, e);
  if (rc == APP_OK && json_array_size(pt) != 1) {
    rc = ERR_SET(e, APP_ENOTFOUND, "patient %s: not found", code);
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT r.id, r.created_utc, r.updated_utc FROM "
                   "record r JOIN patient p ON p.id = r.patient_id "
                   "WHERE p.code = $1 AND r.is_deleted = 0 ORDER BY r.id",
                   code, &recs, e);
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT g.id, g.voided_utc FROM signature g JOIN "
                   "patient p ON p.id = g.patient_id WHERE p.code = $1 "
                   "ORDER BY g.id",
                   code, &sigs, e);
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT q.id, q.record_id, q.field, q.check_id, "
                   "q.status, q.text, q.answer, q.raised_by, "
                   "q.raised_utc, q.answered_by, q.answered_utc, "
                   "q.closed_by, q.closed_utc, q.version FROM query q "
                   "JOIN patient p ON p.id = q.patient_id WHERE p.code "
                   "= $1 ORDER BY q.id",
                   code, &qs, e);
  }
  if (rc == APP_OK) {
    rc = rows_json(db,
                   "SELECT d.updated_utc FROM derived d JOIN patient p "
                   "ON p.id = d.patient_id WHERE p.code = $1",
                   code, &der, e);
  }
  if (rc == APP_OK) {
    json_t *p0 = json_array_get(pt, 0);
    rmap = json_object();
    json_array_foreach(recs, i, x) {
      char key[32];
      snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
               json_integer_value(json_object_get(x, "id")));
      json_object_set_new(rmap, key,
                          json_pack("[OO]", json_object_get(x, "created_utc"),
                                    json_object_get(x, "updated_utc")));
    }
    o = json_pack("{s:O,s:O,s:o,s:O,s:O}", "id", json_object_get(p0, "id"),
                  "created_utc", json_object_get(p0, "created_utc"), "records",
                  rmap, "signatures", sigs, "queries", qs);
    x = json_object_get(json_array_get(der, 0), "updated_utc");
    json_object_set(o, "derived_utc", x ? x : json_null());
    *out = o;
  }
  json_decref(pt);
  json_decref(recs);
  json_decref(sigs);
  json_decref(qs);
  json_decref(der);
  return rc;
}

