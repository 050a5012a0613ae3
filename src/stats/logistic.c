/*
** logistic.c: logistic regression as R's glm.fit (binomial, logit link).
**
** What: iteratively reweighted least squares, step for step as glm.fit
** (R 4.2, src/library/stats/R/glm.R) with the binomial family's C helpers
** (src/library/stats/src/family.c) and the LINPACK QR that glm.fit calls
** through Cdqrls (dqrdc2 with limited column pivoting, dqrsl).
**
** Why: the propensity-score methods and any reviewer-facing odds ratio must
** equal R's glm to 1e-6; copying glm's starting values, link clamping at
** +/-30, convergence rule and rank-revealing QR makes the iterations, the
** iteration count, the aliased columns and the warnings the same as R's, not
** just the optimum.
**
** Invariants: the design always has the intercept as column 0; aliased
** columns hold 0 during the iterations (as Cdqrls' zeroed coefficients) and
** NaN in the result; the covariance is (R'R)^-1 of the final weighted
** least-squares step (dispersion 1), which is what summary.glm reports.
**
** Workload: n up to 10^7 rows, p up to a few dozen: O(n p^2) per iteration,
** one n x (p+1) scratch matrix.
*/
#include "logistic.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "../core/mem.h"

/* glm's eta clamp for the logit link (family.c THRESH, MTHRESH). */
#define LG_THRESH 30.0
/* Lower clamp of the linear predictor. */
#define LG_MTHRESH (-30.0)

struct logistic_control logistic_control_default(void) {
  struct logistic_control c;
  c.epsilon = 1e-8;
  c.maxit = 25;
  return c;
}

/* R's logit_linkinv: exp(eta)/(1+exp(eta)) with eta clamped at +/-30. */
static double lg_linkinv(double eta) {
  double t;
  if (eta < LG_MTHRESH) {
    t = DBL_EPSILON;
  } else if (eta > LG_THRESH) {
    t = 1.0 / DBL_EPSILON;
  } else {
    t = exp(eta);
  }
  return t / (1.0 + t);
}

/* R's logit_mu_eta: d mu / d eta, DBL_EPSILON outside +/-30. */
static double lg_mu_eta(double eta) {
  double opexp;
  if (eta > LG_THRESH || eta < LG_MTHRESH) {
    return DBL_EPSILON;
  }
  opexp = 1.0 + exp(eta);
  return exp(eta) / (opexp * opexp);
}

/* Binomial unit deviance times the weight, for y in {0,1}. */
static double lg_dev_resid(double y, double mu, double w) {
  if (y > 0.5) {
    return -2.0 * w * log(mu);
  }
  return -2.0 * w * log1p(-mu);
}

/* Euclidean norm of n doubles (LINPACK dnrm2, scaled against overflow). */
static double lg_nrm2(int64_t n, const double *x) {
  double scale = 0.0;
  double ssq = 1.0;
  int64_t i;
  for (i = 0; i < n; i++) {
    if (x[i] != 0.0) {
      double a = fabs(x[i]);
      if (scale < a) {
        ssq = 1.0 + ssq * (scale / a) * (scale / a);
        scale = a;
      } else {
        ssq += (a / scale) * (a / scale);
      }
    }
  }
  return scale * sqrt(ssq);
}

/* Dot product of n doubles. */
static double lg_dot(int64_t n, const double *a, const double *b) {
  double s = 0.0;
  int64_t i;
  for (i = 0; i < n; i++) {
    s += a[i] * b[i];
  }
  return s;
}

/* LINPACK dqrdc2: Householder QR of the n x p column-major matrix a, in
** place, with limited pivoting: a column whose remaining norm falls below
** tol times its original norm is moved to the end.  jpvt (p, output) gets
** the original index of each position, qraux (p) the Householder
** information, work (2p) is scratch.  Returns the rank. */
static int lg_dqrdc2(double *a, int64_t n, int p, double tol, int *jpvt,
                     double *qraux, double *work) {
  double *w1 = work;
  double *w2 = work + p;
  int j, l, kk, lup;
  for (j = 0; j < p; j++) {
    jpvt[j] = j;
    qraux[j] = lg_nrm2(n, a + (int64_t)j * n);
    w1[j] = qraux[j];
    w2[j] = qraux[j];
    if (w2[j] == 0.0) {
      w2[j] = 1.0;
    }
  }
  lup = (int64_t)p < n ? p : (int)n;
  kk = p;
  for (l = 0; l < lup; l++) {
    double *cl;
    double nrmxl;
    /* Cycle negligible columns to the end (at most kk - l times). */
    while (l < kk && !(qraux[l] >= w2[l] * tol)) {
      int64_t i;
      int ip = jpvt[l];
      double t1 = qraux[l], t2 = w1[l], t3 = w2[l];
      for (i = 0; i < n; i++) {
        double t = a[(int64_t)l * n + i];
        for (j = l + 1; j < p; j++) {
          a[(int64_t)(j - 1) * n + i] = a[(int64_t)j * n + i];
        }
        a[(int64_t)(p - 1) * n + i] = t;
      }
      for (j = l + 1; j < p; j++) {
        jpvt[j - 1] = jpvt[j];
        qraux[j - 1] = qraux[j];
        w1[j - 1] = w1[j];
        w2[j - 1] = w2[j];
      }
      jpvt[p - 1] = ip;
      qraux[p - 1] = t1;
      w1[p - 1] = t2;
      w2[p - 1] = t3;
      kk--;
    }
    if ((int64_t)l == n - 1) {
      break;
    }
    cl = a + (int64_t)l * n;
    nrmxl = lg_nrm2(n - l, cl + l);
    if (nrmxl == 0.0) {
      continue;
    }
    if (cl[l] != 0.0) {
      nrmxl = copysign(nrmxl, cl[l]);
    }
    {
      int64_t i;
      for (i = l; i < n; i++) {
        cl[i] /= nrmxl;
      }
    }
    cl[l] += 1.0;
    for (j = l + 1; j < p; j++) {
      double *cj = a + (int64_t)j * n;
      double t = -lg_dot(n - l, cl + l, cj + l) / cl[l];
      int64_t i;
      for (i = l; i < n; i++) {
        cj[i] += t * cl[i];
      }
      if (qraux[j] != 0.0) {
        double tt = 1.0 - (fabs(cj[l]) / qraux[j]) * (fabs(cj[l]) / qraux[j]);
        if (tt < 0.0) {
          tt = 0.0;
        }
        if (fabs(tt) < 1e-6) {
          qraux[j] = lg_nrm2(n - l - 1, cj + l + 1);
          w1[j] = qraux[j];
        } else {
          qraux[j] *= sqrt(tt);
        }
      }
    }
    qraux[l] = cl[l];
    cl[l] = -nrmxl;
  }
  return (int64_t)kk < n ? kk : (int)n;
}

/* LINPACK dqrsl's Q'y for the decomposition from lg_dqrdc2 with rank k. */
static void lg_qty(double *a, int64_t n, int k, const double *qraux,
                   double *y) {
  int64_t ju = (int64_t)k < n - 1 ? k : n - 1;
  int64_t j, i;
  for (j = 0; j < ju; j++) {
    double *cj = a + j * n;
    double temp, t;
    if (qraux[j] == 0.0) {
      continue;
    }
    temp = cj[j];
    cj[j] = qraux[j];
    t = -lg_dot(n - j, cj + j, y + j) / cj[j];
    for (i = j; i < n; i++) {
      y[i] += t * cj[i];
    }
    cj[j] = temp;
  }
}

/* Zero and free fit. */
void logistic_fit_free(struct logistic_fit *fit) {
  xfree(fit->coef);
  xfree(fit->se);
  xfree(fit->is_aliased);
  xfree(fit->fitted);
  xfree(fit->linear);
  memset(fit, 0, sizeof(*fit));
}

double logistic_wald_p(double z) {
  if (isnan(z)) {
    return NAN;
  }
  return 2.0 * gsl_cdf_ugaussian_P(-fabs(z));
}

/* Linear predictor of row i: b[0] + sum_j x[j*n+i] b[j+1]. */
static double lg_eta_row(int64_t n, int p, const double *x, const double *b,
                         int64_t i) {
  double s = b[0];
  int j;
  for (j = 0; j < p; j++) {
    s += x[(int64_t)j * n + i] * b[j + 1];
  }
  return s;
}

/* Deviance of mu against y with weights w (NULL = 1). */
static double lg_deviance(int64_t n, const double *y, const double *mu,
                          const double *w) {
  double d = 0.0;
  int64_t i;
  for (i = 0; i < n; i++) {
    d += lg_dev_resid(y[i], mu[i], w ? w[i] : 1.0);
  }
  return d;
}

int logistic_fit(int64_t n, int p, const double *x, const double *y,
                 const double *w, const struct logistic_control *ctl,
                 struct logistic_fit *fit, struct err *e) {
  struct logistic_control dc = logistic_control_default();
  int q = p + 1;
  double tol;
  double *a = NULL, *z = NULL, *start = NULL, *coefold = NULL;
  double *qraux = NULL, *work = NULL, *cov = NULL;
  int *jpvt = NULL;
  int64_t *good = NULL;
  int64_t i, n_good = 0, n_pos = 0;
  int rc = APP_EINTERNAL;
  int iter, j, k, rank = 0;
  int has_coefold = 0;
  double dev = 0.0, devold, sw = 0.0, swy = 0.0;

  memset(fit, 0, sizeof(*fit));
  if (ctl == NULL) {
    ctl = &dc;
  }
  tol = ctl->epsilon / 1000.0 < 1e-7 ? ctl->epsilon / 1000.0 : 1e-7;
  if (n <= 0 || p < 0) {
    return ERR_SET(e, APP_EINVAL, "logistic: no observations");
  }
  for (i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    if (!(y[i] == 0.0 || y[i] == 1.0)) {
      return ERR_SET(e, APP_EINVAL,
                     "logistic: response %g in row %lld is not 0 or 1",
                     y[i], (long long)i + 1);
    }
    if (!isfinite(wi) || wi < 0.0) {
      return ERR_SET(e, APP_EINVAL,
                     "logistic: weight %g in row %lld is negative or not "
                     "finite", wi, (long long)i + 1);
    }
    for (j = 0; j < p; j++) {
      if (!isfinite(x[(int64_t)j * n + i])) {
        return ERR_SET(e, APP_EINVAL,
                       "logistic: design column %d, row %lld: not finite",
                       j + 1, (long long)i + 1);
      }
    }
    if (wi > 0.0) {
      n_pos++;
    }
    sw += wi;
    swy += wi * y[i];
  }
  if (n_pos == 0) {
    return ERR_SET(e, APP_EINVAL, "logistic: no row has a positive weight");
  }

  fit->n = n;
  fit->n_coef = q;
  fit->coef = xcalloc((size_t)q, sizeof(double));
  fit->se = xcalloc((size_t)q, sizeof(double));
  fit->is_aliased = xcalloc((size_t)q, sizeof(int));
  fit->fitted = xmallocarray((size_t)n, sizeof(double));
  fit->linear = xmallocarray((size_t)n, sizeof(double));
  a = xmallocarray((size_t)n * (size_t)q, sizeof(double));
  z = xmallocarray((size_t)n, sizeof(double));
  good = xmallocarray((size_t)n, sizeof(int64_t));
  start = xcalloc((size_t)q, sizeof(double));
  coefold = xcalloc((size_t)q, sizeof(double));
  qraux = xcalloc((size_t)q, sizeof(double));
  work = xcalloc(2 * (size_t)q, sizeof(double));
  jpvt = xcalloc((size_t)q, sizeof(int));

  /* binomial()$initialize: mustart = (w y + 0.5) / (w + 1). */
  for (i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    double mu = (wi * y[i] + 0.5) / (wi + 1.0);
    double m = wi * y[i];
    if (fabs(m - nearbyint(m)) > 0.001) {
      fit->has_nonint_weights = 1;
    }
    fit->fitted[i] = mu;
    fit->linear[i] = log(mu / (1.0 - mu));
  }
  devold = lg_deviance(n, y, fit->fitted, w);

  for (iter = 1; iter <= ctl->maxit; iter++) {
    fit->iterations = iter;
    /* Working response and weights over the "good" rows. */
    n_good = 0;
    for (i = 0; i < n; i++) {
      double wi = w ? w[i] : 1.0;
      double eta = fit->linear[i], mu = fit->fitted[i];
      double me = lg_mu_eta(eta);
      double var = mu * (1.0 - mu);
      if (!(var > 0.0) || !isfinite(var)) {
        rc = ERR_SET(e, APP_EINTERNAL, "logistic: 0s in V(mu)");
        goto fail;
      }
      if (wi > 0.0 && me != 0.0) {
        good[n_good++] = i;
      }
    }
    for (k = 0; k < n_good; k++) {
      int64_t r = good[k];
      double wi = w ? w[r] : 1.0;
      double eta = fit->linear[r], mu = fit->fitted[r];
      double me = lg_mu_eta(eta);
      double ww = sqrt(wi * me * me / (mu * (1.0 - mu)));
      z[k] = (eta + (y[r] - mu) / me) * ww;
      a[k] = ww;
      for (j = 0; j < p; j++) {
        a[(int64_t)(j + 1) * n_good + k] = x[(int64_t)j * n + r] * ww;
      }
    }
    rank = lg_dqrdc2(a, n_good, q, tol, jpvt, qraux, work);
    lg_qty(a, n_good, rank, qraux, z);
    /* Back-substitution R b = (Q'z)[0..rank). */
    for (j = 0; j < q; j++) {
      start[j] = 0.0;
    }
    for (j = rank - 1; j >= 0; j--) {
      double s = z[j];
      int m;
      for (m = j + 1; m < rank; m++) {
        s -= a[(int64_t)m * n_good + j] * work[m];
      }
      work[j] = s / a[(int64_t)j * n_good + j];
    }
    for (j = 0; j < rank; j++) {
      start[jpvt[j]] = work[j];
      if (!isfinite(work[j])) {
        rc = ERR_SET(e, APP_EINTERNAL,
                     "logistic: non-finite coefficients at iteration %d",
                     iter);
        goto fail;
      }
    }
    for (i = 0; i < n; i++) {
      fit->linear[i] = lg_eta_row(n, p, x, start, i);
      fit->fitted[i] = lg_linkinv(fit->linear[i]);
    }
    dev = lg_deviance(n, y, fit->fitted, w);
    if (!isfinite(dev)) {
      int ii = 0;
      if (!has_coefold) {
        rc = ERR_SET(e, APP_EINTERNAL,
                     "logistic: no valid set of coefficients has been found");
        goto fail;
      }
      while (!isfinite(dev)) {
        if (++ii > ctl->maxit) {
          rc = ERR_SET(e, APP_EINTERNAL,
                       "logistic: inner loop 1; cannot correct step size");
          goto fail;
        }
        for (j = 0; j < q; j++) {
          start[j] = (start[j] + coefold[j]) / 2.0;
        }
        for (i = 0; i < n; i++) {
          fit->linear[i] = lg_eta_row(n, p, x, start, i);
          fit->fitted[i] = lg_linkinv(fit->linear[i]);
        }
        dev = lg_deviance(n, y, fit->fitted, w);
      }
      fit->is_boundary = 1;
    }
    if (fabs(dev - devold) / (fabs(dev) + 0.1) < ctl->epsilon) {
      fit->converged = 1;
      break;
    }
    devold = dev;
    memcpy(coefold, start, (size_t)q * sizeof(double));
    has_coefold = 1;
  }

  /* Results: coefficients, aliasing, covariance from the last QR. */
  fit->rank = rank;
  for (j = 0; j < q; j++) {
    fit->coef[j] = start[j];
  }
  for (j = rank; j < q; j++) {
    fit->is_aliased[jpvt[j]] = 1;
    fit->coef[jpvt[j]] = NAN;
    fit->se[jpvt[j]] = NAN;
  }
  /* Rinv (upper triangular, rank x rank) into cov, then Rinv Rinv'. */
  cov = xcalloc((size_t)rank * (size_t)rank, sizeof(double));
  for (j = 0; j < rank; j++) {
    int m, l;
    cov[j * rank + j] = 1.0 / a[(int64_t)j * n_good + j];
    for (m = j - 1; m >= 0; m--) {
      double s = 0.0;
      for (l = m + 1; l <= j; l++) {
        s += a[(int64_t)l * n_good + m] * cov[l * rank + j];
      }
      cov[m * rank + j] = -s / a[(int64_t)m * n_good + m];
    }
  }
  for (j = 0; j < rank; j++) {
    double s = 0.0;
    int l;
    for (l = j; l < rank; l++) {
      s += cov[j * rank + l] * cov[j * rank + l];
    }
    fit->se[jpvt[j]] = sqrt(s);
  }
  fit->deviance = dev;
  {
    double wtdmu = swy / sw;
    double aic = 0.0;
    fit->null_deviance = 0.0;
    for (i = 0; i < n; i++) {
      double wi = w ? w[i] : 1.0;
      double mu = fit->fitted[i];
      double m = nearbyint(wi);
      fit->null_deviance += lg_dev_resid(y[i], wtdmu, wi);
      if (wi > 0.0 && m > 0.0) {
        aic += y[i] > 0.5 ? m * log(mu) : m * log1p(-mu);
      }
      if (mu > 1.0 - 10.0 * DBL_EPSILON || mu < 10.0 * DBL_EPSILON) {
        fit->has_fitted_01 = 1;
      }
    }
    fit->aic = -2.0 * aic + 2.0 * rank;
  }
  fit->df_null = (int)(n_pos - 1);
  fit->df_residual = (int)(n_pos - rank);
  rc = APP_OK;
  goto out;
fail:
  logistic_fit_free(fit);
out:
  xfree(a);
  xfree(z);
  xfree(good);
  xfree(start);
  xfree(coefold);
  xfree(qraux);
  xfree(work);
  xfree(jpvt);
  xfree(cov);
  return rc;
}
