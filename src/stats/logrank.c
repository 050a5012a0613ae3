/*
** logrank.c: k-sample G-rho test as R's survdiff (survdiff2.c, survdiff.R).
**
** Why: the comparison of survival curves between arms must equal R's
** survdiff to many digits and run on 10^6-10^7 rows: one O(n) radix order
** by time (km.h), a counting sort by stratum, then one backward pass per
** stratum with O(G^2) work per distinct death time.
**
** At each death time with n at risk, d deaths, n_k at risk in group k and
** weight w = S(t-)^rho: O_k += w d_k, E_k += w d n_k / n,
** V_jk += w^2 d (n - d) / (n (n - 1)) n_j (delta_jk - n_k / n) (no variance
** when n = 1).  chisq = (O-E)' V^-1 (O-E) over the groups with E > 0, the
** first of them dropped.  Pure code: no I/O.
*/
#include "logrank.h"

#include "km.h"
#include "../core/mem.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

void logrank_free(struct logrank_result *r) {
  xfree(r->n);
  xfree(r->observed);
  xfree(r->expected);
  xfree(r->var);
  memset(r, 0, sizeof(*r));
}

/* Solve a x = b (m x m, row-major, both overwritten) by Gaussian
** elimination with partial pivoting.  Returns 0, or -1 when singular. */
static int logrank_solve(double *a, double *b, int m) {
  int i;
  int j;
  int k;
  double amax = 0;
  for (i = 0; i < m * m; i++) {
    amax = fabs(a[i]) > amax ? fabs(a[i]) : amax;
  }
  for (k = 0; k < m; k++) {
    int piv = k;
    for (i = k + 1; i < m; i++) {
      if (fabs(a[i * m + k]) > fabs(a[piv * m + k])) {
        piv = i;
      }
    }
    if (!(fabs(a[piv * m + k]) > 1e-12 * amax)) {
      return -1;
    }
    if (piv != k) {
      double t;
      for (j = 0; j < m; j++) {
        t = a[k * m + j];
        a[k * m + j] = a[piv * m + j];
        a[piv * m + j] = t;
      }
      t = b[k];
      b[k] = b[piv];
      b[piv] = t;
    }
    for (i = k + 1; i < m; i++) {
      double f = a[i * m + k] / a[k * m + k];
      for (j = k; j < m; j++) {
        a[i * m + j] -= f * a[k * m + j];
      }
      b[i] -= f * b[k];
    }
  }
  for (k = m - 1; k >= 0; k--) {
    double s = b[k];
    for (j = k + 1; j < m; j++) {
      s -= a[k * m + j] * b[j];
    }
    b[k] = s / a[k * m + k];
  }
  return 0;
}

/* A time order held in 32-bit indices (n < 2^31, the usual case, 4 bytes a
** row) or 64-bit ones. */
struct logrank_order {
  int32_t *o32;  /* the order, or NULL */
  int64_t *o64;  /* the order when o32 is NULL */
};

/* Row at position i of the order. */
static int64_t logrank_at(const struct logrank_order *o, int64_t i) {
  return o->o32 != NULL ? (int64_t)o->o32[i] : o->o64[i];
}

/* Accumulate one stratum: rows at order positions [lo, hi), by time. */
static void logrank_stratum(const double *time, const int *status,
                            const int32_t *group,
                            const struct logrank_order *order, int64_t lo,
                            int64_t hi, int g, double rho, double *km_before,
                            double *risk, struct logrank_result *out) {
  int64_t i;
  int64_t j;
  int a;
  int b;
  if (rho != 0) {
    /* Left-continuous pooled KM at each row's time. */
    double km = 1;
    for (i = lo; i < hi;) {
      double t = time[logrank_at(order, i)];
      double nrisk = (double)(hi - i);
      double deaths = 0;
      for (j = i; j < hi && time[logrank_at(order, j)] == t; j++) {
        km_before[j - lo] = km;
        deaths += status[logrank_at(order, j)];
      }
      km = km * (nrisk - deaths) / nrisk;
      i = j;
    }
  }
  for (a = 0; a < g; a++) {
    risk[a] = 0;
  }
  for (i = hi - 1; i >= lo;) {
    double t = time[logrank_at(order, i)];
    double wt = rho == 0 ? 1 : pow(km_before[i - lo], rho);
    double deaths = 0;
    double nrisk;
    for (j = i; j >= lo && time[logrank_at(order, j)] == t; j--) {
      int k = group[logrank_at(order, j)];
      deaths += status[logrank_at(order, j)];
      risk[k] += 1;
      out->observed[k] += status[logrank_at(order, j)] * wt;
    }
    i = j;
    nrisk = (double)(hi - 1 - i);
    if (deaths > 0) {
      for (a = 0; a < g; a++) {
        out->expected[a] += wt * deaths * risk[a] / nrisk;
      }
      if (nrisk > 1) {
        double w2 = wt * wt;
        for (a = 0; a < g; a++) {
          double tmp = w2 * deaths * risk[a] * (nrisk - deaths) /
                       (nrisk * (nrisk - 1));
          out->var[a * g + a] += tmp;
          for (b = 0; b < g; b++) {
            out->var[a * g + b] -= tmp * risk[b] / nrisk;
          }
        }
      }
    }
  }
}

int logrank_test(const double *time, const int *status, const int32_t *group,
                 int n_groups, const int32_t *strata, int n_strata, int64_t n,
                 double rho, struct logrank_result *out, struct err *e) {
  struct logrank_order order = {NULL, NULL};
  int64_t *start;
  double *km_before = NULL;
  double *risk;
  int64_t i;
  int s;
  int g = n_groups;
  int *use;
  int m = 0;
  int a;
  int b;
  int rc = APP_OK;
  memset(out, 0, sizeof(*out));
  if (n_groups < 2) {
    return ERR_SET(e, APP_EINVAL, "log-rank test: the group column has only "
                   "%d level (need at least 2)", n_groups);
  }
  if (strata == NULL) {
    n_strata = 1;
  }
  out->n_groups = g;
  out->n = xcalloc((size_t)g, sizeof(*out->n));
  out->observed = xcalloc((size_t)g, sizeof(double));
  out->expected = xcalloc((size_t)g, sizeof(double));
  out->var = xcalloc((size_t)g * (size_t)g, sizeof(double));
  for (i = 0; i < n; i++) {
    out->n[group[i]]++;
  }
  start = xcalloc((size_t)n_strata + 1, sizeof(*start));
  if (n <= INT32_MAX) {
    order.o32 = xmallocarray((size_t)n + 1, sizeof(int32_t));
    surv_order32(time, n, order.o32);
  } else {
    order.o64 = xmallocarray((size_t)n + 1, sizeof(int64_t));
    surv_order(time, n, order.o64);
  }
  if (strata != NULL) {
    /* Stable counting sort of the time order by stratum. */
    int64_t *pos = xcalloc((size_t)n_strata + 1, sizeof(*pos));
    struct logrank_order by = {NULL, NULL};
    for (i = 0; i < n; i++) {
      pos[strata[i] + 1]++;
    }
    for (s = 0; s < n_strata; s++) {
      pos[s + 1] += pos[s];
    }
    memcpy(start, pos, ((size_t)n_strata + 1) * sizeof(*start));
    if (order.o32 != NULL) {
      by.o32 = xmallocarray((size_t)n + 1, sizeof(int32_t));
      for (i = 0; i < n; i++) {
        int32_t r = order.o32[i];
        by.o32[pos[strata[r]]++] = r;
      }
    } else {
      by.o64 = xmallocarray((size_t)n + 1, sizeof(int64_t));
      for (i = 0; i < n; i++) {
        int64_t r = order.o64[i];
        by.o64[pos[strata[r]]++] = r;
      }
    }
    xfree(pos);
    xfree(order.o32);
    xfree(order.o64);
    order = by;
  } else {
    start[1] = n;
  }
  if (rho != 0) {
    km_before = xmallocarray((size_t)n + 1, sizeof(double));
  }
  risk = xmallocarray((size_t)g, sizeof(double));
  for (s = 0; s < n_strata; s++) {
    if (start[s + 1] > start[s]) {
      logrank_stratum(time, status, group, &order, start[s], start[s + 1],
                      g, rho, km_before, risk, out);
    }
  }
  /* Chi-square over groups with E > 0, dropping the first of them. */
  use = xmallocarray((size_t)g, sizeof(*use));
  for (a = 0; a < g; a++) {
    if (out->expected[a] > 0) {
      use[m++] = a;
    }
  }
  out->df = m - 1;
  out->chisq = 0;
  out->p = NAN;
  if (m >= 2) {
    int q = m - 1;
    double *v = xmallocarray((size_t)q * (size_t)q, sizeof(double));
    double *u = xmallocarray((size_t)q, sizeof(double));
    double *x = xmallocarray((size_t)q, sizeof(double));
    for (a = 0; a < q; a++) {
      int ga = use[a + 1];
      u[a] = out->observed[ga] - out->expected[ga];
      x[a] = u[a];
      for (b = 0; b < q; b++) {
        v[a * q + b] = out->var[ga * g + use[b + 1]];
      }
    }
    if (logrank_solve(v, x, q) != 0) {
      rc = ERR_SET(e, APP_EINVAL, "log-rank test: singular variance matrix "
                   "(groups with no overlap in follow-up?)");
    } else {
      for (a = 0; a < q; a++) {
        out->chisq += x[a] * u[a];
      }
      out->p = gsl_cdf_chisq_Q(out->chisq, (double)out->df);
    }
    xfree(v);
    xfree(u);
    xfree(x);
  }
  xfree(use);
  xfree(risk);
  xfree(km_before);
  xfree(start);
  xfree(order.o32);
  xfree(order.o64);
  if (rc != APP_OK) {
    logrank_free(out);
  }
  return rc;
}
