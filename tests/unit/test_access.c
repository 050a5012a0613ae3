/*
** test_access.c: the role x permission table (src/store/access.c) against
** docs/store.md; every refusal path (role, site, own site, locked) through
** access_deny(), with its audit entry, inside and outside a transaction;
** and reads that fail part way failing whole (503, never a partial 200).
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "core/buf.h"
#include "core/err.h"
#include "store/casebook.h"
#include "store/record.h"
#include "store/store.h"
#include "store/workflow.h"
#include "web/api.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;
static struct fixture fx;

/* Access-denied entries by user with a reason containing why. */
static int64_t denials(const char *user, const char *why) {
  char sql[300];
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit WHERE action = "
           "'access_denied' AND actor = '%s' AND reason LIKE '%%%s%%'",
           user, why);
  return db_count(db, sql);
}

/* Split a markdown table row "| a | b |" into at most n trimmed cells. */
static int cells(char *line, char **out, int n) {
  int k = 0;
  char *p = strchr(line, '|');
  while (p != NULL && k < n) {
    char *q = strchr(p + 1, '|');
    char *s = p + 1, *t;
    if (q == NULL) {
      break;
    }
    *q = '\0';
    while (*s == ' ') {
      s++;
    }
    t = s + strlen(s);
    while (t > s && t[-1] == ' ') {
      *--t = '\0';
    }
    out[k++] = s;
    p = q;
  }
  return k;
}

/* docs/store.md's role table equals the table in access.c: the header
** names the permissions in order, each role's row says its sites and a
** "yes" for exactly the permissions it has. */
static void test_docs_table(void) {
  const char *root = getenv("HCCSTUDY_ROOT");
  char path[600], line[1024];
  bool seen[ROLE_COUNT] = {false};
  bool header = false;
  FILE *f;
  int r;
  snprintf(path, sizeof(path), "%s/docs/store.md", root ? root : ".");
  f = fopen(path, "r");
  CHECK(f != NULL);
  if (f == NULL) {
    fprintf(stderr, "    cannot read %s (set HCCSTUDY_ROOT)\n", path);
    return;
  }
  while (fgets(line, sizeof(line), f) != NULL) {
    char *c[ACCESS_N_PERMS + 4];
    int n = cells(line, c, ACCESS_N_PERMS + 4);
    int p;
    if (n >= 2 && strcmp(c[0], "role") == 0 && strcmp(c[1], "sites") == 0) {
      header = true;
      CHECK_INT_EQ(n, ACCESS_N_PERMS + 2);
      for (p = 0; p < ACCESS_N_PERMS && p + 2 < n; p++) {
        CHECK_STR_EQ(c[p + 2], access_perm_name((enum access_perm)p));
      }
      continue;
    }
    if (!header || n < 2 || (r = role_parse(c[0])) < 0) {
      continue;
    }
    seen[r] = true;
    CHECK_INT_EQ(n, ACCESS_N_PERMS + 2);
    CHECK_STR_EQ(c[1], access_role_site_scoped((enum role)r) ? "own"
                                                             : "all");
    for (p = 0; p < ACCESS_N_PERMS && p + 2 < n; p++) {
      bool doc = strcmp(c[p + 2], "yes") == 0;
      if (!harness_check(doc == access_role_may((enum role)r,
                                                (enum access_perm)p),
                         __FILE__, __LINE__, "docs/store.md cell")) {
        fprintf(stderr, "    %s x %s: docs say \"%s\"\n", c[0],
                access_perm_name((enum access_perm)p), c[p + 2]);
      }
    }
  }
  fclose(f);
  CHECK(header);
  for (r = 0; r < ROLE_COUNT; r++) {
    if (!harness_check(seen[r], __FILE__, __LINE__, "role row present")) {
      fprintf(stderr, "    no row for %s\n", role_name((enum role)r));
    }
  }
}

static void test_table(void) {
  struct actor none = fx.coord_a;
  int r;
  for (r = 0; r < ROLE_COUNT; r++) {
    CHECK_INT_EQ(role_parse(role_name((enum role)r)), r);
  }
  CHECK_INT_EQ(role_parse("root"), -1);
  CHECK_INT_EQ(role_parse(NULL), -1);
  CHECK_STR_EQ(role_name(ROLE_COUNT), "unknown");
  CHECK(!access_role_may(ROLE_COUNT, ACCESS_READ));
  CHECK(!access_role_may(ROLE_ADMIN, ACCESS_N_PERMS));
  CHECK(!access_may(NULL, ACCESS_READ));
  CHECK(access_may(&fx.coord_a, ACCESS_WRITE));
  CHECK(!access_may(&fx.monitor, ACCESS_WRITE));
  CHECK(access_site_scope(&fx.coord_a) == fx.coord_a.site_id);
  CHECK(fx.coord_a.site_id != 0);
  CHECK_INT_EQ(access_site_scope(&fx.monitor), 0);
  CHECK_INT_EQ(access_site_scope(NULL), 0);
  none.role = ROLE_COUNT; /* a corrupt role has no rights */
  CHECK(!access_may(&none, ACCESS_READ));
}

static json_t *lab(double v) {
  return json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01", "test", "ALT",
                   "value", v, "unit", "U/L");
}

static int save_lab(const struct actor *a, const char *code, struct err *e) {
  struct record_save in = {0};
  json_t *d = lab(30.0);
  int64_t id = 0;
  int rc;
  in.code = code;
  in.kind = "lab";
  in.data = d;
  rc = store_record_save(db, a, &in, NULL, &id, e);
  json_decref(d);
  return rc;
}

static void test_refusals(void) {
  struct patient pa, pb, x;
  struct err e;
  json_t *cb = NULL;
  int64_t qid = 0;
  err_clear(&e);
  CHECK(store_patient_create(db, &fx.coord_a, NULL, &pa, &e) == APP_OK);
  CHECK(store_patient_create(db, &fx.coord_b, NULL, &pb, &e) == APP_OK);

  /* Role: the table says no; EPERM, audited, outside a transaction. */
  err_clear(&e);
  CHECK_INT_EQ(store_query_raise(db, &fx.coord_a, "SA-0001", 0, "x",
                                 "please check", &qid, &e), APP_EPERM);
  CHECK(strstr(e.msg, "permission denied for the coordinator role"));
  CHECK_INT_EQ(denials("coord.a", "query raise: not for the coordinator"),
               1);
  err_clear(&e);
  CHECK_INT_EQ(save_lab(&fx.monitor, "SA-0001", &e), APP_EPERM);
  CHECK_INT_EQ(denials("mon", "record: not for the monitor role"), 1);
  err_clear(&e);
  CHECK_INT_EQ(store_patient_get(db, &fx.admin, "SA-0001", &x, &e),
               APP_EPERM);
  CHECK_INT_EQ(denials("admin", "patient: not for the admin role"), 1);
  err_clear(&e);
  CHECK_INT_EQ(access_require(db, &fx.coord_a, ACCESS_ANALYSIS, "analysis",
                              &e), APP_EPERM);
  CHECK_INT_EQ(denials("coord.a", "analysis: not for the coordinator"), 1);
  CHECK_INT_EQ(err_class(e.code)->http_status, 403);

  /* Site: another site's patient reads as one that does not exist. */
  err_clear(&e);
  CHECK_INT_EQ(store_casebook(db, &fx.coord_b, "SA-0001", &cb, &e),
               APP_ENOTFOUND);
  CHECK(cb == NULL);
  CHECK_STR_EQ(e.msg, "patient: no patient \"SA-0001\" that you may see");
  CHECK_INT_EQ(denials("coord.b", "patient of another site"), 1);
  /* ... and a write to it, refused inside the save's transaction, is
  ** still audited after the rollback. */
  err_clear(&e);
  CHECK_INT_EQ(save_lab(&fx.coord_b, "SA-0001", &e), APP_ENOTFOUND);
  CHECK_INT_EQ(denials("coord.b", "patient of another site"), 2);
  CHECK(!db_in_transaction(db));
  CHECK_INT_EQ(db_count(db, "SELECT COUNT(*) FROM record WHERE patient_id "
                            "= (SELECT id FROM patient WHERE code = "
                            "'SA-0001')"), 0);
  /* An investigator of the site may; one of the other may not. */
  err_clear(&e);
  CHECK_INT_EQ(save_lab(&fx.inv_a, "SA-0001", &e), APP_OK);
  CHECK_INT_EQ(save_lab(&fx.inv_b, "SA-0001", &e), APP_ENOTFOUND);
  CHECK_INT_EQ(denials("inv.b", "patient of another site"), 1);

  /* Own site: naming another site for a new patient. */
  err_clear(&e);
  CHECK_INT_EQ(store_patient_create(db, &fx.coord_a, "SB", &x, &e),
               APP_EPERM);
  CHECK(strstr(e.msg, "own site only (SA)"));
  CHECK_INT_EQ(denials("coord.a", "site: not the own site"), 1);

  /* Locked: reads go on, writes are refused (409), audited. */
  err_clear(&e);
  CHECK(store_lock(db, &fx.dm, "SA-0001", true, NULL, &e) == APP_OK);
  CHECK_INT_EQ(save_lab(&fx.coord_a, "SA-0001", &e), APP_ECONFLICT);
  CHECK_STR_EQ(e.msg, "patient SA-0001: the casebook is locked");
  CHECK_INT_EQ(denials("coord.a", "casebook locked"), 1);
  CHECK_INT_EQ(err_class(e.code)->http_status, 409);
  err_clear(&e);
  CHECK(store_casebook(db, &fx.coord_a, "SA-0001", &cb, &e) == APP_OK);
  json_decref(cb);
  cb = NULL;
  CHECK(store_lock(db, &fx.dm, "SA-0001", false, "correction", &e) ==
        APP_OK);
  CHECK_INT_EQ(save_lab(&fx.coord_a, "SA-0001", &e), APP_OK);
}

/* A fake request for a handler called directly. */
static void request_as(struct request *rq, const struct actor *a,
                       const char *code) {
  static char seg3[32];
  memset(rq, 0, sizeof(*rq));
  rq->method = "GET";
  rq->db = db;
  rq->has_actor = true;
  rq->actor = *a;
  snprintf(seg3, sizeof(seg3), "%s", code);
  rq->seg[3] = seg3;
  rq->n_seg = 4;
}

static void test_failing_reads(void) {
  struct request rq;
  struct response rs;
  struct err e;
  json_t *out = NULL;
  json_t *body;
  int i;
  err_clear(&e);
  /* The list: a failure after the first row fails it whole. */
  CHECK(store_patient_list(db, &fx.monitor, NULL, &out, &e) == APP_OK);
  CHECK_INT_EQ(json_array_size(out), 2);
  json_decref(out);
  out = NULL;
  db_fault_after_rows(db, "FROM patient p JOIN site s ON s.id = p.site_id "
                          "WHERE ($1 = 0", 1);
  CHECK_INT_EQ(store_patient_list(db, &fx.monitor, NULL, &out, &e), APP_EDB);
  CHECK(out == NULL);
  CHECK_INT_EQ(err_class(e.code)->http_status, 503);
  /* The same through the handler: 503 E_DATABASE, no list. */
  for (i = 0; i < 2; i++) {
    request_as(&rq, &fx.monitor, "SA-0001");
    memset(&rs, 0, sizeof(rs));
    buf_init(&rs.body, 0);
    if (i == 1) {
      db_fault_after_rows(db, "FROM patient p JOIN site s ON s.id = "
                              "p.site_id WHERE ($1 = 0", 1);
    }
    api_patients(&rq, &rs);
    CHECK_INT_EQ(rs.status, i == 0 ? 200 : 503);
    body = json_loads(buf_str(&rs.body), 0, NULL);
    CHECK(body != NULL);
    if (i == 0) {
      CHECK_INT_EQ(json_array_size(json_object_get(body, "patients")), 2);
    } else {
      CHECK_STR_EQ(json_string_value(json_object_get(
                       json_object_get(body, "error"), "code")),
                   "E_DATABASE");
      CHECK(json_object_get(body, "patients") == NULL);
    }
    json_decref(body);
    buf_reset(&rs.body);
  }
  /* The casebook: a failing signature read fails it (it used to come back
  ** without its signatures). */
  err_clear(&e);
  db_fault_after_rows(db, "FROM signature WHERE patient_id = $1 ORDER BY id",
                      0);
  CHECK_INT_EQ(store_casebook(db, &fx.monitor, "SA-0001", &out, &e),
               APP_EDB);
  CHECK(out == NULL);
  err_clear(&e);
  db_fault_after_rows(db, "FROM derived WHERE patient_id = $1", 0);
  CHECK_INT_EQ(store_casebook(db, &fx.monitor, "SA-0001", &out, &e),
               APP_EDB);
  CHECK(out == NULL);
  err_clear(&e);
  db_fault_after_rows(db, "SELECT id, kind, version, data FROM record", 1);
  CHECK_INT_EQ(store_casebook(db, &fx.monitor, "SA-0001", &out, &e),
               APP_EDB);
  CHECK(out == NULL);
  /* The API's casebook text, failing after its first record: 503 and the
  ** error shape, not half a casebook. */
  request_as(&rq, &fx.monitor, "SA-0001");
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  db_fault_after_rows(db, "UNION ALL SELECT 2", 1);
  api_casebook(&rq, &rs);
  CHECK_INT_EQ(rs.status, 503);
  body = json_loads(buf_str(&rs.body), 0, NULL);
  CHECK(body != NULL && json_object_get(body, "records") == NULL);
  CHECK(json_object_get(body, "error") != NULL);
  json_decref(body);
  buf_reset(&rs.body);
  /* Record history and the audit log. */
  err_clear(&e);
  db_fault_after_rows(db, "FROM audit WHERE entity = 'record'", 1);
  CHECK_INT_EQ(store_record_history(db, &fx.monitor, "SA-0001", 1, &out, &e),
               APP_EDB);
  CHECK(out == NULL);
  err_clear(&e);
  CHECK(store_audit_log(db, &fx.monitor, 5, &out, &e) == APP_OK);
  CHECK_INT_EQ(json_array_size(out), 5);
  json_decref(out);
  out = NULL;
  db_fault_after_rows(db, "AS recent ORDER BY seq", 2);
  CHECK_INT_EQ(store_audit_log(db, &fx.monitor, 5, &out, &e), APP_EDB);
  CHECK(out == NULL);
  err_clear(&e);
  CHECK_INT_EQ(store_audit_log(db, &fx.coord_a, 5, &out, &e), APP_EPERM);
  /* Unarmed again: everything reads. */
  err_clear(&e);
  CHECK(store_casebook(db, &fx.monitor, "SA-0001", &out, &e) == APP_OK);
  CHECK(json_array_size(json_object_get(out, "records")) == 2);
  json_decref(out);
}

int main(void) {
  char url[512];
  struct err e;
  err_clear(&e);
  if (harness_db_url("access", url, sizeof(url)) != 0 ||
      db_open(url, &db, &e) != APP_OK) {
    fprintf(stderr, "cannot open the test database: %s\n", e.msg);
    return 1;
  }
  CHECK(fixture_study(db, &fx) == APP_OK);
  test_docs_table();
  test_table();
  test_refusals();
  test_failing_reads();
  db_close(db);
  if (getenv("KEEP_DB") == NULL) {
    harness_drop_db(url);
  }
  return harness_report();
}
