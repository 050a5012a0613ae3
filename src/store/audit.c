/*
** audit.c: hash-chained, append-only audit trail (see audit.h).
**
** Canonical text of a row, hashed with SHA-256 (libsodium): every field in a
** fixed order as "<length>:<bytes>;" ("-;" for NULL), then prev_hash.  The
** length prefix makes the encoding unambiguous, so no two different rows
** share a canonical text.
*/
#include "audit.h"

#include "../core/buf.h"
#include "../core/clock.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Hex SHA-256 length plus NUL. */
#define AUDIT_HASH_LEN 65

/* prev_hash of the first row. */
static const char audit_genesis[AUDIT_HASH_LEN] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Number of text fields in a row besides seq and the hashes. */
#define AUDIT_N_FIELDS 11

static void canon_field(struct buf *b, const char *s) {
  if (s == NULL) {
    buf_lit(b, "-;");
  } else {
    buf_appendf(b, "%zu:", strlen(s));
    buf_puts(b, s);
    buf_putc(b, ';');
  }
}

/* Hash of row seq with fields f[AUDIT_N_FIELDS] and prev. */
static void audit_hash(int64_t seq, const char *const *f, const char *prev,
                       char out[AUDIT_HASH_LEN]) {
  struct buf b;
  unsigned char h[crypto_hash_sha256_BYTES];
  int i;
  buf_init(&b, 0);
  buf_appendf(&b, "%" PRId64 ";", seq);
  for (i = 0; i < AUDIT_N_FIELDS; i++) {
    canon_field(&b, f[i]);
  }
  buf_puts(&b, prev);
  crypto_hash_sha256(h, (const unsigned char *)buf_str(&b), b.len);
  sodium_bin2hex(out, AUDIT_HASH_LEN, h, sizeof(h));
  buf_reset(&b);
}

/* The last entry this thread appended, while its write transaction has
** seen nothing but its own kept changes (db_write_epoch): the writer lock
** lets no one else append meanwhile, so it is still the last entry and
** need not be read back.  Saves n - 1 queries for an n-field change. */
static _Thread_local struct {
  const struct db *db; /* the connection, with ... */
  uint64_t epoch;      /* ... its epoch when the entry was appended */
  int64_t seq;         /* the entry */
  char hash[AUDIT_HASH_LEN];
} audit_last;

/* Entries written by one INSERT at most (a change of more fields takes
** several). */
#define AUDIT_BATCH_MAX 16

/* "INSERT INTO audit(...) VALUES (...), ..." for 1 to AUDIT_BATCH_MAX rows,
** made once: fixed texts, so that db.c caches their prepared statements. */
static char *audit_insert_sql[AUDIT_BATCH_MAX + 1];
static pthread_once_t audit_sql_once = PTHREAD_ONCE_INIT;

static void audit_make_sql(void) {
  int n, r, c;
  for (n = 1; n <= AUDIT_BATCH_MAX; n++) {
    struct buf b;
    buf_init(&b, 0);
    buf_lit(&b, "INSERT INTO audit(seq, ts_utc, actor, role, site, action, "
                "entity, entity_id, field, old_value, new_value, reason, "
                "prev_hash, hash) VALUES ");
    for (r = 0; r < n; r++) {
      buf_puts(&b, r ? ", (" : "(");
      for (c = 1; c <= AUDIT_N_FIELDS + 3; c++) {
        buf_appendf(&b, "%s$%d", c > 1 ? ", " : "",
                    r * (AUDIT_N_FIELDS + 3) + c);
      }
      buf_putc(&b, ')');
    }
    audit_insert_sql[n] = buf_detach(&b);
  }
}

/* The last entry, from the cache or the table: *seq (0 when empty) and
** its hash in prev. */
static int audit_tail(struct db *db, int64_t *seq, char prev[AUDIT_HASH_LEN],
                      struct err *e) {
  struct db_stmt *st = NULL;
  int rc;
  *seq = 0;
  memcpy(prev, audit_genesis, AUDIT_HASH_LEN);
  if (audit_last.db == db && audit_last.epoch == db_write_epoch(db) &&
      db_in_transaction(db)) {
    *seq = audit_last.seq;
    memcpy(prev, audit_last.hash, AUDIT_HASH_LEN);
    return APP_OK;
  }
  rc = db_prepare(db, "SELECT seq, hash FROM audit ORDER BY seq DESC "
                      "LIMIT 1", &st, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *h = db_column_text(st, 1);
    *seq = db_column_int64(st, 0);
    snprintf(prev, AUDIT_HASH_LEN, "%s", h ? h : "");
  }
  db_finalize(st);
  return rc < 0 ? APP_EDB : APP_OK;
}

int audit_head(struct db *db, int64_t *seq, char hash[AUDIT_HASH_LEN],
               struct err *e) {
  return audit_tail(db, seq, hash, e);
}

int audit_append_many(struct db *db, const struct audit_who *w,
                      const struct audit_entry *en, size_t n,
                      struct err *e) {
  char prev[AUDIT_HASH_LEN];
  char hash[AUDIT_HASH_LEN];
  char now[CLOCK_STR_LEN];
  int64_t seq = 0;
  size_t done = 0;
  int rc;
  pthread_once(&audit_sql_once, audit_make_sql);
  rc = audit_tail(db, &seq, prev, e);
  clock_now_utc(now);
  while (rc == APP_OK && done < n) {
    struct db_stmt *st = NULL;
    size_t k = n - done < AUDIT_BATCH_MAX ? n - done : AUDIT_BATCH_MAX;
    size_t r;
    rc = db_prepare(db, audit_insert_sql[k], &st, e);
    if (rc != APP_OK) {
      break;
    }
    for (r = 0; r < k; r++) {
      const struct audit_entry *x = &en[done + r];
      const char *f[AUDIT_N_FIELDS];
      int base = (int)r * (AUDIT_N_FIELDS + 3);
      int i;
      f[0] = now;
      f[1] = w ? w->username : "system";
      f[2] = w ? w->role : "system";
      f[3] = w ? w->site : NULL;
      f[4] = x->action;
      f[5] = x->entity;
      f[6] = x->entity_id;
      f[7] = x->field;
      f[8] = x->old_value;
      f[9] = x->new_value;
      f[10] = x->reason;
      seq++;
      audit_hash(seq, f, prev, hash);
      db_bind_int64(st, base + 1, seq);
      for (i = 0; i < AUDIT_N_FIELDS; i++) {
        db_bind_text(st, base + i + 2, f[i]);
      }
      db_bind_text(st, base + 13, prev);
      db_bind_text(st, base + 14, hash);
      memcpy(prev, hash, sizeof(prev));
    }
    rc = db_step(st, e) == DB_DONE ? APP_OK : APP_EDB;
    db_finalize(st);
    done += k;
  }
  if (rc == APP_OK && n > 0) {
    audit_last.db = db;
    audit_last.epoch = db_write_epoch(db);
    audit_last.seq = seq;
    memcpy(audit_last.hash, prev, sizeof(audit_last.hash));
  } else if (rc != APP_OK) {
    audit_last.db = NULL;
  }
  return rc;
}

int audit_append(struct db *db, const struct audit_who *w,
                 const struct audit_entry *en, struct err *e) {
  return audit_append_many(db, w, en, 1, e);
}

/* Rows read per query while verifying: bounds memory on engines that
** return a whole result at once (PostgreSQL). */
#define AUDIT_VERIFY_PAGE 20000

int audit_verify(struct db *db, struct audit_check *out, struct err *e) {
  struct db_stmt *st = NULL;
  char prev[AUDIT_HASH_LEN];
  char hash[AUDIT_HASH_LEN];
  int64_t expect_seq = 1;
  int64_t n_page;
  int rc;
  memset(out, 0, sizeof(*out));
  memcpy(prev, audit_genesis, sizeof(prev));
  do {
    rc = db_prepare(db,
                    "SELECT seq, ts_utc, actor, role, site, action, entity, "
                    "entity_id, field, old_value, new_value, reason, "
                    "prev_hash, hash FROM audit WHERE seq >= $1 ORDER BY seq "
                    "LIMIT $2",
                    &st, e);
    if (rc != APP_OK) {
      return rc;
    }
    /* The first page from the smallest seq, so a row slipped in before
    ** entry 1 is seen. */
    db_bind_int64(st, 1, expect_seq == 1 ? INT64_MIN : expect_seq);
    db_bind_int64(st, 2, AUDIT_VERIFY_PAGE);
    n_page = 0;
    while ((rc = db_step(st, e)) == DB_ROW) {
      const char *f[AUDIT_N_FIELDS];
      int64_t seq = db_column_int64(st, 0);
      const char *stored_prev = db_column_text(st, 12);
      const char *stored_hash = db_column_text(st, 13);
      int i;
      n_page++;
      for (i = 0; i < AUDIT_N_FIELDS; i++) {
        f[i] = db_column_text(st, i + 1);
      }
      if (seq != expect_seq) {
        out->first_bad = expect_seq;
        snprintf(out->why, sizeof(out->why), "entry %" PRId64 " is missing "
                 "(next present is %" PRId64 ")", expect_seq, seq);
        break;
      }
      if (stored_prev == NULL || strcmp(stored_prev, prev) != 0) {
        out->first_bad = seq;
        snprintf(out->why, sizeof(out->why), "entry %" PRId64 " does not "
                 "follow the previous entry (chain broken)", seq);
        break;
      }
      audit_hash(seq, f, prev, hash);
      if (stored_hash == NULL || strcmp(stored_hash, hash) != 0) {
        out->first_bad = seq;
        snprintf(out->why, sizeof(out->why), "entry %" PRId64 " was altered "
                 "(its content does not match its hash)", seq);
        break;
      }
      memcpy(prev, hash, sizeof(prev));
      out->n_checked++;
      expect_seq++;
    }
    db_finalize(st);
    if (rc < 0) {
      return APP_EDB;
    }
  } while (out->first_bad == 0 && n_page == AUDIT_VERIFY_PAGE);
  return APP_OK;
}
