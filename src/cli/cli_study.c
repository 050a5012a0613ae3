/*
** cli_study.c: opening a study database as a logged-in user, for the
** commands that read or write study data (see cli_study.h).
*/
#include "cli_study.h"

#include "../core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Longest password accepted from the terminal. */
#define CLI_MAX_PASSWORD 256

/* Password from environment variable `env`, else prompted on the terminal
** without echo.  Caller frees with xfree(). */
char *cli_read_password(const char *env, const char *prompt,
                           struct err *e) {
  const char *v = getenv(env);
  char line[CLI_MAX_PASSWORD];
  struct termios old, quiet;
  FILE *tty;
  size_t n;
  if (v != NULL) {
    return xstrdup(v);
  }
  tty = fopen("/dev/tty", "r+");
  if (tty == NULL) {
    ERR_SET(e, APP_EINVAL, "no terminal to ask for the password: set %s",
            env);
    return NULL;
  }
  fprintf(tty, "%s", prompt);
  fflush(tty);
  tcgetattr(fileno(tty), &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
  if (fgets(line, sizeof(line), tty) == NULL) {
    line[0] = '\0';
  }
  tcsetattr(fileno(tty), TCSAFLUSH, &old);
  fprintf(tty, "\n");
  fclose(tty);
  n = strcspn(line, "\r\n");
  line[n] = '\0';
  return xstrdup(line);
}

const char *cli_db_path(struct cli *c) {
  const char *p = cli_opt(c, "--db");
  return p ? p : getenv("HCCSTUDY_DB");
}

int cli_db_must_exist(const char *url, struct err *e) {
  const char *path = db_sqlite_path(url);
  char *shown;
  if (path == NULL || access(path, F_OK) == 0) {
    return APP_OK; /* a server: whether it holds a study is asked of it */
  }
  shown = db_url_redacted(url);
  ERR_SET(e, APP_EINVAL, "--db: %s does not exist (create it with "
          "'hccstudy init --db %s')", shown, shown);
  xfree(shown);
  return APP_EINVAL;
}

/* Open the study and log in as --user.  On success the caller closes *db. */
static int open_study(struct cli *c, bool readonly, struct db **db,
                      struct actor *a, struct err *e);

int cli_open_study(struct cli *c, struct db **db, struct actor *a,
                   struct err *e) {
  return open_study(c, false, db, a, e);
}

int cli_open_study_readonly(struct cli *c, struct db **db, struct actor *a,
                            struct err *e) {
  return open_study(c, true, db, a, e);
}

static int open_study(struct cli *c, bool readonly, struct db **db,
                      struct actor *a, struct err *e) {
  const char *path = cli_db_path(c);
  const char *user = cli_opt(c, "--user");
  char *pw;
  int rc;
  int version = 0;
  *db = NULL;
  if (cli_done(c, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (user == NULL) {
    user = getenv("HCCSTUDY_USER");
  }
  if (user == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: --user is required (or set "
                   "HCCSTUDY_USER)", c->name);
  }
  if (path == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: --db is required (or set "
                   "HCCSTUDY_DB)", c->name);
  }
  if (cli_db_must_exist(path, e) != APP_OK) {
    return APP_EINVAL;
  }
  rc = readonly ? db_open_readonly(path, db, e) : db_open(path, db, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = db_schema_version(*db, &version, e);
  if (rc == APP_OK && version == 0) {
    char *shown = db_url_redacted(path);
    rc = ERR_SET(e, APP_EINVAL, "--db: %s holds no study (run 'hccstudy "
                 "init')", shown);
    xfree(shown);
  }
  if (rc == APP_OK && !readonly) {
    rc = db_migrate(*db, e);
  }
  if (rc == APP_OK) {
    pw = cli_read_password("HCCSTUDY_PASSWORD", "Password: ", e);
    rc = pw == NULL ? APP_EINVAL
         : readonly ? store_authenticate(*db, user, pw, a, e)
                    : store_login(*db, user, pw, a, e);
    if (pw) {
      memset(pw, 0, strlen(pw));
    }
    xfree(pw);
  }
  if (rc != APP_OK) {
    db_close(*db);
    *db = NULL;
  }
  return rc;
}

