/*
** cli_study.h: opening a study database as a named user.
**
** Commands that touch a study take --db FILE (default $HCCSTUDY_DB) and act
** as --user NAME (default $HCCSTUDY_USER), who logs in with the password in
** $HCCSTUDY_PASSWORD or typed at the terminal without echo.  The login is
** audited like a login in the browser.
*/
#ifndef HCC_CLI_STUDY_H
#define HCC_CLI_STUDY_H

#include "../db/db.h"
#include "../store/store.h"
#include "cli.h"

/* Take --db and --user from c, reject any option left over (cli_done), open
** the database, migrate it and log in.  On success the caller closes *db
** with db_close(). */
int cli_open_study(struct cli *c, struct db **db, struct actor *a,
                   struct err *e);

/* The same for a check that must not write: the database opened
** read-only (db_open_readonly: it may be a read-only file or a replica),
** not migrated, the password checked without an audit entry
** (store_authenticate). */
int cli_open_study_readonly(struct cli *c, struct db **db, struct actor *a,
                            struct err *e);

/* The --db option, else $HCCSTUDY_DB, else NULL (takes the option). */
const char *cli_db_path(struct cli *c);

/* APP_OK when url is a SQLite file that exists, or a PostgreSQL database
** (whether it holds a study is asked of the server); else APP_EINVAL with
** a message naming --db. */
int cli_db_must_exist(const char *url, struct err *e);

/* A password from environment variable env, else asked on the terminal
** with prompt and no echo.  NULL (with an error) when neither is possible.
** Caller wipes and frees with xfree(). */
char *cli_read_password(const char *env, const char *prompt, struct err *e);

#endif
