/*
** test_sim.c: unit tests of the virtual cohort simulator (src/sim/).
**
** Reference values: the xoshiro256** outputs for the state {1, 2, 3, 4}
** are the published test vector of the reference implementation (as used
** by rand_xoshiro's tests); moments of the uniform, normal and exponential
** draws are checked against their closed forms within 5 standard errors;
** the fast two-group log-rank must equal stats/logrank.c; every casebook
** record must pass the study's own form validation; every simulated
** patient must pass the study's eligibility rules; and under the exact null
** (hr 1) the counterfactual marginal hazard ratio must be 1 within 3 SE;
** a power run (sim/power.c) gives the same summary, bit for bit, on 1 and 4
** threads, and under the null its log-rank rejects at alpha within 4 MC SE.
*/
#include "harness.h"

#include "core/mem.h"
#include "sim/params.h"
#include "sim/patient.h"
#include "sim/power.h"
#include "sim/rng.h"
#include "sim/study.h"
#include "sim/trial.h"
#include "stats/logrank.h"
#include "study/eligibility.h"
#include "study/forms.h"
#include "study/protocol.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* xoshiro256** test vector: state {1,2,3,4}. */
static void test_rng_vector(void) {
  static const uint64_t expect[10] = {
    11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
    1216172134540287360ULL, 607988272756665600ULL,
    16172922978634559625ULL, 8476171486693032832ULL,
    10595114339597558777ULL, 2904607092377533576ULL};
  struct sim_rng r;
  int i;
  memset(&r, 0, sizeof(r));
  r.s[0] = 1;
  r.s[1] = 2;
  r.s[2] = 3;
  r.s[3] = 4;
  for (i = 0; i < 10; i++) {
    CHECK(rng_next(&r) == expect[i]);
  }
}

/* Streams: reproducible, distinct, and moments match closed forms. */
static void test_rng_streams_and_moments(void) {
  struct sim_rng a;
  struct sim_rng b;
  int i;
  int same = 0;
  const int n = 400000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, se = 0, sp = 0;
  int outside = 0;
  rng_seed(&a, 42, 7);
  rng_seed(&b, 42, 7);
  for (i = 0; i < 100; i++) {
    same += rng_next(&a) == rng_next(&b);
  }
  CHECK_INT_EQ(same, 100);
  rng_seed(&a, 42, 7);
  rng_seed(&b, 42, 8);
  same = 0;
  for (i = 0; i < 100; i++) {
    same += rng_next(&a) == rng_next(&b);
  }
  CHECK_INT_EQ(same, 0);
  rng_seed(&a, 1, 0);
  for (i = 0; i < n; i++) {
    double u = rng_unif(&a);
    double z = rng_norm(&a);
    outside += !(u > 0 && u < 1);
    su += u;
    su2 += u * u;
    sn += z;
    sn2 += z * z;
    se += rng_exp(&a, 2.0);
    sp += rng_pois(&a, 1.5);
  }
  CHECK_INT_EQ(outside, 0);
  /* Uniform mean 1/2 (SD 1/sqrt(12)), E U^2 = 1/3 (SD ~0.298). */
  CHECK(fabs(su / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
  CHECK(fabs(su2 / n - 1.0 / 3) < 5 * 0.2981 / sqrt(n));
  /* Normal mean 0 (SD 1), variance 1 (SD of z^2 is sqrt 2). */
  CHECK(fabs(sn / n) < 5 / sqrt(n));
  CHECK(fabs(sn2 / n - 1) < 5 * sqrt(2.0) / sqrt(n));
  /* Exponential rate 2: mean 1/2, SD 1/2.  Poisson 1.5: mean = var. */
  CHECK(fabs(se / n - 0.5) < 5 * 0.5 / sqrt(n));
  CHECK(fabs(sp / n - 1.5) < 5 * sqrt(1.5 / n));
}

/* The fast log-rank equals logrank_test (with ties and both orders). */
static void test_logrank2(void) {
  enum { N = 300 };
  struct sim_lr_row rows[N];
  double t[N];
  int st[N];
  int32_t g[N];
  struct sim_rng r;
  struct logrank_result lr;
  struct err e;
  int rep;
  for (rep = 0; rep < 6; rep++) {
    int i;
    double z_ref;
    double z;
    rng_seed(&r, 99, (uint64_t)rep);
    for (i = 0; i < N; i++) {
      /* Whole-number times give many ties (reps 0-2, the quicksort path);
      ** continuous times use the bucket path (reps 3-5). */
      t[i] = rep < 3 ? 1 + floor(rng_exp(&r, 0.1)) : rng_exp(&r, 0.1);
      st[i] = rng_bern(&r, 0.7);
      g[i] = rng_bern(&r, 0.5);
      rows[i].t = t[i];
      rows[i].st = st[i];
      rows[i].g = g[i];
    }
    err_clear(&e);
    CHECK_INT_EQ(logrank_test(t, st, g, 2, NULL, 0, N, 0.0, &lr, &e),
                 APP_OK);
    z_ref = (lr.observed[1] - lr.expected[1]) / sqrt(lr.var[3]);
    z = sim_logrank2_z(rows, N);
    CHECK_NEAR(z, z_ref, 1e-12);
    CHECK_NEAR(z * z, lr.chisq, 1e-10);
    logrank_free(&lr);
  }
}

/* The sim file: the default parses; errors name the key. */
static void test_params(void) {
  struct sim_config c;
  struct err e;
  size_t len;
  const char *text = sim_default_text(&len);
  json_t *root;
  json_t *p;
  err_clear(&e);
  CHECK_INT_EQ(sim_config_default(&c, &e), APP_OK);
  CHECK(c.n_targets >= 10);
  CHECK_NEAR(c.p.accrual_months, 24, 0);
  root = json_loadb(text, len, 0, NULL);
  CHECK(root != NULL);
  p = json_object_get(json_object_get(root, "parameters"), "age_mean");
  json_object_set_new(p, "source", json_string(""));
  err_clear(&e);
  CHECK_INT_EQ(sim_config_from_json(root, &c, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "parameters.age_mean.source") != NULL);
  json_object_set_new(p, "source", json_string("x"));
  json_object_set_new(p, "value", json_real(200));
  err_clear(&e);
  CHECK_INT_EQ(sim_config_from_json(root, &c, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "parameters.age_mean.value") != NULL);
  json_object_set_new(p, "value", json_real(57));
  json_object_set_new(json_object_get(root, "parameters"), "agemean",
                      json_pack("{s:f,s:s}", "value", 1.0, "source", "x"));
  err_clear(&e);
  CHECK_INT_EQ(sim_config_from_json(root, &c, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "agemean") != NULL);
  json_decref(root);
}

/* Patients obey the protocol and the endpoint rules' invariants. */
static void test_patients(const struct protocol *pr,
                          const struct sim_config *cfg) {
  struct sim_study s;
  struct sim_study_opts o;
  struct err e;
  int i;
  int bad_elig = 0;
  int bad_order = 0;
  int bad_val = 0;
  memset(&o, 0, sizeof(o));
  o.n = 2000;
  o.seed = 5;
  o.force_cohort = -1;
  o.followup_months = -1;
  o.for_casebook = true;
  err_clear(&e);
  CHECK_INT_EQ(sim_study_draw(cfg, pr, &o, &s, &e), APP_OK);
  for (i = 0; i < s.n; i++) {
    const struct sim_patient *p = &s.patients[i];
    struct elig_input in;
    struct elig_result res;
    int k;
    memset(&in, 0, sizeof(in));
    in.age = p->b.age;
    in.bclc = p->b.bclc;
    in.ecog = p->b.ecog;
    in.portal_vein = p->b.pvi;
    for (k = 0; k < EF_COUNT; k++) {
      in.flags[k] = TRI_NO;
    }
    in.flags[EF_TREATMENT_NAIVE] = TRI_YES;
    in.bilirubin_umol_l = p->b.bilirubin;
    in.albumin_g_l = p->b.albumin;
    in.inr = p->b.inr;
    in.ascites = p->b.ascites;
    in.has_child_pugh = true;
    eligibility_check(&pr->elig, &in, &res);
    bad_elig += res.eligible != 1;
    bad_order += p->res.pfs.days > p->res.os.days;
    bad_order += p->enrol_day + p->res.os.days > s.cutoff_day;
    bad_order += p->res.os.is_event != p->died;
    err_clear(&e);
    bad_val += mrecist_validate(&p->ep.mr, &e) != APP_OK;
  }
  CHECK_INT_EQ(bad_elig, 0);
  CHECK_INT_EQ(bad_order, 0);
  CHECK_INT_EQ(bad_val, 0);
  sim_study_free(&s);
}

/* Every casebook record passes its form. */
static void test_casebooks(const struct protocol *pr,
                           const struct sim_config *cfg) {
  struct sim_study s;
  struct sim_study_opts o;
  struct err e;
  json_t *doc;
  json_t *problems = json_array();
  json_t *pats;
  size_t i;
  size_t k;
  int unknown = 0;
  int n_rec = 0;
  memset(&o, 0, sizeof(o));
  o.n = 200;
  o.seed = 11;
  o.force_cohort = -1;
  o.followup_months = -1;
  o.for_casebook = true;
  err_clear(&e);
  CHECK_INT_EQ(sim_study_draw(cfg, pr, &o, &s, &e), APP_OK);
  doc = sim_study_casebooks(&s, pr, pr->study_start);
  pats = json_object_get(doc, "patients");
  CHECK_INT_EQ(json_array_size(pats), 200);
  for (i = 0; i < json_array_size(pats); i++) {
    json_t *recs = json_object_get(json_array_get(pats, i), "records");
    for (k = 0; k < json_array_size(recs); k++) {
      json_t *r = json_array_get(recs, k);
      const struct form_spec *f =
          form_find(json_string_value(json_object_get(r, "kind")));
      n_rec++;
      if (f == NULL) {
        unknown++;
        continue;
      }
      form_validate(f, json_object_get(r, "data"), "data", problems);
    }
  }
  CHECK(n_rec > 200 * 10);
  CHECK_INT_EQ(unknown, 0);
  CHECK_INT_EQ(json_array_size(problems), 0);
  if (json_array_size(problems) > 0) {
    char *t = json_dumps(json_array_get(problems, 0), 0);
    fprintf(stderr, "    first problem: %s\n", t);
    free(t);
  }
  json_decref(problems);
  json_decref(doc);
  sim_study_free(&s);
}

/* Same seed, same study; trials are pure functions of (seed, index). */
static void test_determinism(const struct protocol *pr,
                             const struct sim_config *cfg) {
  struct sim_design d;
  struct sim_trial_result a;
  struct sim_trial_result b;
  struct err e;
  memset(&d, 0, sizeof(d));
  d.model = SIM_MODEL_LESION;
  d.n = 364;
  d.hr = -1;
  d.alpha = 0.05;
  d.followup_months = -1;
  err_clear(&e);
  CHECK_INT_EQ(sim_trial_run(cfg, pr, &d, 3, 17, &a, &e), APP_OK);
  CHECK_INT_EQ(sim_trial_run(cfg, pr, &d, 3, 16, &b, &e), APP_OK);
  CHECK_INT_EQ(sim_trial_run(cfg, pr, &d, 3, 17, &b, &e), APP_OK);
  CHECK(memcmp(&a, &b, sizeof(a)) == 0);
  CHECK(a.ok && a.iptw_ok && a.match_ok);
  CHECK(a.events > 100 && a.events <= 364);
}

/* Exact null: the counterfactual marginal HR is 1 within 3 SE. */
static void test_null(const struct protocol *pr,
                      const struct sim_config *cfg) {
  struct sim_design d;
  struct err e;
  double b = NAN;
  double se = NAN;
  memset(&d, 0, sizeof(d));
  d.hr = 1.0;
  d.followup_months = -1;
  err_clear(&e);
  CHECK_INT_EQ(sim_true_log_hr(cfg, pr, &d, 8, 6000, &b, &se, &e), APP_OK);
  CHECK(fabs(b) < 3 * se);
  /* And the default model has a real effect (HR < 1). */
  d.hr = -1;
  CHECK_INT_EQ(sim_true_log_hr(cfg, pr, &d, 8, 6000, &b, &se, &e), APP_OK);
  CHECK(b + 3 * se < 0);
}

/* Progress callback of test_power: records the last call. */
static void power_seen(void *arg, int64_t done, int64_t trials) {
  int64_t *last = arg;
  last[0] = done;
  last[1] = trials;
}

/* sim_power_run: threads do not change the summary; bad counts refused. */
static void test_power(const struct protocol *pr,
                       const struct sim_config *cfg) {
  struct sim_power_opts o;
  struct sim_power_result a;
  struct sim_power_result b;
  struct err e;
  int64_t last[2] = {0, 0};
  memset(&o, 0, sizeof(o));
  o.d.model = SIM_MODEL_EXPONENTIAL;
  o.d.n = 200;
  o.d.hr = 1;
  o.d.alpha = 0.05;
  o.d.median_control = 6;
  o.d.accrual_time = 12;
  o.d.events = 120;
  o.d.dropout_time = 12;
  o.seed = 5;
  o.trials = 2000;
  o.threads = 1;
  err_clear(&e);
  CHECK_INT_EQ(sim_power_run(cfg, pr, &o, &a, &e), APP_OK);
  o.threads = 4;
  o.progress = power_seen;
  o.progress_arg = last;
  CHECK_INT_EQ(sim_power_run(cfg, pr, &o, &b, &e), APP_OK);
  CHECK_INT_EQ(a.threads, 1);
  CHECK(b.threads >= 1 && b.threads <= 4);
  b.threads = a.threads;
  CHECK(memcmp(&a, &b, sizeof(a)) == 0);
  CHECK_INT_EQ(last[0], 2000);
  CHECK_INT_EQ(last[1], 2000);
  CHECK(a.is_null && !a.is_lesion);
  CHECK_NEAR(a.true_hr, 1.0, 1e-12);
  CHECK(fabs(a.power_logrank - 0.05) < 4 * a.mc_se_logrank);
  CHECK(isnan(a.power_iptw) && isnan(a.power_matched));
  CHECK(a.events_mean > 100 && a.events_mean <= 120);
  o.trials = 0;
  CHECK_INT_EQ(sim_power_run(cfg, pr, &o, &a, &e), APP_EINVAL);
  err_clear(&e);
  o.trials = 10;
  o.threads = SIM_POWER_MAX_THREADS + 1;
  CHECK_INT_EQ(sim_power_run(cfg, pr, &o, &a, &e), APP_EINVAL);
}

int main(void) {
  struct protocol pr;
  struct sim_config cfg;
  struct err e;
  err_clear(&e);
  test_rng_vector();
  test_rng_streams_and_moments();
  test_logrank2();
  test_params();
  CHECK_INT_EQ(protocol_default(&pr, &e), APP_OK);
  CHECK_INT_EQ(sim_config_default(&cfg, &e), APP_OK);
  test_patients(&pr, &cfg);
  test_casebooks(&pr, &cfg);
  test_determinism(&pr, &cfg);
  test_null(&pr, &cfg);
  test_power(&pr, &cfg);
  return harness_report();
}
