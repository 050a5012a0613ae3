/*
** test_logrank.c: the G-rho test (src/stats/logrank.c) on a hand-computed
** two-group case, strata (doubling the data in a second stratum doubles
** O, E, V and chi-square), a group with expected count 0 (left out, as R),
** rho weights from the pooled left-continuous KM, and bad input.
*/
#include "stats/logrank.h"
#include "harness.h"

#include <gsl/gsl_cdf.h>

/* A: 1 (death), 3 (censored); B: 2 (death), 4 (death).
** t=1: n 4, nA 2, d 1 in A: E_A 1/2, V_AA 1/2 - 1/2 * 2/4 = 1/4.
** t=2: n 3, nA 1, d 1 in B: E_A 1/3, V_AA (1/3)(1 - 1/3) = 2/9.
** t=4: n 1: E_A 0, no variance.  O_A 1, E_A 5/6, V 17/36, chisq 1/17. */
static const double T[] = {1, 3, 2, 4};
static const int D[] = {1, 0, 1, 1};
static const int32_t G[] = {0, 0, 1, 1};

static void test_hand(void) {
  struct logrank_result r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(logrank_test(T, D, G, 2, NULL, 0, 4, 0, &r, &e), APP_OK);
  CHECK_NEAR(r.observed[0], 1, 1e-15);
  CHECK_NEAR(r.observed[1], 2, 1e-15);
  CHECK_NEAR(r.expected[0], 5.0 / 6, 1e-15);
  CHECK_NEAR(r.expected[1], 13.0 / 6, 1e-15);
  CHECK_NEAR(r.var[0], 17.0 / 36, 1e-15);
  CHECK_NEAR(r.var[1], -17.0 / 36, 1e-15);
  CHECK_NEAR(r.chisq, 1.0 / 17, 1e-14);
  CHECK_INT_EQ(r.df, 1);
  CHECK_NEAR(r.p, gsl_cdf_chisq_Q(1.0 / 17, 1), 1e-14);
  CHECK(r.n[0] == 2 && r.n[1] == 2);
  logrank_free(&r);
}

static void test_strata_and_empty_group(void) {
  double t2[8];
  int d2[8];
  int32_t g2[8];
  int32_t s2[8];
  double t3[5];
  int d3[5];
  int32_t g3[5];
  struct logrank_result r;
  struct err e;
  int i;
  err_clear(&e);
  for (i = 0; i < 8; i++) {
    t2[i] = T[i % 4];
    d2[i] = D[i % 4];
    g2[i] = G[i % 4];
    s2[i] = i / 4;
  }
  CHECK_INT_EQ(logrank_test(t2, d2, g2, 2, s2, 2, 8, 0, &r, &e), APP_OK);
  CHECK_NEAR(r.expected[0], 10.0 / 6, 1e-15);
  CHECK_NEAR(r.chisq, 2.0 / 17, 1e-14);
  logrank_free(&r);
  /* Group 2 only has a censoring at 0.5, before any death: E = 0, so it is
  ** left out and the test equals the two-group one. */
  for (i = 0; i < 4; i++) {
    t3[i] = T[i];
    d3[i] = D[i];
    g3[i] = G[i];
  }
  t3[4] = 0.5;
  d3[4] = 0;
  g3[4] = 2;
  CHECK_INT_EQ(logrank_test(t3, d3, g3, 3, NULL, 0, 5, 0, &r, &e), APP_OK);
  CHECK_INT_EQ(r.df, 1);
  CHECK(r.expected[2] == 0);
  CHECK_NEAR(r.chisq, 1.0 / 17, 1e-14);
  logrank_free(&r);
}

static void test_rho(void) {
  /* rho = 1: weights S(t-) of the pooled KM: 1 at t=1, 3/4 at t=2, and
  ** 1/2 at t=4 (t=3 is a censoring: no drop).  O_A = 1, E_A = 1/2 + 3/4 * 1/3,
  ** V_AA = 1/4 + (3/4)^2 * 2/9. */
  struct logrank_result r;
  struct err e;
  double ea = 0.5 + 0.75 / 3;
  double v = 0.25 + 0.5625 * 2.0 / 9;
  err_clear(&e);
  CHECK_INT_EQ(logrank_test(T, D, G, 2, NULL, 0, 4, 1, &r, &e), APP_OK);
  CHECK_NEAR(r.observed[0], 1, 1e-15);
  CHECK_NEAR(r.observed[1], 0.75 + 0.5, 1e-15);
  CHECK_NEAR(r.expected[0], ea, 1e-15);
  CHECK_NEAR(r.chisq, (1 - ea) * (1 - ea) / v, 1e-14);
  logrank_free(&r);
}

static void test_bad(void) {
  struct logrank_result r;
  struct err e;
  static const int32_t g0[] = {0, 0, 0, 0};
  err_clear(&e);
  CHECK_INT_EQ(logrank_test(T, D, g0, 1, NULL, 0, 4, 0, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "only 1 level") != NULL);
}

int main(void) {
  test_hand();
  test_strata_and_empty_group();
  test_rho();
  test_bad();
  return harness_report();
}
