/*
** logistic.h: logistic regression fitted exactly as R's glm.fit does it
** (family = binomial(link = "logit")).
**
** The fit is iteratively reweighted least squares with R's starting values
** ((w y + 0.5) / (w + 1)), R's convergence rule |dev - devold| /
** (|dev| + 0.1) < epsilon (1e-8), at most maxit (25) iterations, and each
** weighted least-squares step solved by a Householder QR with LINPACK
** dqrdc2's limited column pivoting (tolerance min(1e-7, epsilon / 1000)), so
** collinear ("aliased") columns are detected the way R detects them and get
** NA (NaN here).  Standard errors come from the R factor of the final
** weighted least-squares step, as summary.glm computes them.
*/
#ifndef HCC_LOGISTIC_H
#define HCC_LOGISTIC_H

#include <stdint.h>

#include "../core/err.h"

/* Control values (glm.control); logistic_control_default() gives R's. */
struct logistic_control {
  double epsilon; /* relative deviance change for convergence (1e-8) */
  int maxit;      /* maximum IRLS iterations (25) */
};

/* The result of a fit.  Arrays are owned; free with logistic_fit_free().
** Coefficient index 0 is the intercept, 1..p the design columns. */
struct logistic_fit {
  int64_t n;            /* observations (rows given, weight 0 included) */
  int n_coef;           /* p + 1 */
  double *coef;         /* n_coef estimates (log odds); NaN when aliased */
  double *se;           /* n_coef standard errors; NaN when aliased */
  int *is_aliased;      /* n_coef flags: 1 = not estimable (collinear) */
  int rank;             /* rank of the final least-squares design */
  int iterations;       /* IRLS iterations done (R's fit$iter) */
  int converged;        /* 1 when the deviance criterion was met */
  int is_boundary;      /* 1 when step halving was needed (R's boundary) */
  int has_fitted_01;    /* 1 when some fitted p < 10 eps or > 1 - 10 eps:
                           R's "fitted probabilities numerically 0 or 1" */
  int has_nonint_weights; /* 1 when some w*y is not an integer (R warns
                             "non-integer #successes in a binomial glm!") */
  double deviance;      /* residual deviance, -2 log L (saturated = 0) */
  double null_deviance; /* deviance of the intercept-only model */
  double aic;           /* R's AIC: -2 sum w log f(y) + 2 rank */
  int df_residual;      /* n with weight > 0 minus rank */
  int df_null;          /* n with weight > 0 minus 1 */
  double *fitted;       /* n fitted probabilities (R's fitted()) */
  double *linear;       /* n linear predictors (logit of fitted) */
};

/* R's defaults: epsilon 1e-8, maxit 25. */
struct logistic_control logistic_control_default(void);

/* Fit y ~ 1 + x by maximum likelihood.
**   n    rows; p design columns (p >= 0)
**   x    n*p doubles, column-major (x[j*n + i]); may be NULL when p == 0
**   y    n responses, each 0 or 1
**   w    n prior (case) weights >= 0, or NULL for all 1
**   ctl  control values, or NULL for R's defaults
** Returns APP_OK (also when not converged or separated: see the flags), or
** APP_EINVAL when the data cannot be fitted (no rows with positive weight,
** a non-finite value, a response not 0/1, a negative weight; the message
** names the problem), or APP_EINTERNAL when the IRLS produced non-finite
** coefficients.  On success caller frees with logistic_fit_free(); on
** failure *fit is left empty. */
int logistic_fit(int64_t n, int p, const double *x, const double *y,
                 const double *w, const struct logistic_control *ctl,
                 struct logistic_fit *fit, struct err *e);

/* Free what a fit owns and zero it. */
void logistic_fit_free(struct logistic_fit *fit);

/* Two-sided Wald p value for z (2 * Phi(-|z|)); NaN for NaN. */
double logistic_wald_p(double z);

#endif
