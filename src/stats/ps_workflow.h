/*
** ps_workflow.h: the propensity-score workflow, from the covariates to the
** weights (or matched pairs) and the balance table.
**
** One implementation for every front end: `hccstudy stats ps` on a CSV
** file and the web analysis's IPTW adjustment (report/analysis.c) both
** call ps_workflow_run().  Steps: a logistic model of treatment on the
** covariates (logistic.h, R's glm), a check that the model does not
** separate the groups (no weights can be made when it does), the weights
** of the chosen method or greedy 1:1 matching on the logit of the score
** (ps.h), Austin's standardized mean differences before and after, Kish's
** effective sample sizes and the sums of the weights by group.  Refusing a
** separated model or a caliper that no pair meets is left to the caller,
** which names its own option or parameter in the message.  Pure: no I/O.
*/
#ifndef HCC_PS_WORKFLOW_H
#define HCC_PS_WORKFLOW_H

#include <stdint.h>

#include "../core/err.h"
#include "logistic.h"
#include "ps.h"

/* How the weights are made. */
struct ps_workflow_opts {
  enum ps_method method;     /* IPTW, overlap or matching */
  enum ps_estimand estimand; /* IPTW: ATE or ATT (matching is ATT, overlap
                                weights target the overlap population) */
  int stabilize;             /* 1: stabilized IPTW (ATE only) */
  double caliper;            /* matching: caliper in SDs of the logit of
                                the score; 0 = none */
};

/* The result of a run.  Owned; free with ps_workflow_free().  When
** is_separated is set only fit, is_separated and separating_column are
** filled (no weights can be made); when matching finds no pair (n_pairs
** 0) the weights are all 0 and nothing after them is computed. */
struct ps_workflow {
  struct logistic_fit fit;   /* the propensity model: fitted are the
                                scores, linear their logits */
  int is_separated;          /* 1: the covariates separate the groups
                                (glm flags fitted 0/1, did not converge, or
                                a residual deviance below 1e-6) */
  int separating_column;     /* with is_separated: a single covariate that
                                separates the groups by itself, or -1 */
  int64_t n_treated;         /* rows with treat 1 */
  int64_t n_control;         /* rows with treat 0 */
  double *weight;            /* n weights (matching: 1 matched, 0 not) */
  int64_t *match_id;         /* matching: n pair numbers 1..n_pairs, 0 for
                                unmatched rows; NULL for the other methods */
  int64_t n_pairs;           /* matching: matched pairs */
  double sd_logit;           /* matching: SD (n-1) of the logit score */
  double caliper_width;      /* matching: caliper * sd_logit (0: none) */
  struct ps_smd *balance;    /* p covariates' balance, or NULL (above) */
  double ess[2];             /* Kish's effective sample size, [0] control,
                                [1] treated */
  double weight_sum[2];      /* sum of the weights, [0] control, [1]
                                treated (summed in row order) */
};

/* Run the workflow on n rows: p covariates x (n*p doubles, column-major
** x[j*n + i]) and treat (n doubles, 0 or 1), with the options o.  Returns
** APP_OK (also when the model separates the groups or no pair is matched:
** see w), or the error of the logistic fit or of the weights (APP_EINVAL,
** APP_EINTERNAL: the message names the problem).  Caller frees *w with
** ps_workflow_free() whatever the result. */
int ps_workflow_run(int64_t n, int p, const double *x, const double *treat,
                    const struct ps_workflow_opts *o, struct ps_workflow *w,
                    struct err *e);

/* Free everything w owns and zero it (a zeroed w is fine). */
void ps_workflow_free(struct ps_workflow *w);

#endif
