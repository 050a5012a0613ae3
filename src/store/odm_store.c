/*
** odm_store.c: the store's side of the ODM round trip (see odm_store.h).
**
** Why a separate import path instead of store_record_save: an ODM file of
** this study is a snapshot with its history.  Replaying it through the
** ordinary writes would give new ids, new times and a new audit trail;
** the import instead stores every row as the file gives it (ids,
** versions, times, the derived values the rules engine stored) and the
** audit rows verbatim, so the imported trail verifies on its own and ends
** at the original's chain hash.  That is only possible in a database whose
** trail is empty, hence "no study yet" as the precondition.  Workload: one
** import of a study of any size, in one write transaction.
*/
#include "odm_store.h"
#include "freeze.h"
#include "seal.h"

#include "audit.h"
#include "casebook.h"
#include "store.h"

#include "../core/buf.h"
#include "../core/jsonx.h"
#include "../core/mem.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Audit rows read per query (bounds memory on PostgreSQL, which returns a
** whole result at once). */
#define ODM_AUDIT_PAGE 5000

int store_odm_audit_walk(struct db *db, const struct actor *a, int64_t upto_seq,
                         store_odm_audit_fn fn, void *ctx, struct err *e) {
  int64_t next = 1, n_page;
  const char *scope = access_role_site_scoped(a->role) ? a->site_code : NULL;
  int rc = APP_OK;
  do {
    struct db_stmt *st = NULL;
    rc = db_prepare(db,
                    "SELECT seq, ts_utc, actor, role, site, action, entity, "
                    "entity_id, field, old_value, new_value, reason, "
                    "prev_hash, hash FROM audit WHERE seq >= $1 AND seq <= "
                    "$2 ORDER BY seq LIMIT $3",
                    &st, e);
    if (rc != APP_OK) {
      return rc;
    }
    db_bind_int64(st, 1, next);
    db_bind_int64(st, 2, upto_seq);
    db_bind_int64(st, 3, ODM_AUDIT_PAGE);
    n_page = 0;
    while ((rc = db_step(st, e)) == DB_ROW) {
      struct odm_audit_row r;
      int i;
      r.seq = db_column_int64(st, 0);
      for (i = 0; i < ODM_AUDIT_N_FIELDS; i++) {
        r.f[i] = db_column_text(st, i + 1);
      }
      r.prev_hash = db_column_text(st, 12);
      r.hash = db_column_text(st, 13);
      n_page++;
      next = r.seq + 1;
      if (scope != NULL && (r.f[3] == NULL || strcmp(r.f[3], scope) != 0)) {
        continue;
      }
      rc = fn(ctx, &r, e);
      if (rc != APP_OK) {
        rc = -rc;
        break;
      }
    }
    db_finalize(st);
    if (rc < 0) {
      return e->code != APP_OK ? e->code : APP_EDB;
    }
  } while (n_page == ODM_AUDIT_PAGE);
  return APP_OK;
}

/* ---- import ------------------------------------------------------------ */

/* One column of an imported row: its name, the JSON member it comes from
** and whether it may be null. */
struct odm_col {
  const char *col;
  const char *member;
  bool is_nullable;
};

/* Is s a UTC time as the store writes them, "YYYY-MM-DDTHH:MM:SSZ"? */
static bool is_utc(const char *s) {
  static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
  size_t i;
  for (i = 0; pat[i] != '\0'; i++) {
    if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i]) {
      return false;
    }
  }
  return s[i] == '\0';
}

/* INSERT INTO table the members of o named by cols[n] (fixed texts:
** table and column names are this file's literals, never input).  Text
** columns bind strings, integer columns integers, booleans 1/0.  A member
** of the wrong kind is APP_EINVAL naming ctx and the member. */
static int insert_row(struct db *db, const char *sql,
                      const struct odm_col *cols, int n, const json_t *o,
                      const char *ctx, struct err *e) {
  struct db_stmt *st = NULL;
  int rc, i;
  for (i = 0; i < n; i++) {
    json_t *v = json_object_get(o, cols[i].member);
    if (v == NULL || (json_is_null(v) && !cols[i].is_nullable) ||
        json_is_object(v) || json_is_array(v)) {
      return ERR_FIELD(e, APP_EINVAL, cols[i].member,
                       "%s: %s is missing or "
                       "not a plain value",
                       ctx, cols[i].member);
    }
    if (strstr(cols[i].col, "_utc") != NULL && json_is_string(v) &&
        !is_utc(json_string_value(v))) {
      return ERR_FIELD(e, APP_EINVAL, cols[i].member,
                       "%s: %s is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)", ctx,
                       cols[i].member);
    }
  }
  /* checksrc:db_prepare-literal: every caller passes a literal */
  rc = db_prepare(db, sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  for (i = 0; i < n; i++) {
    json_t *v = json_object_get(o, cols[i].member);
    if (json_is_null(v)) {
      db_bind_null(st, i + 1);
    } else if (json_is_integer(v)) {
      db_bind_int64(st, i + 1, json_integer_value(v));
    } else if (json_is_boolean(v)) {
      db_bind_int64(st, i + 1, json_is_true(v) ? 1 : 0);
    } else if (json_is_real(v)) {
      db_bind_double(st, i + 1, json_real_value(v));
    } else {
      db_bind_text(st, i + 1, json_string_value(v));
    }
  }
  rc = db_step(st, e);
  db_finalize(st);
  if (rc < 0) {
    char detail[sizeof(e->msg)];
    snprintf(detail, sizeof(detail), "%s", e->msg);
    err_clear(e);
    return ERR_SET(e, APP_EINVAL, "%s: cannot be stored: %s", ctx, detail);
  }
  return APP_OK;
}

/* The number of rows sql (a literal COUNT) gives. */
static int count_of(struct db *db, const char *sql, int64_t *n, struct err *e) {
  struct db_stmt *st = NULL;
  /* checksrc:db_prepare-literal: every caller passes a literal */
  int rc = db_prepare(db, sql, &st, e);
  *n = 0;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *n = db_column_int64(st, 0);
  }
  db_finalize(st);
  return rc == DB_ROW ? APP_OK : APP_EDB;
}

int store_odm_import_begin(struct db *db, struct err *e) {
  int64_t n_study = 0, n_audit = 0, n_patients = 0;
  int rc = db_migrate(db, e);
  if (rc == APP_OK) {
    rc = count_of(db, "SELECT COUNT(*) FROM study", &n_study, e);
  }
  if (rc == APP_OK) {
    rc = count_of(db, "SELECT COUNT(*) FROM audit", &n_audit, e);
  }
  if (rc == APP_OK) {
    rc = count_of(db, "SELECT COUNT(*) FROM patient", &n_patients, e);
  }
  if (rc != APP_OK) {
    return rc;
  }
  if (n_patients > 0) {
    return ERR_FIELD(e, APP_EINVAL, "--db",
                     "--db: the study already has "
                     "%" PRId64 " patient(s); an ODM import goes into an "
                     "empty database",
                     n_patients);
  }
  if (n_study > 0 || n_audit > 0) {
    return ERR_FIELD(e, APP_EINVAL, "--db",
                     "--db: already holds a study "
                     "(its audit trail is not empty); an ODM import "
                     "restores the original audit trail and so goes into "
                     "a new database (no 'hccstudy init')");
  }
  return db_begin_write(db, e);
}

int store_odm_import_study(struct db *db, const json_t *study, struct err *e) {
  static const struct odm_col cols[] = {
      {"nct_id", "nct_id", false},
      {"study_id", "study_id", false},
      {"protocol_json", "protocol_json", false},
      {"is_locked", "is_locked", false},
      {"created_utc", "created_utc", false},
      {"version", "version", false}};
  return insert_row(db,
                    "INSERT INTO study(id, nct_id, study_id, "
                    "protocol_json, is_locked, created_utc, version) "
                    "VALUES (1, $1, $2, $3, $4, $5, $6)",
                    cols, 6, study, "Study", e);
}

int store_odm_import_site(struct db *db, const json_t *site, struct err *e) {
  static const struct odm_col cols[] = {{"id", "id", false},
                                        {"code", "code", false},
                                        {"name", "name", false},
                                        {"created_utc", "created_utc", false},
                                        {"version", "version", false}};
  return insert_row(db,
                    "INSERT INTO site(id, code, name, created_utc, "
                    "version) VALUES ($1, $2, $3, $4, $5)",
                    cols, 5, site, "Location", e);
}

int store_odm_import_user(struct db *db, const json_t *user,
                          const char *password, struct err *e) {
  static const struct odm_col cols[] = {{"id", "id", false},
                                        {"username", "username", false},
                                        {"role", "role", false},
                                        {"site", "site", true},
                                        {"pw_hash", "pw_hash", false},
                                        {"is_active", "is_active", false},
                                        {"created_utc", "created_utc", false},
                                        {"version", "version", false}};
  char hash[crypto_pwhash_STRBYTES];
  json_t *u = json_deep_copy(user);
  int rc;
  /* "!" is no argon2id string: crypto_pwhash_str_verify refuses every
  ** password until an administrator sets one. */
  snprintf(hash, sizeof(hash), "!");
  if (password != NULL) {
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      json_decref(u);
      return ERR_SET(e, APP_EINTERNAL, "password hashing failed");
    }
  }
  json_object_set_new(u, "pw_hash", json_string(hash));
  rc = insert_row(db,
                  "INSERT INTO app_user(id, username, role, site_id, "
                  "pw_hash, is_active, created_utc, version) VALUES ($1, "
                  "$2, $3, (SELECT id FROM site WHERE code = $4), $5, $6, "
                  "$7, $8)",
                  cols, 8, u, "User", e);
  json_decref(u);
  return rc;
}

/* Store the records, derived values, signatures, SDV marks and queries of
** patient pt (id pid). */
static int import_children(struct db *db, const json_t *pt, int64_t pid,
                           const char *ctx, struct err *e) {
  static const struct odm_col rcols[] = {{"id", "id", false},
                                         {"patient_id", "patient_id", false},
                                         {"kind", "kind", false},
                                         {"data", "data_text", false},
                                         {"created_utc", "created_utc", false},
                                         {"updated_utc", "updated_utc", false},
                                         {"version", "version", false}};
  static const struct odm_col gcols[] = {
      {"id", "id", false},
      {"patient_id", "patient_id", false},
      {"signed_by", "signed_by", false},
      {"role", "role", false},
      {"meaning", "meaning", false},
      {"content_sha256", "content_sha256", false},
      {"signed_utc", "signed_utc", false},
      {"is_void", "is_void", false},
      {"voided_utc", "voided_utc", true}};
  static const struct odm_col vcols[] = {
      {"record_id", "record_id", false},
      {"record_version", "version", false},
      {"verified_by", "verified_by", false},
      {"verified_utc", "verified_utc", false}};
  static const struct odm_col qcols[] = {{"id", "id", false},
                                         {"patient_id", "patient_id", false},
                                         {"record_id", "record_id", true},
                                         {"field", "field", true},
                                         {"check_id", "check_id", true},
                                         {"status", "status", false},
                                         {"text", "text", false},
                                         {"answer", "answer", true},
                                         {"raised_by", "raised_by", false},
                                         {"raised_utc", "raised_utc", false},
                                         {"answered_by", "answered_by", true},
                                         {"answered_utc", "answered_utc", true},
                                         {"closed_by", "closed_by", true},
                                         {"closed_utc", "closed_utc", true},
                                         {"version", "version", false}};
  json_t *x, *d;
  size_t i;
  int rc = APP_OK;
  json_array_foreach(json_object_get(pt, "records"), i, x) {
    json_t *r = json_deep_copy(x);
    char *text = jx_text(json_object_get(x, "data"));
    json_object_set_new(r, "patient_id", json_integer(pid));
    json_object_set_new(r, "data_text", json_string(text));
    xfree(text);
    rc = insert_row(db,
                    "INSERT INTO record(id, patient_id, kind, data, "
                    "created_utc, updated_utc, version) VALUES ($1, $2, "
                    "$3, $4, $5, $6, $7)",
                    rcols, 7, r, ctx, e);
    json_decref(r);
    if (rc != APP_OK) {
      return rc;
    }
  }
  d = json_object_get(pt, "derived");
  if (json_is_object(d)) {
    json_t *r;
    char *text = jx_text(d);
    static const struct odm_col dcols[] = {
        {"patient_id", "patient_id", false},
        {"data", "data_text", false},
        {"updated_utc", "derived_utc", false}};
    r = json_pack("{s:I,s:s,s:O}", "patient_id", (json_int_t)pid, "data_text",
                  text, "derived_utc", json_object_get(pt, "derived_utc"));
    xfree(text);
    rc = r ? insert_row(db,
                        "INSERT INTO derived(patient_id, data, "
                        "updated_utc) VALUES ($1, $2, $3)",
                        dcols, 3, r, ctx, e)
           : ERR_SET(e, APP_EINVAL, "%s: derived values are not valid", ctx);
    json_decref(r);
    if (rc != APP_OK) {
      return rc;
    }
  }
  json_array_foreach(json_object_get(pt, "signatures"), i, x) {
    json_t *r = json_deep_copy(x);
    json_object_set_new(r, "patient_id", json_integer(pid));
    json_object_set_new(
        r, "is_void",
        json_integer(json_is_true(json_object_get(x, "valid")) ? 0 : 1));
    rc = insert_row(db,
                    "INSERT INTO signature(id, patient_id, signed_by, "
                    "role, meaning, content_sha256, signed_utc, is_void, "
                    "voided_utc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "$9)",
                    gcols, 9, r, ctx, e);
    json_decref(r);
    if (rc != APP_OK) {
      return rc;
    }
  }
  json_array_foreach(json_object_get(pt, "sdv"), i, x) {
    rc = insert_row(db,
                    "INSERT INTO sdv(record_id, record_version, "
                    "verified_by, verified_utc) VALUES ($1, $2, $3, $4)",
                    vcols, 4, x, ctx, e);
    if (rc != APP_OK) {
      return rc;
    }
  }
  json_array_foreach(json_object_get(pt, "queries"), i, x) {
    json_t *r = json_deep_copy(x);
    json_object_set_new(r, "patient_id", json_integer(pid));
    rc = insert_row(db,
                    "INSERT INTO query(id, patient_id, record_id, field, "
                    "check_id, status, text, answer, raised_by, "
                    "raised_utc, answered_by, answered_utc, closed_by, "
                    "closed_utc, version) VALUES ($1, $2, $3, $4, $5, $6, "
                    "$7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    qcols, 15, r, ctx, e);
    json_decref(r);
    if (rc != APP_OK) {
      return rc;
    }
  }
  return APP_OK;
}

int store_odm_import_patient(struct db *db, const json_t *pt, const char *ctx,
                             struct err *e) {
  static const struct odm_col cols[] = {{"id", "id", false},
                                        {"site_id", "site", false},
                                        {"code", "code", false},
                                        {"status", "status", false},
                                        {"cohort", "cohort", true},
                                        {"is_locked", "locked", false},
                                        {"created_utc", "created_utc", false},
                                        {"version", "version", false}};
  int64_t pid = json_integer_value(json_object_get(pt, "id"));
  int64_t n_site = 0;
  int rc;
  struct db_stmt *st = NULL;
  rc = db_prepare(db, "SELECT COUNT(*) FROM site WHERE code = $1", &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, json_string_value(json_object_get(pt, "site")));
    rc = db_step(st, e) == DB_ROW ? APP_OK : APP_EDB;
    n_site = rc == APP_OK ? db_column_int64(st, 0) : 0;
    db_finalize(st);
  }
  if (rc == APP_OK && n_site != 1) {
    return ERR_FIELD(e, APP_EINVAL, "SiteRef",
                     "%s: SiteRef names no "
                     "declared Location",
                     ctx);
  }
  if (rc == APP_OK) {
    rc = insert_row(db,
                    "INSERT INTO patient(id, site_id, code, status, "
                    "cohort, is_locked, created_utc, version) VALUES ($1, "
                    "(SELECT id FROM site WHERE code = $2), $3, $4, $5, "
                    "$6, $7, $8)",
                    cols, 8, pt, ctx, e);
  }
  if (rc == APP_OK) {
    rc = import_children(db, pt, pid, ctx, e);
  }
  return rc;
}

int store_odm_import_audit(struct db *db, const struct odm_audit_row *r,
                           struct err *e) {
  struct db_stmt *st = NULL;
  int rc, i;
  rc = db_prepare(db,
                  "INSERT INTO audit(seq, ts_utc, actor, role, site, "
                  "action, entity, entity_id, field, old_value, "
                  "new_value, reason, prev_hash, hash) VALUES ($1, $2, "
                  "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, r->seq);
  for (i = 0; i < ODM_AUDIT_N_FIELDS; i++) {
    db_bind_text(st, i + 2, r->f[i]);
  }
  db_bind_text(st, 13, r->prev_hash);
  db_bind_text(st, 14, r->hash);
  rc = db_step(st, e) < 0 ? APP_EDB : APP_OK;
  db_finalize(st);
  if (rc != APP_OK) {
    char detail[sizeof(e->msg)];
    snprintf(detail, sizeof(detail), "%s", e->msg);
    err_clear(e);
    return ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: <AuditRecord> %" PRId64 ": cannot be "
                     "stored: %s",
                     r->seq, detail);
  }
  return APP_OK;
}

/* Freeze the imported casebooks as freeze 1 (see freeze.c for the content
** hash: code, LF, casebook text, LF, for each in code order). */
static int import_freeze(struct db *db, const struct odm_import_end *end,
                         int64_t *n, struct err *e) {
  struct actor reader = *end->a;
  char content[65], label[200];
  /* The casebooks are read as a data manager would: an administrator
  ** importing the study cannot read casebooks otherwise. */
  reader.role = ROLE_DATA_MANAGER;
  reader.site_id = 0;
  reader.site_code[0] = '\0';
  snprintf(label, sizeof(label), "ODM import of %s", end->file_oid);
  return store_freeze_write(db, &reader, 1, label, end->created_utc,
                            end->a->username, end->audit_seq,
                            end->chain_hash, n, content, e);
}

/* Compare one replayed record (entity id "CODE/kind/ID", its fields as
** the audit trail leaves them) with the stored record; *n_checked counts
** the records found. */
static int replay_check(struct db *db, const char *entity_id,
                        const json_t *replayed, int64_t *n_checked,
                        struct err *e) {
  struct db_stmt *st = NULL;
  const char *slash = strrchr(entity_id, '/');
  char *end = NULL;
  long long id = slash ? strtoll(slash + 1, &end, 10) : 0;
  int rc;
  if (slash == NULL || end == slash + 1 || *end != '\0') {
    return APP_OK; /* not a record id: nothing to compare */
  }
  rc = db_prepare(db,
                  "SELECT r.data, p.code || '/' || r.kind || '/' || "
                  "r.id FROM record r JOIN patient p ON p.id = "
                  "r.patient_id WHERE r.id = $1",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  rc = db_step(st, e);
  if (rc == DB_ROW && strcmp(db_column_text(st, 1), entity_id) == 0) {
    const char *text = db_column_text(st, 0);
    struct err je;
    json_t *data;
    err_clear(&je);
    data = jx_parse(text, strlen(text), "record", &je);
    (*n_checked)++;
    rc = APP_OK;
    if (data == NULL || !jx_equal(data, replayed)) {
      rc = ERR_FIELD(e, APP_EINVAL, "--input",
                     "--input: <FormData> of record %s: its data differ "
                     "from what its audit trail records",
                     entity_id);
    }
    json_decref(data);
  } else {
    rc = rc < 0 ? APP_EDB : APP_OK; /* a record the file does not hold */
  }
  db_finalize(st);
  return rc;
}

/* The audit trail vouches for the records too: replay every record's
** create and update entries (record.c's audit_diff: each sets one
** top-level field to its new value, or removes it with a NULL one)
** and compare the result with the record stored.  One sort of the record
** entries, one primary-key lookup per record. */
static int import_replay(struct db *db, int64_t upto, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *cur = NULL;
  char *cur_id = NULL;
  int64_t n_checked = 0, n_records = 0, n_empty = 0;
  int rc = db_prepare(db,
                      "SELECT entity_id, field, new_value FROM audit "
                      "WHERE entity = 'record' AND action IN ('create', "
                      "'update') AND seq <= $1 AND "
                      "entity_id IS NOT NULL AND field IS NOT NULL "
                      "ORDER BY entity_id, seq",
                      &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, upto);
  while (rc == APP_OK && (rc = db_step(st, e)) == DB_ROW) {
    const char *id = db_column_text(st, 0);
    const char *field = db_column_text(st, 1);
    const char *nv = db_column_text(st, 2);
    rc = APP_OK;
    if (cur_id == NULL || strcmp(cur_id, id) != 0) {
      if (cur_id != NULL) {
        rc = replay_check(db, cur_id, cur, &n_checked, e);
      }
      xfree(cur_id);
      json_decref(cur);
      cur_id = xstrdup(id);
      cur = json_object();
    }
    if (nv == NULL) {
      json_object_del(cur, field);
    } else {
      json_error_t je;
      json_t *v = json_loads(nv, JSON_DECODE_ANY, &je);
      if (v == NULL) {
        rc = ERR_FIELD(e, APP_EINVAL, "--input",
                       "--input: <AuditRecord>: the new value of %s.%s "
                       "is not JSON",
                       id, field);
      } else {
        json_object_set_new(cur, field, v);
      }
    }
  }
  if (rc == DB_DONE) {
    rc = cur_id != NULL ? replay_check(db, cur_id, cur, &n_checked, e) : APP_OK;
  } else if (rc < 0) {
    rc = APP_EDB;
  }
  db_finalize(st);
  xfree(cur_id);
  json_decref(cur);
  if (rc == APP_OK) {
    rc = count_of(db, "SELECT COUNT(*) FROM record", &n_records, e);
  }
  if (rc == APP_OK) {
    rc = count_of(db, "SELECT COUNT(*) FROM record WHERE data = '{}'", &n_empty,
                  e);
  }
  if (rc == APP_OK && n_checked + n_empty < n_records) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input",
                   "--input: %" PRId64 " record(s) have no "
                   "history in the audit trail",
                   n_records - n_checked - n_empty);
  }
  return rc;
}

int store_odm_import_end(struct db *db, struct odm_import_end *end,
                         struct err *e) {
  struct audit_check chk;
  struct audit_entry en;
  char head[65], seqtext[32], note[200];
  int64_t seq = 0, n = 0;
  int rc = audit_verify(db, &chk, e);
  if (rc == APP_OK && chk.first_bad != 0) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input",
                   "--input: <AuditRecords>: the file's audit trail does "
                   "not verify: %s (an edited file?)",
                   chk.why);
  }
  if (rc == APP_OK) {
    rc = audit_head(db, &seq, head, e);
  }
  if (rc == APP_OK && (seq != end->audit_seq || chk.n_checked != seq ||
                       strcmp(head, end->chain_hash) != 0)) {
    rc = ERR_FIELD(e, APP_EINVAL, "--input",
                   "--input: the file's audit trail ends at entry "
                   "%" PRId64 " but the root names entry %" PRId64 " and "
                   "chain hash %.16s...",
                   seq, end->audit_seq, end->chain_hash);
  }
  if (rc == APP_OK) {
    rc = import_replay(db, end->audit_seq, e);
  }
  if (rc == APP_OK) {
    rc = db_after_copy(db, e);
  }
  if (rc == APP_OK) {
    rc = import_freeze(db, end, &n, e);
  }
  if (rc == APP_OK) {
    /* The restored rows sealed anew (the accounts have new password
    ** hashes): the trail vouches for the database as imported. */
    rc = store_seal_all(db, end->a, e);
  }
  if (rc == APP_OK) {
    memset(&en, 0, sizeof(en));
    snprintf(seqtext, sizeof(seqtext), "%" PRId64, end->audit_seq);
    snprintf(note, sizeof(note),
             "ODM import of %s: %" PRId64 " patients; "
             "audit entries 1-%" PRId64 " restored; freeze 1 holds the "
             "imported casebooks",
             end->file_oid, n, end->audit_seq);
    en.action = "import";
    en.entity = "study";
    en.entity_id = "odm";
    en.field = "audit_seq";
    en.new_value = seqtext;
    en.reason = note;
    rc = access_audit(db, end->a, &en, 1, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  end->freeze_id = 1;
  return db_commit(db, e);
}

void store_odm_import_abort(struct db *db) {
  if (db_in_transaction(db)) {
    db_rollback(db);
  }
}
