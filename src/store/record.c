/*
** record.c: records: save, derivation, the audit of each change, and the
** casebook (see record.h).
*/
#include "record.h"
#include "seal.h"

#include "../core/clock.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../study/casebook.h"
#include "../study/checks.h"
#include "../study/forms.h"
#include "audit.h"
#include "terms.h"
#include "workflow.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Parsed records kept with the connection, keyed by record id, each with
** the version it was parsed at: a save re-derives the patient from all its
** records, and parsing them again each time was most of a save's cost.  A
** cached record is used only while its stored version is the same, so
** another server's change is always seen. */
#define RECORD_CACHE_MAX 200000 /* entries; the cache is emptied past it */

static void record_cache_free(void *p) {
  json_decref(p);
}

/* The patient's live records like load_records, through the cache. */
static int load_records_cached(struct db *db, int64_t patient_id,
                               json_t **out, struct err *e) {
  struct db_stmt *st = NULL, *one = NULL;
  json_t *cache = db_app_data(db);
  json_t *arr;
  int rc;
  if (cache == NULL || json_object_size(cache) > RECORD_CACHE_MAX) {
    cache = json_object();
    db_set_app_data(db, cache, record_cache_free);
  }
  rc = db_prepare(db,
                  "SELECT id, kind, version FROM record WHERE patient_id = "
                  "$1 AND is_deleted = 0 ORDER BY id",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, patient_id);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    char key[32];
    int64_t id = db_column_int64(st, 0);
    int64_t version = db_column_int64(st, 2);
    json_t *hit;
    json_t *data = NULL;
    snprintf(key, sizeof(key), "%" PRId64, id);
    hit = json_object_get(cache, key);
    if (hit != NULL &&
        json_integer_value(json_object_get(hit, "version")) == version) {
      data = json_incref(json_object_get(hit, "data"));
    } else {
      rc = db_prepare(db, "SELECT data FROM record WHERE id = $1", &one, e);
      if (rc != APP_OK) {
        break;
      }
      db_bind_int64(one, 1, id);
      if (db_step(one, e) == DB_ROW) {
        struct err je;
        const char *text = db_column_text(one, 0);
        err_clear(&je);
        data = jx_parse(text, strlen(text), "record", &je);
      }
      db_finalize(one);
      if (data == NULL) {
        data = json_object();
      }
      json_object_set_new(cache, key,
                          json_pack("{s:I,s:O}", "version",
                                    (json_int_t)version, "data", data));
    }
    json_array_append_new(
        arr, json_pack("{s:I,s:s,s:I,s:o}", "id", (json_int_t)id, "kind",
                       db_column_text(st, 1), "version",
                       (json_int_t)version, "data", data));
  }
  db_finalize(st);
  if (rc < 0 || rc == APP_EDB) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

/* Add the terminology check (ae_term) to findings and sync the queries. */
static int derive_checks(struct db *db, const struct patient *pt,
                         const json_t *records, json_t *findings,
                         struct err *e) {
  size_t i;
  int terms = 0;
  int rc = store_terms_loaded(db, &terms, e);
  for (i = 0; rc == APP_OK && terms && i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    json_t *d = json_object_get(r, "data");
    const char *problem = NULL;
    if (strcmp(json_string_value(json_object_get(r, "kind")),
               "adverse_event") != 0) {
      continue;
    }
    rc = store_terms_check(
        db, json_string_value(json_object_get(d, "term")),
        (int)json_integer_value(json_object_get(d, "grade")), &problem, e);
    if (problem != NULL) {
      json_array_append_new(
          findings,
          json_pack("{s:s,s:O,s:s,s:s}", "check", "ae_term", "record_id",
                    json_object_get(r, "id"), "field", "term", "text",
                    problem));
    }
  }
  if (rc == APP_OK) {
    rc = workflow_sync_checks(db, pt, findings, e);
  }
  return rc;
}

/* Whether a record kind can change the derived values or the status (see
** src/study/casebook.c: labs, adverse events and the baseline record feed
** only the edit checks). */
static bool kind_changes_derived(const char *kind) {
  return kind == NULL ||
         (strcmp(kind, "lab") != 0 && strcmp(kind, "adverse_event") != 0 &&
          strcmp(kind, "baseline") != 0);
}

/* The stored derived values of a patient, or NULL. */
static json_t *stored_derived(struct db *db, int64_t patient_id,
                              struct err *e) {
  struct db_stmt *st = NULL;
  json_t *d = NULL;
  if (db_prepare(db, "SELECT data FROM derived WHERE patient_id = $1", &st,
                 e) != APP_OK) {
    return NULL;
  }
  db_bind_int64(st, 1, patient_id);
  if (db_step(st, e) == DB_ROW) {
    struct err je;
    const char *t = db_column_text(st, 0);
    err_clear(&je);
    d = jx_parse(t, strlen(t), "derived", &je);
  }
  db_finalize(st);
  return d;
}

/* Recompute the derived values and the patient's status and cohort after a
** change of a record of `kind` (NULL: any), then run the edit checks. */
static int derive(struct db *db, const struct patient *pt, const char *kind,
                  struct err *e) {
  struct protocol proto;
  struct db_stmt *st = NULL;
  json_t *records = NULL, *derived, *elig, *enrol = NULL, *eos = NULL;
  char now[CLOCK_STR_LEN];
  char *text;
  const char *status = "screening";
  const char *cohort = NULL;
  size_t i;
  int rc = store_protocol(db, &proto, e);
  if (rc == APP_OK) {
    rc = load_records_cached(db, pt->id, &records, e);
  }
  if (rc != APP_OK) {
    return rc;
  }
  if (!kind_changes_derived(kind) &&
      (derived = stored_derived(db, pt->id, e)) != NULL) {
    /* Nothing derived can change: only the edit checks run. */
    json_t *findings = checks_run(&proto, records, derived, clock_today());
    rc = derive_checks(db, pt, records, findings, e);
    json_decref(findings);
    json_decref(derived);
    json_decref(records);
    return rc;
  }
  derived = casebook_derive(&proto, records, clock_today());
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    if (strcmp(k, "enrolment") == 0) {
      enrol = json_object_get(r, "data");
    } else if (strcmp(k, "end_of_study") == 0) {
      eos = json_object_get(r, "data");
    }
  }
  elig = json_object_get(derived, "eligibility");
  if (json_is_false(json_object_get(elig, "eligible"))) {
    status = "screen_failed";
  }
  if (enrol != NULL) {
    status = "enrolled";
    cohort = json_string_value(json_object_get(enrol, "cohort"));
  }
  if (eos != NULL) {
    status = "off_study";
  }
  text = jx_text(derived);
  clock_now_utc(now);
  rc = db_prepare(db,
                  "INSERT INTO derived(patient_id, data, updated_utc) VALUES "
                  "($1, $2, $3) ON CONFLICT(patient_id) DO UPDATE SET data = "
                  "excluded.data, updated_utc = excluded.updated_utc",
                  &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, pt->id);
    db_bind_text(st, 2, text);
    db_bind_text(st, 3, now);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  if (rc == APP_OK && (strcmp(status, pt->status) != 0 ||
                       strcmp(cohort ? cohort : "", pt->cohort) != 0)) {
    rc = db_prepare(db, "UPDATE patient SET status = $1, cohort = $2, "
                        "version = version + 1 WHERE id = $3", &st, e);
    if (rc == APP_OK) {
      db_bind_text(st, 1, status);
      db_bind_text(st, 2, cohort);
      db_bind_int64(st, 3, pt->id);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
    }
    if (rc == APP_OK && strcmp(status, pt->status) != 0) {
      struct audit_entry en = {"derive", "patient", pt->code, "status",
                               pt->status, status,
                               "derived from the records"};
      rc = audit_append(db, NULL, &en, e);
    }
  }
  if (rc == APP_OK) {
    json_t *findings = checks_run(&proto, records, derived, clock_today());
    rc = derive_checks(db, pt, records, findings, e);
    json_decref(findings);
  }
  xfree(text);
  json_decref(derived);
  json_decref(records);
  return rc;
}

/* Audit every top-level field that differs between old (may be NULL) and
** new (may be NULL). */
static int audit_diff(struct db *db, const struct actor *a,
                      const char *action, const char *entity_id,
                      const json_t *oldv, const json_t *newv,
                      const char *reason, struct err *e) {
  /* One entry per field new, changed or removed, appended together. */
  size_t cap = json_object_size(newv) + json_object_size(oldv), n = 0, i;
  struct audit_entry *en = xcalloc(cap ? cap : 1, sizeof(*en));
  char **texts = xcalloc(2 * (cap ? cap : 1), sizeof(*texts));
  const char *key;
  json_t *v;
  int rc;
  json_object_foreach((json_t *)(uintptr_t)newv, key, v) {
    json_t *o = oldv ? json_object_get(oldv, key) : NULL;
    if (o == NULL || !jx_equal(o, v)) {
      texts[2 * n] = jx_text(v);
      texts[2 * n + 1] = o ? jx_text(o) : NULL;
      en[n].field = key;
      en[n].new_value = texts[2 * n];
      en[n].old_value = texts[2 * n + 1];
      n++;
    }
  }
  json_object_foreach((json_t *)(uintptr_t)oldv, key, v) {
    if (newv == NULL || json_object_get(newv, key) == NULL) {
      texts[2 * n + 1] = jx_text(v);
      en[n].field = key;
      en[n].old_value = texts[2 * n + 1];
      n++;
    }
  }
  for (i = 0; i < n; i++) {
    en[i].action = action;
    en[i].entity = "record";
    en[i].entity_id = entity_id;
    en[i].reason = reason;
  }
  rc = access_audit(db, a, en, n, e);
  for (i = 0; i < 2 * n; i++) {
    xfree(texts[i]);
  }
  xfree(texts);
  xfree(en);
  return rc;
}

static void add_problem(json_t *problems, const char *field,
                        const char *message) {
  if (problems != NULL) {
    json_array_append_new(problems, json_pack("{s:s,s:s}", "field", field,
                                              "message", message));
  }
}

/* An enrolment needs an eligible screening, or an investigator's override
** where the protocol allows one (the rule: casebook_enrolment_check in
** src/study/casebook.c; who may override: ACCESS_ENROL_OVERRIDE). */
static int check_enrolment(struct db *db, const struct actor *a,
                           const struct patient *pt,
                           const struct protocol *proto, const json_t *data,
                           const char *ctx, json_t *problems,
                           struct err *e) {
  json_t *records = NULL;
  char path[200];
  int rc = load_records_cached(db, pt->id, &records, e);
  jx_path(path, sizeof(path), ctx, "data");
  if (rc == APP_OK) {
    rc = casebook_enrolment_check(proto, records, data,
                                  access_may(a, ACCESS_ENROL_OVERRIDE), path,
                                  problems, e);
  }
  json_decref(records);
  return rc;
}

int store_record_save(struct db *db, const struct actor *a,
                      const struct record_save *in, json_t *problems,
                      int64_t *out_id, struct err *e) {
  const char *code = in->code, *kind = in->kind, *reason = in->reason;
  const char *ctx = in->ctx ? in->ctx : "";
  const json_t *data = in->data;
  int64_t record_id = in->record_id, version = in->version;
  const struct form_spec *f = form_find(kind);
  struct protocol proto;
  struct patient pt;
  struct db_stmt *st = NULL;
  json_t *local = problems ? NULL : json_array();
  json_t *probs = problems ? problems : local;
  json_t *old = NULL;
  char path[200], idtext[128], now[CLOCK_STR_LEN];
  char *text = NULL;
  int n_problems;
  int rc;

  rc = access_require(db, a, ACCESS_WRITE, "record", e);
  if (rc != APP_OK) {
    json_decref(local);
    return rc;
  }
  if (f == NULL) {
    jx_path(path, sizeof(path), ctx, "kind");
    add_problem(probs, path, "unknown record kind");
    json_decref(local);
    return ERR_FIELD(e, APP_EINVAL, path, "%s: unknown record kind \"%.40s\"",
                     path, kind ? kind : "");
  }
  jx_path(path, sizeof(path), ctx, "data");
  if (!json_is_object(data)) {
    add_problem(probs, path, "expected an object");
    n_problems = 1;
  } else if (store_protocol(db, &proto, e) != APP_OK) {
    json_decref(local);
    return e->code;
  } else {
    n_problems = form_validate_at(f, data, path, &proto, clock_today(),
                                  probs);
  }
  if (record_id > 0 && (reason == NULL || reason[0] == '\0')) {
    jx_path(path, sizeof(path), ctx, "reason");
    add_problem(probs, path, "a reason is required to change saved data");
    n_problems++;
  }
  if (n_problems > 0) {
    json_t *p0 =
        json_array_get(probs, json_array_size(probs) - (size_t)n_problems);
    ERR_FIELD(e, APP_EINVAL, json_string_value(json_object_get(p0, "field")),
              "%s: %s%s", json_string_value(json_object_get(p0, "field")),
              json_string_value(json_object_get(p0, "message")),
              n_problems > 1 ? " (and more problems)" : "");
    json_decref(local);
    return APP_EINVAL;
  }
  json_decref(local);
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = store_patient_get(db, a, code, &pt, e);
  if (rc == APP_OK) {
    rc = access_patient(db, a, ACCESS_WRITE, pt.code, pt.site_id,
                        pt.is_locked, e);
  }
  if (rc == APP_OK && strcmp(kind, "enrolment") == 0) {
    rc = check_enrolment(db, a, &pt, &proto, data, ctx, problems, e);
  }
  if (rc == APP_OK && record_id == 0 && !f->is_repeating) {
    rc = db_prepare(db, "SELECT id FROM record WHERE patient_id = $1 AND "
                        "kind = $2 AND is_deleted = 0", &st, e);
    if (rc == APP_OK) {
      db_bind_int64(st, 1, pt.id);
      db_bind_text(st, 2, kind);
      if (db_step(st, e) == DB_ROW) {
        rc = ERR_FIELD(e, APP_ECONFLICT, "kind",
                       "%s: patient %s already has one "
                       "(record %" PRId64 "); update it instead",
                       kind, pt.code, db_column_int64(st, 0));
      }
      db_finalize(st);
    }
  }
  if (rc == APP_OK && record_id > 0) {
    rc = db_prepare(db, "SELECT kind, version, data FROM record WHERE id = "
                        "$1 AND patient_id = $2 AND is_deleted = 0", &st, e);
    if (rc == APP_OK) {
      db_bind_int64(st, 1, record_id);
      db_bind_int64(st, 2, pt.id);
      if (db_step(st, e) != DB_ROW) {
        rc = ERR_SET(e, APP_ENOTFOUND, "record: no record %" PRId64
                     " for patient %s", record_id, pt.code);
      } else if (strcmp(db_column_text(st, 0), kind) != 0) {
        rc = ERR_SET(e, APP_EINVAL, "record %" PRId64 ": is a %s record, "
                     "not %s", record_id, db_column_text(st, 0), kind);
      } else if (db_column_int64(st, 1) != version) {
        rc = ERR_SET(e, APP_ECONFLICT, "record %" PRId64 ": changed since "
                     "version %" PRId64 " (now %" PRId64 "); reload it",
                     record_id, version, db_column_int64(st, 1));
      } else {
        const char *t = db_column_text(st, 2);
        old = jx_parse(t, strlen(t), "record", e);
      }
      db_finalize(st);
    }
  }
  clock_now_utc(now);
  text = jx_text(data);
  if (rc == APP_OK && record_id == 0) {
    rc = db_prepare(db, "INSERT INTO record(patient_id, kind, data, "
                        "created_utc, updated_utc) VALUES ($1, $2, $3, $4, "
                        "$4) RETURNING id", &st, e);
    if (rc == APP_OK) {
      db_bind_int64(st, 1, pt.id);
      db_bind_text(st, 2, kind);
      db_bind_text(st, 3, text);
      db_bind_text(st, 4, now);
      rc = db_step_id(st, &record_id, e);
      db_finalize(st);
    }
  } else if (rc == APP_OK) {
    rc = db_prepare(db, "UPDATE record SET data = $1, updated_utc = $2, "
                        "version = version + 1 WHERE id = $3 AND version = "
                        "$4", &st, e);
    if (rc == APP_OK) {
      db_bind_text(st, 1, text);
      db_bind_text(st, 2, now);
      db_bind_int64(st, 3, record_id);
      db_bind_int64(st, 4, version);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
      if (rc == APP_OK && db_changes(db) != 1) {
        rc = ERR_SET(e, APP_ECONFLICT, "record %" PRId64 ": changed by "
                     "someone else; reload it", record_id);
      }
    }
  }
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%s/%s/%" PRId64, pt.code, kind,
             record_id);
    rc = audit_diff(db, a, old ? "update" : "create", idtext, old, data,
                    reason, e);
  }
  if (rc == APP_OK) {
    rc = workflow_void_signatures(db, &pt, e);
  }
  if (rc == APP_OK) {
    rc = derive(db, &pt, kind, e);
  }
  if (rc == APP_OK) {
    rc = store_seal_casebook(db, a, pt.id, record_id, e);
  }
  xfree(text);
  json_decref(old);
  if (rc != APP_OK) {
    return store_rollback(db, rc);
  }
  if (db_commit(db, e) != APP_OK) {
    return APP_EDB;
  }
  if (out_id != NULL) {
    *out_id = record_id;
  }
  return APP_OK;
}

