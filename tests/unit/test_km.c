/*
** test_km.c: Kaplan-Meier (src/stats/km.c) on hand-computed cases, R's
** median rules, the restricted mean, survival at given times, timefix and
** the radix ordering, plus property checks (S non-increasing in [0, 1],
** numbers at risk never negative, doubling integer weights halves the
** Greenwood variance, integer weights equal replicated rows).
*/
#include "stats/km.h"
#include "core/mem.h"
#include "harness.h"

#include <stdlib.h>

/* qnorm(0.975) */
#define Z975 1.959963984540054

static void test_hand_case(void) {
  /* time 1 2 2 3 4, status 1 1 0 1 0:
  ** t=1: n 5 d 1 S 4/5  v 1/20
  ** t=2: n 4 d 1 c 1 S 3/5 v += 1/12
  ** t=3: n 2 d 1 S 3/10 v += 1/2
  ** t=4: n 1 c 1. */
  static const double time[] = {2, 1, 3, 2, 4};
  static const int status[] = {1, 1, 1, 0, 0};
  struct km_curve c;
  struct err e;
  double v3 = 1.0 / 20 + 1.0 / 12 + 0.5;
  double se;
  err_clear(&e);
  CHECK_INT_EQ(km_fit(time, status, NULL, 5, KM_CONF_LOG, 0.95, &c, &e),
               APP_OK);
  CHECK_INT_EQ(c.n_times, 4);
  CHECK(c.time[0] == 1 && c.time[1] == 2 && c.time[2] == 3 && c.time[3] == 4);
  CHECK(c.n_risk[0] == 5 && c.n_risk[1] == 4 && c.n_risk[2] == 2 &&
        c.n_risk[3] == 1);
  CHECK(c.n_event[1] == 1 && c.n_censor[1] == 1 && c.n_censor[3] == 1);
  CHECK_NEAR(c.surv[0], 0.8, 1e-15);
  CHECK_NEAR(c.surv[1], 0.6, 1e-15);
  CHECK_NEAR(c.surv[2], 0.3, 1e-15);
  CHECK_NEAR(c.surv[3], 0.3, 1e-15);
  CHECK_NEAR(c.se_log[0], sqrt(1.0 / 20), 1e-15);
  CHECK_NEAR(c.se_log[2], sqrt(v3), 1e-15);
  CHECK_NEAR(c.std_err[2], 0.3 * sqrt(v3), 1e-15);
  CHECK_NEAR(c.lower[2], exp(log(0.3) - Z975 * sqrt(v3)), 1e-13);
  CHECK_NEAR(c.lower[1], exp(log(0.6) - Z975 * sqrt(1.0 / 20 + 1.0 / 12)),
             1e-13);
  CHECK(c.upper[2] == 1); /* exp(log .3 + z se) = 1.43, clipped */
  CHECK(c.upper[0] == 1); /* clipped */
  CHECK_NEAR(c.median, 3, 0);
  /* F = 0 .2 .4 .7 (.7 repeated, dropped): 0.5 is crossed at 3; 0.75 is
  ** never reached. */
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0.5), 3, 0);
  CHECK(isnan(km_quantile_r(&c, c.surv, 0.75)));
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0.2), 1.5, 0);
  /* The upper band never drops to 0.5: no UCL. */
  CHECK(isnan(c.median_upper));
  /* RMST to 4: 1*1 + 1*0.8 + 1*0.6 + 1*0.3. */
  CHECK_NEAR(km_rmst(&c, 4, &se), 2.7, 1e-15);
  /* se: sum over event times of (area after t)^2 d/(n(n-d)):
  ** after t=3: 0.3; after t=2: 0.9; after t=1: 1.7. */
  CHECK_NEAR(se, sqrt(1.7 * 1.7 / 20 + 0.9 * 0.9 / 12 + 0.3 * 0.3 / 2),
             1e-15);
  {
    double nr, s, sd, lo, hi;
    km_at(&c, 0.5, &nr, &s, &sd, &lo, &hi);
    CHECK(nr == 5 && s == 1 && sd == 0 && lo == 1 && hi == 1);
    km_at(&c, 2.5, &nr, &s, &sd, &lo, &hi);
    CHECK(nr == 2 && s == c.surv[1] && sd == c.std_err[1]);
    km_at(&c, 3, &nr, &s, &sd, &lo, &hi);
    CHECK(nr == 2 && s == c.surv[2]);
    km_at(&c, 9, &nr, &s, &sd, &lo, &hi);
    CHECK(nr == 0 && s == c.surv[3]);
  }
  km_curve_free(&c);
  /* Plain and log-log limits at t=1 from their formulas. */
  CHECK_INT_EQ(km_fit(time, status, NULL, 5, KM_CONF_PLAIN, 0.9, &c, &e),
               APP_OK);
  CHECK_NEAR(c.lower[0], 0.8 - 1.6448536269514722 * sqrt(0.05) * 0.8,
             1e-13);
  km_curve_free(&c);
  CHECK_INT_EQ(km_fit(time, status, NULL, 5, KM_CONF_LOG_LOG, 0.95, &c, &e),
               APP_OK);
  CHECK_NEAR(c.lower[0],
             exp(-exp(log(-log(0.8)) - Z975 * sqrt(0.05) / log(0.8))), 1e-13);
  CHECK_NEAR(c.upper[0],
             exp(-exp(log(-log(0.8)) + Z975 * sqrt(0.05) / log(0.8))), 1e-13);
  km_curve_free(&c);
  CHECK_INT_EQ(km_fit(time, status, NULL, 0, KM_CONF_LOG, 0.95, &c, &e),
               APP_EINVAL);
}

static void test_median_rules(void) {
  /* All four die at 1..4: S = .75 .5 .25 0, flat at exactly 0.5 -> the
  ** midpoint (2 + 3) / 2, and at S = 0 the SE is Inf, limits NA. */
  static const double time[] = {1, 2, 3, 4};
  static const int status[] = {1, 1, 1, 1};
  struct km_curve c;
  struct err e;
  double se;
  err_clear(&e);
  CHECK_INT_EQ(km_fit(time, status, NULL, 4, KM_CONF_LOG, 0.95, &c, &e),
               APP_OK);
  CHECK_NEAR(c.median, 2.5, 0);
  CHECK(isinf(c.se_log[3]) && isnan(c.lower[3]) && isnan(c.upper[3]));
  CHECK_NEAR(km_quantile(&c, c.surv, 0.25), 3.5, 0);
  CHECK_NEAR(km_quantile(&c, c.surv, 0.75), 1.5, 0);
  /* quantile.survfit's rule agrees here: F = 0 .25 .5 .75 1. */
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0.25), 1.5, 0);
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0.5), 2.5, 0);
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0.75), 3.5, 0);
  CHECK_NEAR(km_quantile_r(&c, c.surv, 0), 0, 0);
  CHECK_NEAR(km_rmst(&c, 4, &se), 2.5, 1e-15);
  CHECK_NEAR(km_rmst(&c, 10, &se), 2.5, 1e-15); /* flat at 0 after 4 */
  CHECK_NEAR(km_rmst(&c, 0.5, &se), 0.5, 1e-15);
  km_curve_free(&c);
}

/* xorshift64 for reproducible random data. */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;
static unsigned long long rng_next(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void test_properties(void) {
  enum { N = 2000 };
  double *time = xmallocarray(N * 2, sizeof(double));
  int *status = xmallocarray(N * 2, sizeof(int));
  double *w = xmallocarray(N, sizeof(double));
  double *w2 = xmallocarray(N, sizeof(double));
  struct km_curve c, c2, c3;
  struct err e;
  int64_t k;
  int64_t i;
  int mono = 1, inrange = 1, risk_ok = 1, half = 1, same = 1;
  int64_t m = 0;
  err_clear(&e);
  for (i = 0; i < N; i++) {
    time[i] = (double)(rng_next() % 300) / 10.0;
    status[i] = (int)(rng_next() % 3 != 0);
    w[i] = (double)(1 + rng_next() % 3);
    w2[i] = 2 * w[i];
  }
  CHECK_INT_EQ(km_fit(time, status, w, N, KM_CONF_LOG, 0.95, &c, &e), APP_OK);
  for (k = 0; k < c.n_times; k++) {
    if (k > 0 && c.surv[k] > c.surv[k - 1]) {
      mono = 0;
    }
    if (!(c.surv[k] >= 0 && c.surv[k] <= 1)) {
      inrange = 0;
    }
    if (c.n_risk[k] < 0) {
      risk_ok = 0;
    }
  }
  CHECK(mono);
  CHECK(inrange);
  CHECK(risk_ok);
  CHECK_INT_EQ(km_fit(time, status, w2, N, KM_CONF_LOG, 0.95, &c2, &e),
               APP_OK);
  for (k = 0; k < c.n_times; k++) {
    double v1 = c.se_log[k] * c.se_log[k];
    double v2 = c2.se_log[k] * c2.se_log[k];
    if (isfinite(v1) && fabs(v2 - v1 / 2) > 1e-12 * v1 + 1e-300) {
      half = 0;
    }
  }
  CHECK(half);
  /* Integer weights = replicated rows. */
  {
    double *rt = xmallocarray(4 * N, sizeof(double));
    int *rs = xmallocarray(4 * N, sizeof(int));
    for (i = 0; i < N; i++) {
      int r;
      for (r = 0; r < (int)w[i]; r++) {
        rt[m] = time[i];
        rs[m] = status[i];
        m++;
      }
    }
    CHECK_INT_EQ(km_fit(rt, rs, NULL, m, KM_CONF_LOG, 0.95, &c3, &e), APP_OK);
    CHECK_INT_EQ(c3.n_times, c.n_times);
    for (k = 0; k < c.n_times && k < c3.n_times; k++) {
      if (fabs(c3.surv[k] - c.surv[k]) > 1e-12 ||
          !(fabs(c3.se_log[k] - c.se_log[k]) <= 1e-12 ||
            (isinf(c3.se_log[k]) && isinf(c.se_log[k])))) {
        same = 0;
      }
    }
    CHECK(same);
    xfree(rt);
    xfree(rs);
    km_curve_free(&c3);
  }
  km_curve_free(&c);
  km_curve_free(&c2);
  xfree(time);
  xfree(status);
  xfree(w);
  xfree(w2);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return (x > y) - (x < y);
}

static void test_order_timefix(void) {
  enum { N = 5000 };
  double *key = xmallocarray(N, sizeof(double));
  double *sorted = xmallocarray(N, sizeof(double));
  int64_t *ord = xmallocarray(N, sizeof(int64_t));
  int64_t i;
  int ok = 1, stable = 1;
  for (i = 0; i < N; i++) {
    key[i] = (double)((long long)(rng_next() % 2001) - 1000) / 8.0;
    sorted[i] = key[i];
  }
  qsort(sorted, N, sizeof(double), cmp_double);
  surv_order(key, N, ord);
  for (i = 0; i < N; i++) {
    if (key[ord[i]] != sorted[i]) {
      ok = 0;
    }
    if (i > 0 && key[ord[i]] == key[ord[i - 1]] && ord[i] < ord[i - 1]) {
      stable = 0;
    }
  }
  CHECK(ok);
  CHECK(stable);
  {
    /* Absolute near-tie, relative near-tie, and a real difference. */
    /* Absolute: 1e-12 apart. */
    double t[] = {2, 1 + 1e-12, 1, 1.1};
    /* Relative: 1 apart, mean of |distinct| 5e8, 2e-9 < sqrt(eps). */
    double u[] = {1e9 + 1, 1e9, 0};
    surv_timefix(t, 4);
    CHECK(t[1] == 1 && t[2] == 1 && t[0] == 2 && t[3] == 1.1);
    surv_timefix(u, 3);
    CHECK(u[0] == 1e9 && u[1] == 1e9 && u[2] == 0);
  }
  {
    double t[] = {3, 1, 2};
    surv_timefix(t, 3);
    CHECK(t[0] == 3 && t[1] == 1 && t[2] == 2);
  }
  xfree(key);
  xfree(sorted);
  xfree(ord);
}

int main(void) {
  test_hand_case();
  test_median_rules();
  test_properties();
  test_order_timefix();
  return harness_report();
}
