/*
** test_odm.c: the ODM 1.3.2 round trip in process (src/report/odm.c,
** src/report/odm_read.c, src/store/odm_store.c): a small study exported,
** parsed by libxml2 as a well-formed document, imported into a new
** database whose audit trail verifies and ends at the file's chain hash,
** with the same casebook text; an audit value XML cannot carry (a control
** character) travels base64-encoded and comes back byte for byte; bad
** files (truncated, an undeclared OID, a record value its audit history
** does not give), a populated target, a short password and an importer
** who may not import are refused with APP_EINVAL naming the field,
** leaving nothing written.  The CLI and the file's declared OIDs are checked by
** tests/validation/odm.sh.
*/
#include "core/buf.h"
#include "core/mem.h"
#include "db_harness.h"
#include "fixture.h"
#include "harness.h"
#include "report/frame.h"
#include "report/odm.h"
#include "store/audit.h"
#include "store/casebook.h"
#include "store/patient.h"
#include "store/record.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* The whole of file path (caller frees with xfree), NULL when absent. */
static char *t_slurp(const char *path) {
  FILE *fp = fopen(path, "rb");
  long n;
  char *s;
  if (fp == NULL) {
    return NULL;
  }
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  s = xmalloc((size_t)n + 1);
  if (fread(s, 1, (size_t)n, fp) != (size_t)n) {
    n = 0;
  }
  s[n] = '\0';
  fclose(fp);
  return s;
}

static void t_spit(const char *path, const char *s, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (fp != NULL) {
    fwrite(s, 1, n, fp);
    fclose(fp);
  }
}

/* Rows of a one-number query (COUNT). */
static int64_t t_count(struct db *db, const char *sql) {
  struct db_stmt *st = NULL;
  struct err e;
  int64_t n = -1;
  err_clear(&e);
  /* checksrc:db_prepare-literal: the callers pass literals */
  if (db_prepare(db, sql, &st, &e) == APP_OK && db_step(st, &e) == DB_ROW) {
    n = db_column_int64(st, 0);
  }
  db_finalize(st);
  return n;
}

/* Import path into a new database (its URL in url); returns the code. */
static int t_import(const char *name, char *url, size_t n, const char *path,
                    const char *user, const char *pw, struct err *e) {
  struct db *db = NULL;
  struct odm_import_report rep;
  int rc;
  err_clear(e);
  if (harness_db_url(name, url, n) != 0 || db_open(url, &db, e) != APP_OK) {
    return -1;
  }
  rc = odm_import(db, path, user, pw, &rep, e);
  db_close(db);
  return rc;
}

int main(void) {
  struct db *db = NULL, *db2 = NULL;
  struct fixture f;
  struct err e;
  struct patient pt;
  struct frame_source src;
  struct audit_entry en;
  struct audit_check chk;
  struct buf cb1, cb2;
  struct actor dm2;
  char url[512], url2[512], url3[512], path[128], bad[128];
  char head[65];
  int64_t seq = 0, rid = 0;
  json_t *problems = json_array();
  json_t *data;
  struct record_save rs;
  char *xml, *p;
  FILE *fp;
  xmlDocPtr doc;

  err_clear(&e);
  snprintf(path, sizeof(path), "/tmp/hcc-test-odm-%d.xml", (int)getpid());
  snprintf(bad, sizeof(bad), "/tmp/hcc-test-odm-bad-%d.xml", (int)getpid());
  if (harness_db_url("odm1", url, sizeof(url)) != 0 ||
      db_open(url, &db, &e) != APP_OK || fixture_study(db, &f) != APP_OK) {
    fprintf(stderr, "test_odm: no database: %s\n", e.msg);
    return 1;
  }
  CHECK_INT_EQ(store_patient_create(db, &f.coord_a, "SA", &pt, &e), APP_OK);
  data = json_pack("{s:s,s:i,s:s,s:{s:f,s:s}}", "screening_date", "2024-01-10",
                   "age", 61, "bclc", "B", "child_pugh", "bilirubin_umol_l",
                   17.1, "ascites", "none");
  memset(&rs, 0, sizeof(rs));
  rs.code = pt.code;
  rs.kind = "screening";
  rs.data = data;
  CHECK_INT_EQ(store_record_save(db, &f.coord_a, &rs, problems, &rid, &e),
               APP_OK);
  json_decref(data);
  /* An audit value no XML document can hold as text. */
  memset(&en, 0, sizeof(en));
  en.action = "note";
  en.entity = "study";
  en.new_value = "bell\x07 and <&> \"quotes\"\nline two";
  en.reason = "a\ttab";
  CHECK_INT_EQ(db_begin_write(db, &e), APP_OK);
  CHECK_INT_EQ(access_audit(db, &f.admin, &en, 1, &e), APP_OK);
  CHECK_INT_EQ(db_commit(db, &e), APP_OK);

  /* Export as the data manager. */
  CHECK_INT_EQ(frame_source_open(db, &f.dm, 0, &src, &e), APP_OK);
  fp = fopen(path, "w");
  CHECK(fp != NULL);
  CHECK_INT_EQ(odm_export(&src, fp, &e), APP_OK);
  fclose(fp);
  doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
  CHECK(doc != NULL);
  xmlFreeDoc(doc);
  xml = t_slurp(path);
  CHECK(xml != NULL && strstr(xml, "ODMVersion=\"1.3.2\"") != NULL);
  CHECK(strstr(xml, "NewValueB64=\"") != NULL);
  CHECK(strstr(xml, "Reason=\"a&#9;tab\"") != NULL);
  CHECK(strstr(xml, "ItemOID=\"I.screening.child_pugh.bilirubin_umol_l\" "
                    "Value=\"17.1\"") != NULL);

  /* Import into a new database. */
  CHECK_INT_EQ(
      t_import("odm2", url2, sizeof(url2), path, "dm", "new-password-123", &e),
      APP_OK);
  CHECK_INT_EQ(db_open(url2, &db2, &e), APP_OK);
  CHECK_INT_EQ(audit_verify(db2, &chk, &e), APP_OK);
  CHECK_INT_EQ(chk.first_bad, 0);
  {
    struct db_stmt *st = NULL;
    CHECK_INT_EQ(db_prepare(db2,
                            "SELECT hash, new_value, reason FROM audit "
                            "WHERE seq = $1",
                            &st, &e),
                 APP_OK);
    db_bind_int64(st, 1, src.audit_seq);
    CHECK_INT_EQ(db_step(st, &e), DB_ROW);
    CHECK_STR_EQ(db_column_text(st, 0), src.chain_hash);
    db_finalize(st);
    CHECK_INT_EQ(db_prepare(db2,
                            "SELECT COUNT(*) FROM audit WHERE "
                            "new_value = $1 AND reason = $2",
                            &st, &e),
                 APP_OK);
    db_bind_text(st, 1, en.new_value);
    db_bind_text(st, 2, en.reason);
    CHECK_INT_EQ(db_step(st, &e), DB_ROW);
    CHECK_INT_EQ(db_column_int64(st, 0), 1);
    db_finalize(st);
  }
  CHECK_INT_EQ(audit_head(db2, &seq, head, &e), APP_OK);
  /* After the restored trail: the seals of the imported rows, then the
  ** import's own entry, last. */
  {
    struct db_stmt *st = NULL;
    CHECK_INT_EQ(db_prepare(db2,
                            "SELECT COUNT(*) FROM audit WHERE seq > $1 AND "
                            "action = 'seal'",
                            &st, &e),
                 APP_OK);
    db_bind_int64(st, 1, src.audit_seq);
    CHECK_INT_EQ(db_step(st, &e), DB_ROW);
    CHECK_INT_EQ(seq, src.audit_seq + db_column_int64(st, 0) + 1);
    CHECK(db_column_int64(st, 0) > 0);
    db_finalize(st);
    CHECK_INT_EQ(db_prepare(db2, "SELECT action FROM audit WHERE seq = $1",
                            &st, &e),
                 APP_OK);
    db_bind_int64(st, 1, seq);
    CHECK_INT_EQ(db_step(st, &e), DB_ROW);
    CHECK_STR_EQ(db_column_text(st, 0), "import");
    db_finalize(st);
  }
  CHECK_INT_EQ(store_login(db2, "dm", "new-password-123", &dm2, &e), APP_OK);
  CHECK(store_login(db2, "mon", FIXTURE_PASSWORD, &dm2, &e) != APP_OK);
  err_clear(&e);
  CHECK_INT_EQ(store_login(db2, "dm", "new-password-123", &dm2, &e), APP_OK);
  buf_init(&cb1, 0);
  buf_init(&cb2, 0);
  CHECK_INT_EQ(store_casebook_text(db, &f.dm, pt.code, &cb1, &e), APP_OK);
  CHECK_INT_EQ(store_casebook_text(db2, &dm2, pt.code, &cb2, &e), APP_OK);
  CHECK_STR_EQ(buf_str(&cb2), buf_str(&cb1));
  buf_reset(&cb1);
  buf_reset(&cb2);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM data_freeze"), 1);

  /* A populated target. */
  {
    struct odm_import_report r2;
    err_clear(&e);
    CHECK_INT_EQ(odm_import(db2, path, "dm", "new-password-123", &r2, &e),
                 APP_EINVAL);
    CHECK_STR_EQ(e.field, "--db");
  }
  db_close(db2);

  /* Refusals, each into a new database that stays without a study. */
  t_spit(bad, xml, strlen(xml) / 2);
  CHECK_INT_EQ(
      t_import("odm3", url3, sizeof(url3), bad, "dm", "new-password-123", &e),
      APP_EINVAL);
  CHECK_STR_EQ(e.field, "--input");
  CHECK(strstr(e.msg, "line ") != NULL);
  CHECK_INT_EQ(db_open(url3, &db2, &e), APP_OK);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM study"), 0);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM audit"), 0);
  db_close(db2);
  harness_drop_db(url3);

  p = strstr(strstr(xml, "<ClinicalData"), "ItemOID=\"I.screening.age\"");
  CHECK(p != NULL);
  if (p != NULL) {
    memcpy(p, "ItemOID=\"I.screening.ego\"", 25);
  }
  t_spit(bad, xml, strlen(xml));
  CHECK_INT_EQ(
      t_import("odm4", url3, sizeof(url3), bad, "dm", "new-password-123", &e),
      APP_EINVAL);
  CHECK(strstr(e.msg, "I.screening.ego") != NULL &&
        strstr(e.msg, "not declared") != NULL);
  CHECK_INT_EQ(db_open(url3, &db2, &e), APP_OK);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM patient"), 0);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM app_user"), 0);
  db_close(db2);
  harness_drop_db(url3);

  /* A record value its audit history does not give. */
  xfree(xml);
  xml = t_slurp(path);
  p = strstr(strstr(xml, "<ClinicalData"),
             "ItemOID=\"I.screening.age\" Value=\"61\"");
  CHECK(p != NULL);
  if (p != NULL) {
    p[strlen("ItemOID=\"I.screening.age\" Value=\"6")] = '2';
  }
  t_spit(bad, xml, strlen(xml));
  CHECK_INT_EQ(
      t_import("odm7", url3, sizeof(url3), bad, "dm", "new-password-123", &e),
      APP_EINVAL);
  CHECK(strstr(e.msg, "differ from what its audit trail records") != NULL);
  CHECK_INT_EQ(db_open(url3, &db2, &e), APP_OK);
  CHECK_INT_EQ(t_count(db2, "SELECT COUNT(*) FROM record"), 0);
  db_close(db2);
  harness_drop_db(url3);
  CHECK_INT_EQ(
      t_import("odm5", url3, sizeof(url3), path, "mon", "new-password-123", &e),
      APP_EINVAL);
  CHECK_STR_EQ(e.field, "--user");
  harness_drop_db(url3);
  CHECK_INT_EQ(t_import("odm6", url3, sizeof(url3), path, "dm", "short", &e),
               APP_EINVAL);
  CHECK_STR_EQ(e.field, "password");
  harness_drop_db(url3);

  xfree(xml);
  json_decref(problems);
  db_close(db);
  harness_drop_db(url);
  harness_drop_db(url2);
  remove(path);
  remove(bad);
  xmlCleanupParser();
  return harness_report();
}
