/*
** ps_workflow.c: the propensity-score workflow (see ps_workflow.h).
**
** Why one module: the command line (`stats ps`) and the web analysis
** (report/analysis.c) must give the same weights from the same data, and
** the rule for a model that separates the groups must be one rule.
** Separation: glm's own flags (fitted probabilities numerically 0 or 1,
** no convergence) are not enough, because glm may stop "converged" with
** scores near 1e-10, as R does; a residual deviance below 1e-6 counts too.
** Workload: O(n p^2) for the fit (IRLS), O(n log n) for matching, O(n p)
** for the balance; the arrays are the caller's, nothing is copied.
*/
#include "ps_workflow.h"

#include "../core/mem.h"

#include <math.h>
#include <string.h>

/* A residual deviance below this is a separating model (see above). */
#define PSW_SEPARATED_DEVIANCE 1e-6

/* If a single covariate of x separates the groups of treat completely,
** its index (a clearer message than "fitted probabilities 0 or 1"), else
** -1. */
static int psw_separating_column(int64_t n, int p, const double *x,
                                 const double *treat) {
  int j;
  for (j = 0; j < p; j++) {
    const double *xj = x + (int64_t)j * n;
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    int64_t i;
    for (i = 0; i < n; i++) {
      int g = treat[i] == 1.0;
      if (xj[i] < lo[g]) {
        lo[g] = xj[i];
      }
      if (xj[i] > hi[g]) {
        hi[g] = xj[i];
      }
    }
    if (hi[0] < lo[1] || hi[1] < lo[0]) {
      return j;
    }
  }
  return -1;
}

int ps_workflow_run(int64_t n, int p, const double *x, const double *treat,
                    const struct ps_workflow_opts *o, struct ps_workflow *w,
                    struct err *e) {
  int64_t i;
  int j;
  int rc;
  memset(w, 0, sizeof(*w));
  w->separating_column = -1;
  rc = logistic_fit(n, p, x, treat, NULL, NULL, &w->fit, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (w->fit.has_fitted_01 || !w->fit.converged ||
      w->fit.deviance < PSW_SEPARATED_DEVIANCE) {
    w->is_separated = 1;
    w->separating_column = psw_separating_column(n, p, x, treat);
    return APP_OK;
  }
  for (i = 0; i < n; i++) {
    w->n_treated += treat[i] == 1.0;
  }
  w->n_control = n - w->n_treated;
  w->weight = xmallocarray((size_t)n, sizeof(double));
  if (o->method == PS_METHOD_MATCH) {
    w->match_id = xmallocarray((size_t)n, sizeof(int64_t));
    w->sd_logit = ps_sd(n, w->fit.linear);
    w->caliper_width = o->caliper > 0.0 ? o->caliper * w->sd_logit : 0.0;
    rc = ps_match_nearest(n, w->fit.linear, treat, w->caliper_width,
                          w->match_id, &w->n_pairs, e);
    if (rc != APP_OK) {
      return rc;
    }
    for (i = 0; i < n; i++) {
      w->weight[i] = w->match_id[i] > 0 ? 1.0 : 0.0;
    }
    if (w->n_pairs == 0) {
      return APP_OK;
    }
  } else {
    rc = ps_weights(n, w->fit.fitted, treat, o->method, o->estimand,
                    o->stabilize, w->weight, e);
    if (rc != APP_OK) {
      return rc;
    }
  }
  w->balance = xcalloc((size_t)p + 1, sizeof(*w->balance));
  for (j = 0; j < p; j++) {
    ps_smd_compute(n, x + (int64_t)j * n, treat, w->weight, &w->balance[j]);
  }
  w->ess[0] = ps_ess(n, w->weight, treat, 0);
  w->ess[1] = ps_ess(n, w->weight, treat, 1);
  for (i = 0; i < n; i++) {
    w->weight_sum[treat[i] == 1.0] += w->weight[i];
  }
  return APP_OK;
}

void ps_workflow_free(struct ps_workflow *w) {
  logistic_fit_free(&w->fit);
  xfree(w->weight);
  xfree(w->match_id);
  xfree(w->balance);
  memset(w, 0, sizeof(*w));
}
