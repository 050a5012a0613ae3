/*
** casebook.c: a patient's casebook and a record's history, read whole or
** not at all (see casebook.h).
*/
#include "casebook.h"

#include "../core/jsonx.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
    data = jx_parse(text ? text : "", text ? strlen(text) : 0, "record",
                    &je);
    rc = store_row_append(
        arr,
        data ? json_pack("{s:I,s:s,s:I,s:o}", "id",
                         (json_int_t)db_column_int64(st, 0), "kind",
                         db_column_text(st, 1), "version",
                         (json_int_t)db_column_int64(st, 2), "data", data)
             : NULL,
        "record", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}

/* The patient's header as the casebook shows it. */
static json_t *casebook_head(const struct patient *pt) {
  return json_pack("{s:s,s:s,s:s,s:o,s:b,s:I}", "code", pt->code, "site",
                   pt->site_code, "status", pt->status, "cohort",
                   pt->cohort[0] ? json_string(pt->cohort) : json_null(),
                   "locked", pt->is_locked, "version",
                   (json_int_t)pt->version);
}

/* A signature row (signed_by, role, meaning, content_sha256, signed_utc,
** is_void from column c0 on) as JSON; NULL when its text is not valid. */
static json_t *signature_json(struct db_stmt *st, int c0) {
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "signed_by",
                   db_column_text(st, c0), "role", db_column_text(st, c0 + 1),
                   "meaning", db_column_text(st, c0 + 2), "content_sha256",
                   db_column_text(st, c0 + 3), "signed_utc",
                   db_column_text(st, c0 + 4), "valid",
                   db_column_int64(st, c0 + 5) == 0);
}

/* The patient's signatures, oldest first. */
static int load_signatures(struct db *db, int64_t patient_id, json_t **out,
                           struct err *e) {
  struct db_stmt *st = NULL;
  json_t *sigs;
  int rc = db_prepare(db, "SELECT signed_by, role, meaning, content_sha256, "
                          "signed_utc, is_void FROM signature WHERE "
                          "patient_id = $1 ORDER BY id", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, patient_id);
  sigs = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    rc = store_row_append(sigs, signature_json(st, 0), "signature", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, sigs, out, e);
}

/* A source-data verification row (record_id, verified version,
** verified_by, verified_utc, stale) as JSON; NULL when its text is not
** valid. */
static json_t *sdv_json(int64_t record_id, int64_t version, const char *by,
                        const char *utc, bool stale) {
  return json_pack("{s:I,s:I,s:s,s:s,s:b}", "record_id",
                   (json_int_t)record_id, "version", (json_int_t)version,
                   "verified_by", by, "verified_utc", utc, "stale", stale);
}

/* The SDV state of the patient's live records, by record id: a mark is
** stale when the record changed after it was verified. */
static int load_sdv(struct db *db, int64_t patient_id, json_t **out,
                    struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc = db_prepare(db, "SELECT v.record_id, v.record_version, "
                          "v.verified_by, v.verified_utc, r.version FROM sdv "
                          "v JOIN record r ON r.id = v.record_id WHERE "
                          "r.patient_id = $1 AND r.is_deleted = 0 ORDER BY "
                          "v.record_id", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, patient_id);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = sdv_json(db_column_int64(st, 0), db_column_int64(st, 1),
                         db_column_text(st, 2), db_column_text(st, 3),
                         db_column_int64(st, 4) > db_column_int64(st, 1));
    rc = store_row_append(arr, o, "sdv", e);
    if (rc < 0) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}

int store_casebook(struct db *db, const struct actor *a, const char *code,
                   json_t **out, struct err *e) {
  struct patient pt;
  struct db_stmt *st = NULL;
  json_t *records = NULL, *derived = NULL, *sigs = NULL, *sdv = NULL;
  json_t *doc, *head;
  int rc = store_patient_get(db, a, code, &pt, e);
  *out = NULL;
  if (rc == APP_OK) {
    rc = load_records(db, pt.id, &records, e);
  }
  if (rc == APP_OK) {
    rc = db_prepare(db, "SELECT data FROM derived WHERE patient_id = $1",
                    &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, pt.id);
    rc = db_step(st, e);
    if (rc == DB_ROW) {
      const char *t = db_column_text(st, 0);
      derived = jx_parse(t ? t : "", t ? strlen(t) : 0, "derived", e);
      rc = derived != NULL ? APP_OK : APP_EDB;
    } else {
      rc = rc == DB_DONE ? APP_OK : APP_EDB;
    }
    db_finalize(st);
  }
  if (rc == APP_OK) {
    rc = load_signatures(db, pt.id, &sigs, e);
  }
  if (rc == APP_OK) {
    rc = load_sdv(db, pt.id, &sdv, e);
  }
  head = rc == APP_OK ? casebook_head(&pt) : NULL;
  if (rc == APP_OK && head == NULL) {
    rc = ERR_SET(e, APP_EDB, "patient %s: stored header is not valid text",
                 pt.code);
  }
  if (rc != APP_OK) {
    json_decref(records);
    json_decref(derived);
    json_decref(sigs);
    json_decref(sdv);
    return e->code != APP_OK ? e->code : rc;
  }
  doc = json_object();
  json_object_set_new(doc, "patient", head);
  json_object_set_new(doc, "records", records);
  json_object_set_new(doc, "derived", derived ? derived : json_null());
  json_object_set_new(doc, "signatures", sigs);
  json_object_set_new(doc, "sdv", sdv);
  *out = doc;
  return APP_OK;
}

/* Append s as a JSON string; -1 when s is not UTF-8. */
static int put_jstr(struct buf *b, const char *s) {
  json_t *v = json_string(s ? s : "");
  if (v == NULL) {
    return -1;
  }
  jx_dump(v, b, false);
  json_decref(v);
  return 0;
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
  head = casebook_head(&pt);
  if (head == NULL) {
    return ERR_SET(e, APP_EDB, "patient %s: stored header is not valid text",
                   pt.code);
  }
  buf_lit(out, "{\"patient\":");
  jx_dump(head, out, false);
  json_decref(head);
  /* Records, derived values and signatures in one statement: one round
  ** trip and one snapshot (a save committed meanwhile cannot show its
  ** records with the derived values from before it).  part 0 records
  ** (id, kind, data, version), 1 the derived values (data), 2 signatures
  ** (id, signed_by, role, meaning, content_sha256, signed_utc, is_void),
  ** 3 SDV marks (record id, verified_by, verified_utc, stale "1"/"0",
  ** verified version). */
  rc = db_prepare(db,
                  "SELECT 0 AS part, id, kind, data, NULL, NULL, NULL, "
                  "version FROM record WHERE patient_id = $1 AND is_deleted "
                  "= 0 UNION ALL SELECT 1, 0, data, NULL, NULL, NULL, NULL, "
                  "0 FROM derived WHERE patient_id = $1 UNION ALL SELECT 2, "
                  "id, signed_by, role, meaning, content_sha256, signed_utc, "
                  "is_void FROM signature WHERE patient_id = $1 UNION ALL "
                  "SELECT 3, v.record_id, v.verified_by, v.verified_utc, CASE "
                  "WHEN r.version > v.record_version THEN '1' ELSE '0' END, "
                  "NULL, NULL, v.record_version FROM sdv v JOIN record r ON "
                  "r.id = v.record_id WHERE r.patient_id = $1 AND "
                  "r.is_deleted = 0 ORDER BY 1, 2",
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
    if (put_jstr(out, db_column_text(st, 2)) != 0) {
      rc = -ERR_SET(e, APP_EDB, "record %" PRId64 ": stored kind is not "
                    "UTF-8", db_column_int64(st, 1));
      break;
    }
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
  for (first = 1; rc == DB_ROW && db_column_int64(st, 0) == 2;
       rc = db_step(st, e)) {
    json_t *sig = signature_json(st, 2);
    if (sig == NULL) {
      rc = -ERR_SET(e, APP_EDB, "signature: stored text is not valid");
      break;
    }
    if (!first) {
      buf_putc(out, ',');
    }
    jx_dump(sig, out, false);
    json_decref(sig);
    first = 0;
  }
  buf_lit(out, "],\"sdv\":[");
  for (first = 1; rc == DB_ROW; rc = db_step(st, e)) {
    const char *stale = db_column_text(st, 4);
    json_t *v = sdv_json(db_column_int64(st, 1), db_column_int64(st, 7),
                         db_column_text(st, 2), db_column_text(st, 3),
                         stale != NULL && stale[0] == '1');
    if (v == NULL) {
      rc = -ERR_SET(e, APP_EDB, "sdv: a stored mark is not valid text");
      break;
    }
    if (!first) {
      buf_putc(out, ',');
    }
    jx_dump(v, out, false);
    json_decref(v);
    first = 0;
  }
  db_finalize(st);
  if (rc < 0) {
    return e->code != APP_OK ? e->code : APP_EDB;
  }
  buf_lit(out, "]}");
  return APP_OK;
}


int store_record_history(struct db *db, const struct actor *a,
                         const char *code, int64_t record_id, json_t **out,
                         struct err *e) {
  struct patient pt;
  struct db_stmt *st = NULL;
  json_t *arr = NULL;
  char id[128];
  int rc = store_patient_get(db, a, code, &pt, e);
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  /* Audit entity ids of records are CODE/KIND/ID. */
  rc = db_prepare(db, "SELECT kind FROM record WHERE id = $1 AND "
                      "patient_id = $2", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, record_id);
  db_bind_int64(st, 2, pt.id);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    snprintf(id, sizeof(id), "%s/%s/%" PRId64, pt.code,
             db_column_text(st, 0), record_id);
  }
  db_finalize(st);
  if (rc != DB_ROW) {
    return rc == DB_DONE ? ERR_FIELD(e, APP_ENOTFOUND, "record",
                                     "record: patient %s has no record "
                                     "%" PRId64, pt.code, record_id)
                         : APP_EDB;
  }
  rc = db_prepare(db,
                  "SELECT seq, ts_utc, actor, role, site, action, field, "
                  "old_value, new_value, reason FROM audit WHERE entity = "
                  "'record' AND entity_id = $1 ORDER BY seq",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_text(st, 1, id);
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?,s:s?,s:s?}", "seq",
        (json_int_t)db_column_int64(st, 0), "ts_utc", db_column_text(st, 1),
        "actor", db_column_text(st, 2), "role", db_column_text(st, 3),
        "site", db_column_text(st, 4), "action", db_column_text(st, 5),
        "field", db_column_text(st, 6), "old_value", db_column_text(st, 7),
        "new_value", db_column_text(st, 8), "reason",
        db_column_text(st, 9));
    rc = store_row_append(arr, o, "audit", e);
    if (rc < 0) {
      break;
    }
  }
  rc = store_rows_done(st, rc, arr, &arr, e);
  if (rc != APP_OK) {
    return rc;
  }
  *out = json_pack("{s:s,s:I,s:o}", "patient", pt.code, "record",
                   (json_int_t)record_id, "history", arr);
  return *out != NULL ? APP_OK : ERR_SET(e, APP_EINTERNAL, "history: out "
                                         "of memory");
}
