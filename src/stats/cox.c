/*
** cox.c: the Cox proportional-hazards model as R's survival::coxph fits it
** (survival 3.5: coxfit6.c, coxph.fit.R, coxph.R, residuals.coxph.R,
** concordancefit.R).
**
** Why a re-implementation: statisticians trust our numbers only when they
** equal R's to many digits, and registries need 10^6-10^7 rows.  So every
** rule that changes a digit is R's: timefix (aeqSurv) on the times,
** centring and scaling of non 0/1 columns, Newton-Raphson with convergence
** on |1 - best/new loglik| <= eps, progressive step halving, survival's
** LDL' Cholesky with its singularity tolerance (NA for collinear columns),
** the infinite-coefficient warnings, the score test at beta = 0, the Wald
** test on the variance in use, the robust sandwich from Efron-consistent
** score residuals (dfbeta) collapsed by cluster, and the concordance on the
** linear predictor with its infinitesimal-jackknife standard error.
**
** Workload and invariants: the rows are sorted once by (stratum, time
** descending) with O(n) radix sorts, and the design is copied row-major,
** centred and scaled, so an iteration is one backward pass of O(n p^2)
** over contiguous memory with no allocation.  Risk-set sums reset at each
** stratum boundary; censored rows at a time t are in the risk set of the
** deaths at t.  The robust variance is O((n + d) p^2) (running cumulative
** hazard sums, as survival 3.5-7's coxscore2), the concordance O(n log n)
** with a Fenwick tree per stratum.  All sizes and indexes are 64-bit.
*/
#include "cox.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "km.h"
#include "linalg.h"

/* The sorted, centred and scaled working copy of the data and the scratch
** of one fit.  Everything is allocated once in cox_work_init(). */
struct cox_work {
  int64_t n;        /* rows */
  int p;            /* columns */
  double *x;        /* n*p row-major design, sorted, centred and scaled */
  double *w;        /* n weights, sorted; NULL when all are 1 */
  double *t;        /* n times, sorted by (stratum, time descending) */
  unsigned char *s; /* n statuses 0/1, sorted */
  int32_t *strat;   /* n stratum codes, sorted; NULL when unstratified */
  int64_t *row;     /* n: input row of each sorted position */
  double *scale;    /* p: multiplier applied after centring (1 if none) */
  double *means;    /* p: centring values (0 for 0/1 columns) */
  double *a;        /* p: running sum of r x over the risk set */
  double *a2;       /* p: the same over the tied deaths */
  double *cmat;     /* p*p: running sum of r x x' (lower triangle used) */
  double *cmat2;    /* p*p: the same over the tied deaths */
};

/* Weight of sorted row i (1 when unweighted). */
static inline double cw_w(const struct cox_work *w, int64_t i) {
  return w->w != NULL ? w->w[i] : 1.0;
}

/* Stratum code of sorted row i (0 when unstratified). */
static inline int32_t cw_st(const struct cox_work *w, int64_t i) {
  return w->strat != NULL ? w->strat[i] : 0;
}

void cox_order(const double *time, const int32_t *strata, int64_t n,
               bool timefix, int64_t *order, double *tsorted) {
  uint64_t *key = xmallocarray((size_t)(n > 0 ? n : 1), sizeof(uint64_t));
  int64_t i;
  for (i = 0; i < n; i++) {
    key[i] = ~surv_key(time[i]);
    order[i] = i;
  }
  surv_sort_pairs(key, order, n);
  xfree(key);
  for (i = 0; i < n; i++) {
    tsorted[i] = time[order[i]];
  }
  if (timefix && n > 1) {
    /* aeqSurv: unique times ascending; a unique time within sqrt(eps) of
       its predecessor, absolutely or relative to the mean absolute unique
       time, joins the run of the predecessor; each run maps to its first */
    double tol = sqrt(DBL_EPSILON);
    double mean_abs = 0.0;
    double prev = 0.0, cut = 0.0;
    int64_t nu = 0;
    for (i = n - 1; i >= 0; i--) {
      if (nu == 0 || tsorted[i] != prev) {
        mean_abs += fabs(tsorted[i]);
        nu++;
        prev = tsorted[i];
      }
    }
    mean_abs /= (double)nu;
    nu = 0;
    for (i = n - 1; i >= 0; i--) {
      double v = tsorted[i];
      if (nu == 0) {
        cut = v;
        prev = v;
        nu++;
      } else if (v != prev) {
        double dy = v - prev;
        if (!(dy <= tol || dy / mean_abs <= tol)) {
          cut = v;
        }
        prev = v;
        nu++;
      }
      tsorted[i] = cut;
    }
  }
  if (strata != NULL && n > 0) {
    /* stable counting sort by stratum code */
    int32_t maxs = 0;
    int64_t *cnt;
    int64_t *o2 = xmallocarray((size_t)n, sizeof(int64_t));
    double *t2 = xmallocarray((size_t)n, sizeof(double));
    int64_t pos = 0;
    for (i = 0; i < n; i++) {
      if (strata[i] > maxs) {
        maxs = strata[i];
      }
    }
    cnt = xcalloc((size_t)maxs + 1, sizeof(int64_t));
    for (i = 0; i < n; i++) {
      cnt[strata[order[i]]]++;
    }
    for (i = 0; i <= maxs; i++) {
      int64_t t = cnt[i];
      cnt[i] = pos;
      pos += t;
    }
    for (i = 0; i < n; i++) {
      int64_t at = cnt[strata[order[i]]]++;
      o2[at] = order[i];
      t2[at] = tsorted[i];
    }
    memcpy(order, o2, sizeof(int64_t) * (size_t)n);
    memcpy(tsorted, t2, sizeof(double) * (size_t)n);
    xfree(cnt);
    xfree(t2);
    xfree(o2);
  }
}

void cox_options_default(struct cox_options *o) {
  o->ties = COX_EFRON;
  o->robust = false;
  o->iter_max = 20;
  o->eps = 1e-9;
  o->toler_chol = pow(DBL_EPSILON, 0.75);
  o->toler_inf = sqrt(o->eps);
  o->timefix = true;
  o->take_x = false;
}

void cox_timefix(const double *time, int64_t n, double *out) {
  int64_t *order = xmallocarray((size_t)(n > 0 ? n : 1), sizeof(int64_t));
  double *ts = xmallocarray((size_t)(n > 0 ? n : 1), sizeof(double));
  int64_t i;
  cox_order(time, NULL, n, true, order, ts);
  for (i = 0; i < n; i++) {
    out[order[i]] = ts[i];
  }
  xfree(ts);
  xfree(order);
}

/* Record a warning text (formatted) in fit, if there is room. */
static void cox_warn(struct cox_fit *fit, const char *text) {
  if (fit->n_warnings < COX_MAX_WARNINGS) {
    fit->warnings[fit->n_warnings++] = xstrdup(text);
  }
}

/* Free the working copy. */
static void cox_work_free(struct cox_work *w) {
  xfree(w->x);
  xfree(w->w);
  xfree(w->t);
  xfree(w->s);
  xfree(w->strat);
  xfree(w->row);
  xfree(w->scale);
  xfree(w->means);
  xfree(w->a);
  xfree(w->a2);
  xfree(w->cmat);
  xfree(w->cmat2);
  memset(w, 0, sizeof(*w));
}

/* Build the sorted, centred, scaled copy of d (timefixed times if o asks).
** Means are weighted over all rows (not per stratum); columns whose values
** are all in {-1, 0, 1} are left alone (coxph's nocenter).  Means and
** scales are computed column by column in input order (sequential); the
** row-major sorted copy is then gathered row by row. */
static void cox_work_init(struct cox_work *w, const struct cox_data *d,
                          const struct cox_options *o) {
  int64_t n = d->n;
  int p = d->p;
  int64_t i;
  int j;
  double sumw = 0.0;
  bool *doscale_col = xcalloc((size_t)(p > 0 ? p : 1), sizeof(bool));
  memset(w, 0, sizeof(*w));
  w->n = n;
  w->p = p;
  w->row = xmallocarray((size_t)n, sizeof(int64_t));
  w->t = xmallocarray((size_t)n, sizeof(double));
  cox_order(d->time, d->strata, n, o->timefix, w->row, w->t);
#ifdef HCC_DEBUG
  /* The header's invariant: (stratum ascending, time descending), and
  ** row[] a permutation's worth of valid input rows. */
  for (i = 0; i < n; i++) {
    int64_t r = w->row[i];
    assert(r >= 0 && r < n);
    if (i > 0) {
      int32_t s0 = d->strata ? d->strata[w->row[i - 1]] : 0;
      int32_t s1 = d->strata ? d->strata[r] : 0;
      assert(s0 < s1 || (s0 == s1 && w->t[i - 1] >= w->t[i]));
    }
  }
#endif
  w->x = xmallocarray((size_t)n * (size_t)(p > 0 ? p : 1), sizeof(double));
  w->w = d->weight ? xmallocarray((size_t)n, sizeof(double)) : NULL;
  w->s = xmallocarray((size_t)n, sizeof(unsigned char));
  w->strat = d->strata ? xmallocarray((size_t)n, sizeof(int32_t)) : NULL;
  for (i = 0; i < n; i++) {
    int64_t r = w->row[i];
    if (w->strat != NULL) {
      w->strat[i] = d->strata[r];
    }
    w->s[i] = (unsigned char)d->status[r];
    if (w->w != NULL) {
      w->w[i] = d->weight[r];
    }
  }
  for (i = 0; i < n; i++) {
    sumw += d->weight ? d->weight[i] : 1.0;
  }
  w->scale = xmallocarray((size_t)(p > 0 ? p : 1), sizeof(double));
  w->means = xcalloc((size_t)(p > 0 ? p : 1), sizeof(double));
  for (j = 0; j < p; j++) {
    const double *col = d->x + (size_t)j * (size_t)n;
    bool doscale = false;
    double m = 0.0;
    double mad = 0.0;
    double sc = 1.0;
    for (i = 0; i < n; i++) {
      double v = col[i];
      if (v != 0.0 && v != 1.0 && v != -1.0) {
        doscale = true;
        break;
      }
    }
    if (doscale) {
      for (i = 0; i < n; i++) {
        m += (d->weight ? d->weight[i] : 1.0) * col[i];
      }
      m /= sumw;
      for (i = 0; i < n; i++) {
        mad += (d->weight ? d->weight[i] : 1.0) * fabs(col[i] - m);
      }
      sc = mad > 0.0 ? sumw / mad : 1.0;
    }
    w->means[j] = m;
    w->scale[j] = doscale ? sc : 1.0;
    doscale_col[j] = doscale;
  }
  /* gather the rows in sorted order, one column at a time: the random
     reads then stay within one column (n doubles), which the caches hold
     far better than p columns at once */
  for (j = 0; j < p; j++) {
    const double *restrict col = d->x + (size_t)j * (size_t)n;
    const double mj = w->means[j];
    const double sj = w->scale[j];
    double *restrict xj = w->x + j;
    if (doscale_col[j]) {
      for (i = 0; i < n; i++) {
        xj[(size_t)i * (size_t)p] = (col[w->row[i]] - mj) * sj;
      }
    } else {
      for (i = 0; i < n; i++) {
        xj[(size_t)i * (size_t)p] = col[w->row[i]];
      }
    }
  }
  xfree(doscale_col);
  if (o->take_x && d->x != NULL) {
    xfree((void *)(uintptr_t)d->x); /* given up by the caller */
  }
  w->a = xcalloc((size_t)(p > 0 ? p : 1), sizeof(double));
  w->a2 = xcalloc((size_t)(p > 0 ? p : 1), sizeof(double));
  w->cmat = xcalloc((size_t)(p > 0 ? p * p : 1), sizeof(double));
  w->cmat2 = xcalloc((size_t)(p > 0 ? p * p : 1), sizeof(double));
}

/* One backward pass at beta (scaled coordinates): returns the log partial
** likelihood and fills u (p) and imat (p*p, full symmetric).  This is
** coxfit6_iter: censored rows at a time join the risk set before the deaths
** at that time are processed; Efron splits d tied deaths into d steps that
** each add 1/d of the deaths' risk and carry the average death weight. */
static double cox_iter(struct cox_work *w, int ties, const double *beta,
                       double *u, double *imat) {
  const int p = w->p;
  const int64_t n = w->n;
  double *restrict a = w->a;
  double *restrict a2 = w->a2;
  double *restrict cmat = w->cmat;
  double *restrict cmat2 = w->cmat2;
  double loglik = 0.0;
  double denom = 0.0;
  int64_t i = 0;
  int j, k;
  memset(u, 0, sizeof(double) * (size_t)p);
  memset(imat, 0, sizeof(double) * (size_t)p * (size_t)p);
  while (i < n) {
    int64_t b0 = i;
    int64_t b1;
    double deadwt = 0.0;
    double denom2 = 0.0;
    int64_t ndead = 0;
    if (i == 0 || cw_st(w, i) != cw_st(w, i - 1)) {
      denom = 0.0;
      memset(a, 0, sizeof(double) * (size_t)p);
      memset(cmat, 0, sizeof(double) * (size_t)p * (size_t)p);
    }
    b1 = b0 + 1;
    while (b1 < n && w->t[b1] == w->t[b0] && cw_st(w, b1) == cw_st(w, b0)) {
      b1++;
    }
    memset(a2, 0, sizeof(double) * (size_t)p);
    memset(cmat2, 0, sizeof(double) * (size_t)p * (size_t)p);
    for (i = b0; i < b1; i++) {
      const double *restrict xi = w->x + (size_t)i * (size_t)p;
      double eta = 0.0;
      double wi = cw_w(w, i);
      double r;
      for (j = 0; j < p; j++) {
        eta += xi[j] * beta[j];
      }
      r = wi * exp(eta);
      if (w->s[i] == 0) {
        denom += r;
        for (j = 0; j < p; j++) {
          double rx = r * xi[j];
          double *restrict cj = cmat + (size_t)j * (size_t)p;
          a[j] += rx;
          for (k = 0; k <= j; k++) {
            cj[k] += rx * xi[k];
          }
        }
      } else {
        ndead++;
        deadwt += wi;
        denom2 += r;
        loglik += wi * eta;
        for (j = 0; j < p; j++) {
          double rx = r * xi[j];
          double *restrict cj = cmat2 + (size_t)j * (size_t)p;
          u[j] += wi * xi[j];
          a2[j] += rx;
          for (k = 0; k <= j; k++) {
            cj[k] += rx * xi[k];
          }
        }
      }
    }
    i = b1;
    if (ndead == 0) {
      continue;
    }
    if (ndead == 1 || ties == COX_BRESLOW) {
      denom += denom2;
      loglik -= deadwt * log(denom);
      for (j = 0; j < p; j++) {
        double temp;
        double *restrict cj = cmat + (size_t)j * (size_t)p;
        const double *restrict c2j = cmat2 + (size_t)j * (size_t)p;
        double *restrict ij = imat + (size_t)j * (size_t)p;
        a[j] += a2[j];
        temp = a[j] / denom;
        u[j] -= deadwt * temp;
        for (k = 0; k <= j; k++) {
          cj[k] += c2j[k];
          ij[k] += deadwt * (cj[k] - temp * a[k]) / denom;
        }
      }
    } else {
      /* Efron: step r (r = 0..d-1) has denominator den_r = D0 + f_r D2 with
         f_r = (r+1)/d, mean a_r/den_r with a_r = a0 + f_r a2, and second
         moment (c0 + f_r c2)/den_r.  Summed over the steps this is
         c0 S1 + c2 Sf1 - (a0 a0' S2 + (a0 a2' + a2 a0') Sf2 + a2 a2' Sff2)
         with the scalar sums below, so the d steps cost O(d + p^2), not
         O(d p^2): heavily tied data stay linear. */
      double wtave = deadwt / (double)ndead;
      double s1 = 0.0, sf1 = 0.0, s2 = 0.0, sf2 = 0.0, sff2 = 0.0;
      int64_t r;
      for (r = 0; r < ndead; r++) {
        double f = (double)(r + 1) / (double)ndead;
        double den = denom + f * denom2;
        double inv = 1.0 / den;
        loglik -= wtave * log(den);
        s1 += inv;
        sf1 += f * inv;
        s2 += inv * inv;
        sf2 += f * inv * inv;
        sff2 += f * f * inv * inv;
      }
      for (j = 0; j < p; j++) {
        double *restrict cj = cmat + (size_t)j * (size_t)p;
        const double *restrict c2j = cmat2 + (size_t)j * (size_t)p;
        double *restrict ij = imat + (size_t)j * (size_t)p;
        u[j] -= wtave * (a[j] * s1 + a2[j] * sf1);
        for (k = 0; k <= j; k++) {
          ij[k] += wtave * (cj[k] * s1 + c2j[k] * sf1 -
                            (a[j] * a[k] * s2 +
                             (a[j] * a2[k] + a2[j] * a[k]) * sf2 +
                             a2[j] * a2[k] * sff2));
        }
      }
      denom += denom2;
      for (j = 0; j < p; j++) {
        double *restrict cj = cmat + (size_t)j * (size_t)p;
        const double *restrict c2j = cmat2 + (size_t)j * (size_t)p;
        a[j] += a2[j];
        for (k = 0; k <= j; k++) {
          cj[k] += c2j[k];
        }
      }
    }
  }
  for (j = 0; j < p; j++) {
    for (k = 0; k < j; k++) {
      imat[k * p + j] = imat[j * p + k];
    }
  }
  return loglik;
}

/* True when every entry of v (len) is finite. */
static bool cox_all_finite(const double *v, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    if (!isfinite(v[i])) {
      return false;
    }
  }
  return true;
}

/* Fenwick tree: add v at 1-based position pos of a tree of size m. */
static void fen_add(double *tree, int64_t m, int64_t pos, double v) {
  for (; pos <= m; pos += pos & (-pos)) {
    tree[pos] += v;
  }
}

/* Fenwick tree: sum of positions 1..pos. */
static double fen_sum(const double *tree, int64_t pos) {
  double s = 0.0;
  for (; pos > 0; pos -= pos & (-pos)) {
    s += tree[pos];
  }
  return s;
}

/* Harrell's concordance of lp (sorted positions) against survival as
** concordancefit(..., reverse = TRUE) computes it, with the infinitesimal
** jackknife variance collapsed by cluster (cl: sorted cluster codes or NULL).
** Pairs are within a stratum; a death at t is comparable with every row
** whose time is > t and with the rows censored at t.  Per row, the weighted
** counts of the pairs it belongs to (concordant, discordant, tied on lp)
** give its influence, as the "influence" matrix of concordancefit. */
static void cox_concordance(const struct cox_work *w, const double *lp,
                            const int32_t *cl, int n_clusters,
                            struct cox_fit *fit) {
  int64_t n = w->n;
  double *ic = xcalloc((size_t)n, sizeof(double));
  double *id = xcalloc((size_t)n, sizeof(double));
  double *it = xcalloc((size_t)n, sizeof(double));
  int64_t *rank = xmallocarray((size_t)n, sizeof(int64_t));
  double *tree = xmallocarray((size_t)n + 1, sizeof(double));
  double *ptw = xmallocarray((size_t)n + 1, sizeof(double));
  double tot;
  uint64_t *ukey = xmallocarray((size_t)n, sizeof(uint64_t));
  int64_t *upos = xmallocarray((size_t)n, sizeof(int64_t));
  double cnt_c = 0.0, cnt_d = 0.0, cnt_t = 0.0;
  double npair, somer, var = 0.0;
  int64_t s0 = 0;
  int64_t i;
  while (s0 < n) {
    int64_t s1 = s0 + 1;
    int64_t m = 0;
    int64_t b0, b1;
    while (s1 < n && cw_st(w, s1) == cw_st(w, s0)) {
      s1++;
    }
    /* ranks of lp within the stratum, exact ties share a rank */
    for (i = s0; i < s1; i++) {
      ukey[i - s0] = surv_key(lp[i]);
      upos[i - s0] = i;
    }
    surv_sort_pairs(ukey, upos, s1 - s0);
    for (i = 0; i < s1 - s0; i++) {
      if (i == 0 || ukey[i] != ukey[i - 1]) {
        m++;
      }
      rank[upos[i]] = m;
    }
    /* pass 1, time descending: each death against the later rows.  tot
       is the tree's total and ptw[] the weight at each exact rank, so a
       query costs one prefix sum */
    memset(tree, 0, sizeof(double) * (size_t)(m + 1));
    memset(ptw, 0, sizeof(double) * (size_t)(m + 1));
    tot = 0.0;
    b0 = s0;
    while (b0 < s1) {
      b1 = b0 + 1;
      while (b1 < s1 && w->t[b1] == w->t[b0]) {
        b1++;
      }
      for (i = b0; i < b1; i++) {
        if (w->s[i] == 0) {
          fen_add(tree, m, rank[i], cw_w(w, i));
          ptw[rank[i]] += cw_w(w, i);
          tot += cw_w(w, i);
        }
      }
      for (i = b0; i < b1; i++) {
        if (w->s[i] != 0) {
          double below = fen_sum(tree, rank[i] - 1);
          double eq = ptw[rank[i]];
          double above = tot - below - eq;
          ic[i] += above;
          id[i] += below;
          it[i] += eq;
          cnt_c += cw_w(w, i) * above;
          cnt_d += cw_w(w, i) * below;
          cnt_t += cw_w(w, i) * eq;
        }
      }
      for (i = b0; i < b1; i++) {
        if (w->s[i] != 0) {
          fen_add(tree, m, rank[i], cw_w(w, i));
          ptw[rank[i]] += cw_w(w, i);
          tot += cw_w(w, i);
        }
      }
      b0 = b1;
    }
    /* pass 2, time ascending: each row against the earlier deaths */
    memset(tree, 0, sizeof(double) * (size_t)(m + 1));
    memset(ptw, 0, sizeof(double) * (size_t)(m + 1));
    tot = 0.0;
    b1 = s1;
    while (b1 > s0) {
      b0 = b1 - 1;
      while (b0 > s0 && w->t[b0 - 1] == w->t[b1 - 1]) {
        b0--;
      }
      for (int pass = 0; pass < 2; pass++) {
        for (i = b0; i < b1; i++) {
          if ((pass == 0) == (w->s[i] != 0) && tot > 0.0) {
            double below = fen_sum(tree, rank[i] - 1);
            double eq = ptw[rank[i]];
            ic[i] += below;
            id[i] += tot - below - eq;
            it[i] += eq;
          }
        }
        if (pass == 0) {
          for (i = b0; i < b1; i++) {
            if (w->s[i] != 0) {
              fen_add(tree, m, rank[i], cw_w(w, i));
              ptw[rank[i]] += cw_w(w, i);
              tot += cw_w(w, i);
            }
          }
        }
      }
      b1 = b0;
    }
    s0 = s1;
  }
  /* counts in coxph's orientation (reverse = TRUE swaps them) */
  fit->conc_count[0] = cnt_d;
  fit->conc_count[1] = cnt_c;
  fit->conc_count[2] = cnt_t;
  npair = cnt_c + cnt_d + cnt_t;
  if (npair > 0.0) {
    somer = (cnt_c - cnt_d) / npair;
    fit->concordance = 1.0 - (somer + 1.0) / 2.0;
    if (cl != NULL) {
      double *g = xcalloc((size_t)(n_clusters > 0 ? n_clusters : 1),
                          sizeof(double));
      for (i = 0; i < n; i++) {
        g[cl[i]] += cw_w(w, i) * ((ic[i] - id[i]) / npair -
                               (somer / npair) * (ic[i] + id[i] + it[i]));
      }
      for (i = 0; i < n_clusters; i++) {
        var += g[i] * g[i];
      }
      xfree(g);
    } else {
      for (i = 0; i < n; i++) {
        double db = cw_w(w, i) * ((ic[i] - id[i]) / npair -
                               (somer / npair) * (ic[i] + id[i] + it[i]));
        var += db * db;
      }
    }
    fit->concordance_se = sqrt(var / 4.0);
  } else {
    fit->concordance = NAN;
    fit->concordance_se = NAN;
  }
  xfree(upos);
  xfree(ukey);
  xfree(ptw);
  xfree(tree);
  xfree(rank);
  xfree(it);
  xfree(id);
  xfree(ic);
}

/* The robust (sandwich) variance: D'D where D holds the dfbeta residuals
** w_i r_i' V collapsed by cluster (cl, sorted order; NULL = one per row).
** r_i are the Efron-consistent score residuals at the final beta, computed
** in O((n + d) p) from per-event-time increments of the cumulative hazard
** (dH) and of the hazard-weighted mean (dXi); for Efron tied deaths their
** own time counts with the (1 - k/d) down-weighting.  All in the scaled
** coordinates of w; vs is the scaled naive variance; out is p*p scaled. */
static void cox_robust(struct cox_work *w, int ties, const double *beta,
                       const double *vs, const int32_t *cl, int n_clusters,
                       double *out) {
  const int p = w->p;
  const int64_t n = w->n;
  int64_t nblk = 0;
  int64_t i, b;
  int j, k;
  int64_t *blk_of;   /* n: block index of each row */
  double *eh, *exi;  /* per block: dH and dXi (p) */
  double *eh2, *exi2, *xavg; /* per block: for the deaths at that time */
  double *score = xmallocarray((size_t)n, sizeof(double));
  double *res = xmallocarray((size_t)(p > 0 ? p : 1), sizeof(double));
  double *dfb = xmallocarray((size_t)(p > 0 ? p : 1), sizeof(double));
  double *cumxi = xmallocarray((size_t)(p > 0 ? p : 1), sizeof(double));
  double *g = NULL;
  double denom = 0.0;
  blk_of = xmallocarray((size_t)n, sizeof(int64_t));
  for (i = 0; i < n; i++) {
    if (i == 0 || w->t[i] != w->t[i - 1] || cw_st(w, i) != cw_st(w, i - 1)) {
      nblk++;
    }
    blk_of[i] = nblk - 1;
  }
  eh = xcalloc((size_t)nblk, sizeof(double));
  eh2 = xcalloc((size_t)nblk, sizeof(double));
  exi = xcalloc((size_t)nblk * (size_t)(p > 0 ? p : 1), sizeof(double));
  exi2 = xcalloc((size_t)nblk * (size_t)(p > 0 ? p : 1), sizeof(double));
  xavg = xcalloc((size_t)nblk * (size_t)(p > 0 ? p : 1), sizeof(double));
  /* backward pass: risk-set sums at each event time */
  i = 0;
  while (i < n) {
    int64_t b0 = i, b1;
    double deadwt = 0.0, denom2 = 0.0;
    int64_t ndead = 0;
    b = blk_of[b0];
    if (i == 0 || cw_st(w, i) != cw_st(w, i - 1)) {
      denom = 0.0;
      memset(w->a, 0, sizeof(double) * (size_t)p);
    }
    b1 = b0 + 1;
    while (b1 < n && blk_of[b1] == b) {
      b1++;
    }
    memset(w->a2, 0, sizeof(double) * (size_t)p);
    for (i = b0; i < b1; i++) {
      const double *xi = w->x + (size_t)i * (size_t)p;
      double eta = 0.0, r;
      for (j = 0; j < p; j++) {
        eta += xi[j] * beta[j];
      }
      score[i] = exp(eta);
      r = cw_w(w, i) * score[i];
      if (w->s[i] == 0) {
        denom += r;
        for (j = 0; j < p; j++) {
          w->a[j] += r * xi[j];
        }
      } else {
        ndead++;
        deadwt += cw_w(w, i);
        denom2 += r;
        for (j = 0; j < p; j++) {
          w->a2[j] += r * xi[j];
        }
      }
    }
    i = b1;
    if (ndead == 0) {
      continue;
    }
    if (ndead == 1 || ties == COX_BRESLOW) {
      double hz;
      denom += denom2;
      hz = deadwt / denom;
      eh[b] = hz;
      eh2[b] = hz;
      for (j = 0; j < p; j++) {
        double m;
        w->a[j] += w->a2[j];
        m = w->a[j] / denom;
        exi[b * p + j] = hz * m;
        exi2[b * p + j] = hz * m;
        xavg[b * p + j] = m;
      }
    } else {
      double wtave = deadwt / (double)ndead;
      int64_t r;
      /* step r (0-based, going backwards) has 1 - (ndead-1-r)/ndead... of
         the deaths' risk: the down-weight of the deaths in it is
         dw = (ndead - 1 - r) / ndead, their factor (1 - dw) */
      for (r = 0; r < ndead; r++) {
        double dw = (double)(ndead - 1 - r) / (double)ndead;
        double hz;
        denom += denom2 / (double)ndead;
        hz = wtave / denom;
        eh[b] += hz;
        eh2[b] += (1.0 - dw) * hz;
        for (j = 0; j < p; j++) {
          double m;
          w->a[j] += w->a2[j] / (double)ndead;
          m = w->a[j] / denom;
          exi[b * p + j] += hz * m;
          exi2[b * p + j] += (1.0 - dw) * hz * m;
          xavg[b * p + j] += m / (double)ndead;
        }
      }
    }
  }
  /* forward pass per stratum: residuals, dfbeta, sandwich */
  memset(out, 0, sizeof(double) * (size_t)p * (size_t)p);
  if (cl != NULL) {
    g = xcalloc((size_t)(n_clusters > 0 ? n_clusters : 1) * (size_t)p,
                sizeof(double));
  }
  {
    int64_t s1 = n;
    while (s1 > 0) {
      int64_t s0 = s1 - 1;
      double cumh = 0.0;
      while (s0 > 0 && cw_st(w, s0 - 1) == cw_st(w, s1 - 1)) {
        s0--;
      }
      memset(cumxi, 0, sizeof(double) * (size_t)p);
      i = s1 - 1;
      while (i >= s0) {
        int64_t bb = blk_of[i];
        int64_t lo = i;
        bool has_event = eh[bb] > 0.0;
        while (lo > s0 && blk_of[lo - 1] == bb) {
          lo--;
        }
        for (int64_t q = lo; q <= i; q++) {
          const double *xq = w->x + (size_t)q * (size_t)p;
          bool dead = w->s[q] != 0;
          double h = cumh;
          if (has_event) {
            h += dead ? eh2[bb] : eh[bb];
          }
          for (j = 0; j < p; j++) {
            double xi_c = cumxi[j];
            if (has_event) {
              xi_c += dead ? exi2[bb * p + j] : exi[bb * p + j];
            }
            res[j] = -score[q] * (xq[j] * h - xi_c);
            if (dead) {
              res[j] += xq[j] - xavg[bb * p + j];
            }
          }
          for (k = 0; k < p; k++) {
            double s = 0.0;
            for (j = 0; j < p; j++) {
              s += res[j] * vs[j * p + k];
            }
            dfb[k] = cw_w(w, q) * s;
          }
          if (g != NULL) {
            double *gq = g + (size_t)cl[q] * (size_t)p;
            for (k = 0; k < p; k++) {
              gq[k] += dfb[k];
            }
          } else {
            for (j = 0; j < p; j++) {
              for (k = 0; k <= j; k++) {
                out[j * p + k] += dfb[j] * dfb[k];
              }
            }
          }
        }
        if (has_event) {
          cumh += eh[bb];
          for (j = 0; j < p; j++) {
            cumxi[j] += exi[bb * p + j];
          }
        }
        i = lo - 1;
      }
      s1 = s0;
    }
  }
  if (g != NULL) {
    int c;
    for (c = 0; c < n_clusters; c++) {
      const double *gc = g + (size_t)c * (size_t)p;
      for (j = 0; j < p; j++) {
        for (k = 0; k <= j; k++) {
          out[j * p + k] += gc[j] * gc[k];
        }
      }
    }
    xfree(g);
  }
  for (j = 0; j < p; j++) {
    for (k = 0; k < j; k++) {
      out[k * p + j] = out[j * p + k];
    }
  }
  xfree(xavg);
  xfree(exi2);
  xfree(exi);
  xfree(eh2);
  xfree(eh);
  xfree(blk_of);
  xfree(cumxi);
  xfree(dfb);
  xfree(res);
  xfree(score);
}

/* Check the inputs; APP_EINVAL with a message naming the problem. */
static int cox_check(const struct cox_data *d, struct err *e) {
  int64_t i;
  int64_t nev = 0;
  int j;
  if (d->n <= 0) {
    return ERR_SET(e, APP_EINVAL, "cox: no rows to fit");
  }
  if (d->p < 0 || (d->p > 0 && d->x == NULL)) {
    return ERR_SET(e, APP_EINVAL, "cox: no design matrix");
  }
  for (i = 0; i < d->n; i++) {
    if (!isfinite(d->time[i]) || d->time[i] < 0) {
      return ERR_SET(e, APP_EINVAL, "cox: time at row %lld is not a finite "
                     "value >= 0", (long long)(i + 1));
    }
    if (d->status[i] != 0 && d->status[i] != 1) {
      return ERR_SET(e, APP_EINVAL, "cox: event at row %lld is not 0/1",
                     (long long)(i + 1));
    }
    nev += d->status[i];
    if (d->weight != NULL && !(isfinite(d->weight[i]) && d->weight[i] > 0)) {
      return ERR_SET(e, APP_EINVAL, "cox: weight at row %lld must be a "
                     "finite value > 0", (long long)(i + 1));
    }
    if (d->cluster != NULL &&
        (d->cluster[i] < 0 || d->cluster[i] >= d->n_clusters)) {
      return ERR_SET(e, APP_EINVAL, "cox: bad cluster code at row %lld",
                     (long long)(i + 1));
    }
    if (d->strata != NULL && d->strata[i] < 0) {
      return ERR_SET(e, APP_EINVAL, "cox: bad stratum code at row %lld",
                     (long long)(i + 1));
    }
  }
  for (j = 0; j < d->p; j++) {
    for (i = 0; i < d->n; i++) {
      if (!isfinite(d->x[(size_t)j * (size_t)d->n + (size_t)i])) {
        return ERR_SET(e, APP_EINVAL, "cox: covariate %d at row %lld is not "
                       "finite", j + 1, (long long)(i + 1));
      }
    }
  }
  if (nev == 0) {
    return ERR_SET(e, APP_EINVAL, "cox: there are no events");
  }
  return APP_OK;
}

int cox_fit(const struct cox_data *d, const struct cox_options *o,
            struct cox_fit *fit, struct err *e) {
  struct cox_work w;
  int p = d->p;
  size_t pp = (size_t)(p > 0 ? p : 1);
  double *beta, *newbeta, *u, *imat, *step, *scratch, *vs;
  double *lps = NULL;
  double ll0, best, newll = 0.0;
  int halving = 0;
  int iter;
  int flag = 0;
  int rc;
  int64_t i;
  int j, k;
  bool converged = false;
  bool robust;
  memset(fit, 0, sizeof(*fit));
  rc = cox_check(d, e);
  if (rc != APP_OK) {
    if (o->take_x && d->x != NULL) {
      xfree((void *)(uintptr_t)d->x); /* given up by the caller */
    }
    return rc;
  }
  robust = o->robust || d->cluster != NULL;
  if (d->weight != NULL) {
    for (i = 0; i < d->n; i++) {
      if (d->weight[i] != floor(d->weight[i])) {
        robust = true;
        break;
      }
    }
  }
  cox_work_init(&w, d, o);
  fit->p = p;
  fit->n = d->n;
  for (i = 0; i < d->n; i++) {
    fit->n_events += d->status[i];
  }
  beta = xcalloc(pp, sizeof(double));
  newbeta = xcalloc(pp, sizeof(double));
  u = xcalloc(pp, sizeof(double));
  step = xcalloc(pp, sizeof(double));
  imat = xcalloc(pp * pp, sizeof(double));
  vs = xcalloc(pp * pp, sizeof(double));
  scratch = xcalloc(pp * pp + pp, sizeof(double));
  fit->coef = xcalloc(pp, sizeof(double));
  fit->var = xcalloc(pp * pp, sizeof(double));
  fit->naive_var = xcalloc(pp * pp, sizeof(double));
  fit->means = xcalloc(pp, sizeof(double));
  fit->lp = xcalloc((size_t)d->n, sizeof(double));
  memcpy(fit->means, w.means, sizeof(double) * (size_t)p);

  /* beta = 0: null loglik, score test, first Newton step */
  ll0 = cox_iter(&w, o->ties, beta, u, imat);
  fit->loglik_null = ll0;
  best = ll0;
  if (p == 0) {
    fit->loglik = ll0;
    fit->iterations = 0;
    fit->converged = true;
    rc = APP_OK;
    goto finish_tests;
  }
  memcpy(step, u, sizeof(double) * (size_t)p);
  flag = linalg_chol(imat, p, o->toler_chol);
  linalg_chsolve(imat, p, step);
  fit->score_test = 0.0;
  for (j = 0; j < p; j++) {
    fit->score_test += u[j] * step[j];
    newbeta[j] = beta[j] + step[j];
  }
  if (!isfinite(ll0)) {
    /* never complain on step 0; report the start */
    linalg_chinv(imat, p);
    memcpy(vs, imat, sizeof(double) * (size_t)p * (size_t)p);
    newll = ll0;
    iter = 0;
    memcpy(newbeta, beta, sizeof(double) * (size_t)p);
    converged = false;
    goto unscale;
  }
  for (iter = 1; iter <= o->iter_max; iter++) {
    bool notfinite;
    newll = cox_iter(&w, o->ties, newbeta, u, imat);
    notfinite = !isfinite(newll) || !cox_all_finite(u, (size_t)p) ||
                !cox_all_finite(imat, (size_t)p * (size_t)p);
    flag = linalg_chol(imat, p, o->toler_chol);
    if (!notfinite && fabs(1.0 - best / newll) <= o->eps) {
      converged = true;
      break;
    }
    if (notfinite || newll < best) {
      halving++;
      for (j = 0; j < p; j++) {
        newbeta[j] = (newbeta[j] + halving * beta[j]) / (halving + 1.0);
      }
    } else {
      halving = 0;
      best = newll;
      memcpy(step, u, sizeof(double) * (size_t)p);
      linalg_chsolve(imat, p, step);
      for (j = 0; j < p; j++) {
        beta[j] = newbeta[j];
        newbeta[j] += step[j];
      }
    }
  }
  if (!converged) {
    /* out of iterations: back to the last good beta; iter is iter_max + 1
       here, which is what survival 3.5 reports as fit$iter */
    memcpy(newbeta, beta, sizeof(double) * (size_t)p);
    newll = cox_iter(&w, o->ties, newbeta, u, imat);
    flag = linalg_chol(imat, p, o->toler_chol);
  }
  linalg_chinv(imat, p);
  memcpy(vs, imat, sizeof(double) * (size_t)p * (size_t)p);

unscale:
  fit->iterations = iter;
  fit->converged = converged;
  fit->loglik = newll;
  fit->rank = flag < 0 ? -flag : flag;
  for (j = 0; j < p; j++) {
    fit->coef[j] = newbeta[j] * w.scale[j];
    u[j] /= w.scale[j];
    for (k = 0; k < p; k++) {
      fit->naive_var[j * p + k] = vs[j * p + k] * w.scale[j] * w.scale[k];
    }
  }
  /* linear predictor from the sorted, centred, scaled rows (equal rows get
     equal values, so ties in lp are exact); singular columns are 0 */
  lps = xmallocarray((size_t)d->n, sizeof(double));
  for (i = 0; i < d->n; i++) {
    const double *xi = w.x + (size_t)i * (size_t)p;
    double s = 0.0;
    for (j = 0; j < p; j++) {
      s += xi[j] * newbeta[j];
    }
    lps[i] = s;
    fit->lp[w.row[i]] = s;
  }
  /* infinite coefficients (coxph.fit.R) */
  if (o->iter_max > 1) {
    bool any_inf = false;
    char msg[256];
    size_t len = 0;
    double maxlp = -INFINITY;
    for (i = 0; i < d->n; i++) {
      if (fit->lp[i] > maxlp) {
        maxlp = fit->lp[i];
      }
    }
    if (!converged) {
      cox_warn(fit, "Ran out of iterations and did not converge");
    }
    len = (size_t)snprintf(msg, sizeof(msg), "Loglik converged before "
                           "variable ");
    for (j = 0; j < p; j++) {
      double infs = 0.0;
      bool flagged;
      for (k = 0; k < p; k++) {
        infs += u[k] * fit->naive_var[k * p + j];
      }
      infs = fabs(infs);
      if (!converged) {
        if (!isfinite(infs)) {
          any_inf = true;
        }
        continue;
      }
      flagged = !isfinite(u[j]) ||
                (infs > o->eps && infs > o->toler_inf * fabs(fit->coef[j]));
      if (flagged && len < sizeof(msg)) {
        len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%d",
                                any_inf ? "," : "", j + 1);
        any_inf = true;
      }
    }
    if (converged && any_inf && len < sizeof(msg)) {
      snprintf(msg + len, sizeof(msg) - len, "; coefficient may be "
               "infinite.");
      cox_warn(fit, msg);
    }
    if (!converged && (maxlp > 500 || any_inf)) {
      cox_warn(fit, "one or more coefficients may be infinite");
    }
  }
  /* singular columns: NA */
  if (fit->rank < p) {
    char msg[256];
    size_t len = (size_t)snprintf(msg, sizeof(msg), "X matrix deemed to be "
                                  "singular; variable");
    for (j = 0; j < p; j++) {
      if (fit->naive_var[j * p + j] == 0.0) {
        fit->coef[j] = NAN;
        if (len < sizeof(msg)) {
          len += (size_t)snprintf(msg + len, sizeof(msg) - len, " %d", j + 1);
        }
      }
    }
    cox_warn(fit, msg);
  }
  memcpy(fit->var, fit->naive_var, sizeof(double) * (size_t)p * (size_t)p);
  if (robust) {
    int32_t *cl = NULL;
    double *rv = xcalloc(pp * pp, sizeof(double));
    if (d->cluster != NULL) {
      cl = xmallocarray((size_t)d->n, sizeof(int32_t));
      for (i = 0; i < d->n; i++) {
        cl[i] = d->cluster[w.row[i]];
      }
    }
    cox_robust(&w, o->ties, newbeta, vs, cl, d->n_clusters, rv);
    for (j = 0; j < p; j++) {
      for (k = 0; k < p; k++) {
        fit->var[j * p + k] = rv[j * p + k] * w.scale[j] * w.scale[k];
      }
    }
    fit->is_robust = true;
    xfree(rv);
    xfree(cl);
  }
  rc = APP_OK;

finish_tests:
  fit->df = 0;
  for (j = 0; j < p; j++) {
    if (!isnan(fit->coef[j])) {
      fit->df++;
    }
  }
  fit->lr_test = 2.0 * (fit->loglik - fit->loglik_null);
  /* Wald test on the non-singular coefficients with the variance in use */
  if (p > 0 && fit->df > 0) {
    int m = 0;
    double *sub = xcalloc((size_t)fit->df * (size_t)fit->df, sizeof(double));
    double *b = xcalloc((size_t)fit->df, sizeof(double));
    double *scr = xcalloc((size_t)fit->df * (size_t)fit->df +
                          (size_t)fit->df, sizeof(double));
    int *keep = xcalloc(pp, sizeof(int));
    for (j = 0; j < p; j++) {
      if (!isnan(fit->coef[j])) {
        keep[m++] = j;
      }
    }
    for (j = 0; j < m; j++) {
      b[j] = fit->coef[keep[j]];
      for (k = 0; k < m; k++) {
        sub[j * m + k] = fit->var[keep[j] * p + keep[k]];
      }
    }
    if (cox_all_finite(sub, (size_t)m * (size_t)m) &&
        cox_all_finite(b, (size_t)m)) {
      fit->wald_test = linalg_quadform(sub, b, m, o->toler_chol,
                                       &fit->wald_df, scr);
      if (fit->wald_df < 0) {
        fit->wald_df = -fit->wald_df;
      }
    } else {
      fit->wald_test = NAN;
      fit->wald_df = m;
    }
    xfree(keep);
    xfree(scr);
    xfree(b);
    xfree(sub);
  }
  /* concordance on the linear predictor, sorted order; the design copy is
     no longer needed, so free it first to keep the peak memory down */
  xfree(w.x);
  w.x = NULL;
  if (lps == NULL) {
    lps = xcalloc((size_t)d->n, sizeof(double));
  }
  {
    int32_t *cl = NULL;
    if (d->cluster != NULL) {
      cl = xmallocarray((size_t)d->n, sizeof(int32_t));
      for (i = 0; i < d->n; i++) {
        cl[i] = d->cluster[w.row[i]];
      }
    }
    cox_concordance(&w, lps, cl, d->n_clusters, fit);
    xfree(cl);
    xfree(lps);
  }
  xfree(scratch);
  xfree(vs);
  xfree(imat);
  xfree(step);
  xfree(u);
  xfree(newbeta);
  xfree(beta);
  cox_work_free(&w);
  return rc;
}

void cox_fit_free(struct cox_fit *fit) {
  int i;
  xfree(fit->coef);
  xfree(fit->var);
  xfree(fit->naive_var);
  xfree(fit->means);
  xfree(fit->lp);
  for (i = 0; i < fit->n_warnings; i++) {
    xfree(fit->warnings[i]);
  }
  memset(fit, 0, sizeof(*fit));
}
