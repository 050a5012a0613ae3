/*
** patient.c: patients: their headers, creation, codes and lists (see
** patient.h).
*/
#include "patient.h"
#include "seal.h"

#include "../core/clock.h"
#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Load a patient row by code without access checks. */
static int load_patient(struct db *db, const char *code, struct patient *p,
                        struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db,
                      "SELECT p.id, p.site_id, s.code, p.code, p.status, "
                      "COALESCE(p.cohort, ''), p.is_locked, p.version FROM "
                      "patient p JOIN site s ON s.id = p.site_id WHERE "
                      "p.code = $1",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, code);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    memset(p, 0, sizeof(*p));
    p->id = db_column_int64(st, 0);
    p->site_id = db_column_int64(st, 1);
    snprintf(p->site_code, sizeof(p->site_code), "%s",
             db_column_text(st, 2));
    snprintf(p->code, sizeof(p->code), "%s", db_column_text(st, 3));
    snprintf(p->status, sizeof(p->status), "%s", db_column_text(st, 4));
    snprintf(p->cohort, sizeof(p->cohort), "%s", db_column_text(st, 5));
    p->is_locked = db_column_int64(st, 6) != 0;
    p->version = db_column_int64(st, 7);
    rc = APP_OK;
  } else {
    rc = rc == DB_DONE ? APP_ENOTFOUND : APP_EDB;
  }
  db_finalize(st);
  return rc;
}

int store_patient_get(struct db *db, const struct actor *a, const char *code,
                      struct patient *out, struct err *e) {
  int rc = access_require(db, a, ACCESS_READ, "patient", e);
  memset(out, 0, sizeof(*out));
  if (rc != APP_OK) {
    return rc;
  }
  rc = load_patient(db, code ? code : "", out, e);
  if (rc == APP_OK) {
    rc = access_patient(db, a, ACCESS_READ, out->code, out->site_id,
                        out->is_locked, e);
  }
  if (rc == APP_ENOTFOUND) {
    /* Another site's patient answers as one that does not exist. */
    memset(out, 0, sizeof(*out));
    return ERR_SET(e, APP_ENOTFOUND,
                   "patient: no patient \"%.40s\" that you may see",
                   code ? code : "");
  }
  return rc;
}

int store_patient_create(struct db *db, const struct actor *a,
                         const char *site_code, struct patient *out,
                         struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN];
  char code[64];
  int64_t site_id = a->site_id, n = 0;
  int rc;
  rc = access_require(db, a, ACCESS_WRITE, "patient", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (access_role_site_scoped(a->role)) {
    if (site_code != NULL && strcmp(site_code, a->site_code) != 0) {
      return access_deny(db, a, ACCESS_OWN_SITE, "site", "site", site_code,
                         e);
    }
    site_code = a->site_code;
  } else if (site_code == NULL || site_code[0] == '\0') {
    return ERR_FIELD(e, APP_EINVAL, "site", "site: required for the %s role",
                   role_name(a->role));
  } else if (store_site_id(db, site_code, &site_id, e) != APP_OK) {
    return e->code;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_prepare(db, "SELECT COUNT(*) FROM patient WHERE site_id = $1", &st,
                  e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, site_id);
    rc = db_step(st, e) == DB_ROW ? APP_OK : APP_EDB;
    n = db_column_int64(st, 0);
    db_finalize(st);
  }
  snprintf(code, sizeof(code), "%s-%04" PRId64, site_code, n + 1);
  clock_now_utc(now);
  if (rc == APP_OK) {
    rc = db_prepare(db, "INSERT INTO patient(site_id, code, created_utc) "
                        "VALUES ($1, $2, $3)", &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, site_id);
    db_bind_text(st, 2, code);
    db_bind_text(st, 3, now);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  if (rc == APP_OK) {
    struct audit_entry en = {"create", "patient", code, "site", NULL,
                             site_code, NULL};
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc == APP_OK) {
    rc = load_patient(db, code, out, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_PATIENT, out->id, e);
  }
  if (rc != APP_OK) {
    return store_rollback(db, rc);
  }
  return db_commit(db, e);
}

int store_patient_codes(struct db *db, const struct actor *a, json_t **out,
                        struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc;
  rc = access_require(db, a, ACCESS_READ, "patient", e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT code FROM patient WHERE $1 = 0 OR site_id = $1 "
                  "ORDER BY code",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, access_site_scope(a));
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    rc = store_row_append(arr, json_string(db_column_text(st, 0)),
                          "patient", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}


int store_patient_list(struct db *db, const struct actor *a,
                       const struct patient_filter *f, json_t **out,
                       struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc = access_require(db, a, ACCESS_READ, "patients", e);
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT p.code, s.code, p.status, p.cohort, p.is_locked, "
                  "p.version, (SELECT COUNT(*) FROM query q WHERE "
                  "q.patient_id = p.id AND q.status = 'open') FROM patient p "
                  "JOIN site s ON s.id = p.site_id WHERE ($1 = 0 OR p.site_id "
                  "= $1) AND (CAST($2 AS TEXT) IS NULL OR p.status = $2) AND "
                  "(CAST($3 AS TEXT) IS NULL OR p.cohort = $3) AND (CAST($4 "
                  "AS TEXT) IS NULL OR s.code = $4) ORDER BY CASE WHEN $6 = "
                  "1 THEN p.id END, p.code LIMIT $5",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, access_site_scope(a));
  db_bind_text(st, 2, f ? f->status : NULL);
  db_bind_text(st, 3, f ? f->cohort : NULL);
  db_bind_text(st, 4, f ? f->site : NULL);
  db_bind_int64(st, 5, f && f->limit > 0 ? f->limit : STORE_LIST_MAX);
  db_bind_int64(st, 6, f && f->by_creation ? 1 : 0);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s?,s:b,s:I,s:I}", "code", db_column_text(st, 0),
        "site", db_column_text(st, 1), "status", db_column_text(st, 2),
        "cohort", db_column_text(st, 3), "locked",
        db_column_int64(st, 4) != 0, "version",
        (json_int_t)db_column_int64(st, 5), "open_queries",
        (json_int_t)db_column_int64(st, 6));
    rc = store_row_append(arr, o, "patients", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}
