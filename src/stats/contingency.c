/*
** contingency.c: Fisher's exact test for 2 x 2 tables and Pearson's
** chi-square test for r x c tables, numerically as R's fisher.test and
** chisq.test.
**
** Why: response and adverse-event rates of the two CHALLENGE-06 cohorts
** (TACE vs HAIC) are compared with these tests, and a reviewer will check
** the numbers against R.
**
** Fisher (R stats:::fisher.test, 2 x 2 branch): with m = a + c, n = b + d,
** k = a + b and x = a, the support is lo..hi = max(0, k-n)..min(k, m); the
** non-central hypergeometric probabilities are dhyper * ncp^x normalised in
** log space.  The two-sided p sums the null (ncp = 1) probabilities <= the
** observed one * (1 + 1e-7).  The odds ratio is the conditional MLE: the ncp
** whose mean equals x, found with uniroot on [0, 1] or, through 1/t, on
** [DBL_EPSILON, 1]; 0 when x = lo and +Inf when x = hi.  The interval
** inverts the one-sided tails at (1 - conf_level)/2 the same way.  R's
** uniroot stops at tol = DBL_EPSILON^0.25, so R's estimate is that far from
** the exact root; contingency_uniroot is the same Brent iteration with the
** same tolerance, so both land on the same point (agreement ~1e-10 rather
** than 1e-4).
** chisq.test: E = row total * column total / n, X^2 = sum((|x-E| - Y)^2/E)
** with Y = min(0.5, min |x-E|) for a 2 x 2 table when correct, else 0;
** df = (r-1)(c-1); R warns "Chi-squared approximation may be incorrect"
** when any E < 5 (we count them in n_small).
** Workload: small tables; Fisher is O(min(k, m)) per evaluation.
*/
#include "contingency.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "../core/mem.h"

/* fisher.test's relative tolerance for "as or less likely" tables. */
#define FISHER_REL_ERR (1 + 1e-7)

double contingency_uniroot(double (*f)(double x, void *info), void *info,
                           double lo, double hi, double f_lo, double f_hi) {
  /* R_zeroin2 (src/library/stats/src/zeroin.c), G. Forsythe, M. Malcolm,
  ** C. Moler, "Computer methods for mathematical computations" (1977). */
  double a = lo, b = hi, c, fa = f_lo, fb = f_hi, fc;
  double tol = pow(DBL_EPSILON, 0.25);
  int maxit = 1000 + 1;
  fa = isinf(fa) ? (fa > 0 ? DBL_MAX : -DBL_MAX) : fa;
  fb = isinf(fb) ? (fb > 0 ? DBL_MAX : -DBL_MAX) : fb;
  c = a;
  fc = fa;
  if (fa == 0.0) {
    return a;
  }
  if (fb == 0.0) {
    return b;
  }
  while (maxit--) {
    double prev_step = b - a;
    double tol_act, p, q, new_step;
    if (fabs(fc) < fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
    new_step = (c - b) / 2;
    if (fabs(new_step) <= tol_act || fb == 0.0) {
      return b;
    }
    if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb)) {
      double t1, cb, t2;
      cb = c - b;
      if (a == c) {
        t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc;
        t1 = fb / fc;
        t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0) {
        q = -q;
      } else {
        p = -p;
      }
      if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) &&
          p < fabs(prev_step * q / 2)) {
        new_step = p / q;
      }
    }
    if (fabs(new_step) < tol_act) {
      new_step = new_step > 0.0 ? tol_act : -tol_act;
    }
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b, info);
    if (isinf(fb)) {
      fb = fb > 0 ? DBL_MAX : -DBL_MAX;
    }
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/* The conditional distribution of the first cell given the margins. */
struct fisher_dist {
  long lo;        /* smallest possible first cell */
  long hi;        /* largest possible first cell */
  long x;         /* the observed first cell */
  long n_support; /* hi - lo + 1 */
  double *logdc;  /* log dhyper over the support, up to a constant; owned */
  double *d;      /* scratch: the last dnhyper() result; owned */
  double alpha;   /* tail probability targeted by the interval roots */
  bool upper;     /* the interval root uses the upper tail */
  bool invert;    /* the root variable t means ncp = 1/t */
};

/* Fill f->d with the non-central hypergeometric probabilities at ncp
** (0 < ncp < Inf), normalised to sum 1 as R's dnhyper. */
static void fisher_dnhyper(struct fisher_dist *f, double ncp) {
  double mx = -HUGE_VAL, sum = 0, lg = log(ncp);
  long i;
  for (i = 0; i < f->n_support; i++) {
    f->d[i] = f->logdc[i] + lg * (double)(f->lo + i);
    if (f->d[i] > mx) {
      mx = f->d[i];
    }
  }
  for (i = 0; i < f->n_support; i++) {
    f->d[i] = exp(f->d[i] - mx);
    sum += f->d[i];
  }
  for (i = 0; i < f->n_support; i++) {
    f->d[i] /= sum;
  }
}

/* The mean of the non-central hypergeometric at ncp (R's mnhyper). */
static double fisher_mean(struct fisher_dist *f, double ncp) {
  double s = 0;
  long i;
  if (ncp == 0) {
    return (double)f->lo;
  }
  if (isinf(ncp)) {
    return (double)f->hi;
  }
  fisher_dnhyper(f, ncp);
  for (i = 0; i < f->n_support; i++) {
    s += (double)(f->lo + i) * f->d[i];
  }
  return s;
}

/* P(X <= x) or, when upper, P(X >= x) at ncp (R's pnhyper at q = x). */
static double fisher_tail(struct fisher_dist *f, double ncp, bool upper) {
  double s = 0;
  long i;
  if (ncp == 0) {
    return upper ? (f->x <= f->lo) : (f->x >= f->lo);
  }
  if (isinf(ncp)) {
    return upper ? (f->x <= f->hi) : (f->x >= f->hi);
  }
  fisher_dnhyper(f, ncp);
  for (i = 0; i < f->n_support; i++) {
    long v = f->lo + i;
    if (upper ? v >= f->x : v <= f->x) {
      s += f->d[i];
    }
  }
  return s;
}

/* Root function of the MLE: mean(ncp) - x, with ncp = t or 1/t. */
static double fisher_mle_fn(double t, void *info) {
  struct fisher_dist *f = info;
  return fisher_mean(f, f->invert ? 1 / t : t) - (double)f->x;
}

/* Root function of an interval limit: tail(ncp) - alpha. */
static double fisher_tail_fn(double t, void *info) {
  struct fisher_dist *f = info;
  return fisher_tail(f, f->invert ? 1 / t : t, f->upper) - f->alpha;
}

/* Solve fn(t) = 0 on [0, 1] (invert false) or on [DBL_EPSILON, 1] with
** ncp = 1/t, returning the ncp, as R's uniroot calls in fisher.test. */
static double fisher_solve(struct fisher_dist *f,
                           double (*fn)(double, void *), bool invert) {
  double lo = invert ? DBL_EPSILON : 0;
  double r;
  f->invert = invert;
  r = contingency_uniroot(fn, f, lo, 1, fn(lo, f), fn(1, f));
  return invert ? 1 / r : r;
}

/* The conditional MLE of the odds ratio (R's mle()). */
static double fisher_mle(struct fisher_dist *f) {
  double mu;
  if (f->x == f->lo) {
    return 0;
  }
  if (f->x == f->hi) {
    return HUGE_VAL;
  }
  mu = fisher_mean(f, 1);
  if (mu > (double)f->x) {
    return fisher_solve(f, fisher_mle_fn, false);
  }
  if (mu < (double)f->x) {
    return fisher_solve(f, fisher_mle_fn, true);
  }
  return 1;
}

/* Upper confidence limit at tail alpha (R's ncp.U). */
static double fisher_ncp_upper(struct fisher_dist *f, double alpha) {
  double p;
  if (f->x == f->hi) {
    return HUGE_VAL;
  }
  f->alpha = alpha;
  f->upper = false;
  p = fisher_tail(f, 1, false);
  if (p < alpha) {
    return fisher_solve(f, fisher_tail_fn, false);
  }
  if (p > alpha) {
    return fisher_solve(f, fisher_tail_fn, true);
  }
  return 1;
}

/* Lower confidence limit at tail alpha (R's ncp.L). */
static double fisher_ncp_lower(struct fisher_dist *f, double alpha) {
  double p;
  if (f->x == f->lo) {
    return 0;
  }
  f->alpha = alpha;
  f->upper = true;
  p = fisher_tail(f, 1, true);
  if (p > alpha) {
    return fisher_solve(f, fisher_tail_fn, false);
  }
  if (p < alpha) {
    return fisher_solve(f, fisher_tail_fn, true);
  }
  return 1;
}

int fisher_2x2(const long t[4], double conf_level, struct fisher_result *out,
               struct err *e) {
  static const char *const cell[4] = {"a", "b", "c", "d"};
  struct fisher_dist f;
  long m, n, k, i;
  double dx, p = 0, num, den;
  for (i = 0; i < 4; i++) {
    if (t[i] < 0 || t[i] > FISHER_MAX_TOTAL) {
      return ERR_SET(e, APP_EINVAL, "table: cell %s (%ld) is not a count "
                     "from 0 to %ld", cell[i], t[i], FISHER_MAX_TOTAL);
    }
  }
  if (t[0] + t[1] + t[2] + t[3] > FISHER_MAX_TOTAL) {
    return ERR_SET(e, APP_EINVAL, "table: total exceeds %ld",
                   FISHER_MAX_TOTAL);
  }
  if (t[0] + t[1] + t[2] + t[3] == 0) {
    return ERR_SET(e, APP_EINVAL, "table: every cell is 0");
  }
  if (!(conf_level > 0 && conf_level < 1)) {
    return ERR_SET(e, APP_EINVAL, "conf-level: %g is not strictly between "
                   "0 and 1", conf_level);
  }
  m = t[0] + t[2];
  n = t[1] + t[3];
  k = t[0] + t[1];
  f.x = t[0];
  f.lo = k - n > 0 ? k - n : 0;
  f.hi = k < m ? k : m;
  f.n_support = f.hi - f.lo + 1;
  f.logdc = xmallocarray((size_t)f.n_support, sizeof(double));
  f.d = xmallocarray((size_t)f.n_support, sizeof(double));
  f.alpha = 0;
  f.upper = false;
  f.invert = false;
  for (i = 0; i < f.n_support; i++) {
    long s = f.lo + i;
    f.logdc[i] = gsl_sf_lnchoose((unsigned)m, (unsigned)s) +
                 gsl_sf_lnchoose((unsigned)n, (unsigned)(k - s));
  }
  fisher_dnhyper(&f, 1);
  dx = f.d[f.x - f.lo] * FISHER_REL_ERR;
  for (i = 0; i < f.n_support; i++) {
    if (f.d[i] <= dx) {
      p += f.d[i];
    }
  }
  out->p = p < 1 ? p : 1;
  out->conf_level = conf_level;
  out->odds_ratio = fisher_mle(&f);
  out->lower = fisher_ncp_lower(&f, (1 - conf_level) / 2);
  out->upper = fisher_ncp_upper(&f, (1 - conf_level) / 2);
  num = (double)t[0] * (double)t[3];
  den = (double)t[1] * (double)t[2];
  out->sample_or = den > 0 ? num / den : (num > 0 ? HUGE_VAL : NAN);
  xfree(f.logdc);
  xfree(f.d);
  return APP_OK;
}

int chisq_test(const double *x, int n_rows, int n_cols, bool correct,
               struct chisq_result *out, struct err *e) {
  double *sr = NULL, *sc = NULL, total = 0, yates = 0, stat = 0;
  int i, j, rc = APP_EINVAL;
  out->expected = NULL;
  if (n_rows < 2 || n_cols < 2 || n_rows > CHISQ_MAX_DIM ||
      n_cols > CHISQ_MAX_DIM) {
    return ERR_SET(e, APP_EINVAL, "table: %d x %d; need 2 to %d rows and "
                   "columns", n_rows, n_cols, CHISQ_MAX_DIM);
  }
  for (i = 0; i < n_rows * n_cols; i++) {
    if (!(isfinite(x[i]) && x[i] >= 0)) {
      return ERR_SET(e, APP_EINVAL, "table: cell row %d column %d (%g) is "
                     "not a non-negative count", i / n_cols + 1,
                     i % n_cols + 1, x[i]);
    }
  }
  sr = xcalloc((size_t)n_rows, sizeof(double));
  sc = xcalloc((size_t)n_cols, sizeof(double));
  for (i = 0; i < n_rows; i++) {
    for (j = 0; j < n_cols; j++) {
      sr[i] += x[i * n_cols + j];
      sc[j] += x[i * n_cols + j];
      total += x[i * n_cols + j];
    }
  }
  for (i = 0; i < n_rows; i++) {
    if (sr[i] <= 0) {
      ERR_SET(e, APP_EINVAL, "table: row %d has total 0 (expected counts "
              "would be 0)", i + 1);
      goto out;
    }
  }
  for (j = 0; j < n_cols; j++) {
    if (sc[j] <= 0) {
      ERR_SET(e, APP_EINVAL, "table: column %d has total 0 (expected counts "
              "would be 0)", j + 1);
      goto out;
    }
  }
  out->n_rows = n_rows;
  out->n_cols = n_cols;
  out->expected = xmallocarray((size_t)n_rows * (size_t)n_cols,
                               sizeof(double));
  out->n_small = 0;
  out->min_expected = HUGE_VAL;
  for (i = 0; i < n_rows; i++) {
    for (j = 0; j < n_cols; j++) {
      double ex = sr[i] * sc[j] / total;
      out->expected[i * n_cols + j] = ex;
      if (ex < 5) {
        out->n_small++;
      }
      if (ex < out->min_expected) {
        out->min_expected = ex;
      }
    }
  }
  out->yates = false;
  if (correct && n_rows == 2 && n_cols == 2) {
    yates = 0.5;
    for (i = 0; i < 4; i++) {
      double dev = fabs(x[i] - out->expected[i]);
      if (dev < yates) {
        yates = dev;
      }
    }
    out->yates = yates > 0;
  }
  for (i = 0; i < n_rows * n_cols; i++) {
    double dev = fabs(x[i] - out->expected[i]) - yates;
    stat += dev * dev / out->expected[i];
  }
  out->statistic = stat;
  out->df = (n_rows - 1) * (n_cols - 1);
  out->p = gsl_cdf_chisq_Q(stat, (double)out->df);
  rc = APP_OK;
out:
  xfree(sr);
  xfree(sc);
  return rc;
}

void chisq_result_free(struct chisq_result *r) {
  xfree(r->expected);
  r->expected = NULL;
}
