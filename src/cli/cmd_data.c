/*
** cmd_data.c: patient data on the command line: patient add, import,
** export (JSON casebooks, or the patient-level frame as CSV, SAS XPORT,
** Stata or SPSS files), status.  All go through src/store/ as the
** logged-in user, so the same access rules, edit checks and audit trail
** apply as in the browser.
*/
#include "commands.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../core/clock.h"
#include "../store/casebook.h"
#include "../store/import.h"
#include "../store/status.h"
#include "../report/export.h"
#include "../report/frame.h"
#include "../report/odm.h"
#include "cli_study.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_patient(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  struct patient pt;
  const char *site = cli_opt(c, "--site");
  int rc;
  err_clear(&e);
  if (c->argc < 1 || strcmp(c->argv[0], "add") != 0) {
    ERR_SET(&e, APP_EINVAL, "patient: expected 'patient add [--site CODE]'");
    return cli_fail(&e);
  }
  c->used[0] = true;
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = store_patient_create(db, &a, site, &pt, &e);
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  printf("%s\n", pt.code);
  return 0;
}

/* import --format odm: the ODM file --input into the new database --db,
** as --user (an admin or data_manager of the file), whose password in the
** new database is HCCSTUDY_PASSWORD (or asked for).  A SQLite file that
** did not exist before is removed again when the import fails. */
static int import_odm(struct cli *c, const char *input, bool json) {
  struct err e;
  struct db *db = NULL;
  struct odm_import_report rep;
  const char *path = cli_db_path(c);
  const char *user = cli_opt(c, "--user");
  const char *file = NULL;
  bool existed = true;
  char *pw = NULL;
  struct stat st;
  int rc;
  err_clear(&e);
  if (user == NULL) {
    user = getenv("HCCSTUDY_USER");
  }
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (path == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--db", "import: --db NEWDB is required");
    return cli_fail(&e);
  }
  if (input == NULL || stat(input, &st) != 0 || !S_ISREG(st.st_mode)) {
    ERR_FIELD(&e, APP_EINVAL, "--input", "--input: --format odm needs "
              "--input FILE.xml, an existing file");
    return cli_fail(&e);
  }
  if (user == NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--user", "--user: the importing account "
              "(an admin or data_manager of the file) is required (or set "
              "HCCSTUDY_USER)");
    return cli_fail(&e);
  }
  file = db_sqlite_path(path);
  existed = file == NULL || access(file, F_OK) == 0;
  pw = cli_read_password("HCCSTUDY_PASSWORD", "New password: ", &e);
  if (pw == NULL) {
    return cli_fail(&e);
  }
  rc = db_open(path, &db, &e);
  if (rc == APP_OK) {
    rc = odm_import(db, input, user, pw, &rep, &e);
    db_close(db);
  }
  memset(pw, 0, strlen(pw));
  xfree(pw);
  if (rc != APP_OK && !existed) {
    db_remove_sqlite_files(file);
  }
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_pack("{s:b,s:I,s:I,s:I,s:I}", "imported", 1,
                          "patients", (json_int_t)rep.n_patients, "records",
                          (json_int_t)rep.n_records, "audit_entries",
                          (json_int_t)rep.n_audit, "freeze",
                          (json_int_t)rep.freeze_id);
    cli_print_json(o);
    json_decref(o);
  } else {
    printf("imported %" PRId64 " patient(s), %" PRId64 " record(s) and %"
           PRId64 " audit entries; freeze %" PRId64 " holds the imported "
           "casebooks\n", rep.n_patients, rep.n_records, rep.n_audit,
           rep.freeze_id);
  }
  return 0;
}

int cmd_import(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  json_t *doc = NULL;
  json_t *problems = NULL;
  const char *input = cli_opt(c, "--input");
  const char *format = cli_opt(c, "--format");
  bool json = cli_flag(c, "--json");
  int64_t n = 0;
  int rc;
  size_t i;
  err_clear(&e);
  if (format != NULL && strcmp(format, "odm") == 0) {
    return import_odm(c, input, json);
  }
  if (format != NULL && strcmp(format, "json") != 0) {
    ERR_FIELD(&e, APP_EINVAL, "--format", "--format: expected json (the "
              "default) or odm, not '%s'", format);
    return cli_fail(&e);
  }
  problems = json_array();
  if (cli_open_study(c, &db, &a, &e) != APP_OK ||
      cli_read_json(input, &doc, &e) != APP_OK) {
    db_close(db);
    json_decref(problems);
    return cli_fail(&e);
  }
  rc = store_import(db, &a, doc, problems, &n, &e);
  db_close(db);
  json_decref(doc);
  if (json) {
    json_t *o = json_pack("{s:b,s:I,s:O}", "imported", rc == APP_OK,
                          "records", (json_int_t)n, "problems", problems);
    cli_print_json(o);
    json_decref(o);
  } else if (rc == APP_OK) {
    printf("imported %" PRId64 " record(s)\n", n);
  }
  if (rc != APP_OK) {
    for (i = 0; i < json_array_size(problems); i++) {
      json_t *p = json_array_get(problems, i);
      fprintf(stderr, "hccstudy: %s: %s\n",
              json_string_value(json_object_get(p, "field")),
              json_string_value(json_object_get(p, "message")));
    }
    json_decref(problems);
    return cli_fail(&e);
  }
  json_decref(problems);
  return 0;
}

/* Check --out DIR for a file export: create it when missing (one level),
** refuse a path that is not a directory.  Returns APP_OK or APP_EINVAL
** naming --out. */
static int export_out_dir(const char *dir, bool create, struct err *e) {
  struct stat st;
  if (dir == NULL || dir[0] == '\0') {
    return ERR_FIELD(e, APP_EINVAL, "--out",
                     "--out: --format needs --out DIR");
  }
  if (stat(dir, &st) == 0) {
    return S_ISDIR(st.st_mode)
               ? APP_OK
               : ERR_FIELD(e, APP_EINVAL, "--out",
                           "--out: %s is not a directory", dir);
  }
  if (!create) { /* only checked: its parent must be a directory */
    char parent[4096];
    const char *slash = strrchr(dir, '/');
    snprintf(parent, sizeof(parent), "%.*s",
             slash == NULL ? 1 : slash == dir ? 1 : (int)(slash - dir),
             slash == NULL ? "." : dir);
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
      return ERR_FIELD(e, APP_EINVAL, "--out",
                       "--out: cannot create %s: %s does not exist", dir,
                       parent);
    }
    return APP_OK;
  }
  if (mkdir(dir, 0777) != 0) {
    return ERR_FIELD(e, APP_EINVAL, "--out", "--out: cannot create %s: %s",
                     dir, strerror(errno));
  }
  return APP_OK;
}

/* Check --out FILE for a one-file export: its directory must exist and
** it must not be a directory. */
static int export_out_file(const char *path, struct err *e) {
  struct stat st;
  if (path == NULL || path[0] == '\0') {
    return ERR_FIELD(e, APP_EINVAL, "--out",
                     "--out: --format needs --out FILE");
  }
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    return ERR_FIELD(e, APP_EINVAL, "--out",
                     "--out: %s is a directory; this format writes one "
                     "file", path);
  }
  snprintf(dir, sizeof(dir), "%.*s",
           slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path),
           slash == NULL ? "." : path);
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    return ERR_FIELD(e, APP_EINVAL, "--out",
                     "--out: the directory %s does not exist", dir);
  }
  return APP_OK;
}

/* export --format FMT [--freeze ID] --out DIR-or-FILE. */
static int export_files(struct cli *c, const char *format, const char *out) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  struct frame_source src;
  struct buf written;
  enum export_format fmt;
  int64_t freeze = 0;
  int rc;
  bool all = format != NULL && strcmp(format, "all") == 0;
  err_clear(&e);
  fmt = EXPORT_CSV;
  if ((!all && export_format_parse(format, &fmt, &e) != APP_OK) ||
      cli_parse_freeze(cli_opt(c, "--freeze"), &freeze, &e) != APP_OK) {
    if (e.code == APP_EINVAL && strcmp(e.field, "--format") == 0) {
      err_clear(&e);
      ERR_FIELD(&e, APP_EINVAL, "--format",
                "--format: expected csv, xpt, dta, sav, sdtm, adam, odm, "
                "define or all, not '%s'", format ? format : "");
    }
    return cli_fail(&e);
  }
  rc = !all && export_format_is_file(fmt) ? export_out_file(out, &e)
                                          : export_out_dir(out, false, &e);
  if (rc != APP_OK || cli_open_study(c, &db, &a, &e) != APP_OK) {
    db_close(db);
    return cli_fail(&e);
  }
  rc = access_require(db, &a, ACCESS_EXPORT, "export", &e);
  if (rc == APP_OK) {
    rc = frame_source_open(db, &a, freeze, &src, &e);
  }
  if (rc == APP_OK && (all || !export_format_is_file(fmt))) {
    rc = export_out_dir(out, true, &e); /* made once the input is known */
  }
  buf_init(&written, 0);
  if (rc == APP_OK) {
    rc = all ? export_run_all(&src, out, &written, &e)
             : export_run(&src, fmt, out, &written, &e);
  }
  db_close(db);
  if (rc == APP_OK) {
    printf("%s", buf_str(&written));
  }
  buf_reset(&written);
  return rc == APP_OK ? 0 : cli_fail(&e);
}

/* Append each casebook of a freeze (or the one of code, when not NULL) to
** the array ctx. */
struct frozen_ctx {
  json_t *arr;
  const char *code;
};

static int export_frozen_one(void *ctx, const json_t *cb, struct err *e) {
  struct frozen_ctx *f = ctx;
  const char *code =
      json_string_value(json_object_get(json_object_get(cb, "patient"),
                                        "code"));
  (void)e;
  if (f->code == NULL || (code != NULL && strcmp(code, f->code) == 0)) {
    json_array_append_new(f->arr, json_deep_copy(cb));
  }
  return APP_OK;
}

/* export --freeze ID [--patient CODE]: the frozen casebooks as JSON. */
static int export_frozen_json(struct cli *c, const char *fz,
                              const char *one) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  struct frame_source src;
  struct frozen_ctx f = {NULL, one};
  int64_t freeze = 0;
  json_t *out;
  int rc;
  err_clear(&e);
  if (cli_parse_freeze(fz, &freeze, &e) != APP_OK ||
      cli_open_study(c, &db, &a, &e) != APP_OK) {
    db_close(db);
    return cli_fail(&e);
  }
  f.arr = json_array();
  rc = frame_source_open(db, &a, freeze, &src, &e);
  if (rc == APP_OK) {
    rc = frame_casebooks(&src, export_frozen_one, &f, &e);
  }
  db_close(db);
  if (rc == APP_OK && one != NULL && json_array_size(f.arr) == 0) {
    rc = ERR_FIELD(&e, APP_ENOTFOUND, "--patient",
                   "--patient: no patient %s in freeze %" PRId64, one,
                   freeze);
  }
  if (rc != APP_OK) {
    json_decref(f.arr);
    return cli_fail(&e);
  }
  out = json_pack("{s:I,s:o}", "freeze", (json_int_t)freeze, "casebooks",
                  f.arr);
  cli_print_json(out);
  json_decref(out);
  return 0;
}

int cmd_export(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  json_t *codes = NULL, *out, *arr;
  const char *one = cli_opt(c, "--patient");
  const char *format = cli_opt(c, "--format");
  const char *dir = cli_opt(c, "--out");
  const char *freeze = format == NULL ? cli_opt(c, "--freeze") : NULL;
  size_t i;
  int rc = APP_OK;
  err_clear(&e);
  if (format != NULL && one != NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--patient",
              "--patient: not with --format (the files hold every "
              "patient the user may see)");
    return cli_fail(&e);
  }
  if (format == NULL && dir != NULL) {
    ERR_FIELD(&e, APP_EINVAL, "--format",
              "--format: --out needs --format csv|xpt|dta|sav|sdtm|adam|"
              "odm|define");
    return cli_fail(&e);
  }
  if (format != NULL) {
    return export_files(c, format, dir);
  }
  if (freeze != NULL) {
    return export_frozen_json(c, freeze, one);
  }
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (one != NULL) {
    codes = json_pack("[s]", one);
  } else if (store_patient_codes(db, &a, &codes, &e) != APP_OK) {
    db_close(db);
    return cli_fail(&e);
  }
  arr = json_array();
  for (i = 0; rc == APP_OK && i < json_array_size(codes); i++) {
    json_t *cb = NULL;
    rc = store_casebook(db, &a, json_string_value(json_array_get(codes, i)),
                        &cb, &e);
    if (rc == APP_OK) {
      json_array_append_new(arr, cb);
    }
  }
  db_close(db);
  json_decref(codes);
  if (rc != APP_OK) {
    json_decref(arr);
    return cli_fail(&e);
  }
  out = json_pack("{s:o}", "casebooks", arr);
  cli_print_json(out);
  json_decref(out);
  return 0;
}

int cmd_status(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  bool json = cli_flag(c, "--json");
  json_t *st = NULL, *rows, *sites;
  struct protocol proto;
  size_t i;
  int rc;
  err_clear(&e);
  if (cli_open_study(c, &db, &a, &e) != APP_OK) {
    return cli_fail(&e);
  }
  /* The study's own protocol (stored at init), not the one in force for
  ** this command line. */
  rc = store_protocol(db, &proto, &e);
  if (rc == APP_OK) {
    rc = store_status(db, &a, proto.target_enrollment, clock_today(), &st,
                      &e);
  }
  db_close(db);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    cli_print_json(st);
    json_decref(st);
    return 0;
  }
  printf("%s: %" JSON_INTEGER_FORMAT " of %d patients enrolled (%"
         JSON_INTEGER_FORMAT " screened, %" JSON_INTEGER_FORMAT
         " screen failures); %" JSON_INTEGER_FORMAT
         " overdue assessments; %" JSON_INTEGER_FORMAT " open queries\n\n",
         proto.study_id,
         json_integer_value(json_object_get(st, "enrolled")),
         proto.target_enrollment,
         json_integer_value(json_object_get(st, "screened")),
         json_integer_value(json_object_get(st, "screen_failed")),
         json_integer_value(json_object_get(st, "overdue_visits")),
         json_integer_value(json_object_get(st, "open_queries")));
  sites = json_object_get(st, "sites");
  printf("%-8s %9s %9s %13s\n", "site", "enrolled", "overdue", "open queries");
  for (i = 0; i < json_array_size(sites); i++) {
    json_t *r = json_array_get(sites, i);
    printf("%-8s %9" JSON_INTEGER_FORMAT " %9" JSON_INTEGER_FORMAT
           " %13" JSON_INTEGER_FORMAT "\n",
           json_string_value(json_object_get(r, "site")),
           json_integer_value(json_object_get(r, "enrolled")),
           json_integer_value(json_object_get(r, "overdue_visits")),
           json_integer_value(json_object_get(r, "open_queries")));
  }
  rows = json_object_get(st, "by_site");
  printf("\n%-8s %-14s %-6s %s\n", "site", "status", "cohort", "patients");
  for (i = 0; i < json_array_size(rows); i++) {
    json_t *r = json_array_get(rows, i);
    printf("%-8s %-14s %-6s %" JSON_INTEGER_FORMAT "\n",
           json_string_value(json_object_get(r, "site")),
           json_string_value(json_object_get(r, "status")),
           json_string_value(json_object_get(r, "cohort")),
           json_integer_value(json_object_get(r, "patients")));
  }
  json_decref(st);
  return 0;
}
