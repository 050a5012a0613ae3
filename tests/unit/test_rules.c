/*
** test_rules.c: unit tests for the protocol loader, Child-Pugh, ALBI,
** eligibility, dosing and the visit schedule, at every boundary the
** protocol states.  Expected values come from the registry text
** (NCT07340502), Pugh's table and Johnson's ALBI formula.
*/
#include "harness.h"

#include "cli/cli.h"
#include "core/date.h"
#include "core/jsonx.h"
#include "core/mem.h"
#include "study/dose.h"
#include "study/eligibility.h"
#include "study/liver.h"
#include "study/protocol.h"
#include "study/schedule.h"

#include <math.h>
#include <string.h>

static struct protocol proto;

static date_t d(const char *s) {
  date_t t = 0;
  CHECK(date_parse(s, &t) == 0);
  return t;
}

static void test_dates(void) {
  char s[DATE_STR_LEN];
  date_t t;
  CHECK_INT_EQ(d("1970-01-01"), 0);
  CHECK_INT_EQ(d("2026-01-31") + 56, d("2026-03-28"));
  CHECK_INT_EQ(d("2028-03-01") - d("2028-02-28"), 2); /* leap year */
  CHECK_INT_EQ(d("2100-03-01") - d("2100-02-28"), 1); /* not leap */
  CHECK(date_parse("2026-02-29", &t) != 0);
  CHECK(date_parse("2026-13-01", &t) != 0);
  CHECK(date_parse("2026-1-01", &t) != 0);
  CHECK(date_parse("2026-01-01x", &t) != 0);
  date_format(d("2028-12-31"), s);
  CHECK_STR_EQ(s, "2028-12-31");
}

static void test_protocol_default(void) {
  CHECK_STR_EQ(proto.nct_id, "NCT07340502");
  CHECK_STR_EQ(proto.study_id, "CHALLENGE-06");
  CHECK_INT_EQ(proto.target_enrollment, 364);
  CHECK_INT_EQ(proto.study_start, d("2026-01-31"));
  CHECK_INT_EQ(proto.study_completion, d("2028-12-31"));
  CHECK_INT_EQ(proto.n_cohorts, 2);
  CHECK_STR_EQ(proto.cohorts[0].id, "TACE");
  CHECK_STR_EQ(proto.cohorts[1].id, "HAIC");
  CHECK_INT_EQ(proto.visits.assess_interval_days, 56);
  CHECK_INT_EQ(proto.visits.assess_window_days, 3);
  CHECK_INT_EQ(proto.visits.survival_interval_days, 56);
  CHECK_INT_EQ(proto.visits.survival_window_days, 7);
  CHECK_INT_EQ(proto.endpoints.pfs_max_gap_days, 115);
  CHECK(proto.response.confirm);
  CHECK_INT_EQ(proto.response.confirm_min_days, 28);
  CHECK_INT_EQ(proto.response.sd_min_days, 42);
  CHECK(proto.response.pd_abs_min_mm == 0);
  CHECK_INT_EQ(proto.response.max_ne_between, 1);
  CHECK(proto.response.accept_sd_between);
  CHECK(proto.response.nt_reappearance == NT_REAPPEAR_PD);
  CHECK_STR_EQ(nt_reappearance_name(NT_REAPPEAR_PD), "pd");
  CHECK_STR_EQ(nt_reappearance_name(NT_REAPPEAR_NON_CR_NON_PD),
               "non_cr_non_pd");
  CHECK(proto.dosing.len_weight_threshold_kg == 60);
  CHECK(proto.dosing.pd1_mg == 200);
  CHECK_INT_EQ(proto.dosing.pd1_interval_days, 21);
  CHECK_INT_EQ(proto.elig.age_min, 18);
  CHECK_INT_EQ(proto.elig.age_max, 75);
  CHECK_INT_EQ(proto.elig.child_pugh_max, 7);
  CHECK_INT_EQ(proto.elig.ecog_max, 1);
}

/* Change one field of the default protocol and expect rejection naming
** `path`.  `key_path` is a dotted path into the JSON; value replaces it
** (NULL deletes it). */
static void expect_bad_protocol(const char *key_path, json_t *value,
                                const char *msg_part) {
  size_t len;
  const char *text = protocol_default_text(&len);
  struct err e;
  struct protocol p;
  json_t *root = jx_parse(text, len, "default", &e);
  json_t *obj = root;
  char path[128];
  char *dot;
  char *key = path;
  snprintf(path, sizeof(path), "%s", key_path);
  while ((dot = strchr(key, '.')) != NULL) {
    *dot = '\0';
    obj = json_object_get(obj, key);
    key = dot + 1;
  }
  if (value == NULL) {
    json_object_del(obj, key);
  } else {
    json_object_set_new(obj, key, value);
  }
  err_clear(&e);
  CHECK(protocol_from_json(root, &p, &e) == APP_EINVAL);
  if (!harness_check(strstr(e.msg, msg_part) != NULL, __FILE__, __LINE__,
                     msg_part)) {
    fprintf(stderr, "    message was: %s\n", e.msg);
  }
  json_decref(root);
}

/* A protocol stored before the two confirmation options existed still
** loads, with the defaults those studies ran with. */
static void test_protocol_older(void) {
  size_t len;
  const char *text = protocol_default_text(&len);
  struct err e;
  struct protocol p;
  json_t *root;
  json_t *resp;
  err_clear(&e);
  root = jx_parse(text, len, "default", &e);
  resp = json_object_get(root, "response");
  json_object_set_new(resp, "accept_sd_between_confirmations",
                      json_false());
  json_object_set_new(resp, "nontarget_reappearance_after_cr",
                      json_string("non_cr_non_pd"));
  CHECK(protocol_from_json(root, &p, &e) == APP_OK);
  CHECK(!p.response.accept_sd_between);
  CHECK_INT_EQ(p.response.nt_reappearance, NT_REAPPEAR_NON_CR_NON_PD);
  json_object_del(resp, "accept_sd_between_confirmations");
  json_object_del(resp, "nontarget_reappearance_after_cr");
  CHECK(protocol_from_json(root, &p, &e) == APP_OK);
  CHECK(p.response.accept_sd_between);
  CHECK_INT_EQ(p.response.nt_reappearance, NT_REAPPEAR_PD);
  json_decref(root);
}

static void test_protocol_rejects(void) {
  struct err e;
  struct protocol p;
  err_clear(&e);
  CHECK(protocol_parse("{", 1, "x.json", &p, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "x.json") != NULL);
  expect_bad_protocol("target_enrollment", NULL, "target_enrollment");
  expect_bad_protocol("target_enrollment", json_string("364"),
                      "target_enrollment");
  expect_bad_protocol("study_start", json_string("2026-02-30"),
                      "study_start");
  expect_bad_protocol("study_completion", json_string("2025-01-01"),
                      "study_completion");
  expect_bad_protocol("visits.assessment_window_days", json_integer(28),
                      "visits.assessment_window_days");
  expect_bad_protocol("visits.assessment_interval_days", json_integer(0),
                      "visits.assessment_interval_days");
  expect_bad_protocol("endpoints.pfs_max_gap_days", json_integer(120),
                      "endpoints.pfs_max_gap_days");
  expect_bad_protocol("eligibility.age_min_years", json_integer(80),
                      "age_min_years");
  expect_bad_protocol("eligibility.bclc_allowed",
                      json_pack("[s,s]", "A", "E"), "bclc_allowed[1]");
  expect_bad_protocol("eligibility.child_pugh_bands.inr_2_points_to",
                      json_real(1.5), "child_pugh_bands");
  expect_bad_protocol("dosing.lenvatinib.dose_below_threshold_mg",
                      json_integer(6), "reduction_ladders");
  expect_bad_protocol("response.confirm", json_string("yes"),
                      "response.confirm");
  expect_bad_protocol("response.criteria", json_string("RECIST"),
                      "response.criteria");
  expect_bad_protocol("cohorts", json_array(), "cohorts");
  expect_bad_protocol("response.accept_sd_between_confirmations",
                      json_integer(1),
                      "response.accept_sd_between_confirmations");
  expect_bad_protocol("response.nontarget_reappearance_after_cr",
                      json_string("sd"), "\"sd\" is not one of \"pd\", "
                      "\"non_cr_non_pd\"");
  expect_bad_protocol("response.max_ne_between_confirmations",
                      json_integer(11),
                      "response.max_ne_between_confirmations");
}

/* The other value of each confirmation and reappearance option is read. */
static void test_protocol_response_options(void) {
  size_t len;
  const char *text = protocol_default_text(&len);
  struct err e;
  struct protocol p;
  json_t *root = jx_parse(text, len, "default", &e);
  json_t *resp = json_object_get(root, "response");
  json_object_set_new(resp, "accept_sd_between_confirmations",
                      json_false());
  json_object_set_new(resp, "nontarget_reappearance_after_cr",
                      json_string("non_cr_non_pd"));
  json_object_set_new(resp, "max_ne_between_confirmations", json_integer(0));
  err_clear(&e);
  CHECK(protocol_from_json(root, &p, &e) == APP_OK);
  CHECK(!p.response.accept_sd_between);
  CHECK(p.response.nt_reappearance == NT_REAPPEAR_NON_CR_NON_PD);
  CHECK_INT_EQ(p.response.max_ne_between, 0);
  json_decref(root);
}

static void test_child_pugh(void) {
  const struct child_pugh_bands *b = &proto.elig.cp;
  CHECK_INT_EQ(child_pugh_bilirubin_points(b, 33.9), 1);
  CHECK_INT_EQ(child_pugh_bilirubin_points(b, 34), 2);
  CHECK_INT_EQ(child_pugh_bilirubin_points(b, 51), 2);
  CHECK_INT_EQ(child_pugh_bilirubin_points(b, 51.1), 3);
  CHECK_INT_EQ(child_pugh_albumin_points(b, 35.1), 1);
  CHECK_INT_EQ(child_pugh_albumin_points(b, 35), 2);
  CHECK_INT_EQ(child_pugh_albumin_points(b, 28), 2);
  CHECK_INT_EQ(child_pugh_albumin_points(b, 27.9), 3);
  CHECK_INT_EQ(child_pugh_inr_points(b, 1.69), 1);
  CHECK_INT_EQ(child_pugh_inr_points(b, 1.7), 2);
  CHECK_INT_EQ(child_pugh_inr_points(b, 2.3), 2);
  CHECK_INT_EQ(child_pugh_inr_points(b, 2.31), 3);
  CHECK_INT_EQ(child_pugh_class(5), 'A');
  CHECK_INT_EQ(child_pugh_class(6), 'A');
  CHECK_INT_EQ(child_pugh_class(7), 'B');
  CHECK_INT_EQ(child_pugh_class(9), 'B');
  CHECK_INT_EQ(child_pugh_class(10), 'C');
  CHECK_INT_EQ(child_pugh_class(15), 'C');
}

static void test_albi(void) {
  /* Johnson 2015; clinical-rules.md 3.2 worked example: -2.109, grade 2. */
  double a = albi_score(20.52, 35);
  CHECK_NEAR(a, 0.66 * log10(20.52) - 2.975, 1e-12);
  CHECK_NEAR(a, -2.109, 1e-3);
  CHECK_INT_EQ(albi_grade(&proto.elig, a), 2);
  CHECK_INT_EQ(albi_grade(&proto.elig, -2.60), 1);
  CHECK_INT_EQ(albi_grade(&proto.elig, -2.5999), 2);
  CHECK_INT_EQ(albi_grade(&proto.elig, -1.39), 2);
  CHECK_INT_EQ(albi_grade(&proto.elig, -1.3899), 3);
  /* bilirubin 10 umol/L -> 0.66; albumin 40 -> -3.4: ALBI -2.74, grade 1 */
  CHECK_NEAR(albi_score(10, 40), -2.74, 1e-12);
  CHECK_INT_EQ(albi_grade(&proto.elig, albi_score(10, 40)), 1);
}

/* A fully eligible record. */
static json_t *good_record(void) {
  return json_pack(
      "{s:i,s:s,s:b,s:b,s:{s:f,s:f,s:f,s:s,s:s},s:i,s:b,s:b,s:b,s:b,s:b,"
      "s:b,s:b,s:b,s:s,s:b,s:b}",
      "age", 60, "bclc", "B", "extrahepatic_metastasis", 0,
      "treatment_naive", 1, "child_pugh", "bilirubin_umol_l", 15.0,
      "albumin_g_l", 40.0, "inr", 1.1, "ascites", "none", "encephalopathy",
      "none", "ecog", 0, "severe_organ_disease", 0, "decompensated_cirrhosis",
      0, "other_malignancy", 0, "recurrent_hcc", 0, "autoimmune_disease", 0,
      "hypersensitivity", 0, "hiv", 0, "active_hepatitis", 0,
      "portal_vein_invasion", "vp2", "hepatic_vein_invasion", 0,
      "ivc_invasion", 0);
}

/* Run eligibility on rec (consumed) and return the result. */
static struct elig_result run_elig(json_t *rec) {
  struct elig_input in;
  struct elig_result r;
  struct err e;
  err_clear(&e);
  CHECK(eligibility_from_json(rec, &in, &e) == APP_OK);
  json_decref(rec);
  eligibility_check(&proto.elig, &in, &r);
  return r;
}

/* Expect exactly one failed criterion, `crit`, or none when crit is NULL. */
static void expect_elig(json_t *rec, const char *crit) {
  struct elig_result r = run_elig(rec);
  if (crit == NULL) {
    CHECK_INT_EQ(r.eligible, 1);
    CHECK_INT_EQ(r.n_failed, 0);
  } else {
    CHECK_INT_EQ(r.eligible, 0);
    CHECK_INT_EQ(r.n_failed, 1);
    if (r.n_failed == 1) {
      CHECK_STR_EQ(r.failed[0].criterion, crit);
    }
  }
  CHECK_INT_EQ(r.n_missing, 0);
}

static json_t *with(const char *key, json_t *v) {
  json_t *r = good_record();
  json_object_set_new(r, key, v);
  return r;
}

static json_t *with_cp(const char *key, json_t *v) {
  json_t *r = good_record();
  json_object_set_new(json_object_get(r, "child_pugh"), key, v);
  return r;
}

static void test_eligibility(void) {
  struct elig_result r;
  struct elig_input in;
  struct err e;
  json_t *rec;
  static const struct {
    const char *key;
    int bad;
    const char *crit;
  } flags[] = {
    {"extrahepatic_metastasis", 1, "extrahepatic_metastasis"},
    {"treatment_naive", 0, "treatment_naive"},
    {"severe_organ_disease", 1, "severe_organ_disease"},
    {"decompensated_cirrhosis", 1, "decompensated_cirrhosis"},
    {"other_malignancy", 1, "other_malignancy"},
    {"recurrent_hcc", 1, "recurrent_hcc"},
    {"autoimmune_disease", 1, "autoimmune_disease"},
    {"hypersensitivity", 1, "hypersensitivity"},
    {"hiv", 1, "hiv"},
    {"active_hepatitis", 1, "active_hepatitis"},
    {"hepatic_vein_invasion", 1, "tumor_thrombus"},
    {"ivc_invasion", 1, "tumor_thrombus"},
  };
  size_t i;

  expect_elig(good_record(), NULL);
  /* Age 18 to 75 inclusive. */
  expect_elig(with("age", json_integer(17)), "age");
  expect_elig(with("age", json_integer(18)), NULL);
  expect_elig(with("age", json_integer(75)), NULL);
  expect_elig(with("age", json_integer(76)), "age");
  /* BCLC A to C. */
  expect_elig(with("bclc", json_string("0")), "bclc");
  expect_elig(with("bclc", json_string("A")), NULL);
  expect_elig(with("bclc", json_string("C")), NULL);
  expect_elig(with("bclc", json_string("D")), "bclc");
  /* ECOG 0-1. */
  expect_elig(with("ecog", json_integer(1)), NULL);
  expect_elig(with("ecog", json_integer(2)), "ecog");
  /* Portal vein: main trunk (vp4) excluded, branches allowed. */
  expect_elig(with("portal_vein_invasion", json_string("none")), NULL);
  expect_elig(with("portal_vein_invasion", json_string("vp3")), NULL);
  expect_elig(with("portal_vein_invasion", json_string("vp4")),
              "tumor_thrombus");
  for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
    expect_elig(with(flags[i].key, json_boolean(flags[i].bad)),
                flags[i].crit);
    expect_elig(with(flags[i].key, json_boolean(!flags[i].bad)), NULL);
  }
  /* Child-Pugh <= 7: A5 + bilirubin 34 (2) + INR 1.7 (2) = 7 passes, and
  ** one more point (albumin 35 -> 2) makes 8 and fails. */
  rec = with_cp("bilirubin_umol_l", json_real(34));
  json_object_set_new(json_object_get(rec, "child_pugh"), "inr",
                      json_real(1.7));
  r = run_elig(json_deep_copy(rec));
  CHECK_INT_EQ(r.child_pugh_score, 7);
  CHECK_INT_EQ(r.child_pugh_class, 'B');
  CHECK_INT_EQ(r.eligible, 1);
  json_object_set_new(json_object_get(rec, "child_pugh"), "albumin_g_l",
                      json_real(35));
  r = run_elig(rec);
  CHECK_INT_EQ(r.child_pugh_score, 8);
  CHECK_INT_EQ(r.eligible, 0);
  CHECK_STR_EQ(r.n_failed ? r.failed[0].criterion : "", "child_pugh");
  expect_elig(with_cp("ascites", json_string("moderate_severe")), NULL);
  r = run_elig(with_cp("encephalopathy", json_string("grade3_4")));
  CHECK_INT_EQ(r.child_pugh_score, 7);
  /* Missing inputs: eligible null, keys listed; a failure still wins. */
  rec = good_record();
  json_object_del(rec, "hiv");
  json_object_del(json_object_get(rec, "child_pugh"), "inr");
  r = run_elig(rec);
  CHECK_INT_EQ(r.eligible, -1);
  CHECK_INT_EQ(r.n_missing, 2);
  CHECK_STR_EQ(r.missing[0], "child_pugh.inr");
  CHECK_STR_EQ(r.missing[1], "hiv");
  CHECK_INT_EQ(r.child_pugh_score, 0);
  CHECK(!isnan(r.albi)); /* ALBI needs only bilirubin and albumin */
  rec = good_record();
  json_object_set(rec, "hiv", json_null());
  json_object_set_new(rec, "age", json_integer(80));
  r = run_elig(rec);
  CHECK_INT_EQ(r.eligible, 0);
  CHECK_INT_EQ(r.n_missing, 1);
  /* Known Child-Pugh components already above 7 fail despite a gap. */
  rec = good_record();
  json_object_set_new(json_object_get(rec, "child_pugh"), "bilirubin_umol_l",
                      json_real(60));
  json_object_set_new(json_object_get(rec, "child_pugh"), "albumin_g_l",
                      json_real(25));
  json_object_del(json_object_get(rec, "child_pugh"), "inr");
  r = run_elig(rec);
  CHECK_INT_EQ(r.eligible, 0); /* 3 + 3 + 1 + 1 + (>=1) = 9 */
  rec = good_record();
  json_object_del(rec, "child_pugh");
  r = run_elig(rec);
  CHECK_INT_EQ(r.eligible, -1);
  CHECK_STR_EQ(r.n_missing ? r.missing[0] : "", "child_pugh");
  /* Empty record: nothing fails, everything missing. */
  r = run_elig(json_object());
  CHECK_INT_EQ(r.eligible, -1);
  CHECK_INT_EQ(r.n_missing, 17);
  /* Bad types and values are errors naming the field. */
  err_clear(&e);
  rec = with("ecog", json_integer(6));
  CHECK(eligibility_from_json(rec, &in, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "ecog") != NULL);
  json_decref(rec);
  err_clear(&e);
  rec = with_cp("ascites", json_string("severe"));
  CHECK(eligibility_from_json(rec, &in, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "child_pugh.ascites") != NULL);
  json_decref(rec);
  err_clear(&e);
  rec = with("hiv", json_string("no"));
  CHECK(eligibility_from_json(rec, &in, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "hiv") != NULL);
  json_decref(rec);
  err_clear(&e);
  rec = with_cp("bilirubin_umol_l", json_integer(0));
  CHECK(eligibility_from_json(rec, &in, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "child_pugh.bilirubin_umol_l") != NULL);
  json_decref(rec);
}

static void expect_dose(double w, int red, double mg, enum dose_schedule s) {
  struct dose_result r;
  struct err e;
  err_clear(&e);
  CHECK(dose_compute(&proto.dosing, w, red, &r, &e) == APP_OK);
  CHECK_NEAR(r.lenvatinib_mg, mg, 0);
  CHECK_INT_EQ(r.lenvatinib_schedule, s);
  CHECK_NEAR(r.pd1_mg, 200, 0);
  CHECK_INT_EQ(r.pd1_interval_days, 21);
}

static void test_dose(void) {
  struct dose_result r;
  struct err e;
  expect_dose(60, 0, 12, DOSE_DAILY);
  expect_dose(59.99, 0, 8, DOSE_DAILY);
  expect_dose(60, 1, 8, DOSE_DAILY);
  expect_dose(60, 2, 4, DOSE_DAILY);
  expect_dose(60, 3, 4, DOSE_EVERY_OTHER_DAY);
  expect_dose(60, 4, 0, DOSE_DISCONTINUED);
  expect_dose(45, 1, 4, DOSE_DAILY);
  expect_dose(45, 2, 4, DOSE_EVERY_OTHER_DAY);
  expect_dose(45, 3, 0, DOSE_DISCONTINUED);
  expect_dose(45, 20, 0, DOSE_DISCONTINUED);
  err_clear(&e);
  CHECK(dose_compute(&proto.dosing, 0, 0, &r, &e) == APP_EINVAL);
  err_clear(&e);
  CHECK(dose_compute(&proto.dosing, 60, -1, &r, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "--reduction") != NULL);
}

static void test_schedule(void) {
  struct visit *v = NULL;
  size_t n = 0;
  struct err e;
  date_t start = d("2026-02-01");
  err_clear(&e);
  /* Until exactly the 3rd due date: 3 assessments. */
  CHECK(schedule_build(&proto.visits, start, false, 0, start + 168, &v, &n,
                       &e) == APP_OK);
  CHECK_INT_EQ(n, 3);
  CHECK_INT_EQ(v[0].target, start + 56);
  CHECK_INT_EQ(v[0].window_start, start + 53);
  CHECK_INT_EQ(v[0].window_end, start + 59);
  CHECK_INT_EQ(v[2].number, 3);
  CHECK(schedule_in_window(&v[0], start + 53));
  CHECK(!schedule_in_window(&v[0], start + 52));
  CHECK(schedule_in_window(&v[0], start + 59));
  CHECK(!schedule_in_window(&v[0], start + 60));
  xfree(v);
  CHECK(schedule_build(&proto.visits, start, false, 0, start + 167, &v, &n,
                       &e) == APP_OK);
  CHECK_INT_EQ(n, 2);
  xfree(v);
  /* Progression on day 112: assessments 1-2 (day 112 itself is listed),
  ** then survival contacts at 112 + 56k with +/- 7. */
  CHECK(schedule_build(&proto.visits, start, true, start + 112, start + 300,
                       &v, &n, &e) == APP_OK);
  CHECK_INT_EQ(n, 5);
  CHECK_INT_EQ(v[1].kind, VISIT_ASSESSMENT);
  CHECK_INT_EQ(v[1].target, start + 112);
  CHECK_INT_EQ(v[2].kind, VISIT_SURVIVAL);
  CHECK_INT_EQ(v[2].number, 1);
  CHECK_INT_EQ(v[2].target, start + 168);
  CHECK_INT_EQ(v[2].window_start, start + 161);
  CHECK_INT_EQ(v[2].window_end, start + 175);
  CHECK_INT_EQ(v[4].target, start + 280);
  xfree(v);
  /* Progression on day 111: the day-112 assessment is not listed. */
  CHECK(schedule_build(&proto.visits, start, true, start + 111, start + 111,
                       &v, &n, &e) == APP_OK);
  CHECK_INT_EQ(n, 1);
  xfree(v);
  CHECK(schedule_build(&proto.visits, start, false, 0, start - 1, &v, &n,
                       &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "--until") != NULL);
  err_clear(&e);
  CHECK(schedule_build(&proto.visits, start, true, start - 1, start + 10, &v,
                       &n, &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "--progression") != NULL);
}

static void test_command_table(void) {
  int i;
  bool amb;
  for (i = 1; i < cli_n_commands; i++) {
    CHECK(strcmp(cli_commands[i - 1].name, cli_commands[i].name) < 0);
  }
  for (i = 0; i < cli_n_commands; i++) {
    CHECK(cli_commands[i].help != NULL && cli_commands[i].help[0] != '\0');
  }
  CHECK(cli_find("elig", &amb) != NULL);
  CHECK(cli_find("s", &amb) == NULL && amb); /* schedule, stats */
  CHECK(cli_find("nope", &amb) == NULL && !amb);
}

static void test_json_writer(void) {
  char s[32];
  struct buf b;
  json_t *v = json_pack("{s:f,s:f,s:i,s:s}", "a", 2.1, "b", 0.1 + 0.2, "c",
                        3, "d", "q\"\n");
  jx_fmt_double(2.1, s);
  CHECK_STR_EQ(s, "2.1");
  jx_fmt_double(12, s);
  CHECK_STR_EQ(s, "12");
  buf_init(&b, 0);
  jx_dump(v, &b, false);
  CHECK_STR_EQ(buf_str(&b),
               "{\"a\":2.1,\"b\":0.30000000000000004,\"c\":3,"
               "\"d\":\"q\\\"\\n\"}");
  buf_reset(&b);
  json_decref(v);
}

int main(void) {
  struct err e;
  err_clear(&e);
  if (protocol_default(&proto, &e) != APP_OK) {
    fprintf(stderr, "default protocol: %s\n", e.msg);
    return 1;
  }
  test_dates();
  test_protocol_default();
  test_protocol_rejects();
  test_protocol_older();
  test_protocol_response_options();
  test_child_pugh();
  test_albi();
  test_eligibility();
  test_dose();
  test_schedule();
  test_command_table();
  test_json_writer();
  return harness_report();
}
