/*
** km.h: Kaplan-Meier survival curves as R's survival::survfit computes them
** (survival 3.5), plus the sorting and tied-time helpers the other survival
** modules share.  Pure functions over arrays: no I/O.
*/
#ifndef HCC_KM_H
#define HCC_KM_H

#include <stdint.h>

#include "../core/err.h"

/* Confidence-interval transform (R's conf.type). */
enum km_conf {
  KM_CONF_LOG = 0,     /* exp(log S +- z se), upper clipped at 1 (default) */
  KM_CONF_LOG_LOG = 1, /* S^exp(+-z se / log S); NA at S = 0 or 1 */
  KM_CONF_PLAIN = 2    /* S +- z se S, clipped to [0, 1] */
};

/* One Kaplan-Meier curve.  Arrays have n_times entries, one per distinct
** time in the data (event or censoring), ascending.  NA values are NAN. */
struct km_curve {
  int64_t n;          /* observations used */
  double n_obs_w;     /* sum of weights (= n without weights) */
  double events;      /* sum of event weights */
  int64_t n_times;    /* distinct times */
  double *time;       /* the distinct times */
  double *n_risk;     /* weight at risk: time >= t */
  double *n_event;    /* event weight at t */
  double *n_censor;   /* censored weight at t */
  double *surv;       /* S(t), right-continuous */
  double *se_log;     /* Greenwood SE of log S (R's fit$std.err); Inf at 0 */
  double *std_err;    /* SE of S = S * se_log (R's summary std.err) */
  double *lower;      /* lower confidence limit, NAN when undefined */
  double *upper;      /* upper confidence limit, NAN when undefined */
  double conf_level;  /* e.g. 0.95 */
  enum km_conf conf;  /* transform of the interval */
  double median;      /* R print.survfit median, NAN when not reached */
  double median_lower; /* the median rule on the lower curve (LCL) */
  double median_upper; /* the median rule on the upper curve (UCL), NAN if
                          the band never reaches 0.5 */
};

/* Order-preserving unsigned key of a double (-0 is taken as +0), for
** sorting doubles as integers. */
uint64_t surv_key(double x);

/* Stable ascending sort of the pairs (key[i], idx[i]), i < n, by key: LSD
** radix sort in O(n) (insertion sort below 64 pairs).  Allocates scratch
** only.  Shared by every survival module that orders rows. */
void surv_sort_pairs(uint64_t *key, int64_t *idx, int64_t n);

/* Stable ascending order of key[0..n): fills order[0..n) with indices
** (LSD radix sort on the IEEE bits, O(n)).  Keys must not be NaN. */
void surv_order(const double *key, int64_t n, int64_t *order);

/* surv_order with 32-bit indices (24 bytes a row at the peak instead of
** 32), for 0 <= n <= INT32_MAX. */
void surv_order32(const double *key, int64_t n, int32_t *order);

/* R's timefix (survival::aeqSurv): times whose sorted distinct values
** differ by <= sqrt(DBL_EPSILON), absolutely or relative to the mean of the
** absolute distinct values, are replaced in place by the smallest value of
** their run, so that floating-point near-ties become ties.  Allocates
** temporary memory only. */
void surv_timefix(double *time, int64_t n);

/* Fit a Kaplan-Meier curve to n observations (time >= 0, status 0/1,
** weight NULL for 1 each, else > 0 frequency/case weights as survfit's
** non-robust variance).  conf_level in (0, 1).  Returns APP_OK or
** APP_EINVAL (n = 0, bad level).  Caller frees *out with km_curve_free(). */
int km_fit(const double *time, const int *status, const double *weight,
           int64_t n, enum km_conf conf, double conf_level,
           struct km_curve *out, struct err *e);

/* Replace the Greenwood SE of a fitted weighted curve by the
** infinitesimal-jackknife (robust) SE that survfit uses by default when a
** weight is not a whole number (robust = TRUE, std.err on the S scale):
** var S(t) = sum_i (w_i dS(t)/dw_i)^2.  With U_i(t) = d log S(t)/dw_i,
** A(s) = sum over event times t_k <= s of d_k / (n_k (n_k - d_k)):
** U_i(t) = A(min(t, t_i)) - [event at t_i <= t] / (n(t_i) - d(t_i)),
** so one pass over the times gives every variance (O(n log n) with the
** lookup of each row's time).  The same time, status and weight arrays as
** km_fit.  Recomputes se_log (= SE / S), the limits and the median
** limits. */
void km_robust_se(struct km_curve *c, const double *time, const int *status,
                  const double *weight, int64_t n);

/* Free the arrays of a curve and zero it. */
void km_curve_free(struct km_curve *c);

/* R's rule for the p-quantile of a step curve y (surv, lower or upper of c,
** n_times values, NAN entries ignored): the first time with y < p +
** sqrt(DBL_EPSILON); when that y equals p (within the tolerance) and y
** later drops below it, the midpoint of that time and the time of the
** drop.  NAN when y never reaches p.  (p = 0.5 gives print.survfit's
** median, LCL and UCL.) */
double km_quantile(const struct km_curve *c, const double *y, double p);

/* R's quantile.survfit rule (its internal findq) for the p-quantile of the
** step curve y (surv, lower or upper of c; NAN entries ignored), p in
** [0, 1]: on F = 1 - y with its repeated values removed, the midpoint of
** the times where F crosses p from above and below within sqrt(eps), so a
** flat stretch at exactly p gives the midpoint of its ends.  NAN when F
** never reaches p.  (quantile(fit, probs) uses this; print.survfit's median
** uses km_quantile, which can differ in rare cases.) */
double km_quantile_r(const struct km_curve *c, const double *y, double p);

/* Restricted mean survival time up to tau (R's survmean with
** rmean = tau, start time 0): the area under S on [0, tau], the curve
** extended flat after its last time.  *se gets R's se(rmean).  NAN when
** tau < 0. */
double km_rmst(const struct km_curve *c, double tau, double *se);

/* The curve at time t, as R's summary(fit, times = t, extend = TRUE):
** S, its SE and limits from the last curve time <= t (1, 0, 1, 1 before
** the first), and the number at risk at the first curve time >= t (0 after
** the last). */
void km_at(const struct km_curve *c, double t, double *n_risk, double *surv,
           double *std_err, double *lower, double *upper);

#endif
