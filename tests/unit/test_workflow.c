/*
** test_workflow.c: edit checks raising and closing their own queries, the
** manual query workflow by role, signatures voided by a change, locks, SDV.
*/
#include "harness.h"

#include "db_harness.h"
#include "fixture.h"

#include "db/db.h"
#include "store/audit.h"
#include "store/casebook.h"
#include "store/import.h"
#include "store/store.h"
#include "store/status.h"
#include "store/workflow.h"
#include "core/clock.h"
#include "core/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct db *db;
static struct actor admin, coord, inv, mon, dm, coord_b;
static const char *const pw = FIXTURE_PASSWORD;

static int64_t count(const char *sql) {
  return db_count(db, sql);
}

static void setup(void) {
  struct fixture fx;
  CHECK(fixture_study(db, &fx) == APP_OK);
  admin = fx.admin;
  coord = fx.coord_a;
  inv = fx.inv_a;
  mon = fx.monitor;
  dm = fx.dm;
  coord_b = fx.coord_b;
}

static void test_sdv_state(void);

/* Save a record of patient code as the coordinator; returns its id (0 on
** failure, message printed).  Takes data. */
static int64_t save_to(const char *code, const char *kind, int64_t id,
                       int64_t version, json_t *data, const char *reason) {
  struct err e;
  struct record_save in = {0};
  int64_t out = 0;
  err_clear(&e);
  in.code = code;
  in.kind = kind;
  in.record_id = id;
  in.version = version;
  in.data = data;
  in.reason = reason;
  if (store_record_save(db, &coord, &in, NULL, &out, &e) != APP_OK) {
    fprintf(stderr, "save %s: %s\n", kind, e.msg);
  }
  json_decref(data);
  return out;
}

/* save_to the first patient, SA-0001. */
static int64_t save(const char *kind, int64_t id, int64_t version,
                    json_t *data, const char *reason) {
  return save_to("SA-0001", kind, id, version, data, reason);
}

/* The screening record of an eligible patient: enrolment needs one. */
static json_t *eligible_screening(void) {
  return json_pack(
      "{s:s,s:i,s:s,s:b,s:b,s:{s:f,s:f,s:f,s:s,s:s},s:i,s:b,s:b,s:b,s:b,"
      "s:b,s:b,s:b,s:b,s:s,s:b,s:b}",
      "screening_date", "2026-02-01", "age", 60, "bclc", "C",
      "extrahepatic_metastasis", 0, "treatment_naive", 1, "child_pugh",
      "bilirubin_umol_l", 15.0, "albumin_g_l", 40.0, "inr", 1.1, "ascites",
      "none", "encephalopathy", "none", "ecog", 0, "severe_organ_disease", 0,
      "decompensated_cirrhosis", 0, "other_malignancy", 0, "recurrent_hcc",
      0, "autoimmune_disease", 0, "hypersensitivity", 0, "hiv", 0,
      "active_hepatitis", 0, "portal_vein_invasion", "vp2",
      "hepatic_vein_invasion", 0, "ivc_invasion", 0);
}

static int64_t open_checks(const char *check) {
  char sql[200];
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM query WHERE check_id = "
           "'%s' AND status = 'open'", check);
  return count(sql);
}

static void test_edit_checks(void) {
  struct patient p;
  struct err e;
  int64_t len_id, ae_id;
  err_clear(&e);
  CHECK(store_patient_create(db, &coord, NULL, &p, &e) == APP_OK);
  /* Enrolment needs an eligible screening (issue 18). */
  save("screening", 0, 0, eligible_screening(), NULL);
  save("enrolment", 0, 0,
       json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02", "cohort",
                 "TACE", "treatment_start", "2026-02-05"), NULL);
  save("baseline", 0, 0,
       json_pack("{s:i,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:s,s:s,s:i,s:f,s:s,s:f}",
                 "age", 60, "sex", "male", "aetiology", "hbv", "bclc", "C",
                 "ecog", 0, "bilirubin_umol_l", 15.0, "albumin_g_l", 40.0,
                 "inr", 1.0, "ascites", "none", "encephalopathy", "none",
                 "tumour_number", 2, "largest_diameter_mm", 80.0,
                 "portal_vein_invasion", "vp2", "weight_kg", 58.0), NULL);
  /* 58 kg starts at 8 mg: 12 mg raises a query ... */
  len_id = save("lenvatinib", 0, 0,
                json_pack("{s:s,s:s,s:f,s:s,s:i}", "date", "2026-02-05",
                          "action", "start", "dose_mg", 12.0, "schedule",
                          "daily", "reduction_level", 0), NULL);
  CHECK_INT_EQ(open_checks("lenvatinib_dose"), 1);
  /* ... and correcting the dose closes it by itself. */
  save("lenvatinib", len_id, 1,
       json_pack("{s:s,s:s,s:f,s:s,s:i}", "date", "2026-02-05", "action",
                 "start", "dose_mg", 8.0, "schedule", "daily",
                 "reduction_level", 0), "wrong dose entered");
  CHECK_INT_EQ(open_checks("lenvatinib_dose"), 0);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM query WHERE check_id = "
                     "'lenvatinib_dose' AND status = 'closed' AND closed_by "
                     "= 'system'"), 1);
  /* PD-1 every 21 days: 14 and 28 days apart are fine, 29 is not. */
  save("pd1_dose", 0, 0, json_pack("{s:s,s:s,s:f}", "date", "2026-02-05",
                                   "agent", "tislelizumab", "dose_mg",
                                   200.0), NULL);
  save("pd1_dose", 0, 0, json_pack("{s:s,s:s,s:f}", "date", "2026-02-19",
                                   "agent", "tislelizumab", "dose_mg",
                                   200.0), NULL);
  save("pd1_dose", 0, 0, json_pack("{s:s,s:s,s:f}", "date", "2026-03-19",
                                   "agent", "tislelizumab", "dose_mg",
                                   200.0), NULL);
  CHECK_INT_EQ(open_checks("pd1_interval"), 0);
  save("pd1_dose", 0, 0, json_pack("{s:s,s:s,s:f}", "date", "2026-04-17",
                                   "agent", "tislelizumab", "dose_mg",
                                   200.0), NULL);
  CHECK_INT_EQ(open_checks("pd1_interval"), 1);
  /* A treatment before consent. */
  save("tace", 0, 0, json_pack("{s:s,s:s}", "date", "2026-02-01",
                               "technique", "ctace"), NULL);
  CHECK_INT_EQ(open_checks("date_before_consent"), 1);
  /* A grade 5 AE without a death record, then the death record. */
  ae_id = save("adverse_event", 0, 0,
               json_pack("{s:s,s:i,s:s,s:b}", "term", "Hepatic failure",
                         "grade", 5, "onset_date", "2026-05-01", "serious",
                         1), NULL);
  CHECK(ae_id > 0);
  CHECK_INT_EQ(open_checks("grade5_no_death"), 1);
  save("death", 0, 0, json_pack("{s:s,s:s}", "date", "2026-05-03", "cause",
                                "adverse_event"), NULL);
  CHECK_INT_EQ(open_checks("grade5_no_death"), 0);
  /* Three targets in the liver: more than 2 per organ. */
  save("baseline_scan", 0, 0,
       json_pack("{s:s,s:s,s:[{s:s,s:s,s:f},{s:s,s:s,s:f},{s:s,s:s,s:f}]}",
                 "date", "2026-02-03", "modality", "mri", "target", "id",
                 "T1", "organ", "liver", "viable_mm", 30.0, "id", "T2",
                 "organ", "liver", "viable_mm", 20.0, "id", "T3", "organ",
                 "liver", "viable_mm", 15.0), NULL);
  CHECK_INT_EQ(open_checks("target_count"), 1);
  /* A scan on day 63 is late for the day-56 visit (window +/- 3). */
  save("assessment", 0, 0,
       json_pack("{s:s,s:s,s:[{s:s,s:f},{s:s,s:f},{s:s,s:f}]}", "date",
                 "2026-04-09", "modality", "mri", "target", "id", "T1",
                 "viable_mm", 20.0, "id", "T2", "viable_mm", 10.0, "id",
                 "T3", "viable_mm", 10.0), NULL);
  CHECK_INT_EQ(open_checks("visit_window"), 1);
}

/* One target at 0 mm and the non-target N1 with status nt, on date. */
static json_t *scan_t0(const char *date, const char *nt) {
  return json_pack("{s:s,s:s,s:[{s:s,s:f}],s:[{s:s,s:s}]}", "date", date,
                   "modality", "mri", "target", "id", "T1", "viable_mm",
                   0.0, "nontarget", "id", "N1", "status", nt);
}

/* The query of check cr_then_pr on record rec and field, open or not. */
static int64_t cr_then_pr_open(int64_t rec, const char *field) {
  char sql[240];
  snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM query WHERE check_id = "
           "'cr_then_pr' AND status = 'open' AND record_id = %lld AND "
           "field = '%s'", (long long)rec, field);
  return count(sql);
}

/* An overall CR followed by an overall PR raises cr_then_pr on the PR's
** assessment (field nontarget); correcting either scan closes it; a
** non-target that is back after the CR is PD (default protocol), which is
** no CR-then-PR. */
static void test_cr_then_pr(void) {
  struct patient p;
  struct err e;
  int64_t cr_id;
  int64_t pr_id;
  err_clear(&e);
  CHECK(store_patient_create(db, &coord, NULL, &p, &e) == APP_OK);
  save_to(p.code, "screening", 0, 0, eligible_screening(), NULL);
  save_to(p.code, "enrolment", 0, 0,
          json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02", "cohort",
                    "TACE", "treatment_start", "2026-02-05"), NULL);
  save_to(p.code, "baseline_scan", 0, 0,
          json_pack("{s:s,s:s,s:[{s:s,s:s,s:f}],s:[{s:s,s:s}]}", "date",
                    "2026-02-03", "modality", "mri", "target", "id", "T1",
                    "organ", "liver", "viable_mm", 40.0, "nontarget", "id",
                    "N1", "kind", "pvtt"), NULL);
  /* Day 56: targets 0, N1 gone: CR. */
  cr_id = save_to(p.code, "assessment", 0, 0,
                  scan_t0("2026-04-02", "absent"), NULL);
  CHECK(cr_id > 0);
  CHECK_INT_EQ(open_checks("cr_then_pr"), 0);
  /* Day 112: targets 0, N1 not evaluated: PR (RECIST 1.1 Table 1). */
  pr_id = save_to(p.code, "assessment", 0, 0,
                  scan_t0("2026-05-28", "not_evaluated"), NULL);
  CHECK(pr_id > 0);
  CHECK_INT_EQ(open_checks("cr_then_pr"), 1);
  CHECK_INT_EQ(cr_then_pr_open(pr_id, "nontarget"), 1);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM query WHERE check_id = "
                     "'cr_then_pr' AND text LIKE '%PR on 2026-05-28 after a "
                     "CR on 2026-04-02%'"), 1);
  /* N1 was in fact seen and gone: CR, CR.  The query closes by itself. */
  save_to(p.code, "assessment", pr_id, 1, scan_t0("2026-05-28", "absent"),
          "non-target read on the second look");
  CHECK_INT_EQ(open_checks("cr_then_pr"), 0);
  /* N1 back after the CR: progression, not CR then PR. */
  save_to(p.code, "assessment", pr_id, 2, scan_t0("2026-05-28", "present"),
          "re-read");
  CHECK_INT_EQ(open_checks("cr_then_pr"), 0);
  /* Not evaluated again, and the earlier CR corrected to a PR (N1 still
  ** enhancing): PR, PR raises nothing. */
  save_to(p.code, "assessment", pr_id, 3,
          scan_t0("2026-05-28", "not_evaluated"), "re-read");
  CHECK_INT_EQ(open_checks("cr_then_pr"), 1);
  save_to(p.code, "assessment", cr_id, 1, scan_t0("2026-04-02", "present"),
          "N1 still enhancing");
  CHECK_INT_EQ(open_checks("cr_then_pr"), 0);
}

static void test_queries(void) {
  struct err e;
  int64_t qid = 0;
  json_t *list = NULL;
  err_clear(&e);
  CHECK(store_query_raise(db, &coord, "SA-0001", 0, NULL, "why?", &qid,
                          &e) == APP_EPERM);
  err_clear(&e);
  CHECK(store_query_raise(db, &mon, "SA-0001", 0, "age", "Please check the "
                          "age against the source", &qid, &e) == APP_OK);
  CHECK(store_query_close(db, &coord, qid, NULL, &e) == APP_EPERM);
  err_clear(&e);
  CHECK(store_query_answer(db, &coord_b, qid, "x", &e) == APP_ENOTFOUND);
  err_clear(&e);
  CHECK(store_query_answer(db, &coord, qid, "Checked: correct", &e) ==
        APP_OK);
  CHECK(store_query_answer(db, &coord, qid, "again", &e) == APP_ECONFLICT);
  err_clear(&e);
  CHECK(store_query_close(db, &mon, qid, "ok", &e) == APP_OK);
  CHECK(store_query_list(db, &coord_b, NULL, NULL, &list, &e) == APP_OK);
  CHECK_INT_EQ(json_array_size(list), 0); /* another site's queries */
  json_decref(list);
  CHECK(store_query_list(db, &coord, "SA-0001", "closed", &list, &e) ==
        APP_OK);
  CHECK(json_array_size(list) >= 2);
  json_decref(list);
}

static void test_sign_lock(void) {
  struct err e;
  json_t *cb = NULL;
  int64_t rec = 0;
  err_clear(&e);
  CHECK(store_sign(db, &coord, "SA-0001", pw, "approved", &e) ==
        APP_EPERM);
  err_clear(&e);
  CHECK(store_sign(db, &inv, "SA-0001", "wrong-password-1", "approved", &e)
        == APP_EINVAL);
  err_clear(&e);
  CHECK(store_sign(db, &inv, "SA-0001", pw, "I approve this casebook", &e)
        == APP_OK);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM signature WHERE is_void = 0"), 1);
  /* A change voids the signature, visibly. */
  save("lab", 0, 0, json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01",
                              "test", "ALT", "value", 40.0, "unit", "U/L"),
       NULL);
  CHECK_INT_EQ(count("SELECT COUNT(*) FROM signature WHERE is_void = 1"), 1);
  CHECK(store_casebook(db, &mon, "SA-0001", &cb, &e) == APP_OK);
  CHECK(json_is_false(json_object_get(
      json_array_get(json_object_get(cb, "signatures"), 0), "valid")));
  json_decref(cb);
  /* SDV by a monitor only. */
  rec = count("SELECT MIN(id) FROM record");
  CHECK(store_sdv_mark(db, &coord, rec, &e) == APP_EPERM);
  err_clear(&e);
  CHECK(store_sdv_mark(db, &mon, rec, &e) == APP_OK);
  test_sdv_state();
  /* A locked casebook refuses writes; unlocking needs a reason. */
  CHECK(store_lock(db, &mon, "SA-0001", true, NULL, &e) == APP_EPERM);
  err_clear(&e);
  CHECK(store_lock(db, &dm, "SA-0001", true, NULL, &e) == APP_OK);
  {
    json_t *d = json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-02", "test",
                          "AST", "value", 41.0, "unit", "U/L");
    int64_t id = 0;
    CHECK(store_record_save(db, &coord,
                            &(struct record_save){
                                .code = "SA-0001", .kind = "lab", .data = d},
                            NULL, &id, &e) == APP_ECONFLICT);
    CHECK(strstr(e.msg, "locked") != NULL);
    json_decref(d);
  }
  err_clear(&e);
  CHECK(store_lock(db, &dm, "SA-0001", false, NULL, &e) == APP_EINVAL);
  err_clear(&e);
  CHECK(store_lock(db, &dm, "SA-0001", false, "late lab result", &e) ==
        APP_OK);
}

/* The SDV state of a record, as a reader sees it later: in the casebook
** (JSON and text the same), in the status counts, and stale once the
** record changes. */
static void sdv_check(int64_t rid, const char *by, int stale,
                      int64_t verified, int64_t n_stale) {
  struct err e;
  json_t *cb = NULL, *st = NULL, *mark = NULL, *v;
  struct buf a, b;
  size_t i;
  err_clear(&e);
  CHECK(store_casebook(db, &mon, "SA-0001", &cb, &e) == APP_OK);
  json_array_foreach(json_object_get(cb, "sdv"), i, v) {
    if (json_integer_value(json_object_get(v, "record_id")) == rid) {
      mark = v;
    }
  }
  CHECK(mark != NULL);
  CHECK_STR_EQ(json_string_value(json_object_get(mark, "verified_by")), by);
  CHECK_INT_EQ(json_is_true(json_object_get(mark, "stale")), stale);
  buf_init(&a, 0);
  buf_init(&b, 0);
  jx_dump(cb, &a, false);
  CHECK(store_casebook_text(db, &mon, "SA-0001", &b, &e) == APP_OK);
  CHECK_STR_EQ(buf_str(&b), buf_str(&a));
  buf_reset(&a);
  buf_reset(&b);
  json_decref(cb);
  CHECK(store_status(db, &mon, 364, clock_today(), &st, &e) ==
        APP_OK);
  v = json_object_get(st, "sdv");
  CHECK_INT_EQ(json_integer_value(json_object_get(v, "records")),
               count("SELECT COUNT(*) FROM record WHERE is_deleted = 0"));
  CHECK_INT_EQ(json_integer_value(json_object_get(v, "verified")), verified);
  CHECK_INT_EQ(json_integer_value(json_object_get(v, "stale")), n_stale);
  v = json_array_get(json_object_get(st, "sites"), 0);
  CHECK_STR_EQ(json_string_value(json_object_get(v, "site")), "SA");
  CHECK_INT_EQ(json_integer_value(json_object_get(v, "sdv_verified")),
               verified);
  json_decref(st);
}

static void test_sdv_state(void) {
  int64_t rid = count("SELECT MAX(id) FROM record WHERE kind = 'lab'");
  int64_t ver = count("SELECT version FROM record WHERE id = (SELECT MAX(id) "
                      "FROM record WHERE kind = 'lab')");
  struct err e;
  err_clear(&e);
  CHECK(store_sdv_mark(db, &mon, rid, &e) == APP_OK);
  sdv_check(rid, "mon", 0, 2, 0);
  /* The record changes: the mark stays, stale, and no longer counts. */
  save("lab", rid, ver, json_pack("{s:s,s:s,s:f,s:s}", "date", "2026-03-01",
                                  "test", "ALT", "value", 41.0, "unit",
                                  "U/L"), "typo");
  sdv_check(rid, "mon", 1, 1, 1);
  /* Verified again at the new version. */
  CHECK(store_sdv_mark(db, &mon, rid, &e) == APP_OK);
  sdv_check(rid, "mon", 0, 2, 0);
}

int main(void) {
  char path[512];
  struct err e;
  struct audit_check chk;
  err_clear(&e);
  setenv("HCCSTUDY_FAKE_NOW", "2026-06-01T12:00:00Z", 1);
  if (harness_db_url("wf", path, sizeof(path)) != 0) {
    return 1;
  }
  unlink(path);
  if (db_open(path, &db, &e) != APP_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return 1;
  }
  setup();
  test_edit_checks();
  test_queries();
  test_sign_lock();
  test_cr_then_pr();
  CHECK(audit_verify(db, &chk, &e) == APP_OK);
  CHECK_INT_EQ(chk.first_bad, 0);
  CHECK_INT_EQ(db_open_statements(db), 0);
  db_close(db);
  harness_drop_db(path);
  return harness_report();
}
