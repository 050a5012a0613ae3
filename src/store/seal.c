/*
** seal.c: seals of the data rows in the audit trail (see seal.h).
*/
#include "seal.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "audit.h"

/* Each sealed table: its name, the statements that read one row, the rows
** of a patient and every row (fixed texts: the schema's own names), the
** key column, and the columns left out of the seal. */
static const struct {
  const char *name;
  const char *one_sql;
  const char *patient_sql; /* NULL: not patient rows */
  const char *all_sql;
  const char *key;
  const char *skip[2];
} seal_tables[SEAL_N_TABLES] = {
    [SEAL_STUDY] = {"study", "SELECT * FROM study WHERE id = $1", NULL,
                    "SELECT * FROM study ORDER BY id", "id", {NULL, NULL}},
    [SEAL_SITE] = {"site", "SELECT * FROM site WHERE id = $1", NULL,
                   "SELECT * FROM site ORDER BY id", "id", {NULL, NULL}},
    [SEAL_APP_USER] = {"app_user", "SELECT * FROM app_user WHERE id = $1",
                       NULL, "SELECT * FROM app_user ORDER BY id", "id",
                       {"failed_logins", NULL}},
    [SEAL_PATIENT] = {"patient", "SELECT * FROM patient WHERE id = $1", NULL,
                      "SELECT * FROM patient ORDER BY id", "id",
                      {NULL, NULL}},
    [SEAL_RECORD] = {"record", "SELECT * FROM record WHERE id = $1",
                     "SELECT * FROM record WHERE patient_id = $1 ORDER BY id",
                     "SELECT * FROM record ORDER BY id", "id", {NULL, NULL}},
    [SEAL_DERIVED] = {"derived",
                      "SELECT * FROM derived WHERE patient_id = $1",
                      "SELECT * FROM derived WHERE patient_id = $1",
                      "SELECT * FROM derived ORDER BY patient_id",
                      "patient_id", {NULL, NULL}},
    [SEAL_QUERY] = {"query", "SELECT * FROM query WHERE id = $1",
                    "SELECT * FROM query WHERE patient_id = $1 ORDER BY id",
                    "SELECT * FROM query ORDER BY id", "id", {NULL, NULL}},
    [SEAL_SDV] = {"sdv", "SELECT * FROM sdv WHERE record_id = $1",
                  "SELECT s.* FROM sdv s JOIN record r ON r.id = "
                  "s.record_id WHERE r.patient_id = $1 ORDER BY s.record_id",
                  "SELECT * FROM sdv ORDER BY record_id", "record_id",
                  {NULL, NULL}},
    [SEAL_SIGNATURE] = {"signature",
                        "SELECT * FROM signature WHERE id = $1",
                        "SELECT * FROM signature WHERE patient_id = $1 "
                        "ORDER BY id",
                        "SELECT * FROM signature ORDER BY id", "id",
                        {NULL, NULL}},
    [SEAL_API_TOKEN] = {"api_token", "SELECT * FROM api_token WHERE id = $1",
                        NULL, "SELECT * FROM api_token ORDER BY id", "id",
                        {"last_used_utc", "uses"}},
};

/* The seal text of a removed row. */
static const char seal_removed[] = "-";

static bool seal_skipped(enum seal_table t, const char *col) {
  int i;
  for (i = 0; i < 2; i++) {
    if (seal_tables[t].skip[i] != NULL &&
        strcmp(seal_tables[t].skip[i], col) == 0) {
      return true;
    }
  }
  return false;
}

/* The seal text of st's current row: "col=xxxxxxxx;..." in column order,
** xxxxxxxx the first 32 bits of SHA-256(col, NUL, 'N' for NULL or 'V'
** and the value's text).  *key gets the key column's value. */
static void seal_row_text(enum seal_table t, struct db_stmt *st,
                          struct buf *out, int64_t *key) {
  int n = db_column_count(st), c;
  out->len = 0;
  if (out->data != NULL) {
    out->data[0] = '\0';
  }
  for (c = 0; c < n; c++) {
    const char *name = db_column_name(st, c);
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[9];
    if (name == NULL || seal_skipped(t, name)) {
      continue;
    }
    if (strcmp(name, seal_tables[t].key) == 0) {
      *key = db_column_int64(st, c);
    }
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)name,
                              strlen(name) + 1);
    if (db_column_type(st, c) == DB_T_NULL) {
      crypto_hash_sha256_update(&h, (const unsigned char *)"N", 1);
    } else {
      const char *v = db_column_text(st, c);
      crypto_hash_sha256_update(&h, (const unsigned char *)"V", 1);
      crypto_hash_sha256_update(&h, (const unsigned char *)(v ? v : ""),
                                v ? strlen(v) : 0);
    }
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, sizeof(hex), d, 4);
    buf_appendf(out, "%s%s=%s", out->len ? ";" : "", name, hex);
  }
}

/* Append the seal entry of (t, key) with text. */
static int seal_append(struct db *db, const struct actor *a,
                       enum seal_table t, int64_t key, const char *text,
                       struct err *e) {
  struct audit_entry en;
  char id[32];
  memset(&en, 0, sizeof(en));
  snprintf(id, sizeof(id), "%" PRId64, key);
  en.action = "seal";
  en.entity = seal_tables[t].name;
  en.entity_id = id;
  en.new_value = text;
  return access_audit(db, a, &en, 1, e);
}

/* Seal every row st yields (bound already). */
static int seal_rows(struct db *db, const struct actor *a, enum seal_table t,
                     struct db_stmt *st, int64_t *n, struct err *e) {
  struct buf text;
  int rc;
  buf_init(&text, 0);
  while ((rc = db_step(st, e)) == DB_ROW) {
    int64_t key = 0;
    seal_row_text(t, st, &text, &key);
    rc = seal_append(db, a, t, key, buf_str(&text), e);
    if (rc != APP_OK) {
      break;
    }
    if (n != NULL) {
      (*n)++;
    }
  }
  buf_reset(&text);
  return rc == DB_DONE ? APP_OK : rc < 0 ? APP_EDB : rc;
}

int store_seal(struct db *db, const struct actor *a, enum seal_table t,
               int64_t key, struct err *e) {
  struct db_stmt *st = NULL;
  int64_t n = 0;
  /* checksrc:db_prepare-literal: fixed texts of seal_tables */
  int rc = db_prepare(db, seal_tables[t].one_sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, key);
  rc = seal_rows(db, a, t, st, &n, e);
  db_finalize(st);
  if (rc == APP_OK && n == 0) {
    rc = seal_append(db, a, t, key, seal_removed, e);
  }
  return rc;
}

int store_seal_patient_rows(struct db *db, const struct actor *a,
                            enum seal_table t, int64_t patient_id,
                            struct err *e) {
  struct db_stmt *st = NULL;
  int rc;
  if (seal_tables[t].patient_sql == NULL) {
    return ERR_SET(e, APP_EINTERNAL, "seal: %s rows are not a patient's",
                   seal_tables[t].name);
  }
  /* checksrc:db_prepare-literal: fixed texts of seal_tables */
  rc = db_prepare(db, seal_tables[t].patient_sql, &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, patient_id);
  rc = seal_rows(db, a, t, st, NULL, e);
  db_finalize(st);
  return rc;
}

int store_seal_casebook(struct db *db, const struct actor *a,
                        int64_t patient_id, int64_t record_id,
                        struct err *e) {
  int rc = store_seal(db, a, SEAL_PATIENT, patient_id, e);
  if (rc == APP_OK && record_id > 0) {
    rc = store_seal(db, a, SEAL_RECORD, record_id, e);
  }
  if (rc == APP_OK) {
    rc = store_seal(db, a, SEAL_DERIVED, patient_id, e);
  }
  return rc;
}

int store_seal_all(struct db *db, const struct actor *a, struct err *e) {
  int t, rc = APP_OK;
  for (t = 0; rc == APP_OK && t < SEAL_N_TABLES; t++) {
    struct db_stmt *st = NULL;
    /* checksrc:db_prepare-literal: fixed texts of seal_tables */
    rc = db_prepare(db, seal_tables[t].all_sql, &st, e);
    if (rc == APP_OK) {
      rc = seal_rows(db, a, (enum seal_table)t, st, NULL, e);
      db_finalize(st);
    }
  }
  return rc;
}

/* Note one problem: "TABLE KEY: WHAT". */
static void seal_problem(struct seal_report *out, const char *table,
                         int64_t key, const char *what) {
  if (out->n_first < 8) {
    snprintf(out->first[out->n_first++], sizeof(out->first[0]),
             "%s %" PRId64 ": %s", table, key, what);
  }
  out->n_problems++;
}

/* The first column whose "col=hash" differs between two seal texts. */
static void seal_diff(const char *want, const char *got, char *out,
                      size_t n) {
  const char *a = want, *b = got;
  out[0] = '\0';
  while (*a && *b) {
    size_t la = strcspn(a, ";"), lb = strcspn(b, ";");
    if (la != lb || memcmp(a, b, la) != 0) {
      size_t eq = strcspn(a, "=");
      snprintf(out, n, "%.*s", (int)(eq < la ? eq : la), a);
      return;
    }
    a += la + (a[la] == ';');
    b += lb + (b[lb] == ';');
  }
  snprintf(out, n, "%s", *a || *b ? "its columns" : "");
}

int seal_verify(struct db *db, struct seal_report *out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *seals[SEAL_N_TABLES];
  struct buf text;
  int t, rc;
  memset(out, 0, sizeof(*out));
  for (t = 0; t < SEAL_N_TABLES; t++) {
    seals[t] = json_object();
  }
  /* The newest seal of each row (later entries replace earlier ones). */
  rc = db_prepare(db, "SELECT entity, entity_id, new_value FROM audit WHERE "
                      "action = 'seal' ORDER BY seq", &st, e);
  while (rc == APP_OK && (rc = db_step(st, e)) == DB_ROW) {
    const char *ent = db_column_text(st, 0);
    const char *id = db_column_text(st, 1);
    const char *v = db_column_text(st, 2);
    rc = APP_OK;
    for (t = 0; ent != NULL && id != NULL && t < SEAL_N_TABLES; t++) {
      if (strcmp(ent, seal_tables[t].name) == 0) {
        json_object_set_new(seals[t], id, json_string(v ? v : ""));
        break;
      }
    }
  }
  rc = rc == DB_DONE ? APP_OK : rc < 0 ? APP_EDB : rc;
  db_finalize(st);
  buf_init(&text, 0);
  for (t = 0; rc == APP_OK && t < SEAL_N_TABLES; t++) {
    const char *name = seal_tables[t].name, *k;
    json_t *v;
    out->n_seals += (int64_t)json_object_size(seals[t]);
    /* checksrc:db_prepare-literal: fixed texts of seal_tables */
    rc = db_prepare(db, seal_tables[t].all_sql, &st, e);
    while (rc == APP_OK && (rc = db_step(st, e)) == DB_ROW) {
      int64_t key = 0;
      char id[32], col[64];
      const char *want;
      rc = APP_OK;
      seal_row_text((enum seal_table)t, st, &text, &key);
      snprintf(id, sizeof(id), "%" PRId64, key);
      out->n_rows++;
      want = json_string_value(json_object_get(seals[t], id));
      if (want == NULL || strcmp(want, seal_removed) == 0) {
        seal_problem(out, name, key,
                     "a row the store never wrote (added outside it)");
      } else if (strcmp(want, buf_str(&text)) != 0) {
        char what[100];
        seal_diff(want, buf_str(&text), col, sizeof(col));
        snprintf(what, sizeof(what), "%s changed outside the store", col);
        seal_problem(out, name, key, what);
      }
      json_object_del(seals[t], id);
    }
    rc = rc == DB_DONE ? APP_OK : rc < 0 ? APP_EDB : rc;
    db_finalize(st);
    json_object_foreach(seals[t], k, v) {
      if (strcmp(json_string_value(v), seal_removed) != 0) {
        seal_problem(out, name, strtoll(k, NULL, 10),
                     "removed outside the store");
      }
    }
  }
  buf_reset(&text);
  for (t = 0; t < SEAL_N_TABLES; t++) {
    json_decref(seals[t]);
  }
  return rc;
}
