/*
** test_ps.c: propensity-score weights, SMD, ESS and matching
** (src/stats/ps.c) on closed forms: weight formulas at known scores,
** Austin's SMD for a continuous and a binary covariate by hand, Kish's ESS,
** exact mean balance of overlap weights after a logistic fit (Li, Morgan &
** Zaslavsky 2018), and small matching problems solved by hand (greedy
** order, caliper, tie rule); the workflow (src/stats/ps_workflow.c)
** gives the same weights, balance and pairs as the steps run by hand, and
** reports separation (naming a separating covariate) and an empty match.
*/
#include "core/err.h"
#include "core/mem.h"
#include "harness.h"
#include "stats/logistic.h"
#include "stats/ps.h"
#include "stats/ps_workflow.h"

#include <math.h>

static void test_weights(void) {
  double ps[4] = {0.25, 0.8, 0.25, 0.8};
  double t[4] = {1, 1, 0, 0};
  double w[4];
  struct err e = {0};
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_IPTW, PS_ESTIMAND_ATE, 0, w,
                          &e), APP_OK);
  CHECK_NEAR(w[0], 4.0, 1e-15);
  CHECK_NEAR(w[1], 1.25, 1e-15);
  CHECK_NEAR(w[2], 1.0 / 0.75, 1e-15);
  CHECK_NEAR(w[3], 5.0, 1e-12);
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_IPTW, PS_ESTIMAND_ATE, 1, w,
                          &e), APP_OK);
  CHECK_NEAR(w[0], 0.5 * 4.0, 1e-15);
  CHECK_NEAR(w[3], 0.5 * 5.0, 1e-12);
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_IPTW, PS_ESTIMAND_ATT, 0, w,
                          &e), APP_OK);
  CHECK_NEAR(w[0], 1.0, 0);
  CHECK_NEAR(w[2], 1.0 / 3.0, 1e-15);
  CHECK_NEAR(w[3], 4.0, 1e-12);
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_OVERLAP, PS_ESTIMAND_ATE, 0,
                          w, &e), APP_OK);
  CHECK_NEAR(w[0], 0.75, 1e-15);
  CHECK_NEAR(w[1], 0.2, 1e-15);
  CHECK_NEAR(w[2], 0.25, 1e-15);
  CHECK_NEAR(w[3], 0.8, 1e-15);
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_IPTW, PS_ESTIMAND_ATT, 1, w,
                          &e), APP_EINVAL);
  ps[1] = 1.0;
  err_clear(&e);
  CHECK_INT_EQ(ps_weights(4, ps, t, PS_METHOD_IPTW, PS_ESTIMAND_ATE, 0, w,
                          &e), APP_EINVAL);
}

static void test_smd_ess(void) {
  /* Continuous: treated {1,2,3} (mean 2, var 1), control {2,4,6} (mean 4,
  ** var 4): SMD = -2 / sqrt(2.5). */
  double x[6] = {1, 2, 3, 2, 4, 6};
  double t[6] = {1, 1, 1, 0, 0, 0};
  double w[6] = {1, 1, 2, 1, 1, 1};
  /* Binary: treated p = 0.5, control p = 0.25: 0.25 / sqrt((0.25 +
  ** 0.1875) / 2). */
  double b[8] = {1, 1, 0, 0, 1, 0, 0, 0};
  double tb[8] = {1, 1, 1, 1, 0, 0, 0, 0};
  struct ps_smd s;
  ps_smd_compute(6, x, t, NULL, &s);
  CHECK(!s.is_binary);
  CHECK_NEAR(s.smd_before, -2.0 / sqrt(2.5), 1e-15);
  CHECK_NEAR(s.smd_after, s.smd_before, 0);
  ps_smd_compute(6, x, t, w, &s);
  /* Weighted treated mean (1 + 2 + 6) / 4 = 2.25; same denominator. */
  CHECK_NEAR(s.smd_after, (2.25 - 4.0) / sqrt(2.5), 1e-15);
  ps_smd_compute(8, b, tb, NULL, &s);
  CHECK(s.is_binary);
  CHECK_NEAR(s.smd_before, 0.25 / sqrt((0.25 + 0.1875) / 2.0), 1e-15);
  CHECK_NEAR(ps_ess(6, w, t, 1), 16.0 / 6.0, 1e-15);
  CHECK_NEAR(ps_ess(6, w, t, 0), 3.0, 1e-15);
  CHECK_NEAR(ps_sd(3, x), 1.0, 1e-15);
  CHECK(isnan(ps_sd(1, x)));
}

/* Deterministic pseudo-random numbers in [0, 1) (a 64-bit LCG). */
static double lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

static void test_overlap_balance(void) {
  enum { N = 500, P = 3 };
  double *x = xmallocarray(N * P, sizeof(double));
  double *t = xmallocarray(N, sizeof(double));
  double *w = xmallocarray(N, sizeof(double));
  uint64_t seed = 20260101;
  struct logistic_fit fit;
  struct err e = {0};
  int i, j;
  for (i = 0; i < N; i++) {
    double age = 40 + 30 * lcg(&seed);
    double pvtt = lcg(&seed) < 0.3 ? 1.0 : 0.0;
    double size = 2 + 10 * lcg(&seed);
    double lp = -4 + 0.05 * age + 1.2 * pvtt + 0.1 * size;
    x[i] = age;
    x[N + i] = pvtt;
    x[2 * N + i] = size;
    t[i] = lcg(&seed) < 1.0 / (1.0 + exp(-lp)) ? 1.0 : 0.0;
  }
  CHECK_INT_EQ(logistic_fit(N, P, x, t, NULL, NULL, &fit, &e), APP_OK);
  CHECK(fit.converged);
  CHECK_INT_EQ(ps_weights(N, fit.fitted, t, PS_METHOD_OVERLAP,
                          PS_ESTIMAND_ATE, 0, w, &e), APP_OK);
  for (j = 0; j < P; j++) {
    struct ps_smd s;
    ps_smd_compute(N, x + j * N, t, w, &s);
    CHECK(fabs(s.smd_before) > 0.01);
    CHECK(fabs(s.smd_after) < 1e-8);
  }
  logistic_fit_free(&fit);
  xfree(x);
  xfree(t);
  xfree(w);
}

static void test_match(void) {
  /* Treated 5 and 3 (largest first), controls 4.9, 3.2, 0. */
  double d[5] = {5, 3, 4.9, 3.2, 0};
  double t[5] = {1, 1, 0, 0, 0};
  int64_t id[5], pairs;
  struct err e = {0};
  CHECK_INT_EQ(ps_match_nearest(5, d, t, 0.0, id, &pairs, &e), APP_OK);
  CHECK_INT_EQ(pairs, 2);
  CHECK_INT_EQ(id[0], 1);
  CHECK_INT_EQ(id[2], 1);
  CHECK_INT_EQ(id[1], 2);
  CHECK_INT_EQ(id[3], 2);
  CHECK_INT_EQ(id[4], 0);
  /* Caliper 0.15: 5 - 4.9 = 0.1 fits, 3.2 - 3 = 0.2 does not. */
  CHECK_INT_EQ(ps_match_nearest(5, d, t, 0.15, id, &pairs, &e), APP_OK);
  CHECK_INT_EQ(pairs, 1);
  CHECK_INT_EQ(id[1], 0);
  CHECK_INT_EQ(id[3], 0);
  /* Greedy, not optimal: 2.0 takes 1.95 first; 1.9 gets 0. */
  {
    double d2[4] = {1.9, 2.0, 1.95, 0.0};
    double t2[4] = {1, 1, 0, 0};
    int64_t id2[4];
    CHECK_INT_EQ(ps_match_nearest(4, d2, t2, 0.0, id2, &pairs, &e),
                 APP_OK);
    CHECK_INT_EQ(id2[1], id2[2]);
    CHECK_INT_EQ(id2[0], id2[3]);
  }
  /* Equal distance below and above: MatchIt takes the one below. */
  {
    double d3[3] = {3.0, 2.0, 1.0};
    double t3[3] = {0, 1, 0};
    int64_t id3[3];
    CHECK_INT_EQ(ps_match_nearest(3, d3, t3, 0.0, id3, &pairs, &e),
                 APP_OK);
    CHECK_INT_EQ(id3[2], 1);
    CHECK_INT_EQ(id3[0], 0);
  }
}

/* ps_workflow_run = the steps by hand; separation and no pairs reported. */
static void test_workflow(void) {
  enum { N = 300, P = 2 };
  double *x = xmallocarray(N * P, sizeof(double));
  double *t = xmallocarray(N, sizeof(double));
  double *w = xmallocarray(N, sizeof(double));
  int64_t *id = xmallocarray(N, sizeof(int64_t));
  int64_t pairs = 0;
  uint64_t seed = 777;
  struct logistic_fit fit;
  struct ps_workflow pw;
  struct ps_workflow_opts o = {PS_METHOD_IPTW, PS_ESTIMAND_ATT, 0, 0.0};
  struct ps_smd s;
  struct err e = {0};
  int i;
  for (i = 0; i < N; i++) {
    double age = 40 + 30 * lcg(&seed);
    double pvtt = lcg(&seed) < 0.3 ? 1.0 : 0.0;
    double lp = -2.5 + 0.04 * age + 1.0 * pvtt;
    x[i] = age;
    x[N + i] = pvtt;
    t[i] = lcg(&seed) < 1.0 / (1.0 + exp(-lp)) ? 1.0 : 0.0;
  }
  CHECK_INT_EQ(logistic_fit(N, P, x, t, NULL, NULL, &fit, &e), APP_OK);
  CHECK_INT_EQ(ps_weights(N, fit.fitted, t, PS_METHOD_IPTW,
                          PS_ESTIMAND_ATT, 0, w, &e), APP_OK);
  CHECK_INT_EQ(ps_workflow_run(N, P, x, t, &o, &pw, &e), APP_OK);
  CHECK(!pw.is_separated && pw.match_id == NULL);
  CHECK(memcmp(pw.weight, w, N * sizeof(double)) == 0);
  CHECK_INT_EQ(pw.n_treated + pw.n_control, N);
  ps_smd_compute(N, x, t, w, &s);
  CHECK(s.smd_after == pw.balance[0].smd_after);
  CHECK(ps_ess(N, w, t, 1) == pw.ess[1]);
  CHECK(ps_ess(N, w, t, 0) == pw.ess[0]);
  CHECK_NEAR(pw.weight_sum[1], (double)pw.n_treated, 1e-9);
  ps_workflow_free(&pw);
  /* Matching with a caliper: the pairs of ps_match_nearest. */
  o.method = PS_METHOD_MATCH;
  o.caliper = 0.2;
  CHECK_INT_EQ(ps_match_nearest(N, fit.linear, t,
                                0.2 * ps_sd(N, fit.linear), id, &pairs, &e),
               APP_OK);
  CHECK_INT_EQ(ps_workflow_run(N, P, x, t, &o, &pw, &e), APP_OK);
  CHECK(pairs > 0 && pw.n_pairs == pairs);
  CHECK(memcmp(pw.match_id, id, N * sizeof(int64_t)) == 0);
  CHECK_NEAR(pw.weight_sum[0], (double)pairs, 1e-12);
  CHECK_NEAR(pw.caliper_width, 0.2 * pw.sd_logit, 1e-15);
  ps_workflow_free(&pw);
  /* A caliper no pair meets: reported, not refused. */
  o.caliper = 1e-12;
  CHECK_INT_EQ(ps_workflow_run(N, P, x, t, &o, &pw, &e), APP_OK);
  CHECK_INT_EQ(pw.n_pairs, 0);
  CHECK(pw.balance == NULL);
  ps_workflow_free(&pw);
  /* Covariate 1 separates the groups by itself. */
  for (i = 0; i < N; i++) {
    x[N + i] = t[i] + 0.01 * lcg(&seed);
  }
  o.method = PS_METHOD_OVERLAP;
  CHECK_INT_EQ(ps_workflow_run(N, P, x, t, &o, &pw, &e), APP_OK);
  CHECK(pw.is_separated);
  CHECK_INT_EQ(pw.separating_column, 1);
  CHECK(pw.weight == NULL && pw.balance == NULL);
  ps_workflow_free(&pw);
  ps_workflow_free(&pw); /* a zeroed result is fine */
  logistic_fit_free(&fit);
  xfree(x);
  xfree(t);
  xfree(w);
  xfree(id);
}

int main(void) {
  test_weights();
  test_smd_ess();
  test_overlap_balance();
  test_match();
  test_workflow();
  return harness_report();
}
