/*
** logrank.h: the G-rho family of k-sample tests (rho 0 = log-rank, 1 =
** Peto-Peto), optionally stratified, as R's survival::survdiff computes
** it.  Pure functions over arrays: no I/O.
*/
#ifndef HCC_LOGRANK_H
#define HCC_LOGRANK_H

#include <stdint.h>

#include "../core/err.h"

/* Result of one test.  Arrays have n_groups entries (var n_groups^2,
** row-major); O, E and V are summed over strata. */
struct logrank_result {
  int n_groups;      /* groups (codes 0..n_groups-1) */
  int64_t *n;        /* observations per group */
  double *observed;  /* (weighted, when rho != 0) observed events O */
  double *expected;  /* expected events E */
  double *var;       /* variance-covariance of O - E */
  double chisq;      /* (O-E)' V^- (O-E) over groups with E > 0 */
  int df;            /* (groups with E > 0) - 1 */
  double p;          /* upper chi-square tail; NAN when df = 0 */
};

/* Test equality of the n_groups survival curves of n observations
** (time >= 0, status 0/1, group codes 0..n_groups-1; strata codes
** 0..n_strata-1 or NULL for one stratum), with weights S(t-)^rho where S is
** the pooled left-continuous Kaplan-Meier of each stratum.  Groups whose
** expected count is 0 are left out of the statistic (R's rule).  Returns
** APP_OK, or APP_EINVAL (fewer than 2 groups, singular variance).  Caller
** frees *out with logrank_free(). */
int logrank_test(const double *time, const int *status, const int32_t *group,
                 int n_groups, const int32_t *strata, int n_strata, int64_t n,
                 double rho, struct logrank_result *out, struct err *e);

/* Free the arrays of a result and zero it. */
void logrank_free(struct logrank_result *r);

#endif
