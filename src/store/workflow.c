/*
** workflow.c: queries, SDV, signatures and locks (see workflow.h).
*/
#include "workflow.h"
#include "seal.h"

#include "../core/clock.h"
#include "../core/jsonx.h"
#include "audit.h"
#include "casebook.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int audit_one(struct db *db, const struct actor *a, const char *action,
                     const char *entity, const char *id, const char *field,
                     const char *old_v, const char *new_v,
                     const char *reason, struct err *e) {
  struct audit_entry en = {action, entity, id, field, old_v, new_v, reason};
  return access_audit(db, a, &en, 1, e);
}

/* Run one parameterless-result statement with up to 4 bound values given
** as text (NULL binds NULL) and one int64. */
static int exec_bound(struct db *db, const char *sql, int64_t n1,
                      const char *t2, const char *t3, const char *t4,
                      struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, n1);
  if (strstr(sql, "$2")) {
    db_bind_text(st, 2, t2);
  }
  if (strstr(sql, "$3")) {
    db_bind_text(st, 3, t3);
  }
  if (strstr(sql, "$4")) {
    db_bind_text(st, 4, t4);
  }
  rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
  db_finalize(st);
  return rc;
}

int store_query_raise(struct db *db, const struct actor *a,
                      const char *code, int64_t record_id,
                      const char *field, const char *text, int64_t *id,
                      struct err *e) {
  struct patient pt;
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN], idtext[32];
  int rc;
  rc = access_require(db, a, ACCESS_QUERY_RAISE, "query raise", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (text == NULL || text[0] == '\0' || strlen(text) > 2000) {
    return ERR_FIELD(e, APP_EINVAL, "text", "text: 1 to 2000 characters are "
                   "required");
  }
  if (store_patient_get(db, a, code, &pt, e) != APP_OK) {
    return e->code;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = db_prepare(db,
                  "INSERT INTO query(patient_id, record_id, field, status, "
                  "text, raised_by, raised_utc) SELECT $1, CAST($2 AS BIGINT), "
                  "$3, 'open', $4, $5, $6 WHERE CAST($2 AS BIGINT) IS NULL OR "
                  "EXISTS (SELECT 1 FROM record WHERE id = $2 AND patient_id "
                  "= $1) RETURNING id",
                  &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, pt.id);
    if (record_id > 0) {
      db_bind_int64(st, 2, record_id);
    } else {
      db_bind_null(st, 2);
    }
    db_bind_text(st, 3, field);
    db_bind_text(st, 4, text);
    db_bind_text(st, 5, a->username);
    db_bind_text(st, 6, now);
    rc = db_step_id(st, id, e);
    db_finalize(st);
    if (rc == APP_OK && *id == 0) {
      rc = ERR_SET(e, APP_ENOTFOUND, "record: no record %" PRId64
                   " for patient %s", record_id, pt.code);
    }
  }
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, *id);
    rc = audit_one(db, a, "raise", "query", idtext, field, NULL, text,
                   pt.code, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_QUERY, *id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* Load a query's patient and status, checking the actor may see it. */
static int query_load(struct db *db, const struct actor *a, int64_t id,
                      struct patient *pt, char status[16], struct err *e) {
  struct db_stmt *st = NULL;
  char code[32] = "";
  int rc = db_prepare(db, "SELECT p.code, q.status FROM query q JOIN "
                          "patient p ON p.id = q.patient_id WHERE q.id = $1",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    snprintf(code, sizeof(code), "%s", db_column_text(st, 0));
    snprintf(status, 16, "%s", db_column_text(st, 1));
  }
  db_finalize(st);
  if (rc != DB_ROW) {
    return rc == DB_DONE ? ERR_SET(e, APP_ENOTFOUND,
                                     "query: no query %" PRId64, id)
                         : APP_EDB;
  }
  if (store_patient_get(db, a, code, pt, e) != APP_OK) {
    e->code = APP_OK;
    e->msg[0] = '\0';
    return ERR_SET(e, APP_ENOTFOUND, "query: no query %" PRId64, id);
  }
  return APP_OK;
}

int store_query_answer(struct db *db, const struct actor *a, int64_t id,
                       const char *answer, struct err *e) {
  struct patient pt;
  char status[16], now[CLOCK_STR_LEN], idtext[32];
  int rc;
  rc = access_require(db, a, ACCESS_QUERY_ANSWER, "query answer", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (answer == NULL || answer[0] == '\0' || strlen(answer) > 2000) {
    return ERR_FIELD(e, APP_EINVAL, "answer",
                     "answer: 1 to 2000 characters are "
                     "required");
  }
  if (query_load(db, a, id, &pt, status, e) != APP_OK) {
    return e->code;
  }
  if (strcmp(status, "open") != 0) {
    return ERR_SET(e, APP_ECONFLICT, "query %" PRId64 ": is %s, not open",
                   id, status);
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = exec_bound(db, "UPDATE query SET status = 'answered', answer = $2, "
                      "answered_by = $3, answered_utc = $4, version = "
                      "version + 1 WHERE id = $1 AND status = 'open'",
                  id, answer, a->username, now, e);
  snprintf(idtext, sizeof(idtext), "%" PRId64, id);
  if (rc == APP_OK) {
    rc = audit_one(db, a, "answer", "query", idtext, "answer", NULL, answer,
                   pt.code, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_QUERY, id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_query_close(struct db *db, const struct actor *a, int64_t id,
                      const char *note, struct err *e) {
  struct patient pt;
  char status[16], now[CLOCK_STR_LEN], idtext[32];
  int rc;
  rc = access_require(db, a, ACCESS_QUERY_RAISE, "query close", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (query_load(db, a, id, &pt, status, e) != APP_OK) {
    return e->code;
  }
  if (strcmp(status, "closed") == 0) {
    return ERR_SET(e, APP_ECONFLICT, "query %" PRId64 ": already closed",
                   id);
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = exec_bound(db, "UPDATE query SET status = 'closed', closed_by = $2, "
                      "closed_utc = $3, version = version + 1 WHERE id = $1",
                  id, a->username, now, NULL, e);
  snprintf(idtext, sizeof(idtext), "%" PRId64, id);
  if (rc == APP_OK) {
    rc = audit_one(db, a, "close", "query", idtext, "status", status,
                   "closed", note, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_QUERY, id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_query_list(struct db *db, const struct actor *a, const char *code,
                     const char *status, json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr = json_array();
  int rc;
  rc = access_require(db, a, ACCESS_READ, "query list", e);
  if (rc != APP_OK) {
    json_decref(arr);
    return rc;
  }
  rc = db_prepare(db,
                  "SELECT q.id, p.code, q.record_id, q.field, q.check_id, "
                  "q.status, q.text, q.answer, q.raised_by, q.raised_utc, "
                  "q.answered_by, q.closed_by FROM query q JOIN patient p ON "
                  "p.id = q.patient_id WHERE ($1 = 0 OR p.site_id = $1) AND "
                  "(CAST($2 AS TEXT) IS NULL OR p.code = $2) AND (CAST($3 "
                  "AS TEXT) IS NULL OR q.status = $3) ORDER BY q.id",
                  &st, e);
  if (rc != APP_OK) {
    json_decref(arr);
    return rc;
  }
  db_bind_int64(st, 1, access_site_scope(a));
  db_bind_text(st, 2, code);
  db_bind_text(st, 3, status);
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = json_object();
    static const char *const names[] = {
      "id", "patient", "record_id", "field", "check", "status", "text",
      "answer", "raised_by", "raised_utc", "answered_by", "closed_by"};
    int i;
    for (i = 0; i < 12; i++) {
      if (db_column_is_null(st, i)) {
        json_object_set_new(o, names[i], json_null());
      } else if (i == 0 || i == 2) {
        json_object_set_new(o, names[i],
                            json_integer(db_column_int64(st, i)));
      } else {
        json_object_set_new(o, names[i], json_string(db_column_text(st, i)));
      }
    }
    json_array_append_new(arr, o);
  }
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return APP_EDB;
  }
  *out = arr;
  return APP_OK;
}

int workflow_sync_checks(struct db *db, const struct patient *pt,
                         const json_t *findings, struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN];
  size_t i;
  int rc;
  json_t *open_ids = json_array();
  clock_now_utc(now);
  /* Close automatic queries whose finding is gone. */
  rc = db_prepare(db, "SELECT id, check_id, COALESCE(record_id, 0), "
                      "COALESCE(field, ''), text FROM query WHERE "
                      "patient_id = $1 AND check_id IS NOT NULL AND status "
                      "<> 'closed'", &st, e);
  if (rc != APP_OK) {
    json_decref(open_ids);
    return rc;
  }
  db_bind_int64(st, 1, pt->id);
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_array_append_new(
        open_ids,
        json_pack("{s:I,s:s,s:I,s:s,s:s}", "id",
                  (json_int_t)db_column_int64(st, 0), "check",
                  db_column_text(st, 1), "record_id",
                  (json_int_t)db_column_int64(st, 2), "field",
                  db_column_text(st, 3), "text", db_column_text(st, 4)));
  }
  db_finalize(st);
  rc = rc < 0 ? APP_EDB : APP_OK;
  for (i = 0; rc == APP_OK && i < json_array_size(open_ids); i++) {
    json_t *q = json_array_get(open_ids, i);
    size_t k;
    int still = 0;
    for (k = 0; k < json_array_size(findings); k++) {
      json_t *f = json_array_get(findings, k);
      if (json_equal(json_object_get(f, "check"), json_object_get(q, "check"))
          && json_equal(json_object_get(f, "record_id"),
                        json_object_get(q, "record_id")) &&
          json_equal(json_object_get(f, "text"), json_object_get(q, "text"))) {
        still = 1;
        break;
      }
    }
    if (!still) {
      char idtext[32];
      int64_t qid = json_integer_value(json_object_get(q, "id"));
      rc = exec_bound(db, "UPDATE query SET status = 'closed', closed_by = "
                          "'system', closed_utc = $2, version = version + 1 "
                          "WHERE id = $1", qid, now, NULL, NULL, e);
      snprintf(idtext, sizeof(idtext), "%" PRId64, qid);
      if (rc == APP_OK) {
        rc = audit_one(db, NULL, "close", "query", idtext, "status", "open",
                       "closed", "edit check no longer triggered", e);
      }
      if (rc == APP_OK) {
        rc = store_seal(db, NULL, SEAL_QUERY, qid, e);
      }
    }
  }
  /* Open a query for each new finding. */
  for (i = 0; rc == APP_OK && i < json_array_size(findings); i++) {
    json_t *f = json_array_get(findings, i);
    size_t k;
    int exists = 0;
    for (k = 0; k < json_array_size(open_ids); k++) {
      json_t *q = json_array_get(open_ids, k);
      if (json_equal(json_object_get(f, "check"), json_object_get(q, "check"))
          && json_equal(json_object_get(f, "record_id"),
                        json_object_get(q, "record_id")) &&
          json_equal(json_object_get(f, "text"), json_object_get(q, "text"))) {
        exists = 1;
        break;
      }
    }
    if (exists) {
      continue;
    }
    rc = db_prepare(db, "INSERT INTO query(patient_id, record_id, field, "
                        "check_id, status, text, raised_by, raised_utc) "
                        "VALUES ($1, $2, $3, $4, 'open', $5, 'system', $6) "
                        "RETURNING id",
                    &st, e);
    if (rc == APP_OK) {
      char idtext[32];
      int64_t qid = 0;
      db_bind_int64(st, 1, pt->id);
      db_bind_int64(st, 2, json_integer_value(json_object_get(f,
                                                              "record_id")));
      db_bind_text(st, 3, json_string_value(json_object_get(f, "field")));
      db_bind_text(st, 4, json_string_value(json_object_get(f, "check")));
      db_bind_text(st, 5, json_string_value(json_object_get(f, "text")));
      db_bind_text(st, 6, now);
      rc = db_step_id(st, &qid, e);
      db_finalize(st);
      snprintf(idtext, sizeof(idtext), "%" PRId64, qid);
      if (rc == APP_OK) {
        rc = audit_one(db, NULL, "raise", "query", idtext,
                       json_string_value(json_object_get(f, "check")), NULL,
                       json_string_value(json_object_get(f, "text")),
                       pt->code, e);
      }
      if (rc == APP_OK) {
        rc = store_seal(db, NULL, SEAL_QUERY, qid, e);
      }
    }
  }
  json_decref(open_ids);
  return rc;
}

int workflow_void_signatures(struct db *db, const struct patient *pt,
                             struct err *e) {
  char now[CLOCK_STR_LEN];
  int rc;
  clock_now_utc(now);
  rc = exec_bound(db, "UPDATE signature SET is_void = 1, voided_utc = $2 "
                      "WHERE patient_id = $1 AND is_void = 0",
                  pt->id, now, NULL, NULL, e);
  if (rc == APP_OK && db_changes(db) > 0) {
    rc = audit_one(db, NULL, "void", "signature", pt->code, NULL, "valid",
                   "void", "signed data changed", e);
    if (rc == APP_OK) {
      rc = store_seal_patient_rows(db, NULL, SEAL_SIGNATURE, pt->id, e);
    }
  }
  return rc;
}

int store_sdv_mark(struct db *db, const struct actor *a, int64_t record_id,
                   struct err *e) {
  struct db_stmt *st = NULL;
  struct patient pt;
  char code[32] = "", now[CLOCK_STR_LEN], idtext[32], vtext[32];
  int64_t version = 0;
  int rc;
  rc = access_require(db, a, ACCESS_SDV, "sdv", e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db, "SELECT p.code, r.version FROM record r JOIN patient "
                      "p ON p.id = r.patient_id WHERE r.id = $1 AND "
                      "r.is_deleted = 0", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, record_id);
  if (db_step(st, e) == DB_ROW) {
    snprintf(code, sizeof(code), "%s", db_column_text(st, 0));
    version = db_column_int64(st, 1);
  }
  db_finalize(st);
  if (code[0] == '\0' || store_patient_get(db, a, code, &pt, e) != APP_OK) {
    e->code = APP_OK;
    e->msg[0] = '\0';
    return ERR_SET(e, APP_ENOTFOUND, "record: no record %" PRId64,
                   record_id);
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  snprintf(vtext, sizeof(vtext), "%" PRId64, version);
  rc = exec_bound(db, "INSERT INTO sdv(record_id, record_version, "
                      "verified_by, verified_utc) VALUES ($1, CAST($2 AS "
                      "INTEGER), $3, $4) ON CONFLICT(record_id) DO UPDATE "
                      "SET record_version = excluded.record_version, "
                      "verified_by = excluded.verified_by, verified_utc = "
                      "excluded.verified_utc",
                  record_id, vtext, a->username, now, e);
  snprintf(idtext, sizeof(idtext), "%" PRId64, record_id);
  if (rc == APP_OK) {
    rc = audit_one(db, a, "verify", "record", idtext, "version", NULL, vtext,
                   pt.code, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_SDV, record_id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* SHA-256 of the casebook's records (sorted keys), hex. */
static int content_hash(struct db *db, const struct actor *a,
                        const char *code, char out[65], struct err *e) {
  json_t *cb = NULL;
  char *text;
  unsigned char h[crypto_hash_sha256_BYTES];
  int rc = store_casebook(db, a, code, &cb, e);
  if (rc != APP_OK) {
    return rc;
  }
  text = json_dumps(json_object_get(cb, "records"),
                    JSON_COMPACT | JSON_SORT_KEYS);
  crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
  sodium_bin2hex(out, 65, h, sizeof(h));
  free(text);
  json_decref(cb);
  return APP_OK;
}

int store_sign(struct db *db, const struct actor *a, const char *code,
               const char *password, const char *meaning, struct err *e) {
  struct patient pt;
  struct actor again;
  char hash[65], now[CLOCK_STR_LEN];
  struct db_stmt *st = NULL;
  int rc;
  rc = access_require(db, a, ACCESS_SIGN, "sign", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (meaning == NULL || meaning[0] == '\0' || strlen(meaning) > 500) {
    return ERR_FIELD(e, APP_EINVAL, "meaning",
                     "meaning: state what the signature means "
                     "(1 to 500 characters)");
  }
  if (store_patient_get(db, a, code, &pt, e) != APP_OK) {
    return e->code;
  }
  /* Re-authenticate: a signature needs the password at signing time. */
  if (store_login(db, a->username, password, &again, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (content_hash(db, a, code, hash, e) != APP_OK) {
    return e->code;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  clock_now_utc(now);
  rc = db_prepare(db, "INSERT INTO signature(patient_id, signed_by, role, "
                      "meaning, content_sha256, signed_utc) VALUES ($1, $2, "
                      "$3, $4, $5, $6)", &st, e);
  if (rc == APP_OK) {
    db_bind_int64(st, 1, pt.id);
    db_bind_text(st, 2, a->username);
    db_bind_text(st, 3, role_name(a->role));
    db_bind_text(st, 4, meaning);
    db_bind_text(st, 5, hash);
    db_bind_text(st, 6, now);
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
  }
  if (rc == APP_OK) {
    rc = audit_one(db, a, "sign", "patient", pt.code, "signature", NULL,
                   hash, meaning, e);
  }
  if (rc == APP_OK) {
    rc = store_seal_patient_rows(db, a, SEAL_SIGNATURE, pt.id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_lock(struct db *db, const struct actor *a, const char *code,
               bool lock, const char *reason, struct err *e) {
  struct patient pt;
  int rc;
  rc = access_require(db, a, ACCESS_LOCK, lock ? "lock" : "unlock", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (!lock && (reason == NULL || reason[0] == '\0')) {
    return ERR_FIELD(e, APP_EINVAL, "reason",
                     "reason: required to unlock a casebook");
  }
  if (store_patient_get(db, a, code, &pt, e) != APP_OK) {
    return e->code;
  }
  if (pt.is_locked == lock) {
    return ERR_SET(e, APP_ECONFLICT, "patient %s: already %s", pt.code,
                   lock ? "locked" : "unlocked");
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = exec_bound(db, "UPDATE patient SET is_locked = CAST($2 AS INTEGER), "
                      "version = version + 1 WHERE id = $1",
                  pt.id, lock ? "1" : "0", NULL, NULL, e);
  if (rc == APP_OK) {
    rc = audit_one(db, a, lock ? "lock" : "unlock", "patient", pt.code,
                   "locked", lock ? "false" : "true", lock ? "true" : "false",
                   reason, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_PATIENT, pt.id, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}
