/*
** cox.h: the Cox proportional-hazards model, fitted as R's survival::coxph
** (survival 3.5) fits it: Efron (default) or Breslow ties, strata, case
** weights, robust sandwich variance (optionally by cluster), the likelihood
** ratio, Wald and score tests, and Harrell's concordance with its
** infinitesimal-jackknife standard error.  Pure: arrays in, results out.
*/
#ifndef HCC_COX_H
#define HCC_COX_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"

/* Handling of tied event times. */
enum cox_ties {
  COX_EFRON = 0,   /* Efron's approximation (R's default) */
  COX_BRESLOW = 1  /* Breslow's approximation */
};

/* Most warnings a fit records (later ones are dropped). */
#define COX_MAX_WARNINGS 8

/* The data of one model; every array has n rows in the same order and is
** borrowed for the duration of the call. */
struct cox_data {
  int64_t n;               /* rows */
  int p;                   /* design columns, >= 0 */
  const double *time;      /* n times, finite and >= 0 */
  const int *status;       /* n event indicators, 0 or 1 */
  const double *x;         /* n*p design, column-major x[j*n + i]; may be
                              NULL when p == 0 */
  const double *weight;    /* n case weights > 0, or NULL for all 1 */
  const int32_t *strata;   /* n stratum codes >= 0, or NULL for one */
  const int32_t *cluster;  /* n cluster codes 0..n_clusters-1, or NULL */
  int n_clusters;          /* number of cluster codes when cluster != NULL */
};

/* Fitting options; cox_options_default() gives R's coxph.control(). */
struct cox_options {
  int ties;           /* enum cox_ties */
  bool robust;        /* sandwich variance requested (--robust); it is also
                         switched on by a cluster or a non-integer weight */
  int iter_max;       /* Newton-Raphson iterations, 20 */
  double eps;         /* relative loglik change for convergence, 1e-9 */
  double toler_chol;  /* Cholesky pivot tolerance, eps^0.75 = 1.82e-12 */
  double toler_inf;   /* infinite-coefficient check, sqrt(eps) */
  bool timefix;       /* merge near-tied times as R's aeqSurv, true */
  bool take_x;        /* false by default.  true: the caller gives d->x up
                         (an xmalloc'd array) and cox_fit frees it as soon
                         as it has its own sorted copy (or on failure),
                         which keeps peak memory near one copy of the
                         design; the caller must not touch d->x again */
};

/* Result of cox_fit().  Arrays are owned; release with cox_fit_free(). */
struct cox_fit {
  int p;                    /* design columns */
  int64_t n;                /* rows used */
  int64_t n_events;         /* rows with status 1 (unweighted, as R) */
  int iterations;           /* Newton-Raphson iterations done */
  bool converged;           /* false when iter_max ran out */
  int rank;                 /* rank of the information matrix */
  double loglik_null;       /* log partial likelihood at beta = 0 */
  double loglik;            /* at the estimate */
  double *coef;             /* p coefficients, NAN for singular columns */
  double *var;              /* p*p variance in use (robust when robust) */
  double *naive_var;        /* p*p model-based variance (inverse info) */
  bool is_robust;           /* var is the sandwich estimate */
  double *means;            /* p centring values (0 for 0/1 columns) */
  double *lp;               /* n linear predictors x'b - means'b, input
                               order (singular coefficients count as 0) */
  double score_test;        /* score test at beta = 0 */
  double lr_test;           /* 2 (loglik - loglik_null) */
  int df;                   /* non-singular coefficients */
  double wald_test;         /* b' var^- b */
  int wald_df;              /* rank of var over the non-singular columns */
  double concordance;       /* Harrell's C on lp (ties in lp count 1/2) */
  double concordance_se;    /* its infinitesimal-jackknife SE */
  double conc_count[3];     /* concordant, discordant, tied.x: weighted
                               counts of the comparable pairs (R's count;
                               pairs tied on time are not computed) */
  int n_warnings;           /* entries used in warnings[] */
  char *warnings[COX_MAX_WARNINGS]; /* owned texts, R's wording */
};

/* R's coxph.control() defaults, Efron ties, not robust, timefix on. */
void cox_options_default(struct cox_options *o);

/* Fit the model.  Returns APP_OK, or APP_EINVAL (message names the problem:
** no rows, no events, a weight <= 0, a non-finite value).  On success the
** caller frees *fit with cox_fit_free().  Work is O(n log n) for the sort
** plus O(n p^2) per iteration; memory about n*(p+6) doubles. */
int cox_fit(const struct cox_data *d, const struct cox_options *o,
            struct cox_fit *fit, struct err *e);

/* Free what a fit owns and zero it. */
void cox_fit_free(struct cox_fit *fit);

/* Sort rows by (stratum ascending, time descending); rows with equal keys
** keep input order (before timefix merging).  strata may be NULL.  With
** timefix, times are merged as R's aeqSurv() does (see cox_timefix) first.
** order (n) receives the input row of each sorted position and tsorted (n)
** its (merged) time.  O(n) radix sorts. */
void cox_order(const double *time, const int32_t *strata, int64_t n,
               bool timefix, int64_t *order, double *tsorted);

/* R's aeqSurv(): write into out (n) the times with near-ties (differences
** <= sqrt(DBL_EPSILON) absolutely or relative to the mean absolute unique
** time) merged onto the smallest time of their run.  out may equal time. */
void cox_timefix(const double *time, int64_t n, double *out);

#endif
