/*
** test_logistic.c: logistic regression (src/stats/logistic.c) on cases with
** closed forms: a 2x2 table (intercept = log odds of the reference group,
** slope = log odds ratio, SE = sqrt(1/a + 1/b + 1/c + 1/d), deviance from
** the group proportions), the intercept-only model, integer case weights
** equal to replicated rows, an aliased column (NA, the rest unchanged),
** complete separation flagged as glm does, and bad input rejected.
*/
#include "core/err.h"
#include "core/mem.h"
#include "harness.h"
#include "stats/logistic.h"

#include <math.h>

/* Binary deviance of k events in m rows fitted with probability p. */
static double dev_group(double k, double m, double p) {
  return -2.0 * (k * log(p) + (m - k) * log(1.0 - p));
}

/* Build the 2x2 data: x=0 has k0 events of m0, x=1 has k1 of m1. */
static int64_t make_2x2(int k0, int m0, int k1, int m1, double *x,
                        double *y) {
  int64_t n = 0;
  int i;
  for (i = 0; i < m0; i++) {
    x[n] = 0.0;
    y[n++] = i < k0 ? 1.0 : 0.0;
  }
  for (i = 0; i < m1; i++) {
    x[n] = 1.0;
    y[n++] = i < k1 ? 1.0 : 0.0;
  }
  return n;
}

/* Control that iterates to full convergence. */
static const struct logistic_control tight = {1e-15, 100};

static void test_2x2(void) {
  double x[140], y[140], x2[280];
  struct logistic_fit fit;
  struct err e = {0};
  int64_t n = make_2x2(10, 40, 18, 30, x, y), i;
  double a = 18, b = 12, c = 10, d = 30; /* x=1: 18/12; x=0: 10/30 */
  double dev = dev_group(10, 40, 0.25) + dev_group(18, 30, 0.6);
  double null_dev = dev_group(28, 70, 0.4);
  CHECK_INT_EQ(logistic_fit(n, 1, x, y, NULL, NULL, &fit, &e), APP_OK);
  CHECK(fit.converged);
  CHECK_INT_EQ(fit.rank, 2);
  CHECK_NEAR(fit.coef[0], log(10.0 / 30.0), 1e-8);
  CHECK_NEAR(fit.coef[1], log((a * d) / (b * c)), 1e-8);
  /* glm's SEs come from the last weighted least-squares step, one
  ** iteration behind the estimate: equal to the closed form at 1e-5 with
  ** R's epsilon, at 1e-10 when iterated to the end (below). */
  CHECK_NEAR(fit.se[0], sqrt(1.0 / c + 1.0 / d), 1e-5);
  CHECK_NEAR(fit.se[1], sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d), 1e-5);
  CHECK_NEAR(fit.deviance, dev, 1e-10);
  CHECK_NEAR(fit.null_deviance, null_dev, 1e-12);
  CHECK_NEAR(fit.aic, dev + 4.0, 1e-10);
  CHECK_INT_EQ(fit.df_null, 69);
  CHECK_INT_EQ(fit.df_residual, 68);
  CHECK_NEAR(fit.fitted[0], 0.25, 1e-9);
  CHECK_NEAR(fit.fitted[n - 1], 0.6, 1e-9);
  CHECK(!fit.has_fitted_01);
  logistic_fit_free(&fit);
  CHECK_INT_EQ(logistic_fit(n, 1, x, y, NULL, &tight, &fit, &e), APP_OK);
  CHECK_NEAR(fit.se[0], sqrt(1.0 / c + 1.0 / d), 1e-10);
  CHECK_NEAR(fit.se[1], sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d), 1e-10);
  logistic_fit_free(&fit);

  /* An aliased copy (2x) of the column: NA for it, the rest unchanged. */
  for (i = 0; i < n; i++) {
    x2[i] = x[i];
    x2[n + i] = 2.0 * x[i];
  }
  CHECK_INT_EQ(logistic_fit(n, 2, x2, y, NULL, NULL, &fit, &e), APP_OK);
  CHECK_INT_EQ(fit.rank, 2);
  CHECK(!fit.is_aliased[1]);
  CHECK(fit.is_aliased[2]);
  CHECK(isnan(fit.coef[2]) && isnan(fit.se[2]));
  CHECK_NEAR(fit.coef[1], log((a * d) / (b * c)), 1e-8);
  CHECK_NEAR(fit.aic, dev + 4.0, 1e-10); /* rank 2, not 3 */
  logistic_fit_free(&fit);
}

static void test_intercept_only_and_weights(void) {
  double x[140], y[140], w[70], xr[140], yr[140];
  struct logistic_fit fit, fr;
  struct err e = {0};
  int64_t n = make_2x2(10, 40, 18, 30, x, y), i, m = 0;
  double p = 28.0 / 70.0;
  CHECK_INT_EQ(logistic_fit(n, 0, NULL, y, NULL, NULL, &fit, &e), APP_OK);
  CHECK_NEAR(fit.coef[0], log(p / (1.0 - p)), 1e-9);
  CHECK_NEAR(fit.se[0], 1.0 / sqrt(70.0 * p * (1.0 - p)), 1e-8);
  CHECK_NEAR(fit.deviance, fit.null_deviance, 1e-10);
  logistic_fit_free(&fit);

  /* Integer weights w_i = 1 + i % 3 equal replicating row i w_i times. */
  for (i = 0; i < n; i++) {
    int k;
    w[i] = 1.0 + (double)(i % 3);
    for (k = 0; k < (int)w[i]; k++) {
      xr[m] = x[i];
      yr[m++] = y[i];
    }
  }
  CHECK_INT_EQ(logistic_fit(n, 1, x, y, w, &tight, &fit, &e), APP_OK);
  CHECK_INT_EQ(logistic_fit(m, 1, xr, yr, NULL, &tight, &fr, &e), APP_OK);
  CHECK_NEAR(fit.coef[1], fr.coef[1], 1e-9);
  CHECK_NEAR(fit.se[1], fr.se[1], 1e-9);
  CHECK_NEAR(fit.deviance, fr.deviance, 1e-9);
  CHECK_NEAR(fit.aic, fr.aic, 1e-9);
  CHECK(!fit.has_nonint_weights);
  logistic_fit_free(&fit);
  logistic_fit_free(&fr);

  /* Weight 1.5 on an event row: R's "non-integer #successes" warning. */
  w[0] = 1.5;
  CHECK_INT_EQ(logistic_fit(n, 1, x, y, w, NULL, &fit, &e), APP_OK);
  CHECK(fit.has_nonint_weights);
  logistic_fit_free(&fit);
}

static void test_separation_and_errors(void) {
  double x[10], y[10], w[10];
  struct logistic_fit fit;
  struct err e = {0};
  int i;
  for (i = 0; i < 10; i++) {
    x[i] = i + 1;
    y[i] = i >= 5 ? 1.0 : 0.0;
    w[i] = 1.0;
  }
  CHECK_INT_EQ(logistic_fit(10, 1, x, y, NULL, NULL, &fit, &e), APP_OK);
  CHECK(fit.has_fitted_01);
  CHECK(fit.deviance < 1e-6);
  logistic_fit_free(&fit);

  y[3] = 2.0;
  CHECK_INT_EQ(logistic_fit(10, 1, x, y, NULL, NULL, &fit, &e), APP_EINVAL);
  CHECK(fit.coef == NULL);
  y[3] = 0.0;
  w[2] = -1.0;
  err_clear(&e);
  CHECK_INT_EQ(logistic_fit(10, 1, x, y, w, NULL, &fit, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "weight") != NULL);
  CHECK_NEAR(logistic_wald_p(1.959963984540054), 0.05, 1e-12);
  CHECK_NEAR(logistic_wald_p(0.0), 1.0, 1e-15);
}

int main(void) {
  test_2x2();
  test_intercept_only_and_weights();
  test_separation_and_errors();
  return harness_report();
}
