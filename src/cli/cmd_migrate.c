/*
** cmd_migrate.c: `hccstudy migrate --from DB --to DB`, a study moved from
** one database to another (SQLite to PostgreSQL, or back) with its whole
** audit trail, verified on arrival (see src/store/copy.h).
*/
#include "commands.h"

#include "../core/clock.h"
#include "../core/mem.h"
#include "../store/audit.h"
#include "../store/copy.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Record the move as the copy's newest audit entry. */
static int note_move(struct db *to, const char *from_url, struct err *e) {
  struct audit_entry en;
  char *from = db_url_redacted(from_url);
  int rc = db_begin_write(to, e);
  memset(&en, 0, sizeof(en));
  en.action = "migrate";
  en.entity = "study";
  en.old_value = from;
  en.reason = "study moved to this database (hccstudy migrate)";
  if (rc == APP_OK) {
    rc = audit_append(to, NULL, &en, e);
    if (rc == APP_OK) {
      rc = db_commit(to, e);
    } else {
      db_rollback(to);
    }
  }
  xfree(from);
  return rc;
}

int cmd_migrate(struct cli *c) {
  struct err e;
  struct db *from = NULL, *to = NULL;
  struct copy_report r;
  struct audit_check chk;
  const char *from_url = cli_opt(c, "--from");
  const char *to_url = cli_opt(c, "--to");
  char *shown_from = NULL, *shown_to = NULL;
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
  if (!db_url_is_postgres(from_url) &&
      access(strncmp(from_url, "sqlite:", 7) == 0 ? from_url + 7 : from_url,
             F_OK) != 0) {
    ERR_SET(&e, APP_EINVAL, "--from: %s does not exist", from_url);
    return cli_fail(&e);
  }
  if (!db_url_is_postgres(to_url) &&
      access(strncmp(to_url, "sqlite:", 7) == 0 ? to_url + 7 : to_url,
             F_OK) == 0) {
    ERR_SET(&e, APP_EINVAL, "--to: %s exists; migrate writes a new database",
            to_url);
    return cli_fail(&e);
  }
  rc = db_open(from_url, &from, &e);
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
    rc = store_copy(from, to, true, &r, &e);
  }
  if (rc == APP_OK) {
    rc = note_move(to, from_url, &e);
  }
  if (rc == APP_OK) {
    rc = audit_verify(to, &chk, &e);
    if (rc == APP_OK && chk.first_bad != 0) {
      rc = ERR_SET(&e, APP_EDB, "migrate: the audit trail does not verify "
                   "after the move: %s", chk.why);
    }
  }
  db_close(from);
  db_close(to);
  if (rc != APP_OK) {
    if (to != NULL && !db_url_is_postgres(to_url)) {
      /* Leave no half-made SQLite file behind (PostgreSQL rolled back). */
      const char *path =
          strncmp(to_url, "sqlite:", 7) == 0 ? to_url + 7 : to_url;
      char aux[4096];
      unlink(path);
      snprintf(aux, sizeof(aux), "%s-wal", path);
      unlink(aux);
      snprintf(aux, sizeof(aux), "%s-shm", path);
      unlink(aux);
    }
    return cli_fail(&e);
  }
  shown_from = db_url_redacted(from_url);
  shown_to = db_url_redacted(to_url);
  printf("migrated the study from %s to %s\n", shown_from, shown_to);
  for (i = 0; i < COPY_N_TABLES; i++) {
    printf("  %-12s %10lld rows\n", r.table[i], (long long)r.n_rows[i]);
  }
  printf("verified: every table has as many rows as the source; the audit "
         "chain\nverifies (%lld entries, the last one recording this move) "
         "and continues\nfrom the source's last hash %.16s...\n",
         (long long)chk.n_checked, r.last_hash);
  xfree(shown_from);
  xfree(shown_to);
  return 0;
}
