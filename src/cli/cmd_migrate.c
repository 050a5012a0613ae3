/*
** cmd_migrate.c: `hccstudy migrate --from DB --to DB`, a study moved from
** one database to another (SQLite to PostgreSQL, or back) with its whole
** audit trail, verified on arrival (see src/store/copy.h).
*/
#include "commands.h"

#include "../core/mem.h"
#include "../store/audit.h"
#include "../store/copy.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_migrate(struct cli *c) {
  struct err e;
  struct db *from = NULL, *to = NULL;
  struct copy_report r;
  const char *from_url = cli_opt(c, "--from");
  const char *to_url = cli_opt(c, "--to");
  char *shown_from, *shown_to;
  int rc, version = 0, i;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (from_url == NULL || to_url == NULL) {
    ERR_SET(&e, APP_EINVAL, "migrate: --from DB and --to DB are required");
    return cli_fail(&e);
  }
  if (strcmp(from_url, to_url) == 0) {
    ERR_SET(&e, APP_EINVAL, "--to: the same database as --from");
    return cli_fail(&e);
  }
  shown_from = db_url_redacted(from_url);
  shown_to = db_url_redacted(to_url);
  rc = APP_OK;
  if (db_sqlite_path(from_url) != NULL &&
      access(db_sqlite_path(from_url), F_OK) != 0) {
    rc = ERR_SET(&e, APP_EINVAL, "--from: %s does not exist", shown_from);
  } else if (db_sqlite_path(to_url) != NULL &&
             access(db_sqlite_path(to_url), F_OK) == 0) {
    rc = ERR_SET(&e, APP_EINVAL, "--to: %s exists; migrate writes a new "
                 "database", shown_to);
  }
  if (rc == APP_OK) {
    rc = db_open(from_url, &from, &e);
  }
  if (rc == APP_OK) {
    rc = db_schema_version(from, &version, &e);
    if (rc == APP_OK && version == 0) {
      rc = ERR_SET(&e, APP_EINVAL, "--from: holds no study");
    }
  }
  if (rc == APP_OK) {
    rc = db_migrate(from, &e);
  }
  if (rc == APP_OK) {
    rc = db_open(to_url, &to, &e);
  }
  if (rc == APP_OK) {
    /* The move is the copy's newest audit entry, in the same transaction:
    ** the copy is verified with it and committed once, or not at all. */
    struct audit_entry note;
    memset(&note, 0, sizeof(note));
    note.action = "migrate";
    note.entity = "study";
    note.old_value = shown_from;
    note.reason = "study moved to this database (hccstudy migrate)";
    rc = store_copy(from, to, true, &note, &r, &e);
  }
  db_close(from);
  db_close(to);
  if (rc == APP_OK) {
    printf("migrated the study from %s to %s\n", shown_from, shown_to);
    for (i = 0; i < COPY_N_TABLES; i++) {
      printf("  %-12s %10lld rows\n", r.table[i], (long long)r.n_rows[i]);
    }
    printf("verified: every table has as many rows as the source; the "
           "audit chain\nverifies (%lld entries, the last one recording "
           "this move) and continues\nfrom the source's last hash "
           "%.16s...\n",
           (long long)r.n_audit_verified, r.last_hash);
  } else if (to != NULL && db_sqlite_path(to_url) != NULL) {
    /* Leave no half-made SQLite file behind (on PostgreSQL the copy's
    ** transaction was rolled back: the schema stays, without a study). */
    db_remove_sqlite_files(db_sqlite_path(to_url));
  }
  xfree(shown_from);
  xfree(shown_to);
  return rc == APP_OK ? 0 : cli_fail(&e);
}
