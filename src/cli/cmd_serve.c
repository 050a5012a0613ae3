/*
** cmd_serve.c: `hccstudy serve`, the web server over a study database.
*/
#include "commands.h"

#include "../web/web.h"
#include "cli_study.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --checkpoint-every: SECONDS with an s, or MINUTES (m or no unit), from
** 1 s to a day. */
static int serve_every(const char *s, int *out, struct err *e) {
  char *end = NULL;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno == 0 && end != s && v > 0 && (*end == '\0' || *end == 'm') &&
      (*end == '\0' || end[1] == '\0') && v <= 1440) {
    *out = (int)v * 60;
    return APP_OK;
  }
  if (errno == 0 && end != s && v > 0 && *end == 's' && end[1] == '\0' &&
      v <= 86400) {
    *out = (int)v;
    return APP_OK;
  }
  return ERR_FIELD(e, APP_EINVAL, "--checkpoint-every",
                   "--checkpoint-every: expected minutes (10, 10m) or "
                   "seconds (30s), up to a day, not '%s'", s);
}

int cmd_serve(struct cli *c) {
  struct err e;
  struct web_options o;
  const char *threads = cli_opt(c, "--threads");
  const char *ck_key = cli_opt(c, "--checkpoint-key");
  const char *ck_every = cli_opt(c, "--checkpoint-every");
  unsigned char sk[64];
  long n = 4;
  int rc;
  err_clear(&e);
  memset(&o, 0, sizeof(o));
  o.checkpoint_out = cli_opt(c, "--checkpoint-out");
  o.checkpoint_log = cli_opt(c, "--checkpoint-log");
  o.checkpoint_syslog = cli_flag(c, "--checkpoint-syslog");
  o.checkpoint_every = 600;
  o.db_url = cli_db_path(c);
  o.listen = cli_opt(c, "--listen");
  o.tls_cert = cli_opt(c, "--tls-cert");
  o.tls_key = cli_opt(c, "--tls-key");
  o.is_behind_tls_proxy = cli_flag(c, "--behind-tls-proxy");
  if (o.listen == NULL) {
    o.listen = "127.0.0.1:8080";
  }
  if (cli_done(c, &e) != APP_OK ||
      (threads && cli_parse_long("--threads", threads, 1, 256, &n, &e))) {
    return cli_fail(&e);
  }
  if (o.db_url == NULL) {
    ERR_SET(&e, APP_EINVAL, "serve: --db DB is required (or set "
            "HCCSTUDY_DB)");
    return cli_fail(&e);
  }
  if (cli_db_must_exist(o.db_url, &e) != APP_OK) {
    return cli_fail(&e);
  }
  o.threads = (int)n;
  if (ck_every != NULL && serve_every(ck_every, &o.checkpoint_every, &e) !=
                              APP_OK) {
    return cli_fail(&e);
  }
  if (ck_key != NULL || o.checkpoint_out != NULL ||
      o.checkpoint_log != NULL || o.checkpoint_syslog) {
    if (o.checkpoint_out == NULL && o.checkpoint_log == NULL &&
        !o.checkpoint_syslog) {
      ERR_FIELD(&e, APP_EINVAL, "--checkpoint-log",
                "--checkpoint-log: checkpoints need somewhere to go "
                "(--checkpoint-log FILE, --checkpoint-out FILE or "
                "--checkpoint-syslog)");
      return cli_fail(&e);
    }
    if (cli_checkpoint_key(ck_key, sk, &e) != APP_OK) {
      return cli_fail(&e);
    }
    o.checkpoint_sk = sk;
  }
  rc = web_serve(&o, &e);
  sodium_memzero(sk, sizeof(sk));
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  return 0;
}
