/*
** test_casebook.c: unit tests for the rules of issue 18 that live in
** src/study/: the visit schedule derived from a patient's records (visits
** matched to survival contacts and assessments by window, follow-up ended
** by death, end of study or withdrawal, survival follow-up after new
** therapy), the dashboard's count of open visits, the edit checks'
** tolerances read from the protocol file, the refusal of future dates
** at save, and enrolment only of eligible patients (or by an
** investigator's override where the protocol allows it).  Every case is one a user met in the browser (issue 18).
*/
#include "harness.h"

#include "core/date.h"
#include "core/jsonx.h"
#include "study/casebook.h"
#include "study/checks.h"
#include "study/forms.h"
#include "study/protocol.h"

#include <string.h>

static struct protocol proto;

static date_t d(const char *s) {
  date_t t = 0;
  CHECK(date_parse(s, &t) == 0);
  return t;
}

/* Records of a patient as the store keeps them, from JSON text. */
static json_t *recs(const char *text) {
  struct err e;
  json_t *r;
  err_clear(&e);
  r = jx_parse(text, strlen(text), "records", &e);
  if (!harness_check(r != NULL, __FILE__, __LINE__, "records parse")) {
    fprintf(stderr, "    %s\n", e.msg);
  }
  return r;
}

/* Start 2025-01-01, baseline scan, SD on day 56 and PD (+40 %) on day 112
** (2025-04-23): survival contacts are then due from 2025-06-18, every 56
** days +/- 7. */
#define PATIENT_PD                                                           \
  "{\"id\":1,\"kind\":\"enrolment\",\"data\":{\"consent_date\":"            \
  "\"2024-12-20\",\"cohort\":\"TACE\",\"treatment_start\":\"2025-01-01\"}}," \
  "{\"id\":2,\"kind\":\"baseline_scan\",\"data\":{\"date\":\"2024-12-26\","  \
  "\"modality\":\"ct\",\"target\":[{\"id\":\"T1\",\"organ\":\"liver\","      \
  "\"viable_mm\":50}],\"nontarget\":[]}},"                                   \
  "{\"id\":3,\"kind\":\"assessment\",\"data\":{\"date\":\"2025-02-26\","     \
  "\"modality\":\"ct\",\"target\":[{\"id\":\"T1\",\"viable_mm\":50}]}},"     \
  "{\"id\":4,\"kind\":\"assessment\",\"data\":{\"date\":\"2025-04-23\","     \
  "\"modality\":\"ct\",\"target\":[{\"id\":\"T1\",\"viable_mm\":70}]}}"

/* The visit of schedule s with this kind and number, or NULL. */
static json_t *visit(json_t *s, const char *kind, int number) {
  size_t i;
  for (i = 0; i < json_array_size(s); i++) {
    json_t *v = json_array_get(s, i);
    if (strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0 &&
        json_integer_value(json_object_get(v, "number")) == number) {
      return v;
    }
  }
  return NULL;
}

static const char *vs(json_t *v, const char *key) {
  const char *s = json_string_value(json_object_get(v, key));
  return s ? s : "(null)";
}

/* The latest target date of a schedule. */
static date_t last_target(json_t *s) {
  date_t last = 0, t;
  size_t i;
  for (i = 0; i < json_array_size(s); i++) {
    t = d(vs(json_array_get(s, i), "target_date"));
    last = t > last ? t : last;
  }
  return last;
}

/* A survival contact on its exact target day is done, with its date; no
** visit is listed after death (demo TJH-0001 listed 16 contacts after its
** death, into 2028). */
static void test_death_ends_visits(void) {
  json_t *r = recs("[" PATIENT_PD ","
                   "{\"id\":5,\"kind\":\"survival_contact\",\"data\":{"
                   "\"date\":\"2025-06-18\",\"status\":\"alive\"}},"
                   "{\"id\":6,\"kind\":\"death\",\"data\":{\"date\":"
                   "\"2025-07-01\",\"cause\":\"disease_progression\"}}]");
  json_t *out = casebook_derive(&proto, r, d("2026-12-04"));
  json_t *s = json_object_get(out, "schedule");
  json_t *v;
  CHECK_STR_EQ(vs(json_object_get(out, "response"), "progression_date"),
               "2025-04-23");
  CHECK(json_is_array(s));
  CHECK_INT_EQ(json_array_size(s), 3); /* 2 assessments, 1 contact */
  v = visit(s, "survival", 1);
  CHECK(v != NULL);
  CHECK_STR_EQ(vs(v, "target_date"), "2025-06-18");
  CHECK_STR_EQ(vs(v, "status"), "done");
  CHECK_STR_EQ(vs(v, "done_date"), "2025-06-18");
  CHECK(visit(s, "survival", 2) == NULL);
  CHECK(last_target(s) <= d("2025-07-01"));
  CHECK_STR_EQ(vs(visit(s, "assessment", 2), "status"), "done");
  json_decref(out);
  json_decref(r);
}

/* Contacts near their target are early or late; an unanswered window that
** has passed is missed (no longer "past"); one open today is due. */
static void test_contacts_by_window(void) {
  json_t *r = recs("[" PATIENT_PD ","
                   "{\"id\":5,\"kind\":\"survival_contact\",\"data\":{"
                   "\"date\":\"2025-06-10\",\"status\":\"alive\"}},"
                   "{\"id\":7,\"kind\":\"survival_contact\",\"data\":{"
                   "\"date\":\"2025-10-20\",\"status\":\"alive\"}}]");
  /* Targets: 06-18, 08-13, 10-08, 12-03 (window 11-26 to 12-10). */
  json_t *out = casebook_derive(&proto, r, d("2025-11-28"));
  json_t *s = json_object_get(out, "schedule");
  CHECK_STR_EQ(vs(visit(s, "survival", 1), "status"), "early");
  CHECK_STR_EQ(vs(visit(s, "survival", 1), "done_date"), "2025-06-10");
  CHECK_STR_EQ(vs(visit(s, "survival", 2), "status"), "missed");
  CHECK(json_is_null(json_object_get(visit(s, "survival", 2), "done_date")));
  CHECK_STR_EQ(vs(visit(s, "survival", 3), "status"), "late");
  CHECK_STR_EQ(vs(visit(s, "survival", 4), "status"), "due");
  CHECK_STR_EQ(vs(visit(s, "survival", 5), "status"), "planned");
  json_decref(out);
  json_decref(r);
}

/* Withdrawal (end of study) ends every visit; new therapy starts the
** survival follow-up ("after progression or new therapy"). */
static void test_end_of_study_and_new_therapy(void) {
  json_t *r = recs("[{\"id\":1,\"kind\":\"enrolment\",\"data\":{"
                   "\"consent_date\":\"2024-12-20\",\"cohort\":\"HAIC\","
                   "\"treatment_start\":\"2025-01-01\"}},"
                   "{\"id\":2,\"kind\":\"end_of_study\",\"data\":{"
                   "\"date\":\"2025-03-15\",\"reason\":\"withdrawal\"}}]");
  json_t *out = casebook_derive(&proto, r, d("2026-12-04"));
  json_t *s = json_object_get(out, "schedule");
  CHECK_INT_EQ(json_array_size(s), 1);
  CHECK_STR_EQ(vs(visit(s, "assessment", 1), "status"), "missed");
  json_decref(out);
  json_decref(r);

  r = recs("[{\"id\":1,\"kind\":\"enrolment\",\"data\":{"
           "\"consent_date\":\"2024-12-20\",\"cohort\":\"HAIC\","
           "\"treatment_start\":\"2025-01-01\"}},"
           "{\"id\":2,\"kind\":\"new_therapy\",\"data\":{\"date\":"
           "\"2025-03-10\",\"type\":\"resection\"}},"
           "{\"id\":3,\"kind\":\"survival_contact\",\"data\":{\"date\":"
           "\"2025-05-05\",\"status\":\"alive\"}}]");
  out = casebook_derive(&proto, r, d("2025-06-01"));
  s = json_object_get(out, "schedule");
  CHECK(visit(s, "assessment", 1) != NULL);
  CHECK(visit(s, "assessment", 2) == NULL); /* 2025-04-23: after therapy */
  CHECK_STR_EQ(vs(visit(s, "survival", 1), "target_date"), "2025-05-05");
  CHECK_STR_EQ(vs(visit(s, "survival", 1), "status"), "done");
  json_decref(out);
  json_decref(r);
}

/* The dashboard counts unanswered visits by their dates as of today, not
** by the statuses stored at the last change, and both kinds. */
static void test_open_visits(void) {
  json_t *r = recs("[{\"id\":1,\"kind\":\"enrolment\",\"data\":{"
                   "\"consent_date\":\"2024-12-20\",\"cohort\":\"TACE\","
                   "\"treatment_start\":\"2025-01-01\"}}]");
  /* Derived on the start day: every visit "planned". */
  json_t *out = casebook_derive(&proto, r, d("2025-01-01"));
  json_t *s = json_object_get(out, "schedule");
  json_int_t over = -1, soon = -1;
  /* Day 105: visit 1 (53-59) overdue, visit 2 (109-115) opens in 4 days. */
  casebook_open_visits(s, d("2025-01-01") + 105, &over, &soon);
  CHECK_INT_EQ(over, 1);
  CHECK_INT_EQ(soon, 1);
  casebook_open_visits(s, d("2025-01-01") + 101, &over, &soon);
  CHECK_INT_EQ(soon, 0); /* opens in 8 days */
  json_decref(out);
  json_decref(r);
  r = recs("[" PATIENT_PD ","
           "{\"id\":6,\"kind\":\"death\",\"data\":{\"date\":"
           "\"2025-07-01\",\"cause\":\"disease_progression\"}}]");
  out = casebook_derive(&proto, r, d("2026-12-04"));
  s = json_object_get(out, "schedule");
  /* Only survival contact 1 (2025-06-18, before the death) is open: the
  ** death answers it (the vital status is known). */
  casebook_open_visits(s, d("2026-12-04"), &over, &soon);
  CHECK_INT_EQ(over, 0);
  CHECK_INT_EQ(soon, 0);
  CHECK_STR_EQ(vs(visit(s, "survival", 1), "done_date"), "2025-07-01");
  casebook_open_visits(json_null(), d("2026-12-04"), &over, &soon);
  CHECK_INT_EQ(over, 0);
  json_decref(out);
  json_decref(r);
}

/* The default protocol with one member of "checks" set (value NULL: the
** member deleted; key NULL: the section deleted).  Returns the parse
** result; *p holds the protocol. */
static int proto_with(const char *key, json_t *value, struct protocol *p,
                      struct err *e) {
  size_t len;
  const char *text = protocol_default_text(&len);
  json_t *root = jx_parse(text, len, "default", e);
  json_t *ck = json_object_get(root, "checks");
  int rc;
  if (key == NULL) {
    json_object_del(root, "checks");
  } else if (value == NULL) {
    json_object_del(ck, key);
  } else {
    json_object_set_new(ck, key, value);
  }
  err_clear(e);
  rc = protocol_from_json(root, p, e);
  json_decref(root);
  return rc;
}

/* Number of findings of a check. */
static int n_findings(const json_t *f, const char *check) {
  size_t i;
  int n = 0;
  for (i = 0; i < json_array_size(f); i++) {
    n += strcmp(vs(json_array_get(f, i), "check"), check) == 0;
  }
  return n;
}

/* The PD-1 interval tolerance is read from the protocol file. */
static void test_pd1_tolerance(void) {
  struct protocol p;
  struct err e;
  json_t *r = recs("[{\"id\":1,\"kind\":\"pd1_dose\",\"data\":{\"date\":"
                   "\"2025-01-01\",\"agent\":\"x\",\"dose_mg\":200}},"
                   "{\"id\":2,\"kind\":\"pd1_dose\",\"data\":{\"date\":"
                   "\"2025-01-26\",\"agent\":\"x\",\"dose_mg\":200}}]");
  json_t *f;
  CHECK_INT_EQ(proto.checks.pd1_interval_tolerance_days, 7);
  CHECK_INT_EQ(proto.checks.future_date_grace_days, 1);
  CHECK_INT_EQ(proto.checks.n_future_warned, 0);
  f = checks_run(&proto, r, json_null(), d("2026-12-04"));
  CHECK_INT_EQ(n_findings(f, "pd1_interval"), 0); /* 25 days: 21 +/- 7 */
  json_decref(f);
  CHECK(proto_with("pd1_interval_tolerance_days", json_integer(3), &p,
                   &e) == APP_OK);
  CHECK_INT_EQ(p.checks.pd1_interval_tolerance_days, 3);
  f = checks_run(&p, r, json_null(), d("2026-12-04"));
  CHECK_INT_EQ(n_findings(f, "pd1_interval"), 1); /* 25 days: 21 +/- 3 */
  CHECK(strstr(vs(json_array_get(f, 0), "text"), "+/- 3") != NULL);
  json_decref(f);
  /* Absent section or member: the defaults (studies created before). */
  CHECK(proto_with(NULL, NULL, &p, &e) == APP_OK);
  CHECK_INT_EQ(p.checks.pd1_interval_tolerance_days, 7);
  CHECK_INT_EQ(p.checks.future_date_grace_days, 1);
  CHECK(proto_with("future_date_grace_days", NULL, &p, &e) == APP_OK);
  CHECK_INT_EQ(p.checks.future_date_grace_days, 1);
  /* Rejected, naming the member. */
  CHECK(proto_with("pd1_interval_tolerance_days", json_integer(21), &p,
                   &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "checks.pd1_interval_tolerance_days") != NULL);
  CHECK(proto_with("pd1_interval_tolerance_days", json_string("7"), &p,
                   &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "checks.pd1_interval_tolerance_days") != NULL);
  CHECK(proto_with("future_date_grace_days", json_integer(-1), &p, &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "checks.future_date_grace_days") != NULL);
  CHECK(proto_with("future_dates_warned", json_pack("[s]", "lab.value"), &p,
                   &e) == APP_EINVAL);
  CHECK(strstr(e.msg, "checks.future_dates_warned[0]") != NULL);
  CHECK(proto_with("future_dates_warned", json_pack("[s]", "nokind.date"),
                   &p, &e) == APP_EINVAL);
  json_decref(r);
}

/* A date after today is refused at save, naming the field; a protocol may
** let a field be warned instead; text is refused where a number is
** required. */
static void test_future_dates(void) {
  struct protocol p;
  struct err e;
  const struct form_spec *scr = form_find("screening");
  const struct form_spec *lab = form_find("lab");
  date_t today = d("2026-12-04");
  json_t *probs = json_array();
  json_t *rec = json_pack("{s:s}", "screening_date", "2027-12-04");
  json_t *p0;
  CHECK_INT_EQ(form_validate(scr, rec, "data", probs), 0);
  CHECK_INT_EQ(form_validate_at(scr, rec, "data", &proto, today, probs), 1);
  p0 = json_array_get(probs, 0);
  CHECK_STR_EQ(vs(p0, "field"), "data.screening_date");
  CHECK(strstr(vs(p0, "message"), "2027-12-04 is after today") != NULL);
  json_array_clear(probs);
  /* Tomorrow (UTC) is within the grace day; the day after is not. */
  json_object_set_new(rec, "screening_date", json_string("2026-12-05"));
  CHECK_INT_EQ(form_validate_at(scr, rec, "data", &proto, today, probs), 0);
  json_object_set_new(rec, "screening_date", json_string("2026-12-06"));
  CHECK_INT_EQ(form_validate_at(scr, rec, "data", &proto, today, probs), 1);
  json_array_clear(probs);
  CHECK(proto_with("future_date_grace_days", json_integer(0), &p, &e) ==
        APP_OK);
  json_object_set_new(rec, "screening_date", json_string("2026-12-05"));
  CHECK_INT_EQ(form_validate_at(scr, rec, "data", &p, today, probs), 1);
  json_array_clear(probs);
  /* Warned instead of refused where the protocol says so. */
  CHECK(proto_with("future_dates_warned",
                   json_pack("[s]", "screening.screening_date"), &p,
                   &e) == APP_OK);
  CHECK(protocol_future_date_warned(&p, "screening", "screening_date"));
  CHECK(!protocol_future_date_warned(&p, "screening", "screening"));
  json_object_set_new(rec, "screening_date", json_string("2027-12-04"));
  CHECK_INT_EQ(form_validate_at(scr, rec, "data", &p, today, probs), 0);
  json_decref(rec);
  /* Text where a number is required, and every problem at once. */
  rec = json_pack("{s:s,s:s,s:s,s:s}", "date", "2027-01-01", "test", "ALT",
                  "value", "4O", "unit", "U/L");
  CHECK_INT_EQ(form_validate_at(lab, rec, "data", &proto, today, probs), 2);
  CHECK_STR_EQ(vs(json_array_get(probs, 0), "field"), "data.value");
  CHECK_STR_EQ(vs(json_array_get(probs, 0), "message"), "expected a number");
  CHECK_STR_EQ(vs(json_array_get(probs, 1), "field"), "data.date");
  json_decref(rec);
  json_decref(probs);
}

/* The default protocol with a member of "enrolment" set. */
static int proto_enrol(const char *key, json_t *value, struct protocol *p,
                       struct err *e) {
  size_t len;
  const char *text = protocol_default_text(&len);
  json_t *root = jx_parse(text, len, "default", e);
  int rc;
  json_object_set_new(json_object_get(root, "enrolment"), key, value);
  err_clear(e);
  rc = protocol_from_json(root, p, e);
  json_decref(root);
  return rc;
}

/* A screening record (age 60 eligible, 80 not) as the records array. */
static json_t *screened(int age) {
  char text[1200];
  snprintf(text, sizeof(text),
           "[{\"id\":1,\"kind\":\"screening\",\"data\":{"
           "\"screening_date\":\"2026-02-01\",\"age\":%d,\"bclc\":\"C\","
           "\"extrahepatic_metastasis\":false,\"treatment_naive\":true,"
           "\"child_pugh\":{\"bilirubin_umol_l\":15,\"albumin_g_l\":40,"
           "\"inr\":1.1,\"ascites\":\"none\",\"encephalopathy\":\"none\"},"
           "\"ecog\":0,\"severe_organ_disease\":false,"
           "\"decompensated_cirrhosis\":false,\"other_malignancy\":false,"
           "\"recurrent_hcc\":false,\"autoimmune_disease\":false,"
           "\"hypersensitivity\":false,\"hiv\":false,"
           "\"active_hepatitis\":false,\"portal_vein_invasion\":\"vp2\","
           "\"hepatic_vein_invasion\":false,\"ivc_invasion\":false}}]",
           age);
  return recs(text);
}

/* Enrolment needs an eligible screening; a protocol may allow an
** investigator's override with a reason, which raises a query. */
static void test_enrolment(void) {
  struct protocol p;
  struct err e;
  json_t *ok = screened(60), *failed = screened(80), *none = json_array();
  json_t *en = json_pack("{s:s,s:s,s:s}", "consent_date", "2026-02-02",
                         "cohort", "TACE", "treatment_start", "2026-02-05");
  json_t *probs = json_array();
  json_t *f, *der;
  err_clear(&e);
  CHECK(!proto.enrolment.override_allowed);
  CHECK_INT_EQ(proto.enrolment.population, POP_ENROLLED_ELIGIBLE);
  CHECK(casebook_enrolment_check(&proto, ok, en, false, "data", probs, &e) ==
        APP_OK);
  CHECK_INT_EQ(json_array_size(probs), 0);
  /* A screen-failed patient's enrolment is refused, saying why. */
  CHECK(casebook_enrolment_check(&proto, failed, en, true, "data", probs,
                                 &e) == APP_EINVAL);
  CHECK_INT_EQ(json_array_size(probs), 1);
  CHECK_STR_EQ(e.field, "data");
  CHECK(strstr(e.msg, "not eligible at screening") != NULL);
  CHECK(strstr(e.msg, "80") != NULL);
  err_clear(&e);
  CHECK(casebook_enrolment_check(&proto, none, en, true, "data", NULL, &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "no screening record") != NULL);
  err_clear(&e);
  /* Even with the override fields, unless the protocol allows it. */
  json_object_set_new(en, "eligibility_override", json_true());
  CHECK(casebook_enrolment_check(&proto, failed, en, true, "data", NULL,
                                 &e) == APP_EINVAL);
  err_clear(&e);
  CHECK(proto_enrol("eligibility_override_allowed", json_true(), &p, &e) ==
        APP_OK);
  CHECK(p.enrolment.override_allowed);
  json_array_clear(probs);
  /* Allowed: needs the reason and a role that may override. */
  CHECK(casebook_enrolment_check(&p, failed, en, false, "data", probs, &e) ==
        APP_EINVAL);
  CHECK_INT_EQ(json_array_size(probs), 2);
  CHECK_STR_EQ(vs(json_array_get(probs, 0), "field"),
               "data.eligibility_override");
  CHECK_STR_EQ(vs(json_array_get(probs, 1), "field"), "data.override_reason");
  err_clear(&e);
  json_object_set_new(en, "override_reason", json_string("  "));
  CHECK(casebook_enrolment_check(&p, failed, en, true, "data", NULL, &e) ==
        APP_EINVAL);
  CHECK_STR_EQ(e.field, "data.override_reason");
  err_clear(&e);
  json_object_set_new(en, "override_reason",
                      json_string("age 80 but fit; PI approved"));
  CHECK(casebook_enrolment_check(&p, failed, en, true, "data", NULL, &e) ==
        APP_OK);
  /* The override raises a query on the enrolment. */
  json_array_append_new(failed, json_pack("{s:i,s:s,s:O}", "id", 2, "kind",
                                          "enrolment", "data", en));
  der = casebook_derive(&p, failed, d("2026-12-04"));
  f = checks_run(&p, failed, der, d("2026-12-04"));
  CHECK_INT_EQ(n_findings(f, "enrolment_eligibility"), 1);
  CHECK(strstr(vs(json_array_get(f, json_array_size(f) - 1), "text"),
               "PI approved") != NULL);
  /* The analysis population: enrolled and eligible by default. */
  CHECK(!casebook_in_population(&p, "enrolled", der));
  CHECK(!casebook_in_population(&p, "screening", der));
  CHECK(proto_enrol("analysis_population", json_string("enrolled"), &p,
                    &e) == APP_OK);
  CHECK(casebook_in_population(&p, "off_study", der));
  CHECK(proto_enrol("analysis_population", json_string("all"), &p, &e) ==
        APP_EINVAL);
  CHECK(strstr(e.msg, "enrolment.analysis_population") != NULL);
  json_decref(f);
  json_decref(der);
  der = casebook_derive(&proto, ok, d("2026-12-04"));
  CHECK(casebook_in_population(&proto, "enrolled", der));
  f = checks_run(&proto, ok, der, d("2026-12-04"));
  CHECK_INT_EQ(n_findings(f, "enrolment_eligibility"), 0);
  json_decref(f);
  json_decref(der);
  json_decref(probs);
  json_decref(en);
  json_decref(ok);
  json_decref(failed);
  json_decref(none);
}

int main(void) {
  struct err e;
  err_clear(&e);
  if (protocol_default(&proto, &e) != APP_OK) {
    fprintf(stderr, "default protocol: %s\n", e.msg);
    return 1;
  }
  test_death_ends_visits();
  test_contacts_by_window();
  test_end_of_study_and_new_therapy();
  test_open_visits();
  test_pd1_tolerance();
  test_future_dates();
  test_enrolment();
  return harness_report();
}
