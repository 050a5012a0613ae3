/*
** zph.h: the proportional-hazards test of R's cox.zph (survival >= 3.0):
** a real score test, per model term and global, of adding x * g(t) to a
** fitted Cox model, with g the "km" (default), "rank" or "identity"
** transform of time.  Pure: arrays in, results out.
*/
#ifndef HCC_ZPH_H
#define HCC_ZPH_H

#include <stdbool.h>

#include "../core/err.h"
#include "cox.h"

/* Transform g(t) of the time axis. */
enum zph_transform {
  ZPH_KM = 0,       /* 1 - S(t-), the left-continuous unweighted KM of all
                       rows ignoring strata (R's default) */
  ZPH_RANK = 1,     /* rank(time), ties averaged */
  ZPH_IDENTITY = 2  /* time itself */
};

/* Result of zph_test().  Arrays have n_terms entries, one per model term in
** the order given; a term whose columns are all NA in the fit has df 0 and
** chisq/p NAN (R leaves it out of its table).  Free with zph_result_free(). */
struct zph_result {
  int n_terms;         /* model terms */
  double *chisq;       /* score statistic per term */
  int *df;             /* columns of the term used */
  double *p;           /* upper chi-square tail */
  double global_chisq; /* the test of all columns together */
  int global_df;       /* non-NA columns */
  double global_p;     /* its p-value */
};

/* Test proportional hazards for the model fitted by cox_fit(d, o, fit).
** term_of_col (d->p entries, 0..n_terms-1) groups design columns into terms
** (a factor's dummies are one term).  ties and timefix must be those of the
** fit (o).  Returns APP_OK or APP_EINVAL; the caller frees *out with
** zph_result_free().  O(n log n + n p^2) time. */
int zph_test(const struct cox_data *d, const struct cox_options *o,
             const struct cox_fit *fit, int n_terms, const int *term_of_col,
             int transform, struct zph_result *out, struct err *e);

/* Free what a result owns and zero it. */
void zph_result_free(struct zph_result *r);

#endif
