/*
** freeze.c: data freezes (see freeze.h).
**
** Why: an analysis must be reproducible to the byte long after the data
** have moved on.  Rebuilding the past from the audit trail would re-run
** today's rules on yesterday's records; a freeze instead keeps the
** casebooks (records and the derived values the rules engine stored) as
** they were, next to the audit position and chain hash that vouch for
** them.  Invariants: a freeze is written in one write transaction, so no
** write falls between its casebooks; its rows are never changed (the
** tables refuse UPDATE and DELETE); its content hash covers every
** casebook in code order, and a read checks it.  Workload: a freeze of a
** few thousand casebooks, written once, read by every export of it.
*/
#include "freeze.h"

#include "audit.h"
#include "casebook.h"
#include "snapshot.h"
#include "store.h"

#include "../core/buf.h"
#include "../core/clock.h"

#include <inttypes.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Longest label, in bytes. */
#define FREEZE_LABEL_MAX 200

/* Add one text and a line feed to the content hash. */
static void fz_hash_line(crypto_hash_sha256_state *h, const char *text) {
  crypto_hash_sha256_update(h, (const unsigned char *)text, strlen(text));
  crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

/* Add one casebook to the content hash: code, casebook, extra, each
** followed by LF.  After the last one comes the admin text (and LF). */
static void fz_hash_add(crypto_hash_sha256_state *h, const char *code,
                        const char *text, const char *extra) {
  fz_hash_line(h, code);
  fz_hash_line(h, text);
  fz_hash_line(h, extra);
}

/* JSON as the freeze keeps it: compact, keys sorted (NULL: ""). */
static char *fz_json_text(const json_t *v) {
  char *t = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  return t ? t : strdup("");
}

static void fz_hash_hex(crypto_hash_sha256_state *h, char out[65]) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(h, d);
  sodium_bin2hex(out, 65, d, sizeof(d));
}

/* Copy every casebook into freeze id (within the caller's write
** transaction), read as reader, with its extra rows, hashing them; *n
** gets their number. */
static int fz_copy(struct db *db, const struct actor *reader, int64_t id,
                   int64_t *n, crypto_hash_sha256_state *h, struct err *e) {
  struct db_stmt *st = NULL, *ins = NULL;
  struct buf text;
  int rc;
  *n = 0;
  buf_init(&text, 0);
  rc = db_prepare(db, "SELECT p.code, s.code FROM patient p JOIN site s ON "
                      "s.id = p.site_id ORDER BY p.code", &st, e);
  if (rc == APP_OK) {
    rc = db_prepare(db, "INSERT INTO freeze_casebook(freeze_id, code, site, "
                        "casebook, extra) VALUES ($1, $2, $3, $4, $5)", &ins,
                    e);
  }
  while (rc == APP_OK && (rc = db_step(st, e)) == DB_ROW) {
    char code[64], site[32], *xt;
    json_t *extra = NULL;
    snprintf(code, sizeof(code), "%s", db_column_text(st, 0));
    snprintf(site, sizeof(site), "%s", db_column_text(st, 1));
    buf_reset(&text);
    rc = store_casebook_text(db, reader, code, &text, e);
    if (rc == APP_OK) {
      rc = store_odm_patient_extra(db, code, &extra, e);
    }
    if (rc != APP_OK) {
      break;
    }
    xt = fz_json_text(extra);
    json_decref(extra);
    fz_hash_add(h, code, buf_str(&text), xt);
    db_reset(ins);
    db_bind_int64(ins, 1, id);
    db_bind_text(ins, 2, code);
    db_bind_text(ins, 3, site);
    db_bind_text(ins, 4, buf_str(&text));
    db_bind_text(ins, 5, xt);
    rc = db_step(ins, e);
    rc = rc < 0 ? APP_EDB : APP_OK;
    free(xt);
    (*n)++;
  }
  if (rc == DB_DONE) {
    rc = APP_OK;
  } else if (rc < 0) {
    rc = APP_EDB;
  }
  db_finalize(st);
  db_finalize(ins);
  buf_reset(&text);
  return rc;
}

int store_freeze_write(struct db *db, const struct actor *reader, int64_t id,
                       const char *label, const char *created_utc,
                       const char *created_by, int64_t audit_seq,
                       const char *chain_hash, int64_t *n, char content[65],
                       struct err *e) {
  struct db_stmt *st = NULL;
  crypto_hash_sha256_state h;
  json_t *admin = NULL;
  char *at = NULL;
  int rc;
  crypto_hash_sha256_init(&h);
  rc = fz_copy(db, reader, id, n, &h, e);
  if (rc == APP_OK) {
    rc = store_odm_admin(db, &admin, e);
  }
  if (rc == APP_OK) {
    at = fz_json_text(admin);
    fz_hash_line(&h, at);
  }
  fz_hash_hex(&h, content);
  if (rc == APP_OK) {
    rc = db_prepare(db, "INSERT INTO data_freeze(id, label, created_utc, "
                        "created_by, audit_seq, chain_hash, n_patients, "
                        "content_sha256, admin) VALUES ($1, $2, $3, $4, $5, "
                        "$6, $7, $8, $9)", &st, e);
  }
  if (rc == APP_OK) {
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, label);
    db_bind_text(st, 3, created_utc);
    db_bind_text(st, 4, created_by);
    db_bind_int64(st, 5, audit_seq);
    db_bind_text(st, 6, chain_hash);
    db_bind_int64(st, 7, *n);
    db_bind_text(st, 8, content);
    db_bind_text(st, 9, at);
    rc = db_step(st, e) < 0 ? APP_EDB : APP_OK;
    db_finalize(st);
  }
  json_decref(admin);
  free(at);
  return rc;
}

/* The next freeze id (under the write lock). */
static int fz_next_id(struct db *db, int64_t *id, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                          "data_freeze", &st, e);
  *id = 0;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *id = db_column_int64(st, 0);
  }
  db_finalize(st);
  return rc == DB_ROW ? APP_OK : APP_EDB;
}

int store_freeze_create(struct db *db, const struct actor *a,
                        const char *label, int64_t *id, struct err *e) {
  struct audit_entry en[4];
  char now[CLOCK_STR_LEN], hash[65], content[65], idtext[32], seqtext[32];
  int64_t seq = 0, n = 0;
  int rc;
  *id = 0;
  if (label == NULL || label[0] == '\0' ||
      strlen(label) > FREEZE_LABEL_MAX) {
    return ERR_FIELD(e, APP_EINVAL, "label", "label: a freeze needs a "
                     "label of 1 to %d bytes", FREEZE_LABEL_MAX);
  }
  rc = access_require(db, a, ACCESS_FREEZE, "freeze", e);
  if (rc != APP_OK) {
    return rc;
  }
  if (db_begin_write(db, e) != APP_OK) {
    return APP_EDB;
  }
  rc = audit_head(db, &seq, hash, e);
  if (rc == APP_OK) {
    rc = fz_next_id(db, id, e);
  }
  clock_now_utc(now);
  if (rc == APP_OK) {
    rc = store_freeze_write(db, a, *id, label, now, a->username, seq, hash,
                            &n, content, e);
  }
  if (rc == APP_OK) {
    snprintf(idtext, sizeof(idtext), "%" PRId64, *id);
    snprintf(seqtext, sizeof(seqtext), "%" PRId64, seq);
    memset(en, 0, sizeof(en));
    en[0].field = "label";
    en[0].new_value = label;
    en[1].field = "audit_seq";
    en[1].new_value = seqtext;
    en[2].field = "chain_hash";
    en[2].new_value = hash;
    en[3].field = "content_sha256";
    en[3].new_value = content;
    for (int i = 0; i < 4; i++) {
      en[i].action = "freeze";
      en[i].entity = "data_freeze";
      en[i].entity_id = idtext;
    }
    rc = access_audit(db, a, en, 4, e);
  }
  if (rc != APP_OK) {
    *id = 0;
    return store_rollback(db, rc);
  }
  rc = db_commit(db, e);
  if (rc != APP_OK) {
    *id = 0;
  }
  return rc;
}

/* May a read a freeze (to export or analyse it)? */
static int fz_may_read(struct db *db, const struct actor *a, struct err *e) {
  if (access_may(a, ACCESS_ANALYSIS)) {
    return APP_OK;
  }
  return access_require(db, a, ACCESS_EXPORT, "freeze", e);
}

/* Copy a text column into out (n bytes). */
static void fz_text(struct db_stmt *st, int col, char *out, size_t n) {
  const char *s = db_column_text(st, col);
  snprintf(out, n, "%s", s ? s : "");
}

/* Read the header columns (id .. content_sha256) of st's row. */
static void fz_row(struct db_stmt *st, struct freeze_info *f) {
  memset(f, 0, sizeof(*f));
  f->id = db_column_int64(st, 0);
  fz_text(st, 1, f->label, sizeof(f->label));
  fz_text(st, 2, f->created_utc, sizeof(f->created_utc));
  fz_text(st, 3, f->created_by, sizeof(f->created_by));
  f->audit_seq = db_column_int64(st, 4);
  fz_text(st, 5, f->chain_hash, sizeof(f->chain_hash));
  f->n_patients = db_column_int64(st, 6);
  fz_text(st, 7, f->content_sha256, sizeof(f->content_sha256));
}

#define FZ_COLUMNS                                                           \
  "id, label, created_utc, created_by, audit_seq, chain_hash, n_patients, " \
  "content_sha256"

int store_freeze_get(struct db *db, const struct actor *a, int64_t id,
                     struct freeze_info *out, struct err *e) {
  struct db_stmt *st = NULL;
  int rc = fz_may_read(db, a, e);
  memset(out, 0, sizeof(*out));
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db, "SELECT " FZ_COLUMNS " FROM data_freeze WHERE id = $1",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    fz_row(st, out);
  }
  db_finalize(st);
  if (rc < 0) {
    return APP_EDB;
  }
  if (rc == DB_DONE) {
    return ERR_FIELD(e, APP_ENOTFOUND, "freeze", "freeze: no freeze %" PRId64,
                     id);
  }
  return APP_OK;
}

json_t *store_freeze_json(const struct freeze_info *f) {
  return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:I,s:s}", "id",
                   (json_int_t)f->id, "label", f->label, "created_utc",
                   f->created_utc, "created_by", f->created_by, "audit_seq",
                   (json_int_t)f->audit_seq, "chain_hash", f->chain_hash,
                   "n_patients", (json_int_t)f->n_patients, "content_sha256",
                   f->content_sha256);
}

int store_freeze_list(struct db *db, const struct actor *a, json_t **out,
                      struct err *e) {
  struct db_stmt *st = NULL;
  json_t *arr;
  int rc = fz_may_read(db, a, e);
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db, "SELECT " FZ_COLUMNS " FROM data_freeze ORDER BY id "
                      "DESC", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) {
    struct freeze_info f;
    fz_row(st, &f);
    rc = store_row_append(arr, store_freeze_json(&f), "freeze", e);
    if (rc != DB_ROW) {
      break;
    }
  }
  return store_rows_done(st, rc, arr, out, e);
}

/* The admin text of freeze id (malloc'd). */
static int fz_admin_text(struct db *db, int64_t id, char **out,
                         struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT admin FROM data_freeze WHERE id = $1", &st,
                      e);
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *t = db_column_text(st, 0);
    *out = strdup(t ? t : "");
  }
  db_finalize(st);
  if (rc != DB_ROW) {
    return rc < 0 ? APP_EDB
                  : ERR_FIELD(e, APP_ENOTFOUND, "freeze",
                              "freeze: no freeze %" PRId64, id);
  }
  return APP_OK;
}

/* Parse a frozen JSON text. */
static int fz_parse(const char *text, int64_t id, json_t **out,
                    struct err *e) {
  json_error_t je;
  *out = json_loads(text ? text : "", 0, &je);
  if (*out == NULL) {
    return ERR_SET(e, APP_EDB, "freeze %" PRId64 ": a stored document is "
                   "not JSON (%s)", id, je.text);
  }
  return APP_OK;
}

int store_freeze_admin(struct db *db, const struct actor *a, int64_t id,
                       json_t **out, struct err *e) {
  char *text = NULL;
  int rc = fz_may_read(db, a, e);
  *out = NULL;
  if (rc == APP_OK) {
    rc = fz_admin_text(db, id, &text, e);
  }
  if (rc == APP_OK) {
    rc = fz_parse(text, id, out, e);
  }
  free(text);
  return rc;
}

int store_freeze_extra(struct db *db, const struct actor *a, int64_t id,
                       const char *code, json_t **out, struct err *e) {
  struct db_stmt *st = NULL;
  int64_t scope = access_site_scope(a);
  int rc = fz_may_read(db, a, e);
  *out = NULL;
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_prepare(db, "SELECT site, extra FROM freeze_casebook WHERE "
                      "freeze_id = $1 AND code = $2", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  db_bind_text(st, 2, code);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *site = db_column_text(st, 0);
    if (scope != 0 && (site == NULL || strcmp(site, a->site_code) != 0)) {
      rc = DB_DONE; /* another site's: as absent */
    } else {
      rc = fz_parse(db_column_text(st, 1), id, out, e) == APP_OK ? DB_ROW
                                                                 : -1;
    }
  }
  db_finalize(st);
  if (rc == DB_DONE) {
    return ERR_FIELD(e, APP_ENOTFOUND, "patient", "patient: no patient %s "
                     "in freeze %" PRId64 " that you may see", code, id);
  }
  return rc < 0 ? (e->code ? e->code : APP_EDB) : APP_OK;
}

int store_freeze_casebooks(struct db *db, const struct actor *a, int64_t id,
                           store_freeze_fn fn, void *ctx, struct err *e) {
  struct freeze_info f;
  struct db_stmt *st = NULL;
  crypto_hash_sha256_state h;
  char hash[65];
  int64_t scope = access_site_scope(a);
  int failed = APP_OK;
  int rc = store_freeze_get(db, a, id, &f, e);
  if (rc != APP_OK) {
    return rc;
  }
  /* Every row is read and hashed; the actor's own rows are handed on. */
  rc = db_prepare(db, "SELECT code, site, casebook, extra FROM "
                      "freeze_casebook WHERE freeze_id = $1 ORDER BY code",
                  &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, id);
  crypto_hash_sha256_init(&h);
  while ((rc = db_step(st, e)) == DB_ROW) {
    const char *code = db_column_text(st, 0);
    const char *site = db_column_text(st, 1);
    const char *text = db_column_text(st, 2);
    const char *extra = db_column_text(st, 3);
    if (code == NULL || site == NULL || text == NULL || extra == NULL) {
      failed = ERR_SET(e, APP_EDB, "freeze %" PRId64 ": a casebook row is "
                       "empty", id);
      break;
    }
    fz_hash_add(&h, code, text, extra);
    if (scope == 0 || strcmp(site, a->site_code) == 0) {
      failed = fn(ctx, code, text, e);
      if (failed != APP_OK) {
        break;
      }
    }
  }
  db_finalize(st);
  if (failed != APP_OK) {
    return failed;
  }
  if (rc != DB_DONE) {
    return APP_EDB;
  }
  {
    char *admin = NULL;
    rc = fz_admin_text(db, id, &admin, e);
    if (rc != APP_OK) {
      return rc;
    }
    fz_hash_line(&h, admin);
    free(admin);
  }
  fz_hash_hex(&h, hash);
  if (strcmp(hash, f.content_sha256) != 0) {
    return ERR_SET(e, APP_EDB, "freeze %" PRId64 ": its casebooks do not "
                   "match their hash (altered)", id);
  }
  return APP_OK;
}
