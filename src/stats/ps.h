/*
** ps.h: propensity-score weights, balance diagnostics and matching.
**
** Given fitted propensity scores e_i = P(treated | x_i) (from logistic.h),
** these compute the weights of the usual estimands (IPTW for the ATE or
** ATT, overlap weights), Austin's standardized mean differences before and
** after weighting, Kish's effective sample size, and greedy 1:1 nearest-
** neighbour matching on the logit of the score as MatchIt's
** method = "nearest", link = "linear.logit" does it.  Treatment indicators
** are doubles holding 0 (control) or 1 (treated).
*/
#ifndef HCC_PS_H
#define HCC_PS_H

#include <stdint.h>

#include "../core/err.h"

/* How the weights are made. */
enum ps_method {
  PS_METHOD_IPTW = 0,    /* inverse probability of treatment weights */
  PS_METHOD_OVERLAP = 1, /* overlap weights: 1 - e (treated), e (control) */
  PS_METHOD_MATCH = 2    /* 1:1 matching: 1 when matched, 0 otherwise */
};

/* The target population of IPTW. */
enum ps_estimand {
  PS_ESTIMAND_ATE = 0, /* everyone: 1/e and 1/(1-e) */
  PS_ESTIMAND_ATT = 1  /* the treated: 1 and e/(1-e) */
};

/* Weights for method IPTW or OVERLAP (not MATCH) into w (n doubles).
** stabilize (IPTW ATE only) multiplies by the marginal probability of the
** unit's own group: mean(t)/e and (1-mean(t))/(1-e).  Returns APP_OK, or
** APP_EINVAL when a score is not inside (0, 1) or stabilize is asked for
** another method or estimand. */
int ps_weights(int64_t n, const double *ps, const double *treat,
               enum ps_method method, enum ps_estimand estimand,
               int stabilize, double *w, struct err *e);

/* Balance of one covariate. */
struct ps_smd {
  int is_binary;     /* 1 when every value is 0 or 1 */
  double mean_t;     /* unweighted mean, treated */
  double mean_c;     /* unweighted mean, control */
  double wmean_t;    /* weighted mean, treated (NaN: no weight) */
  double wmean_c;    /* weighted mean, control (NaN: no weight) */
  double var_t;      /* variance, treated: p(1-p) when binary, else n-1 */
  double var_c;      /* variance, control, as var_t */
  double smd_before; /* (mean_t - mean_c) / sqrt((var_t + var_c) / 2) */
  double smd_after;  /* (wmean_t - wmean_c) / the same denominator */
};

/* Austin's SMD of covariate x (n doubles) by treat, unweighted and with the
** weights w (n doubles >= 0; NULL gives smd_after = smd_before).  The
** denominator always uses the unweighted variances of the full sample
** (binary 0/1 covariates p(1-p), others the n-1 sample variance); a zero
** denominator or an empty group gives NaN. */
void ps_smd_compute(int64_t n, const double *x, const double *treat,
                    const double *w, struct ps_smd *out);

/* Kish's effective sample size (sum w)^2 / sum w^2 over the rows with
** treat == group (0 or 1); 0 when the weights sum to 0. */
double ps_ess(int64_t n, const double *w, const double *treat, int group);

/* Greedy 1:1 nearest-neighbour matching without replacement on the
** distance d (n doubles, normally the logit of the score), as MatchIt's
** nn_matchC_vec: all units are sorted by d (ties in row order); treated
** units are taken in decreasing order of d (ties in row order); each gets
** the unmatched control nearest in |d_t - d_c| among the nearest one below
** and the nearest one above it in the sorted order (ties: the one below),
** where a side whose nearest control is farther than caliper_width (when
** caliper_width > 0) offers none.
** match_id (n, output) gets the pair number 1..n_pairs for matched rows,
** 0 for the others; *n_pairs the number of pairs.  Returns APP_OK (also
** with 0 pairs: the caller decides), O(n log n). */
int ps_match_nearest(int64_t n, const double *d, const double *treat,
                     double caliper_width, int64_t *match_id,
                     int64_t *n_pairs, struct err *e);

/* Sample standard deviation (n-1) of n doubles; NaN when n < 2. */
double ps_sd(int64_t n, const double *x);

#endif
