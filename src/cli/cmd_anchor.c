/*
** cmd_anchor.c: `hccstudy audit keygen|checkpoint` and the --anchor check
** of `audit verify` (src/store/anchor.h).
**
** A checkpoint needs the database and the secret key, not an account: it
** only reads (the newest audit entry) and writes nothing into the
** database, so it runs on a read-only copy or a replica too.  Whoever
** holds the key file (the server's administrator) makes checkpoints;
** anyone with the public key can check a database against them.
*/
#include "commands.h"

#include "../core/mem.h"
#include "../db/db.h"
#include "../store/anchor.h"
#include "cli_study.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write text to a new file path with mode (never over an existing one). */
static int new_file(const char *path, const char *opt, const struct buf *b,
                    mode_t mode, struct err *e) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  int rc = APP_OK;
  if (fd < 0) {
    return ERR_FIELD(e, APP_EINVAL, opt, "%s: cannot create %s: %s", opt,
                     path, strerror(errno));
  }
  if (write(fd, b->data, b->len) != (ssize_t)b->len || fsync(fd) != 0) {
    rc = ERR_FIELD(e, APP_EIO, opt, "%s: cannot write %s: %s", opt, path,
                   strerror(errno));
  }
  close(fd);
  return rc;
}

/* audit keygen --out FILE: FILE (the secret key, mode 0600) and FILE.pub. */
static int keygen_cmd(struct cli *c) {
  const char *out = cli_opt(c, "--out");
  struct buf sec, pub;
  char pub_path[4200];
  struct err e;
  int rc;
  err_clear(&e);
  if (out == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--out",
              "audit keygen: --out FILE is required (the secret key; the "
              "public key goes to FILE.pub)");
    return cli_fail(&e);
  }
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  snprintf(pub_path, sizeof(pub_path), "%s.pub", out);
  if (access(pub_path, F_OK) == 0) {
    ERR_FIELD(&e, APP_EINVAL, "--out", "--out: %s exists; keys are never "
              "overwritten", pub_path);
    return cli_fail(&e);
  }
  buf_init(&sec, 0);
  buf_init(&pub, 0);
  anchor_keygen(&sec, &pub);
  rc = new_file(out, "--out", &sec, 0600, &e);
  if (rc == APP_OK) {
    rc = new_file(pub_path, "--out", &pub, 0644, &e);
    if (rc != APP_OK) {
      unlink(out);
    }
  }
  sodium_memzero(sec.data, sec.len);
  buf_reset(&sec);
  buf_reset(&pub);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("secret key %s (keep it off the database server's disk backups; "
         "mode 0600)\npublic key %s\n", out, pub_path);
  return 0;
}

int cli_checkpoint_key(const char *path, unsigned char sk[ANCHOR_SK_LEN],
                       struct err *e) {
  const char *env = getenv("HCCSTUDY_CHECKPOINT_KEY");
  struct buf b;
  struct stat st;
  int rc;
  if (path == NULL) {
    if (env == NULL || env[0] == '\0') {
      return ERR_FIELD(e, APP_EINVAL, "--key",
                       "--key: a key file (hccstudy audit keygen) or "
                       "$HCCSTUDY_CHECKPOINT_KEY is required");
    }
    return anchor_secret_parse(env, "HCCSTUDY_CHECKPOINT_KEY", sk, e);
  }
  if (stat(path, &st) == 0 && (st.st_mode & 077) != 0) {
    return ERR_FIELD(e, APP_EINVAL, "--key",
                     "--key: %s can be read by others (chmod 600 it)", path);
  }
  buf_init(&b, 0);
  rc = cli_read_file(path, &b, 4096, e);
  if (rc == APP_OK) {
    rc = anchor_secret_parse(buf_str(&b), "--key", sk, e);
  } else {
    rc = ERR_FIELD(e, APP_EINVAL, "--key", "--key: cannot read %s", path);
  }
  sodium_memzero(b.data, b.len);
  buf_reset(&b);
  return rc;
}

/* audit checkpoint --db DB [--key FILE] [--out FILE] [--log FILE]
** [--syslog]: prints the checkpoint line too. */
static int checkpoint_cmd(struct cli *c) {
  const char *key = cli_opt(c, "--key");
  const char *out = cli_opt(c, "--out");
  const char *log = cli_opt(c, "--log");
  bool to_syslog = cli_flag(c, "--syslog");
  const char *url = cli_db_path(c);
  unsigned char sk[ANCHOR_SK_LEN];
  struct anchor_checkpoint cp;
  struct db *db = NULL;
  struct buf line;
  struct err e;
  int rc;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (url == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--db", "--db: the study database is "
              "required (or set HCCSTUDY_DB)");
    return cli_fail(&e);
  }
  if (cli_db_must_exist(url, &e) != APP_OK ||
      cli_checkpoint_key(key, sk, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = db_open(url, &db, &e);
  if (rc == APP_OK) {
    rc = anchor_make(db, sk, &cp, &e);
  }
  db_close(db);
  sodium_memzero(sk, sizeof(sk));
  if (rc == APP_OK) {
    rc = anchor_write(&cp, out, log, to_syslog, &e);
  }
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  buf_init(&line, 0);
  anchor_format(&cp, &line);
  fputs(buf_str(&line), stdout);
  buf_reset(&line);
  return 0;
}

int cli_anchor_check(struct db *db, const char *anchor, const char *pub,
                     struct anchor_check *out, struct err *e) {
  const char *env = getenv("HCCSTUDY_CHECKPOINT_PUBLIC_KEY");
  unsigned char pk[ANCHOR_PK_LEN];
  struct buf a, p;
  int rc;
  buf_init(&a, 0);
  buf_init(&p, 0);
  if (pub == NULL && (env == NULL || env[0] == '\0')) {
    return ERR_FIELD(e, APP_EINVAL, "--public-key",
                     "--public-key: --anchor needs the public key that "
                     "signs the checkpoints (FILE.pub of audit keygen, or "
                     "$HCCSTUDY_CHECKPOINT_PUBLIC_KEY)");
  }
  if (pub != NULL) {
    rc = cli_read_file(pub, &p, 4096, e);
    rc = rc == APP_OK ? anchor_public_parse(buf_str(&p), "--public-key", pk,
                                            e)
                      : ERR_FIELD(e, APP_EINVAL, "--public-key",
                                  "--public-key: cannot read %s", pub);
  } else {
    rc = anchor_public_parse(env, "HCCSTUDY_CHECKPOINT_PUBLIC_KEY", pk, e);
  }
  if (rc == APP_OK) {
    rc = cli_read_file(anchor, &a, (size_t)1 << 30, e);
    if (rc != APP_OK) {
      rc = ERR_FIELD(e, APP_EINVAL, "--anchor", "--anchor: cannot read %s",
                     anchor);
    }
  }
  if (rc == APP_OK) {
    rc = anchor_check_db(db, buf_str(&a), "--anchor", pk, out, e);
  }
  buf_reset(&a);
  buf_reset(&p);
  return rc;
}

int cli_audit_anchor_cmd(struct cli *c) {
  if (strcmp(c->argv[0], "keygen") == 0) {
    return keygen_cmd(c);
  }
  return checkpoint_cmd(c);
}
