/*
** zph.c: cox.zph of R's survival >= 3.0 (R/cox.zph.R with src/zph1.c).
**
** Why: the old cox.zph (and lifelines today) used a fast approximation;
** since survival 3.0 it is the actual score test of gamma = 0 in the model
** with extra time-varying columns x * g(t), at the fitted beta.  We compute
** what zph1.c does: with X recentred by its unweighted column means and the
** fit's linear predictor, one backward pass over the rows sorted by
** (stratum, time descending) accumulates the 2p score U (its first p
** components are ~0 at the MLE) and the 2p x 2p information with blocks
** sum I_k, sum g_k I_k, sum g_k^2 I_k over the event times, with Efron's
** d-step splitting of tied deaths as in the fit.  g is centred by its
** unweighted mean over the events.  Term tests use the rows/columns (all p,
** the term's time columns), the global test the whole matrix.
** Columns with an NA coefficient are left out (as R drops them).
*/
#include "zph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "../core/mem.h"
#include "linalg.h"

/* A time and its row, for ranking and the KM. */
struct zph_tkey {
  double time;   /* time */
  int64_t row;   /* input row */
};

/* Time ascending. */
static int zph_tkey_cmp(const void *pa, const void *pb) {
  const struct zph_tkey *a = pa;
  const struct zph_tkey *b = pb;
  if (a->time != b->time) {
    return a->time < b->time ? -1 : 1;
  }
  return (a->row > b->row) - (a->row < b->row);
}

/* Fill g (n, input order) with the transform of t (n times, input order),
** centred by its mean over the rows with status 1. */
static void zph_transform_times(const double *t, const int *status,
                                int64_t n, int transform, double *g) {
  struct zph_tkey *k = xmallocarray((size_t)n, sizeof(*k));
  int64_t i, j;
  double mean = 0.0;
  int64_t nev = 0;
  for (i = 0; i < n; i++) {
    k[i].time = t[i];
    k[i].row = i;
  }
  qsort(k, (size_t)n, sizeof(*k), zph_tkey_cmp);
  if (transform == ZPH_IDENTITY) {
    for (i = 0; i < n; i++) {
      g[i] = t[i];
    }
  } else if (transform == ZPH_RANK) {
    i = 0;
    while (i < n) {
      double avg;
      j = i;
      while (j + 1 < n && k[j + 1].time == k[i].time) {
        j++;
      }
      avg = ((double)(i + 1) + (double)(j + 1)) / 2.0;
      for (int64_t q = i; q <= j; q++) {
        g[k[q].row] = avg;
      }
      i = j + 1;
    }
  } else {
    /* unweighted KM of all rows; g = 1 - S(t-) */
    double surv = 1.0;
    i = 0;
    while (i < n) {
      int64_t nrisk = n - i;
      int64_t nd = 0;
      j = i;
      while (j < n && k[j].time == k[i].time) {
        nd += status[k[j].row] != 0;
        j++;
      }
      for (int64_t q = i; q < j; q++) {
        g[k[q].row] = 1.0 - surv;
      }
      if (nd > 0) {
        surv *= (double)(nrisk - nd) / (double)nrisk;
      }
      i = j;
    }
  }
  for (i = 0; i < n; i++) {
    if (status[i] != 0) {
      mean += g[i];
      nev++;
    }
  }
  mean /= (double)(nev > 0 ? nev : 1);
  for (i = 0; i < n; i++) {
    g[i] -= mean;
  }
  xfree(k);
}

/* u' A_sub^- u over the index set idx (m entries) of the q2 x q2 matrix a
** and vector u. */
static double zph_subtest(const double *a, const double *u, int q2,
                          const int *idx, int m) {
  double *sub = xmallocarray((size_t)m * (size_t)m, sizeof(double));
  double *v = xmallocarray((size_t)m, sizeof(double));
  double *scr = xmallocarray((size_t)m * (size_t)m + (size_t)m,
                             sizeof(double));
  double q;
  int rank;
  int i, j;
  for (i = 0; i < m; i++) {
    v[i] = u[idx[i]];
    for (j = 0; j < m; j++) {
      sub[i * m + j] = a[idx[i] * q2 + idx[j]];
    }
  }
  q = linalg_quadform(sub, v, m, 1e-12, &rank, scr);
  xfree(scr);
  xfree(v);
  xfree(sub);
  return q;
}

int zph_test(const struct cox_data *d, const struct cox_options *o,
             const struct cox_fit *fit, int n_terms, const int *term_of_col,
             int transform, struct zph_result *out, struct err *e) {
  int64_t n = d->n;
  int q = 0;
  int q2;
  int *keep;
  double *tfix, *g, *xs, *wsort, *gs, *eta;
  int *ssort;
  int32_t *strat;
  double *tsort;
  double *means;
  double *u, *imat, *a, *a2, *cmat, *cmat2;
  int64_t *order;
  int64_t i;
  int j, k, tt;
  double denom = 0.0;
  memset(out, 0, sizeof(*out));
  if (fit->p != d->p || fit->p == 0) {
    return ERR_SET(e, APP_EINVAL, "zph: the model has no covariates");
  }
  keep = xmallocarray((size_t)d->p, sizeof(int));
  for (j = 0; j < d->p; j++) {
    if (!isnan(fit->coef[j])) {
      keep[q++] = j;
    }
  }
  if (q == 0) {
    xfree(keep);
    return ERR_SET(e, APP_EINVAL, "zph: every coefficient is NA");
  }
  q2 = 2 * q;
  /* one sort serves the fit order and the merged (timefixed) times */
  order = xmallocarray((size_t)n, sizeof(int64_t));
  tsort = xmallocarray((size_t)n, sizeof(double));
  cox_order(d->time, d->strata, n, o->timefix, order, tsort);
  tfix = xmallocarray((size_t)n, sizeof(double));
  for (i = 0; i < n; i++) {
    tfix[order[i]] = tsort[i];
  }
  g = xmallocarray((size_t)n, sizeof(double));
  zph_transform_times(tfix, d->status, n, transform, g);
  xfree(tfix);
  tfix = NULL;
  /* unweighted column means of the kept columns */
  means = xcalloc((size_t)q, sizeof(double));
  for (j = 0; j < q; j++) {
    const double *col = d->x + (size_t)keep[j] * (size_t)n;
    double s = 0.0;
    for (i = 0; i < n; i++) {
      s += col[i];
    }
    means[j] = s / (double)n;
  }
  xs = xmallocarray((size_t)n * (size_t)q, sizeof(double));
  wsort = xmallocarray((size_t)n, sizeof(double));
  gs = xmallocarray((size_t)n, sizeof(double));
  eta = xmallocarray((size_t)n, sizeof(double));
  ssort = xmallocarray((size_t)n, sizeof(int));
  strat = xmallocarray((size_t)n, sizeof(int32_t));
  for (i = 0; i < n; i++) {
    int64_t r = order[i];
    for (j = 0; j < q; j++) {
      xs[(size_t)i * (size_t)q + (size_t)j] =
          d->x[(size_t)keep[j] * (size_t)n + (size_t)r] - means[j];
    }
    wsort[i] = d->weight ? d->weight[r] : 1.0;
    gs[i] = g[r];
    eta[i] = fit->lp[r];
    ssort[i] = d->status[r];
    strat[i] = d->strata ? d->strata[r] : 0;
  }
  xfree(g);
  g = NULL;
  u = xcalloc((size_t)q2, sizeof(double));
  imat = xcalloc((size_t)q2 * (size_t)q2, sizeof(double));
  a = xcalloc((size_t)q, sizeof(double));
  a2 = xcalloc((size_t)q, sizeof(double));
  cmat = xcalloc((size_t)q * (size_t)q, sizeof(double));
  cmat2 = xcalloc((size_t)q * (size_t)q, sizeof(double));
  i = 0;
  while (i < n) {
    int64_t b0 = i, b1;
    double deadwt = 0.0, denom2 = 0.0, gt = 0.0;
    int64_t ndead = 0;
    int64_t nstep;
    if (i == 0 || strat[i] != strat[i - 1]) {
      denom = 0.0;
      memset(a, 0, sizeof(double) * (size_t)q);
      memset(cmat, 0, sizeof(double) * (size_t)q * (size_t)q);
    }
    b1 = b0 + 1;
    while (b1 < n && tsort[b1] == tsort[b0] && strat[b1] == strat[b0]) {
      b1++;
    }
    memset(a2, 0, sizeof(double) * (size_t)q);
    memset(cmat2, 0, sizeof(double) * (size_t)q * (size_t)q);
    for (i = b0; i < b1; i++) {
      const double *xi = xs + (size_t)i * (size_t)q;
      double r = wsort[i] * exp(eta[i]);
      double *aa = ssort[i] ? a2 : a;
      double *cc = ssort[i] ? cmat2 : cmat;
      if (ssort[i]) {
        ndead++;
        deadwt += wsort[i];
        denom2 += r;
        gt = gs[i];
        for (j = 0; j < q; j++) {
          u[j] += wsort[i] * xi[j];
          u[q + j] += wsort[i] * xi[j] * gs[i];
        }
      } else {
        denom += r;
      }
      for (j = 0; j < q; j++) {
        aa[j] += r * xi[j];
        for (k = 0; k <= j; k++) {
          cc[j * q + k] += r * xi[j] * xi[k];
        }
      }
    }
    i = b1;
    if (ndead == 0) {
      continue;
    }
    nstep = (ndead == 1 || o->ties == COX_BRESLOW) ? 1 : ndead;
    {
      /* the nstep (Efron) steps summed in closed form, as in cox.c:
         step r has den_r = D0 + f_r D2, f_r = (r+1)/nstep */
      double wt = deadwt / (double)nstep;
      double s1 = 0.0, sf1 = 0.0, s2 = 0.0, sf2 = 0.0, sff2 = 0.0;
      int64_t r;
      for (r = 0; r < nstep; r++) {
        double f = (double)(r + 1) / (double)nstep;
        double inv = 1.0 / (denom + f * denom2);
        s1 += inv;
        sf1 += f * inv;
        s2 += inv * inv;
        sf2 += f * inv * inv;
        sff2 += f * f * inv * inv;
      }
      for (j = 0; j < q; j++) {
        double msum = a[j] * s1 + a2[j] * sf1;
        u[j] -= wt * msum;
        u[q + j] -= wt * gt * msum;
        for (k = 0; k <= j; k++) {
          double v = wt * (cmat[j * q + k] * s1 + cmat2[j * q + k] * sf1 -
                           (a[j] * a[k] * s2 +
                            (a[j] * a2[k] + a2[j] * a[k]) * sf2 +
                            a2[j] * a2[k] * sff2));
          imat[j * q2 + k] += v;
          imat[(q + j) * q2 + k] += gt * v;
          imat[(q + j) * q2 + (q + k)] += gt * gt * v;
          if (k != j) {
            imat[(q + k) * q2 + j] += gt * v;
          }
        }
      }
      denom += denom2;
      for (j = 0; j < q; j++) {
        a[j] += a2[j];
        for (k = 0; k <= j; k++) {
          cmat[j * q + k] += cmat2[j * q + k];
        }
      }
    }
  }
  /* symmetrise: lower triangles of the diagonal blocks, and the upper
     off-diagonal block from the lower one */
  for (j = 0; j < q2; j++) {
    for (k = j + 1; k < q2; k++) {
      imat[j * q2 + k] = imat[k * q2 + j];
    }
  }
  out->n_terms = n_terms;
  out->chisq = xcalloc((size_t)(n_terms > 0 ? n_terms : 1), sizeof(double));
  out->df = xcalloc((size_t)(n_terms > 0 ? n_terms : 1), sizeof(int));
  out->p = xcalloc((size_t)(n_terms > 0 ? n_terms : 1), sizeof(double));
  {
    int *idx = xmallocarray((size_t)q2, sizeof(int));
    double *uu = xcalloc((size_t)q2, sizeof(double));
    for (j = 0; j < q; j++) {
      uu[q + j] = u[q + j];
    }
    for (tt = 0; tt < n_terms; tt++) {
      int m = q;
      for (j = 0; j < q; j++) {
        idx[j] = j;
      }
      for (j = 0; j < q; j++) {
        if (term_of_col[keep[j]] == tt) {
          idx[m++] = q + j;
        }
      }
      out->df[tt] = m - q;
      if (m == q) {
        out->chisq[tt] = NAN;
        out->p[tt] = NAN;
      } else {
        out->chisq[tt] = zph_subtest(imat, uu, q2, idx, m);
        out->p[tt] = gsl_cdf_chisq_Q(out->chisq[tt], (double)(m - q));
      }
    }
    for (j = 0; j < q2; j++) {
      idx[j] = j;
    }
    out->global_chisq = zph_subtest(imat, uu, q2, idx, q2);
    out->global_df = q;
    out->global_p = gsl_cdf_chisq_Q(out->global_chisq, (double)q);
    xfree(uu);
    xfree(idx);
  }
  xfree(cmat2);
  xfree(cmat);
  xfree(a2);
  xfree(a);
  xfree(imat);
  xfree(u);
  xfree(strat);
  xfree(ssort);
  xfree(tsort);
  xfree(eta);
  xfree(gs);
  xfree(wsort);
  xfree(xs);
  xfree(means);
  xfree(g);
  xfree(tfix);
  xfree(order);
  xfree(keep);
  return APP_OK;
}

void zph_result_free(struct zph_result *r) {
  xfree(r->chisq);
  xfree(r->df);
  xfree(r->p);
  memset(r, 0, sizeof(*r));
}
