/*
** terms.c: the adverse-event terminology (see terms.h).
*/
#include "terms.h"

#include "../core/clock.h"
#include "../core/mem.h"
#include "audit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Lower-case copy for case-insensitive lookup; caller frees. */
static char *term_key(const char *s) {
  char *k = xstrdup(s ? s : "");
  char *p;
  for (p = k; *p; p++) {
    *p = (char)tolower((unsigned char)*p);
  }
  return k;
}

static int grade_defined(const char *g) {
  return g != NULL && g[0] != '\0' && strcmp(g, "-") != 0;
}

int store_terms_import(struct db *db, const struct actor *a,
                       const char *name, const char *source_sha256,
                       const struct term_row *rows, int64_t n,
                       struct err *e) {
  struct db_stmt *st = NULL;
  char now[CLOCK_STR_LEN], count[32];
  struct audit_entry en = {0};
  int64_t i;
  int rc;
  int k;
  rc = access_require(db, a, ACCESS_ADMIN, "terms import", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (n <= 0) {
    return ERR_SET(e, APP_EINVAL, "terms import: the file holds no terms");
  }
  for (i = 0; i < n; i++) {
    if (rows[i].code == NULL || rows[i].code[0] == '\0' ||
        rows[i].term == NULL || rows[i].term[0] == '\0' ||
        rows[i].soc == NULL) {
      return ERR_SET(e, APP_EINVAL, "terms import: row %" PRId64 ": "
                     "meddra_code, soc and term are required", i + 1);
    }
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = db_exec(db, "DELETE FROM term; DELETE FROM terminology", e);
  if (rc == APP_OK) {
    rc = db_prepare(db, "INSERT INTO term(code, soc, term, term_key, "
                        "grade1, grade2, grade3, grade4, grade5, definition)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    &st, e);
  }
  for (i = 0; rc == APP_OK && i < n; i++) {
    char *key = term_key(rows[i].term);
    db_bind_text(st, 1, rows[i].code);
    db_bind_text(st, 2, rows[i].soc);
    db_bind_text(st, 3, rows[i].term);
    db_bind_text(st, 4, key);
    for (k = 0; k < 5; k++) {
      db_bind_text(st, 5 + k,
                   grade_defined(rows[i].grade[k]) ? rows[i].grade[k] : NULL);
    }
    db_bind_text(st, 10, rows[i].definition);
    if (db_step(st, e) != DB_DONE) {
      if (e->code == APP_ECONFLICT) {
        e->code = APP_OK;
        e->msg[0] = '\0';
        ERR_SET(e, APP_EINVAL, "terms import: row %" PRId64 ": meddra_code "
                "%s is repeated", i + 1, rows[i].code);
      }
      rc = e->code ? e->code : APP_EDB;
    }
    db_reset(st);
    xfree(key);
  }
  db_finalize(st);
  clock_now_utc(now);
  if (rc == APP_OK) {
    rc = db_prepare(db, "INSERT INTO terminology(id, name, source_sha256, "
                        "n_terms, imported_by, imported_utc) VALUES (1, $1, "
                        "$2, $3, $4, $5)", &st, e);
    if (rc == APP_OK) {
      db_bind_text(st, 1, name);
      db_bind_text(st, 2, source_sha256);
      db_bind_int64(st, 3, n);
      db_bind_text(st, 4, a->username);
      db_bind_text(st, 5, now);
      rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
      db_finalize(st);
    }
  }
  if (rc == APP_OK) {
    snprintf(count, sizeof(count), "%" PRId64 " terms", n);
    en.action = "import";
    en.entity = "terminology";
    en.entity_id = name;
    en.field = "source_sha256";
    en.new_value = source_sha256;
    en.reason = count;
    rc = access_audit(db, a, &en, 1, e);
  }
  if (rc != APP_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int store_terms_search(struct db *db, const char *text, int limit,
                       json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr = json_array();
  char *key = term_key(text);
  int rc = db_prepare(db,
                      "SELECT code, soc, term, grade1, grade2, grade3, "
                      "grade4, grade5 FROM term WHERE instr(term_key, $1) > "
                      "0 ORDER BY instr(term_key, $1), term LIMIT $2",
                      &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, key);
    db_bind_int64(st, 2, limit);
    while ((rc = db_step(st, e)) == DB_ROW) {
      json_t *g = json_object();
      int k;
      for (k = 0; k < 5; k++) {
        char name[2] = {(char)('1' + k), '\0'};
        json_object_set_new(g, name, db_column_is_null(st, 3 + k)
                                         ? json_null()
                                         : json_string(db_column_text(
                                               st, 3 + k)));
      }
      json_array_append_new(
          arr, json_pack("{s:s,s:s,s:s,s:o}", "code", db_column_text(st, 0),
                         "soc", db_column_text(st, 1), "term",
                         db_column_text(st, 2), "grades", g));
    }
    db_finalize(st);
    rc = rc < 0 ? APP_EDB : APP_OK;
  }
  xfree(key);
  if (rc != APP_OK) {
    json_decref(arr);
    return rc;
  }
  *out = arr;
  return APP_OK;
}

int store_terms_loaded(struct db *db, int *loaded, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT COUNT(*) FROM terminology", &st, e);
  *loaded = 0;
  if (rc != APP_OK) {
    return rc;
  }
  if (db_step(st, e) == DB_ROW) {
    *loaded = db_column_int64(st, 0) > 0;
  }
  db_finalize(st);
  return APP_OK;
}

int store_terms_check(struct db *db, const char *term, int grade,
                      const char **problem, struct err *e) {
  struct db_stmt *st = NULL;
  char *key;
  int rc;
  static const char *const grade_cols[] = {
    "SELECT grade1 FROM term WHERE term_key = $1",
    "SELECT grade2 FROM term WHERE term_key = $1",
    "SELECT grade3 FROM term WHERE term_key = $1",
    "SELECT grade4 FROM term WHERE term_key = $1",
    "SELECT grade5 FROM term WHERE term_key = $1"};
  *problem = NULL;
  rc = db_prepare(db, "SELECT COUNT(*) FROM terminology", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e) == DB_ROW && db_column_int64(st, 0) > 0;
  db_finalize(st);
  if (!rc || grade < 1 || grade > 5) {
    return APP_OK; /* no terminology: free text is accepted */
  }
  key = term_key(term);
  rc = db_prepare(db, grade_cols[grade - 1], &st, e);
  if (rc == APP_OK) {
    db_bind_text(st, 1, key);
    rc = db_step(st, e);
    if (rc == DB_DONE) {
      *problem = "term is not in the adverse-event terminology";
    } else if (rc == DB_ROW && db_column_is_null(st, 0)) {
      *problem = "the terminology defines no such grade for this term";
    }
    rc = rc < 0 ? APP_EDB : APP_OK;
    db_finalize(st);
  }
  xfree(key);
  return rc;
}
