/*
** patient.c: patients, records, casebooks and import (see patient.h).
*/
#include "patient.h"

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

static bool can_read(const struct actor *a) {
  return a->role != ROLE_ADMIN;
}

static bool can_write(const struct actor *a) {
  return a->role == ROLE_INVESTIGATOR || a->role == ROLE_COORDINATOR ||
         a->role == ROLE_DATA_MANAGER;
}

static bool site_scoped(const struct actor *a) {
  return a->role == ROLE_INVESTIGATOR || a->role == ROLE_COORDINATOR;
}

/* Replace whatever error is recorded. */
static int reset_err(struct err *e, int code, const char *msg) {
  e->code = APP_OK;
  e->msg[0] = '\0';
  return ERR_SET(e, code, "%s", msg);
}

static int audit_simple(struct db *db, const struct actor *a,
                        const char *action, const char *entity,
                        const char *id, const char *field,
                        const char *old_v, const char *new_v,
                        const char *reason, struct err *e) {
  struct audit_entry en;
  en.action = action;
  en.entity = entity;
  en.entity_id = id;
  en.field = field;
  en.old_value = old_v;
  en.new_value = new_v;
  en.reason = reason;
  return audit_append(db, a, &en, e);
}

int store_patient_codes(struct db *db, const struct actor *a, json_t **out,
                        struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc;
  if (!can_read(a)) {
    return ERR_SET(e, APP_EPERM,
                     "patient: permission denied for the %s "
                     "role",
                     role_name(a->role));
  }
  rc = db_prepare(db,
                  "SELECT code FROM patient WHERE $1 = 0 OR site_id = $1 "
                  "ORDER BY code",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, site_scoped(a) ? a->site_id : 0);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_array_append_new(arr, json_string(db_column_text(st, 0)));
  }
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

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

/* Refusals noted inside an open transaction, written by
** store_flush_denials() once that transaction is over (a rollback would
** otherwise erase them).  Per thread: each thread has its own
** connection. */
#define STORE_MAX_PENDING 16
struct pending_denial {
  struct actor actor;   /* who asked */
  char code[32];        /* for which patient */
};
static _Thread_local struct pending_denial pending[STORE_MAX_PENDING];
static _Thread_local int n_pending;

int store_flush_denials(struct db *db, struct err *e) {
  int i;
  int rc = APP_OK;
  if (n_pending == 0) {
    return APP_OK;
  }
  if (db_begin_write(db, e) != APP_OK) {
    n_pending = 0;
    return APP_EDB;
  }
  for (i = 0; rc == APP_OK && i < n_pending; i++) {
    rc = audit_simple(db, &pending[i].actor, "access_denied", "patient",
                      pending[i].code, NULL, NULL, NULL,
                      "patient of another site", e);
  }
  n_pending = 0;
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* Roll back the caller's level; at the outermost level, write the refusals
** noted meanwhile.  Returns rc. */
static int fail_tx(struct db *db, int rc) {
  db_rollback(db);
  if (!db_in_transaction(db)) {
    struct err ignore;
    err_clear(&ignore);
    store_flush_denials(db, &ignore);
  }
  return rc;
}

int store_patient_get(struct db *db, const struct actor *a, const char *code,
                      struct patient *out, struct err *e) {
  int rc;
  if (!can_read(a)) {
    return ERR_SET(e, APP_EPERM,
                     "patient: permission denied for the %s "
                     "role",
                     role_name(a->role));
  }
  rc = load_patient(db, code ? code : "", out, e);
  if (rc == APP_OK && site_scoped(a) && out->site_id != a->site_id) {
    /* Audit the refusal (now, or once the caller's transaction is over),
    ** then answer exactly as for a patient that does not exist. */
    struct err ignore;
    err_clear(&ignore);
    if (n_pending < STORE_MAX_PENDING) {
      pending[n_pending].actor = *a;
      snprintf(pending[n_pending].code, sizeof(pending[n_pending].code),
               "%s", out->code);
      n_pending++;
    }
    if (!db_in_transaction(db)) {
      store_flush_denials(db, &ignore);
    }
    rc = APP_ENOTFOUND;
  }
  if (rc == APP_ENOTFOUND) {
    memset(out, 0, sizeof(*out));
    return ERR_SET(e, APP_ENOTFOUND,
                     "patient: no patient \"%.40s\" that "
                     "you may see",
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
  if (!can_write(a)) {
    return ERR_SET(e, APP_EPERM,
                     "patient: permission denied for the %s "
                     "role",
                     role_name(a->role));
  }
  if (site_scoped(a)) {
    if (site_code != NULL && strcmp(site_code, a->site_code) != 0) {
      return ERR_SET(e, APP_EPERM,
                       "site: you may only add patients to "
                       "your own site (%s)",
                       a->site_code);
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
    rc = audit_simple(db, a, "create", "patient", code, "site", NULL,
                      site_code, NULL, e);
  }
  if (rc == APP_OK) {
    rc = load_patient(db, code, out, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* The patient's live records as [{"id","kind","version","data"}]. */
static int load_records(struct db *db, int64_t patient_id, json_t **out,
                        struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr = json_array();
  int rc = db_prepare(db,
                      "SELECT id, kind, version, data FROM record WHERE "
                      "patient_id = $1 AND is_deleted = 0 ORDER BY id",
                      &st, e);
  if (rc != APP_OK) {
    json_decref(arr);
    return rc;
  }
  db_bind_int64(st, 1, patient_id);
  while ((rc = db_step(st, e)) == DB_ROW) {
    struct err je;
    const char *text = db_column_text(st, 3);
    json_t *data;
    err_clear(&je);
    data = jx_parse(text, strlen(text), "record", &je);
    json_array_append_new(
        arr, json_pack("{s:I,s:s,s:I,s:o}", "id",
                       (json_int_t)db_column_int64(st, 0), "kind",
                       db_column_text(st, 1), "version",
                       (json_int_t)db_column_int64(st, 2), "data",
                       data ? data : json_object()));
  }
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

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

/* The study's protocol.  Parsing it is the costliest step of a save, and
** it never changes once the study exists, so each thread keeps the last one
** it parsed and reuses it while the stored text is the same. */
#define PROTO_CACHE_MAX 32768 /* bytes; a longer protocol is not cached */
static _Thread_local char proto_text_cached[PROTO_CACHE_MAX];
static _Thread_local struct protocol proto_cached;

int store_protocol(struct db *db, struct protocol *p, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT protocol_json FROM study WHERE id = 1",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *t = db_column_text(st, 0);
    if (proto_text_cached[0] != '\0' && strcmp(proto_text_cached, t) == 0) {
      *p = proto_cached;
      rc = APP_OK;
    } else {
      rc = protocol_parse(t, strlen(t), "stored protocol", p, e);
      if (rc == APP_OK && strlen(t) < PROTO_CACHE_MAX) {
        memcpy(proto_text_cached, t, strlen(t) + 1);
        proto_cached = *p;
      }
    }
  } else {
    rc = APP_EDB;
  }
  db_finalize(st);
  return rc;
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
      rc = audit_simple(db, NULL, "derive", "patient", pt->code, "status",
                        pt->status, status, "derived from the records", e);
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
  rc = audit_append_many(db, a, en, n, e);
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

int store_record_save(struct db *db, const struct actor *a,
                      const char *code, const char *kind, int64_t record_id,
                      int64_t version, const json_t *data,
                      const char *reason, const char *ctx, json_t *problems,
                      int64_t *out_id, struct err *e) {
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

  if (!can_write(a)) {
    json_decref(local);
    return ERR_SET(e, APP_EPERM,
                     "record: permission denied for the %s "
                     "role",
                     role_name(a->role));
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
  if (rc == APP_OK && site_scoped(a) && pt.site_id != a->site_id) {
    rc = ERR_SET(e, APP_ENOTFOUND, "patient: not found");
  }
  if (rc == APP_OK && pt.is_locked) {
    rc = ERR_SET(e, APP_ECONFLICT, "patient %s: the casebook is locked",
                 pt.code);
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
  xfree(text);
  json_decref(old);
  if (rc != APP_OK) {
    return fail_tx(db, rc);
  }
  if (db_commit(db, e) != APP_OK) {
    return APP_EDB;
  }
  if (out_id != NULL) {
    *out_id = record_id;
  }
  return APP_OK;
}

int store_casebook(struct db *db, const struct actor *a, const char *code,
                   json_t **out, struct err *e) {
  struct patient pt;
  struct db_stmt *st = NULL;
  json_t *records = NULL, *derived = NULL, *doc;
  int rc = store_patient_get(db, a, code, &pt, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = load_records(db, pt.id, &records, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db, "SELECT data FROM derived WHERE patient_id = $1", &st,
                  e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, pt.id);
    if (db_step(st, e) == DB_ROW) {
      const char *t = db_column_text(st, 0);
      derived = jx_parse(t, strlen(t), "derived", e);
    }
    db_finalize(st);
  }
  doc = json_object();
  json_object_set_new(
      doc, "patient",
      json_pack("{s:s,s:s,s:s,s:o,s:b,s:I}", "code", pt.code, "site",
                pt.site_code, "status", pt.status, "cohort",
                pt.cohort[0] ? json_string(pt.cohort) : json_null(),
                "locked", pt.is_locked, "version", (json_int_t)pt.version));
  json_object_set_new(doc, "records", records);
  json_object_set_new(doc, "derived", derived ? derived : json_null());
  {
    json_t *sigs = json_array();
    if (db_prepare(db, "SELECT signed_by, role, meaning, content_sha256, "
                       "signed_utc, is_void FROM signature WHERE patient_id "
                       "= $1 ORDER BY id", &st, e) == APP_OK) {
      db_bind_int64(st, 1, pt.id);
      while (db_step(st, e) == DB_ROW) {
        json_array_append_new(
            sigs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "signed_by",
                            db_column_text(st, 0), "role",
                            db_column_text(st, 1), "meaning",
                            db_column_text(st, 2), "content_sha256",
                            db_column_text(st, 3), "signed_utc",
                            db_column_text(st, 4), "valid",
                            db_column_int64(st, 5) == 0));
      }
      db_finalize(st);
    }
    json_object_set_new(doc, "signatures", sigs);
  }
  *out = doc;
  return APP_OK;
}

/* Append s as a JSON string. */
static void put_jstr(struct buf *b, const char *s) {
  json_t *v = json_string(s ? s : "");
  jx_dump(v, b, false);
  json_decref(v);
}

int store_casebook_text(struct db *db, const struct actor *a,
                        const char *code, struct buf *out, struct err *e) {
  struct patient pt;
  struct db_stmt *st = NULL;
  json_t *head;
  int rc = store_patient_get(db, a, code, &pt, e);
  int first = 1;
  if (rc != APP_OK) {
    return rc;
  }
  head = json_pack("{s:s,s:s,s:s,s:o,s:b,s:I}", "code", pt.code, "site",
                   pt.site_code, "status", pt.status, "cohort",
                   pt.cohort[0] ? json_string(pt.cohort) : json_null(),
                   "locked", pt.is_locked, "version", (json_int_t)pt.version);
  buf_lit(out, "{\"patient\":");
  jx_dump(head, out, false);
  json_decref(head);
  /* Records, derived values and signatures in one statement: one round
  ** trip and one snapshot (a save committed meanwhile cannot show its
  ** records with the derived values from before it).  part 0 records
  ** (id, kind, data, version), 1 the derived values (data), 2 signatures
  ** (id, signed_by, role, meaning, content_sha256, signed_utc, is_void). */
  rc = db_prepare(db,
                  "SELECT 0 AS part, id, kind, data, NULL, NULL, NULL, "
                  "version FROM record WHERE patient_id = $1 AND is_deleted "
                  "= 0 UNION ALL SELECT 1, 0, data, NULL, NULL, NULL, NULL, "
                  "0 FROM derived WHERE patient_id = $1 UNION ALL SELECT 2, "
                  "id, signed_by, role, meaning, content_sha256, signed_utc, "
                  "is_void FROM signature WHERE patient_id = $1 ORDER BY 1, 2",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, pt.id);
  buf_lit(out, ",\"records\":[");
  rc = db_step(st, e);
  for (; rc == DB_ROW && db_column_int64(st, 0) == 0; rc = db_step(st, e)) {
    buf_appendf(out, "%s{\"id\":%" PRId64 ",\"kind\":", first ? "" : ",",
                db_column_int64(st, 1));
    put_jstr(out, db_column_text(st, 2));
    buf_appendf(out, ",\"version\":%" PRId64 ",\"data\":",
                db_column_int64(st, 7));
    buf_puts(out, db_column_text(st, 3));
    buf_putc(out, '}');
    first = 0;
  }
  buf_lit(out, "],\"derived\":");
  if (rc == DB_ROW && db_column_int64(st, 0) == 1) {
    buf_puts(out, db_column_text(st, 2));
    rc = db_step(st, e);
  } else {
    buf_lit(out, "null");
  }
  buf_lit(out, ",\"signatures\":[");
  for (first = 1; rc == DB_ROW; rc = db_step(st, e)) {
    json_t *sig = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "signed_by",
                            db_column_text(st, 2), "role",
                            db_column_text(st, 3), "meaning",
                            db_column_text(st, 4), "content_sha256",
                            db_column_text(st, 5), "signed_utc",
                            db_column_text(st, 6), "valid",
                            db_column_int64(st, 7) == 0);
    if (!first) {
      buf_putc(out, ',');
    }
    jx_dump(sig, out, false);
    json_decref(sig);
    first = 0;
  }
  db_finalize(st);
  if (rc < 0) {
    return APP_EDB;
  }
  buf_lit(out, "]}");
  return APP_OK;
}

int store_import(struct db *db, const struct actor *a, const json_t *doc,
                 json_t *problems, int64_t *n_records, struct err *e) {
  json_t *patients = json_object_get(doc, "patients");
  size_t i, j;
  int rc = APP_OK;
  *n_records = 0;
  if (!can_write(a)) {
    return ERR_SET(e, APP_EPERM,
                     "import: permission denied for the %s "
                     "role",
                     role_name(a->role));
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
      rc = store_record_save(
          db, a, code, json_string_value(json_object_get(r, "kind")),
          json_integer_value(json_object_get(r, "id")),
          json_integer_value(json_object_get(r, "version")),
          json_object_get(r, "data"),
          json_string_value(json_object_get(r, "reason")), rctx, problems,
          &id, e);
      if (rc != APP_OK && json_array_size(problems) == 0) {
        add_problem(problems, rctx, e->msg);
      }
      (*n_records)++;
    }
  }
  if (rc != APP_OK) {
    fail_tx(db, rc);
    *n_records = 0;
    if (e->code == APP_OK) {
      reset_err(e, APP_EINVAL, "import refused; nothing was written");
    }
    return e->code;
  }
  return db_commit(db, e);
}
