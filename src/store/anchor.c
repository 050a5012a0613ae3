/*
** anchor.c: signed checkpoints of the audit trail (see anchor.h).
*/
#include "anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../core/clock.h"
#include "audit.h"
#include "store.h"

static const char secret_head[] = "hccstudy-ed25519-secret v1";
static const char public_head[] = "hccstudy-ed25519-public v1";
/* How a verification's line in the anchor log starts (anchor_log_verify
** writes its members in this order). */
static const char verify_head[] = "{\"type\":\"hccstudy-verify\"";

void anchor_keygen(struct buf *secret, struct buf *public) {
  unsigned char pk[ANCHOR_PK_LEN], sk[ANCHOR_SK_LEN];
  char hex[2 * ANCHOR_SK_LEN + 1];
  crypto_sign_keypair(pk, sk);
  sodium_bin2hex(hex, sizeof(hex), sk, sizeof(sk));
  buf_appendf(secret, "%s\n%s\n", secret_head, hex);
  sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
  buf_appendf(public, "%s\n%s\n", public_head, hex);
  sodium_memzero(sk, sizeof(sk));
  sodium_memzero(hex, sizeof(hex));
}

/* The hex digits of text: after head's line when text starts with head,
** else text itself; surrounding white space dropped.  Decodes exactly n
** bytes into out.  APP_EINVAL naming what otherwise. */
static int key_parse(const char *text, const char *head, size_t n,
                     const char *what, unsigned char *out, struct err *e) {
  const char *p = text;
  char hex[2 * ANCHOR_SK_LEN + 1];
  size_t len = 0, got = 0;
  if (p == NULL) {
    return ERR_FIELD(e, APP_EINVAL, what, "%s: empty", what);
  }
  if (strncmp(p, head, strlen(head)) == 0) {
    p += strlen(head);
  }
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
    p++;
  }
  while (len < sizeof(hex) - 1 && ((p[len] >= '0' && p[len] <= '9') ||
                                   (p[len] >= 'a' && p[len] <= 'f'))) {
    hex[len] = p[len];
    len++;
  }
  hex[len] = '\0';
  p += len;
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
    p++;
  }
  if (*p != '\0' || len != 2 * n ||
      sodium_hex2bin(out, n, hex, len, NULL, &got, NULL) != 0 || got != n) {
    sodium_memzero(hex, sizeof(hex));
    return ERR_FIELD(e, APP_EINVAL, what,
                     "%s: not an hccstudy %s key (expected '%s' and %zu "
                     "hex digits)", what,
                     n == ANCHOR_SK_LEN ? "secret" : "public", head, 2 * n);
  }
  sodium_memzero(hex, sizeof(hex));
  return APP_OK;
}

int anchor_secret_parse(const char *text, const char *what,
                        unsigned char sk[ANCHOR_SK_LEN], struct err *e) {
  return key_parse(text, secret_head, ANCHOR_SK_LEN, what, sk, e);
}

int anchor_public_parse(const char *text, const char *what,
                        unsigned char pk[ANCHOR_PK_LEN], struct err *e) {
  return key_parse(text, public_head, ANCHOR_PK_LEN, what, pk, e);
}

/* The signed text of c. */
static void anchor_message(const struct anchor_checkpoint *c, struct buf *b) {
  buf_appendf(b, "hccstudy-checkpoint v1\n%s\n%" PRId64 "\n%s\n%s\n",
              c->study_id, c->seq, c->chain_hash, c->time_utc);
}

int anchor_make(struct db *db, const unsigned char sk[ANCHOR_SK_LEN],
                struct anchor_checkpoint *out, struct err *e) {
  struct protocol proto;
  unsigned char sig[crypto_sign_BYTES], pk[ANCHOR_PK_LEN];
  struct buf m;
  int rc;
  memset(out, 0, sizeof(*out));
  rc = store_protocol(db, &proto, e);
  if (rc == APP_OK) {
    rc = db_begin_read(db, e);
  }
  if (rc != APP_OK) {
    return rc;
  }
  rc = audit_head(db, &out->seq, out->chain_hash, e);
  db_rollback(db);
  if (rc != APP_OK) {
    return rc;
  }
  snprintf(out->study_id, sizeof(out->study_id), "%s", proto.study_id);
  clock_now_utc(out->time_utc);
  buf_init(&m, 0);
  anchor_message(out, &m);
  crypto_sign_detached(sig, NULL, (const unsigned char *)m.data, m.len, sk);
  buf_reset(&m);
  crypto_sign_ed25519_sk_to_pk(pk, sk);
  sodium_bin2hex(out->signature, sizeof(out->signature), sig, sizeof(sig));
  sodium_bin2hex(out->public_key, sizeof(out->public_key), pk, sizeof(pk));
  return APP_OK;
}

void anchor_format(const struct anchor_checkpoint *c, struct buf *out) {
  json_t *o = json_pack("{s:s,s:i,s:s,s:I,s:s,s:s,s:s,s:s}", "type",
                        "hccstudy-checkpoint", "version", 1, "study_id",
                        c->study_id, "seq", (json_int_t)c->seq, "chain_hash",
                        c->chain_hash, "time_utc", c->time_utc, "public_key",
                        c->public_key, "signature", c->signature);
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  buf_appendf(out, "%s\n", s ? s : "{}");
  free(s);
  json_decref(o);
}

/* Copy the string member name of o into out (n bytes), exactly. */
static bool member(const json_t *o, const char *name, char *out, size_t n) {
  const char *s = json_string_value(json_object_get(o, name));
  if (s == NULL || strlen(s) >= n) {
    return false;
  }
  memcpy(out, s, strlen(s) + 1);
  return true;
}

int anchor_parse(const char *line, const char *what,
                 struct anchor_checkpoint *out, struct err *e) {
  json_error_t je;
  json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
  json_t *seq = json_object_get(o, "seq");
  const char *type = json_string_value(json_object_get(o, "type"));
  bool ok = json_is_object(o) && type != NULL &&
            strcmp(type, "hccstudy-checkpoint") == 0 &&
            json_integer_value(json_object_get(o, "version")) == 1 &&
            json_is_integer(seq) && json_integer_value(seq) >= 0;
  memset(out, 0, sizeof(*out));
  if (ok) {
    out->seq = json_integer_value(seq);
    ok = member(o, "study_id", out->study_id, sizeof(out->study_id)) &&
         member(o, "chain_hash", out->chain_hash, sizeof(out->chain_hash)) &&
         member(o, "time_utc", out->time_utc, sizeof(out->time_utc)) &&
         member(o, "public_key", out->public_key, sizeof(out->public_key)) &&
         member(o, "signature", out->signature, sizeof(out->signature));
  }
  json_decref(o);
  if (!ok) {
    return ERR_FIELD(e, APP_EINVAL, what,
                     "%s: not an hccstudy checkpoint (a JSON object with "
                     "type, version, study_id, seq, chain_hash, time_utc, "
                     "public_key, signature)", what);
  }
  return APP_OK;
}

bool anchor_signature_ok(const struct anchor_checkpoint *c,
                         const unsigned char pk[ANCHOR_PK_LEN]) {
  unsigned char sig[crypto_sign_BYTES];
  size_t got = 0;
  struct buf m;
  bool ok;
  if (sodium_hex2bin(sig, sizeof(sig), c->signature, strlen(c->signature),
                     NULL, &got, NULL) != 0 ||
      got != sizeof(sig)) {
    return false;
  }
  buf_init(&m, 0);
  anchor_message(c, &m);
  ok = crypto_sign_verify_detached(sig, (const unsigned char *)m.data, m.len,
                                   pk) == 0;
  buf_reset(&m);
  return ok;
}

/* Write all of b to fd. */
static int write_all(int fd, const struct buf *b) {
  size_t done = 0;
  while (done < b->len) {
    ssize_t w = write(fd, b->data + done, b->len - done);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      return -1;
    }
    done += (size_t)w;
  }
  return 0;
}

/* Append b to the anchor log (opened O_APPEND, synced). */
static int append_line(const char *log, const struct buf *b, struct err *e) {
  int rc = APP_OK;
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || write_all(fd, b) != 0 || fsync(fd) != 0) {
    rc = ERR_FIELD(e, APP_EIO, "--log", "--log: cannot append to %s: %s",
                   log, strerror(errno));
  }
  if (fd >= 0) {
    close(fd);
  }
  return rc;
}

int anchor_write(const struct anchor_checkpoint *c, const char *out,
                 const char *log, bool to_syslog, struct err *e) {
  struct buf b;
  int rc = APP_OK;
  buf_init(&b, 0);
  anchor_format(c, &b);
  if (out != NULL) {
    char tmp[4200];
    int fd;
    snprintf(tmp, sizeof(tmp), "%s.tmp", out);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, &b) != 0 || fsync(fd) != 0) {
      rc = ERR_FIELD(e, APP_EIO, "--out", "--out: cannot write %s: %s", tmp,
                     strerror(errno));
    }
    if (fd >= 0) {
      close(fd);
    }
    if (rc == APP_OK && rename(tmp, out) != 0) {
      rc = ERR_FIELD(e, APP_EIO, "--out", "--out: cannot rename %s: %s",
                     tmp, strerror(errno));
    }
    if (rc != APP_OK) {
      unlink(tmp);
    }
  }
  if (rc == APP_OK && log != NULL) {
    rc = append_line(log, &b, e);
  }
  if (rc == APP_OK && to_syslog) {
    syslog(LOG_AUTHPRIV | LOG_NOTICE, "%.*s", (int)(b.len - 1), b.data);
  }
  buf_reset(&b);
  return rc;
}

/* The hash the audit trail holds for entry seq: APP_OK and *found. */
static int hash_at(struct db *db, int64_t seq, bool *found, char hash[65],
                   struct err *e) {
  struct db_stmt *st = NULL;
  int rc = db_prepare(db, "SELECT hash FROM audit WHERE seq = $1", &st, e);
  *found = false;
  hash[0] = '\0';
  if (rc != APP_OK) {
    return rc;
  }
  db_bind_int64(st, 1, seq);
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    const char *h = db_column_text(st, 0);
    *found = true;
    snprintf(hash, 65, "%s", h ? h : "");
  }
  db_finalize(st);
  return rc < 0 ? APP_EDB : APP_OK;
}

int anchor_check_db(struct db *db, const char *text, const char *what,
                    const unsigned char pk[ANCHOR_PK_LEN],
                    struct anchor_check *out, struct err *e) {
  struct protocol proto;
  const char *p = text;
  int64_t tail = 0;
  char tail_hash[65];
  int line = 0, rc;
  memset(out, 0, sizeof(*out));
  rc = store_protocol(db, &proto, e);
  if (rc == APP_OK) {
    rc = audit_head(db, &tail, tail_hash, e);
  }
  while (rc == APP_OK && *p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    struct anchor_checkpoint c;
    char where[160], buf1[2048], hash[65];
    bool found;
    line++;
    if (len == 0 || len >= sizeof(buf1)) {
      p += len + (nl != NULL);
      if (len == 0) {
        continue;
      }
      return ERR_FIELD(e, APP_EINVAL, what, "%s line %d: too long", what,
                       line);
    }
    memcpy(buf1, p, len);
    buf1[len] = '\0';
    p += len + (nl != NULL);
    snprintf(where, sizeof(where), "%s line %d", what, line);
    if (strncmp(buf1, verify_head, sizeof(verify_head) - 1) == 0) {
      continue; /* a verification's result (anchor_verify_line) */
    }
    rc = anchor_parse(buf1, where, &c, e);
    if (rc != APP_OK) {
      return rc;
    }
    out->n_checkpoints++;
    if (out->why[0]) {
      continue; /* the first disagreement is reported */
    }
    if (!anchor_signature_ok(&c, pk)) {
      snprintf(out->why, sizeof(out->why),
               "%s: the signature is not the key's (forged or altered "
               "checkpoint)", where);
      continue;
    }
    if (strcmp(c.study_id, proto.study_id) != 0) {
      snprintf(out->why, sizeof(out->why),
               "%s: a checkpoint of study %s, not %s", where, c.study_id,
               proto.study_id);
      continue;
    }
    if (c.seq > tail) {
      snprintf(out->why, sizeof(out->why),
               "%s: entry %" PRId64 " of %s is gone: the audit trail ends "
               "at %" PRId64 " (its tail was cut off)", where, c.seq,
               c.time_utc, tail);
      continue;
    }
    if (c.seq == 0) {
      out->n_ok++;
      continue;
    }
    rc = hash_at(db, c.seq, &found, hash, e);
    if (rc != APP_OK) {
      return rc;
    }
    if (!found || strcmp(hash, c.chain_hash) != 0) {
      snprintf(out->why, sizeof(out->why),
               "%s: entry %" PRId64 " %s (history before the checkpoint of "
               "%s was rewritten)", where, c.seq,
               found ? "has another hash" : "is missing", c.time_utc);
      continue;
    }
    out->n_ok++;
    if (c.seq > out->newest_seq) {
      out->newest_seq = c.seq;
    }
  }
  return rc;
}

int anchor_log_verify(const char *log, const char *study_id, int64_t seq,
                      const char *chain_hash, bool intact,
                      const char *problem, struct err *e) {
  char now[CLOCK_STR_LEN];
  json_t *o;
  char *t;
  struct buf b;
  int rc;
  clock_now_utc(now);
  o = json_pack("{s:s,s:i,s:s,s:I,s:s,s:s,s:b,s:s?}", "type",
                "hccstudy-verify", "version", 1, "study_id", study_id, "seq",
                (json_int_t)seq, "chain_hash", chain_hash, "time_utc", now,
                "intact", intact, "problem", problem);
  t = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(o);
  buf_init(&b, 0);
  buf_appendf(&b, "%s\n", t ? t : "{}");
  free(t);
  rc = append_line(log, &b, e);
  buf_reset(&b);
  return rc;
}
