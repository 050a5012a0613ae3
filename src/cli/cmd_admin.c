/*
** cmd_admin.c: commands that manage a study database: init, site, user,
** audit.  Every command takes --db FILE (default $HCCSTUDY_DB) and, except
** init, acts as a named user (--user, default $HCCSTUDY_USER) who logs in
** with a password from $HCCSTUDY_PASSWORD or typed at the terminal.
*/
#include "commands.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../db/db.h"
#include "../store/anchor.h"
#include "../store/audit.h"
#include "../store/seal.h"
#include "../store/store.h"
#include "cli_study.h"

#include <unistd.h>

#include "../store/copy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_init(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  const char *path = cli_db_path(c);
  const char *admin = cli_opt(c, "--admin");
  char *pw = NULL;
  int rc;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (path == NULL) {
    ERR_SET(&e, APP_EINVAL, "init: --db DB is required");
    return cli_fail(&e);
  }
  if (admin == NULL) {
    admin = "admin";
  }
  pw = cli_read_password("HCCSTUDY_ADMIN_PASSWORD", "New admin password: ", &e);
  if (pw == NULL) {
    return cli_fail(&e);
  }
  rc = db_open(path, &db, &e);
  if (rc == APP_OK) {
    rc = store_init(db, &c->proto, c->proto_text, admin, pw, &e);
    db_close(db);
  }
  memset(pw, 0, strlen(pw));
  xfree(pw);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  {
    char *shown = db_url_redacted(path);
    printf("created study %s (%s) in %s; administrator: %s\n",
           c->proto.study_id, c->proto.nct_id, shown, admin);
    xfree(shown);
  }
  return 0;
}

int cmd_site(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *code = cli_opt(c, "--code");
  const char *name = cli_opt(c, "--name");
  int64_t id = 0;
  int rc;
  err_clear(&e);
  if (c->argc < 1 || strcmp(c->argv[0], "add") != 0) {
    ERR_SET(&e, APP_EINVAL, "site: expected 'site add --code CODE --name "
            "NAME'");
    return cli_fail(&e);
  }
  c->used[0] = true;
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = store_site_add(db, &a, code, name, &id, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("site %s added (id %" PRId64 ")\n", code, id);
  return 0;
}

int cmd_user(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *username = cli_opt(c, "--username");
  const char *role = cli_opt(c, "--role");
  const char *site = cli_opt(c, "--site");
  const char *active_s = cli_opt(c, "--active");
  bool no_site = cli_flag(c, "--no-site");
  bool reset = cli_flag(c, "--reset-password");
  bool json = cli_flag(c, "--json");
  int mode = 0;
  int active = -1;
  char *pw = NULL;
  int rc;
  err_clear(&e);
  if (c->argc >= 1 && strcmp(c->argv[0], "add") == 0) {
    mode = 1;
  } else if (c->argc >= 1 && strcmp(c->argv[0], "set") == 0) {
    mode = 2;
  } else if (c->argc >= 1 && strcmp(c->argv[0], "list") == 0) {
    mode = 3;
  }
  if (mode == 0) {
    ERR_SET(&e, APP_EINVAL, "user: expected 'user add|set|list' (see "
            "'hccstudy help user')");
    return cli_fail(&e);
  }
  c->used[0] = true;
  if (active_s != NULL) {
    if (strcmp(active_s, "true") == 0) {
      active = 1;
    } else if (strcmp(active_s, "false") == 0) {
      active = 0;
    } else {
      ERR_SET(&e, APP_EINVAL, "--active: expected true or false");
      return cli_fail(&e);
    }
  }
  if (mode != 3 && username == NULL) {
    ERR_SET(&e, APP_EINVAL, "user: --username NAME is required");
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (mode == 3) {
    json_t *list = NULL;
    size_t i;
    rc = store_user_list(db, &a, &list, &e);
    db_close(db);
    if (rc != APP_OK) {
      return cli_fail(&e);
    }
    if (json) {
      json_t *o = json_pack("{s:o}", "users", list);
      cli_print_json(o);
      json_decref(o);
      return 0;
    }
    for (i = 0; i < json_array_size(list); i++) {
      json_t *u = json_array_get(list, i);
      printf("%-24s %-13s %-6s %s\n",
             json_string_value(json_object_get(u, "username")),
             json_string_value(json_object_get(u, "role")),
             json_is_string(json_object_get(u, "site"))
                 ? json_string_value(json_object_get(u, "site"))
                 : "-",
             json_is_true(json_object_get(u, "active")) ? "active"
                                                        : "inactive");
    }
    json_decref(list);
    return 0;
  }
  if (mode == 1 || reset) {
    pw = cli_read_password("HCCSTUDY_NEW_PASSWORD",
                           mode == 1 ? "Password for the new user: "
                                     : "New password: ",
                           &e);
    if (pw == NULL) {
      db_close(db);
      return cli_fail(&e);
    }
  }
  rc = mode == 1 ? store_user_add(db, &a, username, role, site, pw, &e)
                 : store_user_update(db, &a, username, role,
                                     no_site ? "" : site, active, pw, &e);
  db_close(db);
  if (pw) {
    memset(pw, 0, strlen(pw));
    xfree(pw);
  }
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf(mode == 1 ? "user %s added\n" : "user %s changed\n", username);
  return 0;
}

static int audit_log(struct db *db, const struct actor *a, long limit,
                     bool json, struct err *e) {
  json_t *arr = NULL;
  size_t i;
  int rc = store_audit_log(db, a, limit, &arr, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (json) {
    json_t *o = json_pack("{s:o}", "entries", arr);
    cli_print_json(o);
    json_decref(o);
    return APP_OK;
  }
  for (i = 0; i < json_array_size(arr); i++) {
    json_t *x = json_array_get(arr, i);
#define T(k) json_string_value(json_object_get(x, k))
    const char *f = T("field"), *ov = T("old_value"), *nv = T("new_value");
    const char *why = T("reason"), *id = T("entity_id");
    printf("%6" PRId64 "  %s  %s (%s)  %s %s %s%s%s%s%s -> %s%s%s\n",
           (int64_t)json_integer_value(json_object_get(x, "seq")),
           T("ts_utc"), T("actor"), T("role"), T("action"), T("entity"),
           id ? id : "", f ? "." : "", f ? f : "", ": ", ov ? ov : "-",
           nv ? nv : "-", why ? "  reason: " : "", why ? why : "");
#undef T
  }
  json_decref(arr);
  return APP_OK;
}

int cmd_audit(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  struct audit_check chk;
  struct anchor_check ac;
  struct seal_report sr;
  const char *lim, *anchor, *pub, *log;
  int64_t head_seq = 0;
  char head_hash[65] = "", study_id[32] = "";
  bool json;
  long limit = 50;
  int rc;
  err_clear(&e);
  memset(&ac, 0, sizeof(ac));
  if (c->argc < 1 || (strcmp(c->argv[0], "log") != 0 &&
                      strcmp(c->argv[0], "verify") != 0 &&
                      strcmp(c->argv[0], "keygen") != 0 &&
                      strcmp(c->argv[0], "checkpoint") != 0)) {
    ERR_SET(&e, APP_EINVAL, "audit: expected 'audit log', 'audit verify', "
            "'audit keygen' or 'audit checkpoint'");
    return cli_fail(&e);
  }
  c->used[0] = true;
  if (strcmp(c->argv[0], "keygen") == 0 ||
      strcmp(c->argv[0], "checkpoint") == 0) {
    return cli_audit_anchor_cmd(c);
  }
  lim = cli_opt(c, "--limit");
  anchor = cli_opt(c, "--anchor");
  pub = cli_opt(c, "--public-key");
  log = cli_opt(c, "--log");
  json = cli_flag(c, "--json");
  if (anchor != NULL && access(anchor, R_OK) != 0) {
    ERR_FIELD(&e, APP_EINVAL, "--anchor", "--anchor: cannot read %s",
              anchor);
    return cli_fail(&e);
  }
  if (anchor != NULL && pub == NULL &&
      getenv("HCCSTUDY_CHECKPOINT_PUBLIC_KEY") == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--public-key",
              "--public-key: --anchor needs the public key that signs the "
              "checkpoints (FILE.pub of audit keygen, or "
              "$HCCSTUDY_CHECKPOINT_PUBLIC_KEY)");
    return cli_fail(&e);
  }
  if (pub != NULL && anchor == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--anchor",
              "--anchor: --public-key is used with --anchor FILE");
    return cli_fail(&e);
  }
  /* verify reads only: it opens the database read-only and logs in
  ** without an audit entry, so it checks a read-only copy or a write-once
  ** backup as it is, and leaves the trail it checks unchanged. */
  if ((lim && cli_parse_long("--limit", lim, 1, 100000000, &limit, &e)) ||
      (strcmp(c->argv[0], "verify") == 0
           ? cli_open_study_readonly(c, &db, &a, &e)
           : cli_open_study(c, &db, &a, &e)) != APP_OK) {
    return cli_fail(&e);
  }
  if (strcmp(c->argv[0], "log") == 0) { /* store_audit_log checks access */
    rc = audit_log(db, &a, limit, json, &e);
    db_close(db);
    return rc == APP_OK ? 0 : cli_fail(&e);
  }
  if (access_require(db, &a, ACCESS_AUDIT_LOG, "audit", &e) != APP_OK) {
    db_close(db);
    return cli_fail(&e);
  }
  rc = audit_verify(db, &chk, &e);
  if (rc == APP_OK) {
    rc = seal_verify(db, &sr, &e);
  }
  if (rc == APP_OK && anchor != NULL) {
    rc = cli_anchor_check(db, anchor, pub, &ac, &e);
  }
  if (rc == APP_OK && log != NULL) {
    struct protocol proto;
    rc = audit_head(db, &head_seq, head_hash, &e);
    if (rc == APP_OK) {
      rc = store_protocol(db, &proto, &e);
      snprintf(study_id, sizeof(study_id), "%s", proto.study_id);
    }
  }
  db_close(db);
  if (rc == APP_OK && log != NULL) {
    bool ok = chk.first_bad == 0 && sr.n_problems == 0 && ac.why[0] == '\0';
    rc = anchor_log_verify(log, study_id, head_seq, head_hash, ok,
                           chk.first_bad     ? chk.why
                           : sr.n_problems   ? sr.first[0]
                           : ac.why[0] != 0  ? ac.why
                                             : NULL,
                           &e);
  }
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_object();
    json_t *first = json_array();
    int k;
    for (k = 0; k < sr.n_first; k++) {
      json_array_append_new(first, json_string(sr.first[k]));
    }
    json_object_set_new(o, "intact", json_boolean(chk.first_bad == 0 &&
                                                  ac.why[0] == '\0' &&
                                                  sr.n_problems == 0));
    json_object_set_new(
        o, "data",
        json_pack("{s:I,s:I,s:I,s:o}", "rows", (json_int_t)sr.n_rows,
                  "seals", (json_int_t)sr.n_seals, "problems",
                  (json_int_t)sr.n_problems, "first", first));
    json_object_set_new(o, "checked", json_integer(chk.n_checked));
    json_object_set_new(o, "first_bad",
                        chk.first_bad ? json_integer(chk.first_bad)
                                      : json_null());
    json_object_set_new(o, "problem",
                        chk.first_bad ? json_string(chk.why) : json_null());
    if (anchor != NULL) {
      json_object_set_new(
          o, "anchor",
          json_pack("{s:i,s:i,s:I,s:o}", "checkpoints", ac.n_checkpoints,
                    "agreed", ac.n_ok, "newest_seq",
                    (json_int_t)ac.newest_seq, "problem",
                    ac.why[0] ? json_string(ac.why) : json_null()));
    }
    cli_print_json(o);
    json_decref(o);
  } else {
    /* One line for each part that fails, or the one line of success. */
    int k;
    if (chk.first_bad != 0) {
      printf("audit trail BROKEN at entry %" PRId64 ": %s (%" PRId64
             " entries before it verified)\n",
             chk.first_bad, chk.why, chk.n_checked);
    }
    if (sr.n_problems > 0) {
      printf("the data do NOT match the audit trail: %" PRId64 " row%s "
             "changed, added or removed outside the store\n",
             sr.n_problems, sr.n_problems == 1 ? "" : "s");
      for (k = 0; k < sr.n_first; k++) {
        printf("  %s\n", sr.first[k]);
      }
    }
    if (ac.why[0] != '\0') {
      printf("audit trail does NOT match its checkpoints: %s\n", ac.why);
    }
    if (chk.first_bad == 0 && sr.n_problems == 0 && ac.why[0] == '\0') {
      printf("audit trail intact: %" PRId64 " entries verified; %" PRId64
             " rows equal their seals", chk.n_checked, sr.n_rows);
      if (anchor != NULL) {
        printf("; %d %s (the newest covers entry %" PRId64 ")", ac.n_ok,
               ac.n_ok == 1 ? "checkpoint agrees" : "checkpoints agree",
               ac.newest_seq);
      }
      printf("\n");
    }
  }
  return chk.first_bad == 0 && ac.why[0] == '\0' && sr.n_problems == 0 ? 0
                                                                          : 1;
}

int cmd_backup(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *to = cli_opt(c, "--to");
  int rc;
  err_clear(&e);
  if (to == NULL) {
    ERR_SET(&e, APP_EINVAL, "backup: --to FILE is required");
    return cli_fail(&e);
  }
  if (access(to, F_OK) == 0) {
    ERR_SET(&e, APP_EINVAL, "--to: %s exists; a backup never overwrites",
            to);
    return cli_fail(&e);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = store_backup(db, &a, to, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("backup written to %s\n", to);
  return 0;
}
