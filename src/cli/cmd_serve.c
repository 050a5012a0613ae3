/*
** cmd_serve.c: `hccstudy serve`, the web server over a study database.
*/
#include "commands.h"

#include "../web/web.h"
#include "cli_study.h"

#include <stdio.h>
#include <unistd.h>

int cmd_serve(struct cli *c) {
  struct err e;
  struct web_options o;
  const char *threads = cli_opt(c, "--threads");
  long n = 4;
  err_clear(&e);
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
  if (web_serve(&o, &e) != APP_OK) {
    return cli_fail(&e);
  }
  return 0;
}
