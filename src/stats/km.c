/*
** km.c: Kaplan-Meier estimate, Greenwood variance, confidence intervals,
** median / quantiles with R's rules, restricted mean, and the shared
** radix ordering and timefix helpers (see km.h).
**
** Why: the numbers must equal R's survival::survfit (3.5) so that
** statisticians can trust them, and the fit must run on registry sizes
** (10^6-10^7 rows), so ordering is an O(n) radix sort, not qsort.
**
** Conventions as R (survfitkm.c, survfit_confint, survmean): the risk set at
** t is every observation with time >= t (censorings at t are at risk);
** Greenwood is accumulated on the log scale, v += d / (n (n - d)), which is
** Inf once S reaches 0; se(S) = S * se(log S).  Pure code: no I/O.
*/
#include "km.h"

#include "../core/mem.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

uint64_t surv_key(double x) {
  uint64_t u;
  x += 0.0; /* -0 becomes +0: equal values get equal keys */
  memcpy(&u, &x, sizeof(u));
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

/* Inverse of surv_key. */
static double km_unkey(uint64_t u) {
  double x;
  u = (u & 0x8000000000000000ULL) ? (u ^ 0x8000000000000000ULL) : ~u;
  memcpy(&x, &u, sizeof(x));
  return x;
}

/* Sort k[0..n) ascending in place (LSD radix, 8 bits a pass, passes where
** every key has the same byte skipped); tmp has room for n keys.  When
** ord is not NULL, ord[0..n) is permuted along (stably), with otmp as its
** scratch. */
static void km_radix(uint64_t *k, uint64_t *tmp, int64_t *ord, int64_t *otmp,
                     int64_t n) {
  uint64_t *src = k;
  uint64_t *dst = tmp;
  int64_t *osrc = ord;
  int64_t *odst = otmp;
  int64_t i;
  int pass;
  if (n <= 1) {
    return;
  }
  for (pass = 0; pass < 8; pass++) {
    int64_t count[256];
    int64_t sum = 0;
    int shift = pass * 8;
    int b;
    memset(count, 0, sizeof(count));
    for (i = 0; i < n; i++) {
      count[(src[i] >> shift) & 0xFF]++;
    }
    if (count[(src[0] >> shift) & 0xFF] == n) {
      continue;
    }
    for (b = 0; b < 256; b++) {
      int64_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (i = 0; i < n; i++) {
      int64_t at = count[(src[i] >> shift) & 0xFF]++;
      dst[at] = src[i];
      if (osrc != NULL) {
        odst[at] = osrc[i];
      }
    }
    {
      uint64_t *t = src;
      src = dst;
      dst = t;
    }
    if (osrc != NULL) {
      int64_t *t = osrc;
      osrc = odst;
      odst = t;
    }
  }
  if (src != k) {
    memcpy(k, src, (size_t)n * sizeof(*k));
    if (ord != NULL) {
      memcpy(ord, osrc, (size_t)n * sizeof(*ord));
    }
  }
}

/* km_radix with 32-bit payload indices (ord/otmp), for n < 2^31: the
** same passes, less memory. */
static void km_radix32(uint64_t *k, uint64_t *tmp, int32_t *ord,
                       int32_t *otmp, int64_t n) {
  uint64_t *src = k;
  uint64_t *dst = tmp;
  int32_t *osrc = ord;
  int32_t *odst = otmp;
  int64_t i;
  int pass;
  if (n <= 1) {
    return;
  }
  for (pass = 0; pass < 8; pass++) {
    int64_t count[256];
    int64_t sum = 0;
    int shift = pass * 8;
    int b;
    memset(count, 0, sizeof(count));
    for (i = 0; i < n; i++) {
      count[(src[i] >> shift) & 0xFF]++;
    }
    if (count[(src[0] >> shift) & 0xFF] == n) {
      continue;
    }
    for (b = 0; b < 256; b++) {
      int64_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (i = 0; i < n; i++) {
      int64_t at = count[(src[i] >> shift) & 0xFF]++;
      dst[at] = src[i];
      odst[at] = osrc[i];
    }
    {
      uint64_t *t = src;
      int32_t *o = osrc;
      src = dst;
      dst = t;
      osrc = odst;
      odst = o;
    }
  }
  if (src != k) {
    memcpy(k, src, (size_t)n * sizeof(*k));
    memcpy(ord, osrc, (size_t)n * sizeof(*ord));
  }
}

void surv_order32(const double *key, int64_t n, int32_t *order) {
  uint64_t *k;
  uint64_t *k2;
  int32_t *o2;
  int64_t i;
  if (n <= 0) {
    return;
  }
  k = xmallocarray((size_t)n, sizeof(*k));
  k2 = xmallocarray((size_t)n, sizeof(*k2));
  o2 = xmallocarray((size_t)n, sizeof(*o2));
  for (i = 0; i < n; i++) {
    k[i] = surv_key(key[i]);
    order[i] = (int32_t)i;
  }
  km_radix32(k, k2, order, o2, n);
  xfree(k);
  xfree(k2);
  xfree(o2);
}

void surv_sort_pairs(uint64_t *key, int64_t *idx, int64_t n) {
  uint64_t *k2;
  int64_t *i2;
  int64_t i;
  if (n < 64) {
    /* small (e.g. one stratum): stable insertion sort, no counting */
    for (i = 1; i < n; i++) {
      uint64_t kk = key[i];
      int64_t ii = idx[i];
      int64_t q = i - 1;
      while (q >= 0 && key[q] > kk) {
        key[q + 1] = key[q];
        idx[q + 1] = idx[q];
        q--;
      }
      key[q + 1] = kk;
      idx[q + 1] = ii;
    }
    return;
  }
  k2 = xmallocarray((size_t)n, sizeof(*k2));
  i2 = xmallocarray((size_t)n, sizeof(*i2));
  km_radix(key, k2, idx, i2, n);
  xfree(k2);
  xfree(i2);
}

void surv_order(const double *key, int64_t n, int64_t *order) {
  uint64_t *k;
  uint64_t *k2;
  int64_t *o2;
  int64_t i;
  if (n <= 0) {
    return;
  }
  k = xmallocarray((size_t)n, sizeof(*k));
  k2 = xmallocarray((size_t)n, sizeof(*k2));
  o2 = xmallocarray((size_t)n, sizeof(*o2));
  for (i = 0; i < n; i++) {
    k[i] = surv_key(key[i]);
    order[i] = i;
  }
  km_radix(k, k2, order, o2, n);
  xfree(k);
  xfree(k2);
  xfree(o2);
}

void surv_timefix(double *time, int64_t n) {
  int64_t *ord;
  int64_t i;
  double tol = sqrt(DBL_EPSILON);
  double sum_abs = 0;
  int64_t n_unique = 0;
  double mean_abs;
  double prev;
  double cut;
  int any_tied = 0;
  if (n < 2) {
    return;
  }
  /* Fast exit without sorting: whole numbers below 1/tol (days, months)
  ** differ by >= 1 > tol, and by >= 1/max >= 1/mean > tol relatively. */
  {
    int all_whole = 1;
    double max_abs = 0;
    for (i = 0; i < n && all_whole; i++) {
      double a = fabs(time[i]);
      all_whole = a == floor(a);
      max_abs = a > max_abs ? a : max_abs;
    }
    if (all_whole && max_abs * tol < 1) {
      return;
    }
  }
  ord = xmallocarray((size_t)n, sizeof(*ord));
  surv_order(time, n, ord);
  for (i = 0; i < n; i++) {
    double t = time[ord[i]];
    if (i == 0 || t != time[ord[i - 1]]) {
      sum_abs += fabs(t);
      n_unique++;
    }
  }
  mean_abs = sum_abs / (double)n_unique;
  /* First pass: is anything tied?  (Usually not: leave times untouched.) */
  prev = time[ord[0]];
  for (i = 1; i < n && !any_tied; i++) {
    double t = time[ord[i]];
    if (t != prev) {
      double dy = t - prev;
      any_tied = dy <= tol || dy / mean_abs <= tol;
      prev = t;
    }
  }
  if (any_tied) {
    prev = time[ord[0]];
    cut = prev;
    for (i = 0; i < n; i++) {
      double t = time[ord[i]];
      if (t != prev) {
        double dy = t - prev;
        if (!(dy <= tol || dy / mean_abs <= tol)) {
          cut = t;
        }
        prev = t;
      }
      time[ord[i]] = cut;
    }
  }
  xfree(ord);
}

void km_curve_free(struct km_curve *c) {
  xfree(c->time);
  xfree(c->n_risk);
  xfree(c->n_event);
  xfree(c->n_censor);
  xfree(c->surv);
  xfree(c->se_log);
  xfree(c->std_err);
  xfree(c->lower);
  xfree(c->upper);
  memset(c, 0, sizeof(*c));
}

/* Confidence limits for S with SE of log S, as R's survfit_confint. */
static void km_limits(double s, double se, double z, enum km_conf conf,
                      double *lo, double *hi) {
  if (conf == KM_CONF_PLAIN) {
    double se2 = se * s * z;
    if (!isfinite(se2)) {
      *lo = NAN;
      *hi = NAN;
      return;
    }
    *lo = s - se2 > 0 ? s - se2 : 0;
    *hi = s + se2 < 1 ? s + se2 : 1;
  } else if (conf == KM_CONF_LOG) {
    double se2 = z * se;
    double hi0;
    if (s == 0) {
      *lo = NAN;
      *hi = NAN;
      return;
    }
    *lo = exp(log(s) - se2);
    hi0 = exp(log(s) + se2);
    *hi = hi0 < 1 ? hi0 : 1;
  } else {
    double se2;
    if (s == 0 || s == 1) {
      *lo = NAN;
      *hi = NAN;
      return;
    }
    se2 = z * se / log(s);
    *lo = exp(-exp(log(-log(s)) - se2));
    *hi = exp(-exp(log(-log(s)) + se2));
  }
}

/* Distinct times of an unweighted sample with their event and censoring
** counts, without an index sort: all times and the event times are sorted
** as bare keys (16 bytes a row at the peak) and merged.  Fills the three
** new arrays (caller frees) and returns their length. */
static int64_t km_tabulate_keys(const double *time, const int *status,
                                int64_t n, double **ut, double **ud,
                                double **uc) {
  uint64_t *all = xmallocarray((size_t)n, sizeof(*all));
  uint64_t *tmp = xmallocarray((size_t)n, sizeof(*tmp));
  uint64_t *ev;
  int64_t m_e = 0;
  int64_t i;
  int64_t j;
  int64_t k = 0;
  for (i = 0; i < n; i++) {
    all[i] = surv_key(time[i] + 0.0); /* + 0.0 folds -0 into +0 */
    m_e += status[i] != 0;
  }
  km_radix(all, tmp, NULL, NULL, n);
  ev = xmallocarray((size_t)m_e + 1, sizeof(*ev));
  for (i = 0, j = 0; i < n; i++) {
    if (status[i]) {
      ev[j++] = surv_key(time[i] + 0.0);
    }
  }
  km_radix(ev, tmp, NULL, NULL, m_e);
  xfree(tmp);
  for (i = 0; i < n; i++) {
    k += i == 0 || all[i] != all[i - 1];
  }
  *ut = xmallocarray((size_t)k, sizeof(double));
  *ud = xmallocarray((size_t)k, sizeof(double));
  *uc = xmallocarray((size_t)k, sizeof(double));
  for (i = 0, j = 0, k = 0; i < n; k++) {
    uint64_t key = all[i];
    int64_t cnt = 0;
    int64_t d = 0;
    while (i < n && all[i] == key) {
      cnt++;
      i++;
    }
    while (j < m_e && ev[j] == key) {
      d++;
      j++;
    }
    (*ut)[k] = km_unkey(key);
    (*ud)[k] = (double)d;
    (*uc)[k] = (double)(cnt - d);
  }
  xfree(all);
  xfree(ev);
  return k;
}

/* The same with case weights, through an index sort. */
static int64_t km_tabulate_weighted(const double *time, const int *status,
                                    const double *weight, int64_t n,
                                    double **ut, double **ud, double **uc) {
  int64_t *ord = xmallocarray((size_t)n, sizeof(*ord));
  int64_t i;
  int64_t k = 0;
  surv_order(time, n, ord);
  for (i = 0; i < n; i++) {
    k += i == 0 || time[ord[i]] != time[ord[i - 1]];
  }
  *ut = xmallocarray((size_t)k, sizeof(double));
  *ud = xmallocarray((size_t)k, sizeof(double));
  *uc = xmallocarray((size_t)k, sizeof(double));
  for (i = 0, k = 0; i < n; k++) {
    double t = time[ord[i]];
    double d = 0;
    double c = 0;
    while (i < n && time[ord[i]] == t) {
      if (status[ord[i]]) {
        d += weight[ord[i]];
      } else {
        c += weight[ord[i]];
      }
      i++;
    }
    (*ut)[k] = t;
    (*ud)[k] = d;
    (*uc)[k] = c;
  }
  xfree(ord);
  return k;
}

int km_fit(const double *time, const int *status, const double *weight,
           int64_t n, enum km_conf conf, double conf_level,
           struct km_curve *out, struct err *e) {
  int64_t i;
  int64_t k;
  double at_risk = 0;
  double s = 1;
  double v = 0;
  double z;
  memset(out, 0, sizeof(*out));
  if (n <= 0) {
    return ERR_SET(e, APP_EINVAL, "Kaplan-Meier: no observations");
  }
  if (!(conf_level > 0 && conf_level < 1)) {
    return ERR_SET(e, APP_EINVAL, "conf-level: %g is not in (0, 1)",
                   conf_level);
  }
  z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
  out->n = n;
  out->conf = conf;
  out->conf_level = conf_level;
  if (weight == NULL) {
    k = km_tabulate_keys(time, status, n, &out->time, &out->n_event,
                         &out->n_censor);
  } else {
    k = km_tabulate_weighted(time, status, weight, n, &out->time,
                             &out->n_event, &out->n_censor);
  }
  out->n_times = k;
  for (i = 0; i < k; i++) {
    at_risk += out->n_event[i] + out->n_censor[i];
    out->events += out->n_event[i];
  }
  out->n_obs_w = at_risk;
  out->n_risk = xmallocarray((size_t)k, sizeof(double));
  out->surv = xmallocarray((size_t)k, sizeof(double));
  out->se_log = xmallocarray((size_t)k, sizeof(double));
  out->std_err = xmallocarray((size_t)k, sizeof(double));
  out->lower = xmallocarray((size_t)k, sizeof(double));
  out->upper = xmallocarray((size_t)k, sizeof(double));
  /* The numbers at risk are summed from the last time backwards, as
  ** survfitkm.c does: with fractional weights, subtracting from the total
  ** would leave rounding residue (a last S of 3e-16 instead of 0). */
  for (i = k - 1; i >= 0; i--) {
    out->n_risk[i] = out->n_event[i] + out->n_censor[i] +
                     (i + 1 < k ? out->n_risk[i + 1] : 0.0);
  }
  for (i = 0; i < k; i++) {
    double d = out->n_event[i];
    at_risk = out->n_risk[i];
    if (d > 0) {
      s *= (at_risk - d) / at_risk;
      v += d / (at_risk * (at_risk - d));
    }
    out->surv[i] = s;
    out->se_log[i] = sqrt(v);
    out->std_err[i] = s * sqrt(v);
    km_limits(s, sqrt(v), z, conf, &out->lower[i], &out->upper[i]);
  }
  out->median = km_quantile(out, out->surv, 0.5);
  out->median_lower = km_quantile(out, out->lower, 0.5);
  out->median_upper = km_quantile(out, out->upper, 0.5);
  return APP_OK;
}

/* Index of t in the ascending distinct times of c (binary search). */
static int64_t km_time_index(const struct km_curve *c, double t) {
  int64_t lo = 0, hi = c->n_times - 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (c->time[mid] < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void km_robust_se(struct km_curve *c, const double *time, const int *status,
                  const double *weight, int64_t n) {
  int64_t k = c->n_times;
  int64_t i;
  double *acum = xcalloc((size_t)k, sizeof(double)); /* A at t_k */
  double *sw2 = xcalloc((size_t)k, sizeof(double));  /* sum w^2 at t_k */
  double *q = xcalloc((size_t)k, sizeof(double));    /* sum w^2 U^2 at t_k */
  double a = 0, total_w2 = 0, cum_w2 = 0, cum_q = 0;
  double z = gsl_cdf_ugaussian_Pinv(1 - (1 - c->conf_level) / 2);
  for (i = 0; i < k; i++) {
    double d = c->n_event[i], r = c->n_risk[i];
    if (d > 0) {
      a += d / (r * (r - d));
    }
    acum[i] = a;
  }
  for (i = 0; i < n; i++) {
    int64_t ki = km_time_index(c, time[i]);
    double w = weight ? weight[i] : 1.0;
    double u = acum[ki];
    if (status[i]) {
      u -= 1.0 / (c->n_risk[ki] - c->n_event[ki]);
    }
    sw2[ki] += w * w;
    q[ki] += w * w * u * u;
    total_w2 += w * w;
  }
  for (i = 0; i < k; i++) {
    double s = c->surv[i];
    double var;
    cum_w2 += sw2[i];
    cum_q += q[i];
    var = s * s * (acum[i] * acum[i] * (total_w2 - cum_w2) + cum_q);
    c->std_err[i] = s > 0 ? sqrt(var) : 0.0;
    c->se_log[i] = s > 0 ? c->std_err[i] / s : INFINITY;
    km_limits(s, c->se_log[i], z, c->conf, &c->lower[i], &c->upper[i]);
  }
  c->median_lower = km_quantile(c, c->lower, 0.5);
  c->median_upper = km_quantile(c, c->upper, 0.5);
  xfree(acum);
  xfree(sw2);
  xfree(q);
}

double km_quantile(const struct km_curve *c, const double *y, double p) {
  double tol = sqrt(DBL_EPSILON);
  int64_t i;
  int64_t first = -1;
  for (i = 0; i < c->n_times; i++) {
    if (!isnan(y[i]) && y[i] < p + tol) {
      first = i;
      break;
    }
  }
  if (first < 0) {
    return NAN;
  }
  if (fabs(y[first] - p) < tol) {
    for (i = first + 1; i < c->n_times; i++) {
      if (!isnan(y[i]) && y[i] < y[first]) {
        return (c->time[first] + c->time[i]) / 2;
      }
    }
  }
  return c->time[first];
}

double km_quantile_r(const struct km_curve *c, const double *y, double p) {
  double tol = sqrt(DBL_EPSILON);
  int64_t n_all = c->n_times + 1;
  double *xv = xmallocarray((size_t)n_all, sizeof(double));
  double *fv = xmallocarray((size_t)n_all, sizeof(double));
  int64_t n = 0;
  int64_t i;
  int64_t i1 = -1;
  int64_t i2 = -1;
  int64_t first_ok = -1;
  int seen_na = 0;
  double fmax = -INFINITY;
  double xmax = c->n_times > 0 ? c->time[c->n_times - 1] : 0;
  double q = NAN;
  /* x = (0, times), F = (0, 1 - y); drop repeated F values (NA once). */
  for (i = 0; i < n_all; i++) {
    double x = i == 0 ? 0 : c->time[i - 1];
    double f = i == 0 ? 0 : 1 - y[i - 1];
    int dup = 0;
    int64_t j;
    if (isnan(f)) {
      dup = seen_na;
      seen_na = 1;
    } else {
      fmax = f > fmax ? f : fmax;
      for (j = n - 1; j >= 0 && !dup; j--) {
        /* F is non-decreasing, so an equal value is among the last kept
        ** finite ones: stop at the first smaller one. */
        if (isnan(fv[j])) {
          continue;
        }
        if (fv[j] == f) {
          dup = 1;
        }
        if (fv[j] < f) {
          break;
        }
      }
    }
    if (!dup) {
      xv[n] = x;
      fv[n] = f;
      n++;
    }
  }
  if (fmax < p) {
    goto out;
  }
  /* approx(F + tol, index, p, "constant", f = 1): the knot equal to p, or
  ** the first knot above p when p lies within the knots; NA otherwise.
  ** The same with F - tol. */
  for (i = 0; i < n; i++) {
    if (!isnan(fv[i])) {
      first_ok = first_ok < 0 ? i : first_ok;
      if (i1 < 0 && fv[i] + tol >= p) {
        i1 = (i == first_ok && fv[i] + tol > p) ? -2 : i;
      }
      if (i2 < 0 && fv[i] - tol >= p) {
        i2 = (i == first_ok && fv[i] - tol > p) ? -2 : i;
      }
    }
  }
  if (p == 0) {
    q = xv[0];
    goto out;
  }
  if (i1 >= 0 && i2 >= 0) {
    q = (xv[i1] + xv[i2]) / 2;
  }
  if (n > 0 && !isnan(fv[n - 1]) && fabs(p - fv[n - 1]) < tol) {
    q = i1 >= 0 ? (xv[i1] + xmax) / 2 : NAN;
  }
out:
  xfree(xv);
  xfree(fv);
  return q;
}

double km_rmst(const struct km_curve *c, double tau, double *se) {
  /* R's survmean: rectangles over [0, t1], [t1, t2], ..., [tm, tau] with
  ** heights 1, S(t1), ..., S(tm) for the curve times t <= tau;
  ** var = sum_i (area after t_i)^2 * d_i / (n_i (n_i - d_i)). */
  int64_t m = 0;
  int64_t i;
  double area = 0;
  double var = 0;
  double tail = 0;
  double prev_t = 0;
  double prev_s = 1;
  if (!(tau >= 0)) {
    *se = NAN;
    return NAN;
  }
  while (m < c->n_times && c->time[m] <= tau) {
    m++;
  }
  for (i = 0; i < m; i++) {
    area += (c->time[i] - prev_t) * prev_s;
    prev_t = c->time[i];
    prev_s = c->surv[i];
  }
  area += (tau - prev_t) * prev_s;
  /* Walk back: tail = area of the rectangles after curve time i. */
  tail = (m > 0) ? (tau - c->time[m - 1]) * c->surv[m - 1] : 0;
  for (i = m - 1; i >= 0; i--) {
    double nr = c->n_risk[i];
    double d = c->n_event[i];
    double hh = (nr - d) == 0 ? 0 : d / (nr * (nr - d));
    var += tail * tail * hh;
    if (i > 0) {
      tail += (c->time[i] - c->time[i - 1]) * c->surv[i - 1];
    }
  }
  *se = sqrt(var);
  return area;
}

void km_at(const struct km_curve *c, double t, double *n_risk, double *surv,
           double *std_err, double *lower, double *upper) {
  /* Binary search: j = number of curve times <= t. */
  int64_t lo = 0;
  int64_t hi = c->n_times;
  int64_t j;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (c->time[mid] <= t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  j = lo;
  if (j == 0) {
    *surv = 1;
    *std_err = 0;
    *lower = 1;
    *upper = 1;
  } else {
    *surv = c->surv[j - 1];
    *std_err = c->std_err[j - 1];
    *lower = c->lower[j - 1];
    *upper = c->upper[j - 1];
  }
  /* At risk: the first curve time >= t. */
  if (j > 0 && c->time[j - 1] == t) {
    *n_risk = c->n_risk[j - 1];
  } else if (j < c->n_times) {
    *n_risk = c->n_risk[j];
  } else {
    *n_risk = 0;
  }
}
