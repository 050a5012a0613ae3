/*
** test_contingency.c: Fisher's exact test and the chi-square test against
** R's fisher.test / chisq.test (values from ../shared/docs/
** stats-reference.md section 4.4, bin_ref.out) and closed forms.
*/
#include "harness.h"

#include "stats/contingency.h"

#include <gsl/gsl_sf_erf.h>

/* fisher.test reference values (R run). */
static void test_fisher_r(void) {
  struct fisher_result r;
  struct err e;
  long tea[4] = {3, 1, 1, 3};
  long conv[4] = {2, 15, 10, 3};
  long m[4] = {12, 7, 5, 7};
  err_clear(&e);
  CHECK_INT_EQ(fisher_2x2(tea, 0.95, &r, &e), APP_OK);
  CHECK_NEAR(r.p, 0.485714285714, 1e-11);
  CHECK_NEAR(r.odds_ratio / 6.40830886701, 1, 1e-10);
  CHECK_NEAR(r.lower / 0.211732915306, 1, 1e-10);
  CHECK_NEAR(r.upper / 621.933750545417, 1, 1e-10);
  CHECK_INT_EQ(fisher_2x2(conv, 0.95, &r, &e), APP_OK);
  CHECK_NEAR(r.p / 0.000536724119143, 1, 1e-10);
  CHECK_NEAR(r.odds_ratio / 0.0469366088277, 1, 1e-10);
  CHECK_NEAR(r.lower / 0.00332576403386, 1, 1e-10);
  CHECK_NEAR(r.upper / 0.3631822714749, 1, 1e-10);
  CHECK_INT_EQ(fisher_2x2(m, 0.95, &r, &e), APP_OK);
  CHECK_NEAR(r.p, 0.288308104013, 1e-11);
  CHECK_NEAR(r.odds_ratio / 2.33072373063, 1, 1e-10);
  CHECK_NEAR(r.lower / 0.437047074997, 1, 1e-10);
  CHECK_NEAR(r.upper / 13.590955474950, 1, 1e-10);
}

/* Zero cells: [[0,5],[5,0]] has only two tables as extreme, each with
** probability 1/C(10,5); the MLE is 0 (x at the lower end of the support)
** and the lower limit 0; [[5,0],[0,5]] the mirror with +Inf. */
static void test_fisher_edges(void) {
  struct fisher_result r;
  struct err e;
  long z0[4] = {0, 5, 5, 0};
  long z1[4] = {5, 0, 0, 5};
  long bad[4] = {1, -1, 2, 3};
  long zero[4] = {0, 0, 0, 0};
  err_clear(&e);
  CHECK_INT_EQ(fisher_2x2(z0, 0.95, &r, &e), APP_OK);
  CHECK_NEAR(r.p, 2.0 / 252, 1e-14);
  CHECK(r.odds_ratio == 0);
  CHECK(r.lower == 0);
  CHECK(r.upper > 0 && isfinite(r.upper));
  CHECK_INT_EQ(fisher_2x2(z1, 0.95, &r, &e), APP_OK);
  CHECK(isinf(r.odds_ratio));
  CHECK(isinf(r.upper));
  CHECK(r.lower > 0 && isfinite(r.lower));
  CHECK_INT_EQ(fisher_2x2(bad, 0.95, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "cell b") != NULL);
  err_clear(&e);
  CHECK_INT_EQ(fisher_2x2(zero, 0.95, &r, &e), APP_EINVAL);
}

/* Pearson X^2 closed forms: n (ad - bc)^2 / (r1 r2 c1 c2) without a
** correction; [[3,1],[1,3]] with Yates: 4 * 0.5^2/2 = 0.5, p = erfc(1/2). */
static void test_chisq(void) {
  struct chisq_result r;
  struct err e;
  double t[4] = {20, 10, 5, 15};
  double tea[4] = {3, 1, 1, 3};
  double t3[6] = {12, 5, 7, 7, 3, 4};
  double zr[6] = {0, 0, 0, 7, 3, 4};
  err_clear(&e);
  CHECK_INT_EQ(chisq_test(t, 2, 2, false, &r, &e), APP_OK);
  CHECK_NEAR(r.statistic, 50.0 * (300 - 50) * (300 - 50) /
             (30.0 * 20 * 25 * 25), 1e-13);
  CHECK(!r.yates);
  CHECK_INT_EQ(r.df, 1);
  chisq_result_free(&r);
  CHECK_INT_EQ(chisq_test(t, 2, 2, true, &r, &e), APP_OK);
  CHECK_NEAR(r.statistic, 50.0 * (250 - 25) * (250 - 25) /
             (30.0 * 20 * 25 * 25), 1e-13);
  CHECK(r.yates);
  chisq_result_free(&r);
  CHECK_INT_EQ(chisq_test(tea, 2, 2, true, &r, &e), APP_OK);
  CHECK_NEAR(r.statistic, 0.5, 1e-15);
  CHECK_NEAR(r.p, gsl_sf_erfc(0.5), 1e-14);
  CHECK_INT_EQ(r.n_small, 4);
  CHECK_NEAR(r.min_expected, 2, 1e-15);
  chisq_result_free(&r);
  CHECK_INT_EQ(chisq_test(t3, 2, 3, true, &r, &e), APP_OK);
  CHECK_INT_EQ(r.df, 2);
  CHECK(!r.yates);
  CHECK_NEAR(r.expected[0], 19.0 * 24 / 38, 1e-13);
  CHECK_NEAR(r.expected[5], 14.0 * 11 / 38, 1e-13);
  /* df 2: the upper tail is exp(-x/2) */
  CHECK_NEAR(r.p, exp(-r.statistic / 2), 1e-14);
  chisq_result_free(&r);
  CHECK_INT_EQ(chisq_test(zr, 2, 3, true, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "row 1") != NULL);
  CHECK(r.expected == NULL);
}

/* A root function for the uniroot test. */
static double sq2(double x, void *info) {
  (void)info;
  return x * x - 2;
}

/* R's uniroot tolerance DBL_EPSILON^0.25 bounds the error. */
static void test_uniroot(void) {
  double r = contingency_uniroot(sq2, NULL, 0, 2, -2, 2);
  CHECK_NEAR(r, sqrt(2), 1.3e-4);
  CHECK(contingency_uniroot(sq2, NULL, 0, sqrt(2), -2, 0) == sqrt(2));
}

int main(void) {
  test_fisher_r();
  test_fisher_edges();
  test_chisq();
  test_uniroot();
  return harness_report();
}
