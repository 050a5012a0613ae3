/*
** binom.c: a single binomial proportion, as R computes it.
**
** Why: objective response rate, disease control rate and adverse-event rates
** of CHALLENGE-06 are proportions reported with exact intervals and tests;
** the numbers must equal R's binom.test (Clopper-Pearson interval and the
** exact two-sided p), prop.test(correct = FALSE) (Wilson score interval) and
** qbeta (Jeffreys interval).
**
** Invariants and conventions (R's stats package):
**  - Clopper-Pearson: [qbeta(a/2, x, n-x+1), qbeta(1-a/2, x+1, n-x)] with the
**    lower limit exactly 0 when x = 0 and the upper exactly 1 when x = n.
**  - Wilson: prop.test's formula with YATES = 0; limits clipped to [0, 1]
**    (so x = 0 gives a lower limit of exactly 0, x = n an upper of 1).
**  - Jeffreys: the plain equal-tailed Beta(x+1/2, n-x+1/2) quantiles, with
**    no modification at x = 0 or x = n (the lower limit is > 0 at x = 0).
**  - The two-sided exact p sums the probabilities <= d(x) * (1 + 1e-7), the
**    relative tolerance binom.test uses so that ties count as ties.
** Workload: one call per table cell; the exact test is O(n).
*/
#include "binom.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

/* binom.test's relative tolerance for "as or less likely" outcomes. */
#define BINOM_REL_ERR (1 + 1e-7)

int binom_method_parse(const char *name, enum binom_method *out) {
  if (strcmp(name, "clopper-pearson") == 0) {
    *out = BINOM_CLOPPER_PEARSON;
  } else if (strcmp(name, "wilson") == 0) {
    *out = BINOM_WILSON;
  } else if (strcmp(name, "jeffreys") == 0) {
    *out = BINOM_JEFFREYS;
  } else {
    return -1;
  }
  return 0;
}

const char *binom_method_name(enum binom_method m) {
  switch (m) {
  case BINOM_WILSON:
    return "wilson";
  case BINOM_JEFFREYS:
    return "jeffreys";
  case BINOM_CLOPPER_PEARSON:
  default:
    return "clopper-pearson";
  }
}

/* P(X <= k) for X ~ Binomial(n, p); 0 for k < 0, 1 for k >= n. */
static double binom_cdf(long k, long n, double p) {
  if (k < 0) {
    return 0;
  }
  if (k >= n) {
    return 1;
  }
  return gsl_cdf_binomial_P((unsigned)k, p, (unsigned)n);
}

/* P(X > k) for X ~ Binomial(n, p); 1 for k < 0, 0 for k >= n. */
static double binom_sf(long k, long n, double p) {
  if (k < 0) {
    return 1;
  }
  if (k >= n) {
    return 0;
  }
  return gsl_cdf_binomial_Q((unsigned)k, p, (unsigned)n);
}

/* P(X = k) for X ~ Binomial(n, p). */
static double binom_pmf(long k, long n, double p) {
  return gsl_ran_binomial_pdf((unsigned)k, p, (unsigned)n);
}

double binom_test_p(long x, long n, double p0) {
  double d, m, pv;
  long i, y = 0;
  if (p0 == 0) {
    return x == 0 ? 1 : 0;
  }
  if (p0 == 1) {
    return x == n ? 1 : 0;
  }
  d = binom_pmf(x, n, p0) * BINOM_REL_ERR;
  m = (double)n * p0;
  if ((double)x == m) {
    return 1;
  }
  if ((double)x < m) {
    for (i = (long)ceil(m); i <= n; i++) {
      if (binom_pmf(i, n, p0) <= d) {
        y++;
      }
    }
    pv = binom_cdf(x, n, p0) + binom_sf(n - y, n, p0);
  } else {
    long top = (long)floor(m);
    for (i = 0; i <= top; i++) {
      if (binom_pmf(i, n, p0) <= d) {
        y++;
      }
    }
    pv = binom_cdf(y - 1, n, p0) + binom_sf(x - 1, n, p0);
  }
  return pv < 1 ? pv : 1;
}

/* The beta tail probability that binom_qbeta inverts. */
static double binom_beta_tail(double x, double a, double b, int upper) {
  return upper ? gsl_cdf_beta_Q(x, a, b) : gsl_cdf_beta_P(x, a, b);
}

double binom_qbeta(double p, double a, double b, int upper) {
  gsl_error_handler_t *old;
  double x, f, lo = 0, hi = 1;
  int i;
  if (p <= 0) {
    return upper ? 1 : 0;
  }
  if (p >= 1) {
    return upper ? 0 : 1;
  }
  /* GSL reports "inverse failed to converge" through its error handler,
  ** which aborts by default: hold it off and check the answer instead. */
  old = gsl_set_error_handler_off();
  x = upper ? gsl_cdf_beta_Qinv(p, a, b) : gsl_cdf_beta_Pinv(p, a, b);
  if (isfinite(x) && x >= 0 && x <= 1) {
    f = binom_beta_tail(x, a, b, upper);
    if (fabs(f - p) <= 1e-13 * p) {
      gsl_set_error_handler(old);
      return x;
    }
  }
  /* Bisection on the monotone tail: P rises with x, Q falls. */
  for (i = 0; i < 2200; i++) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) {
      break;
    }
    f = binom_beta_tail(mid, a, b, upper);
    if ((f < p) != (upper != 0)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  gsl_set_error_handler(old);
  return lo + (hi - lo) / 2;
}

/* Wilson score limits, prop.test(x, n, correct = FALSE) with z the
** two-sided normal quantile. */
static void binom_wilson(long x, long n, double z, double *lo, double *hi) {
  double nn = (double)n;
  double est = (double)x / nn;
  double z22n = z * z / (2 * nn);
  double half = z * sqrt(est * (1 - est) / nn + z22n / (2 * nn));
  double pu = est >= 1 ? 1 : (est + z22n + half) / (1 + 2 * z22n);
  double pl = est <= 0 ? 0 : (est + z22n - half) / (1 + 2 * z22n);
  *lo = pl > 0 ? pl : 0;
  *hi = pu < 1 ? pu : 1;
}

int binom_fit(long x, long n, enum binom_method method, double conf_level,
              double p0, struct binom_result *out, struct err *e) {
  double alpha;
  if (n < 1 || n > BINOM_MAX_N) {
    return ERR_SET(e, APP_EINVAL, "n: %ld is not a number of trials from 1 "
                   "to %ld", n, BINOM_MAX_N);
  }
  if (x < 0 || x > n) {
    return ERR_SET(e, APP_EINVAL, "x: %ld successes is outside 0..n (n = "
                   "%ld)", x, n);
  }
  if (!(conf_level > 0 && conf_level < 1)) {
    return ERR_SET(e, APP_EINVAL, "conf-level: %g is not strictly between "
                   "0 and 1", conf_level);
  }
  if (!(p0 >= 0 && p0 <= 1)) {
    return ERR_SET(e, APP_EINVAL, "p0: %g is not between 0 and 1", p0);
  }
  alpha = (1 - conf_level) / 2;
  out->estimate = (double)x / (double)n;
  out->p0 = p0;
  out->p = binom_test_p(x, n, p0);
  switch (method) {
  case BINOM_WILSON:
    binom_wilson(x, n, gsl_cdf_ugaussian_Pinv((1 + conf_level) / 2),
                 &out->lower, &out->upper);
    break;
  case BINOM_JEFFREYS:
    out->lower = binom_qbeta(alpha, (double)x + 0.5, (double)(n - x) + 0.5,
                             0);
    out->upper = binom_qbeta(alpha, (double)x + 0.5, (double)(n - x) + 0.5,
                             1);
    break;
  case BINOM_CLOPPER_PEARSON:
  default:
    out->lower = x == 0 ? 0
                        : binom_qbeta(alpha, (double)x,
                                      (double)(n - x) + 1, 0);
    out->upper = x == n ? 1
                        : binom_qbeta(alpha, (double)x + 1,
                                      (double)(n - x), 1);
    break;
  }
  return APP_OK;
}
