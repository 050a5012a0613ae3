/*
** contingency.h: tests on contingency tables, as R's fisher.test (2 x 2)
** and chisq.test (r x c) compute them.
*/
#ifndef HCC_CONTINGENCY_H
#define HCC_CONTINGENCY_H

#include <stdbool.h>

#include "../core/err.h"

/* Largest total count Fisher's test accepts (the support is enumerated). */
#define FISHER_MAX_TOTAL 1000000L

/* Largest number of rows or columns chisq_test accepts. */
#define CHISQ_MAX_DIM 1000

/* Result of fisher_2x2.  Infinite values stay IEEE infinities. */
struct fisher_result {
  double p;          /* two-sided p (fisher.test, relErr 1 + 1e-7) */
  double odds_ratio; /* conditional MLE; 0 or +Inf at the support ends */
  double lower;      /* lower confidence limit of the odds ratio (>= 0) */
  double upper;      /* upper confidence limit (+Inf when x is the max) */
  double conf_level; /* the confidence level used */
  double sample_or;  /* (a*d)/(b*c), the unconditional sample odds ratio:
                        NaN when 0/0, +Inf when only the denominator is 0 */
};

/* Fisher's exact test of the 2 x 2 table t = {a, b, c, d}, read by rows
** (first row a, b; second row c, d; the cell of interest is a, so the odds
** ratio is a*d / (b*c)).  Cells are non-negative counts with a total of at
** most FISHER_MAX_TOTAL; 0 < conf_level < 1.  Returns APP_OK or APP_EINVAL
** naming the cell or conf_level.  Allocates only temporarily. */
int fisher_2x2(const long t[4], double conf_level, struct fisher_result *out,
               struct err *e);

/* Result of chisq_test; release with chisq_result_free(). */
struct chisq_result {
  int n_rows;          /* rows of the table */
  int n_cols;          /* columns of the table */
  double statistic;    /* Pearson's X-squared (Yates-corrected if yates) */
  int df;              /* (n_rows - 1) * (n_cols - 1) */
  double p;            /* upper tail of chi-square(df) at statistic */
  bool yates;          /* a continuity correction > 0 was applied (2 x 2) */
  double *expected;    /* n_rows * n_cols expected counts, by rows; owned */
  int n_small;         /* expected counts < 5 (R warns when > 0) */
  double min_expected; /* the smallest expected count */
};

/* Pearson's chi-square test of independence on the n_rows x n_cols table x
** (by rows; non-negative finite counts, every row and column total > 0,
** 2 <= n_rows, n_cols <= CHISQ_MAX_DIM).  With correct, a 2 x 2 table gets
** Yates' correction min(0.5, |x - E|) as chisq.test(correct = TRUE).
** Returns APP_OK (out->expected allocated; caller frees with
** chisq_result_free) or APP_EINVAL naming the cell, row or column. */
int chisq_test(const double *x, int n_rows, int n_cols, bool correct,
               struct chisq_result *out, struct err *e);

/* Free what chisq_test allocated in r (r itself is the caller's). */
void chisq_result_free(struct chisq_result *r);

/* R's uniroot: Brent's zeroin (R_zeroin2) of f on [lo, hi] given f(lo) and
** f(hi) of opposite signs, with R's default tol = DBL_EPSILON^0.25 and
** 1000 iterations, so that answers agree with R to the last digits rather
** than to the tolerance.  Infinite values of f are mapped to +-DBL_MAX as
** R does.  Returns the root estimate. */
double contingency_uniroot(double (*f)(double x, void *info), void *info,
                           double lo, double hi, double f_lo, double f_hi);

#endif
