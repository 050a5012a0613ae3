/*
** trial.c: one Monte Carlo trial of the design (see trial.h).
**
** The analyses call the project's own statistics (stats/logrank.h, cox.h,
** logistic.h, ps.h), the same code a statistician runs on the real data.
** The propensity model uses the confounders of the treatment choice model
** (PVTT, largest diameter over 7 cm, more than 3 lesions, age) plus the
** prognostic factors ECOG and AFP >= 400, as an analyst would specify it.
** Streams: trial i of seed s uses rng stream i + 1 (stream 0 is the
** `simulate cohort` study; the true-HR population uses stream 2^63).
*/
#include "trial.h"

#include "../core/mem.h"
#include "../stats/cox.h"
#include "../stats/logistic.h"
#include "../stats/logrank.h"
#include "../stats/ps.h"
#include "rng.h"
#include "study.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

/* Days per month (365.25 / 12). */
#define DAYS_PER_MONTH 30.4375
/* Covariates of the propensity model. */
#define PS_P 6

/* Signed log-rank Z of group 1 and the two-sided decision. */
static int logrank_z(const double *time, const int *status,
                     const int32_t *group, int64_t n, double *z,
                     struct err *e) {
  struct logrank_result lr;
  int rc = logrank_test(time, status, group, 2, NULL, 0, n, 0.0, &lr, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (lr.var[3] > 0) {
    *z = (lr.observed[1] - lr.expected[1]) / sqrt(lr.var[3]);
  } else {
    *z = 0;
  }
  logrank_free(&lr);
  return APP_OK;
}

/* Fit a one-covariate Cox model; b and se (robust when o->robust). */
static int cox1(int64_t n, const double *time, const int *status,
                const double *x, const double *w, const int32_t *cluster,
                int n_clusters, bool robust, double *b, double *se) {
  struct cox_data d;
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  int rc;
  memset(&d, 0, sizeof(d));
  d.n = n;
  d.p = 1;
  d.time = time;
  d.status = status;
  d.x = x;
  d.weight = w;
  d.cluster = cluster;
  d.n_clusters = n_clusters;
  cox_options_default(&o);
  o.robust = robust;
  err_clear(&e);
  rc = cox_fit(&d, &o, &f, &e);
  if (rc != APP_OK) {
    return rc;
  }
  *b = f.coef[0];
  *se = sqrt(f.var[0]);
  rc = (isfinite(*b) && isfinite(*se) && f.converged) ? APP_OK
                                                        : APP_EINTERNAL;
  cox_fit_free(&f);
  return rc;
}

/* Is |b / se| beyond the two-sided critical value? */
static bool wald_reject(double b, double se, double zcrit) {
  return se > 0 && fabs(b / se) > zcrit;
}

/* The lesion-model trial. */
static int trial_lesion(const struct sim_config *cfg,
                        const struct protocol *pr, const struct sim_design *d,
                        uint64_t seed, int64_t index,
                        struct sim_trial_result *r, struct err *e) {
  struct sim_study s;
  struct sim_study_opts so;
  struct logistic_fit lf;
  int64_t n;
  int64_t i;
  int64_t k;
  int rc;
  double *time;
  double *x;
  double *treat;
  double *cov;
  double *w;
  double *lin;
  int *status;
  int32_t *group;
  int64_t *match_id;
  int64_t n_pairs = 0;
  double zcrit = gsl_cdf_ugaussian_Qinv(d->alpha / 2);
  memset(&so, 0, sizeof(so));
  so.n = d->n;
  so.seed = seed;
  so.stream = (uint64_t)index + 1;
  so.hr_override = d->hr;
  so.force_cohort = -1;
  so.followup_months = d->followup_months;
  rc = sim_study_draw(cfg, pr, &so, &s, e);
  if (rc != APP_OK) {
    sim_study_free(&s);
    return rc;
  }
  n = s.n;
  time = xcalloc((size_t)n, sizeof(*time));
  x = xcalloc((size_t)n, sizeof(*x));
  treat = xcalloc((size_t)n, sizeof(*treat));
  w = xcalloc((size_t)n, sizeof(*w));
  cov = xcalloc((size_t)n * PS_P, sizeof(*cov));
  status = xcalloc((size_t)n, sizeof(*status));
  group = xcalloc((size_t)n, sizeof(*group));
  match_id = xcalloc((size_t)n, sizeof(*match_id));
  lin = xcalloc((size_t)n, sizeof(*lin));
  r->events = 0;
  for (i = 0; i < n; i++) {
    const struct sim_patient *p = &s.patients[i];
    time[i] = p->res.pfs.days;
    status[i] = p->res.pfs.is_event;
    group[i] = p->cohort;
    x[i] = p->cohort;
    treat[i] = p->cohort;
    r->events += status[i];
    cov[0 * n + i] = p->b.pvi > 0;
    cov[1 * n + i] = p->b.diameter_mm > 70 ? (p->b.diameter_mm - 70) / 10 : 0;
    cov[2 * n + i] = p->b.tumour_number > 3;
    cov[3 * n + i] = (p->b.age - 57) / 10.0;
    cov[4 * n + i] = p->b.ecog;
    cov[5 * n + i] = p->b.afp >= 400;
  }
  r->ok = true;
  rc = logrank_z(time, status, group, n, &r->logrank_z, e);
  if (rc != APP_OK) {
    r->ok = false;
    err_clear(e);
  }
  r->logrank_reject = r->ok && fabs(r->logrank_z) > zcrit;
  r->has_cox = true;
  if (cox1(n, time, status, x, NULL, NULL, 0, false, &r->crude_b,
           &r->crude_se) != APP_OK) {
    r->ok = false;
  }
  r->crude_reject = wald_reject(r->crude_b, r->crude_se, zcrit);
  if (logistic_fit(n, PS_P, cov, treat, NULL, NULL, &lf, e) == APP_OK) {
    double *ps = lf.fitted;
    for (i = 0; i < n; i++) {
      lin[i] = lf.linear[i];
    }
    if (ps_weights(n, ps, treat, PS_METHOD_IPTW, PS_ESTIMAND_ATE, 0, w, e) ==
            APP_OK &&
        cox1(n, time, status, x, w, NULL, 0, true, &r->iptw_b,
             &r->iptw_se) == APP_OK) {
      r->iptw_ok = true;
      r->iptw_reject = wald_reject(r->iptw_b, r->iptw_se, zcrit);
    }
    logistic_fit_free(&lf);
    err_clear(e);
    if (ps_match_nearest(n, lin, treat, 0.2 * ps_sd(n, lin), match_id,
                         &n_pairs, e) == APP_OK &&
        n_pairs >= 10) {
      /* Compact the matched rows (reusing the buffers after n). */
      double *mt = xcalloc((size_t)(2 * n_pairs), sizeof(*mt));
      double *mx = xcalloc((size_t)(2 * n_pairs), sizeof(*mx));
      int *ms = xcalloc((size_t)(2 * n_pairs), sizeof(*ms));
      int32_t *mc = xcalloc((size_t)(2 * n_pairs), sizeof(*mc));
      k = 0;
      for (i = 0; i < n; i++) {
        if (match_id[i] > 0) {
          mt[k] = time[i];
          mx[k] = x[i];
          ms[k] = status[i];
          mc[k] = (int32_t)(match_id[i] - 1);
          k++;
        }
      }
      if (cox1(k, mt, ms, mx, NULL, mc, (int)n_pairs, true, &r->match_b,
               &r->match_se) == APP_OK) {
        r->match_ok = true;
        r->match_reject = wald_reject(r->match_b, r->match_se, zcrit);
      }
      r->n_pairs = (int)n_pairs;
      xfree(mt);
      xfree(mx);
      xfree(ms);
      xfree(mc);
    }
  }
  err_clear(e);
  xfree(time);
  xfree(x);
  xfree(treat);
  xfree(w);
  xfree(cov);
  xfree(status);
  xfree(group);
  xfree(match_id);
  xfree(lin);
  sim_study_free(&s);
  return APP_OK;
}

/* One exponential-model subject. */
struct exp_subject {
  double entry;  /* calendar entry, months */
  double t;      /* observed time from entry (event or dropout), months */
  int event;     /* 1 event, 0 dropout */
  int group;     /* 0 control, 1 treated */
};

/* The k-th smallest (0-based) of a[0..n) by quickselect (Hoare partition,
** middle pivot); reorders a.  O(n) expected; deterministic. */
static double select_kth(double *a, int n, int k) {
  int lo = 0;
  int hi = n - 1;
  while (lo < hi) {
    double pivot = a[lo + (hi - lo) / 2];
    int i = lo;
    int j = hi;
    while (i <= j) {
      while (a[i] < pivot) {
        i++;
      }
      while (a[j] > pivot) {
        j--;
      }
      if (i <= j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) {
      hi = j;
    } else if (k >= i) {
      lo = i;
    } else {
      break;
    }
  }
  return a[k];
}


/* Sort keys ascending: quicksort (middle pivot) with insertion sort below
** 24 keys. */
static void key_sort(uint64_t *a, int n) {
  while (n > 24) {
    uint64_t pivot = a[n / 2];
    int i = 0;
    int j = n - 1;
    while (i <= j) {
      while (a[i] < pivot) {
        i++;
      }
      while (a[j] > pivot) {
        j--;
      }
      if (i <= j) {
        uint64_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    /* Recurse on the smaller part, loop on the larger. */
    if (j + 1 < n - i) {
      key_sort(a, j + 1);
      a += i;
      n -= i;
    } else {
      key_sort(a + i, n - i);
      n = j + 1;
    }
  }
  {
    int i;
    for (i = 1; i < n; i++) {
      uint64_t x = a[i];
      int j = i;
      while (j > 0 && a[j - 1] > x) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = x;
    }
  }
}

/* Key of a row: the IEEE bits of t (t >= 0, so integer order is numeric
** order) with the status and group in the lowest 2 mantissa bits.  Times
** within 3 units in the last place of each other therefore count as tied
** (far below any clinical resolution); exact ties stay ties. */
static uint64_t row_key(const struct sim_lr_row *r) {
  uint64_t bits;
  memcpy(&bits, &r->t, sizeof(bits));
  return (bits & ~(uint64_t)3) | ((uint64_t)(r->st != 0) << 1) |
         (uint64_t)(r->g != 0);
}

/* Sort m keys (non-negative doubles' bits): a bucket pass by value
** (m buckets over [0, max]) then an insertion sort, which only has to fix
** the order inside each bucket: O(m) for the spread-out times of a trial.
** When some bucket is crowded (heavy ties), key_sort does the work. */
static void sort_keys(uint64_t *key, int m) {
  int stack_count[1025];
  uint64_t stack_tmp[1024];
  int *count;
  uint64_t *tmp;
  double tmax = 0;
  int crowded = 0;
  int i;
  if (m < 64 || m > 1024) {
    key_sort(key, m);
    return;
  }
  count = stack_count;
  tmp = stack_tmp;
  for (i = 0; i < m; i++) {
    double t;
    memcpy(&t, &key[i], sizeof(t));
    tmax = t > tmax ? t : tmax;
  }
  if (!(tmax > 0) || !isfinite(tmax)) {
    key_sort(key, m);
    return;
  }
  memset(count, 0, sizeof(int) * (size_t)(m + 1));
  for (i = 0; i < m; i++) {
    double t;
    int b;
    memcpy(&t, &key[i], sizeof(t));
    b = (int)(t / tmax * (m - 1));
    count[b + 1]++;
    crowded |= count[b + 1] > 32;
  }
  if (crowded) {
    key_sort(key, m);
    return;
  }
  for (i = 0; i < m; i++) {
    count[i + 1] += count[i];
  }
  for (i = 0; i < m; i++) {
    double t;
    int b;
    memcpy(&t, &key[i], sizeof(t));
    b = (int)(t / tmax * (m - 1));
    tmp[count[b]++] = key[i];
  }
  for (i = 1; i < m; i++) {
    uint64_t x = tmp[i];
    int j = i;
    while (j > 0 && tmp[j - 1] > x) {
      tmp[j] = tmp[j - 1];
      j--;
    }
    tmp[j] = x;
  }
  memcpy(key, tmp, sizeof(*key) * (size_t)m);
}

double sim_logrank2_z(struct sim_lr_row *a, int n) {
  int n1 = 0;
  int at;
  int i = 0;
  int m = 0;
  double o_e = 0;
  double v = 0;
  uint64_t stack_keys[1024];
  uint64_t *key = n <= 1024 ? stack_keys : xmallocarray((size_t)n,
                                                        sizeof(*key));
  for (i = 0; i < n; i++) {
    if (!(a[i].t >= 0)) {
      continue; /* not at risk (NaN or negative): left out */
    }
    key[m++] = row_key(&a[i]);
    n1 += a[i].g != 0;
  }
  at = m;
  sort_keys(key, m);
  i = 0;
  while (i < m) {
    int j = i;
    int d = 0;
    int d1 = 0;
    int c1 = 0;
    uint64_t tk = key[i] >> 2;
    while (j < m && key[j] >> 2 == tk) {
      int st = (int)((key[j] >> 1) & 1);
      int g = (int)(key[j] & 1);
      d += st;
      d1 += st & g;
      c1 += g;
      j++;
    }
    if (d > 0) {
      double nn = at;
      double p1 = n1 / nn;
      o_e += d1 - d * p1;
      if (at > 1) {
        v += d * (nn - d) / (nn - 1) * p1 * (1 - p1);
      }
    }
    at -= j - i;
    n1 -= c1;
    i = j;
  }
  if (key != stack_keys) {
    xfree(key);
  }
  return v > 0 ? o_e / sqrt(v) : 0;
}

/* The exponential-model trial. */
static int trial_exponential(const struct sim_design *d, uint64_t seed,
                             int64_t index, struct sim_trial_result *r,
                             struct err *e) {
  struct sim_rng rg;
  int n = d->n;
  int i;
  double lc = log(2.0) / d->median_control;
  double lt = lc * d->hr;
  double phi = d->dropout > 0 ? -log(1 - d->dropout) / d->dropout_time : 0;
  double cut;
  double zcrit = gsl_cdf_ugaussian_Qinv(d->alpha / 2);
  struct exp_subject *sub = xcalloc((size_t)n, sizeof(*sub));
  double *cal = xcalloc((size_t)n, sizeof(*cal));
  struct sim_lr_row *rows = xcalloc((size_t)n, sizeof(*rows));
  int n_ev = 0;
  int m;
  rng_seed(&rg, seed, (uint64_t)index + 1);
  for (i = 0; i < n; i++) {
    double te;
    double td;
    sub[i].group = i % 2; /* 1:1 blocks, as rpact's allocation 1:1 */
    sub[i].entry = d->accrual_time * rng_unif(&rg);
    te = rng_exp(&rg, sub[i].group ? lt : lc);
    td = phi > 0 ? rng_exp(&rg, phi) : HUGE_VAL;
    sub[i].t = te < td ? te : td;
    sub[i].event = te <= td;
    if (sub[i].event) {
      cal[n_ev++] = sub[i].entry + sub[i].t;
    }
  }
  if (d->events > 0) {
    cut = n_ev >= d->events ? select_kth(cal, n_ev, d->events - 1)
                            : (n_ev > 0 ? select_kth(cal, n_ev, n_ev - 1)
                                        : 0);
  } else {
    cut = d->accrual_time + d->followup_months;
  }
  r->analysis_time = cut;
  r->events = 0;
  m = 0;
  for (i = 0; i < n; i++) {
    double avail = cut - sub[i].entry;
    if (avail <= 0) {
      continue; /* not yet enrolled: never at risk */
    }
    rows[m].g = sub[i].group;
    if (sub[i].t <= avail) {
      rows[m].t = sub[i].t;
      rows[m].st = sub[i].event;
    } else {
      rows[m].t = avail;
      rows[m].st = 0;
    }
    r->events += rows[m].st;
    m++;
  }
  r->ok = true;
  r->logrank_z = sim_logrank2_z(rows, m);
  r->logrank_reject = fabs(r->logrank_z) > zcrit;
  (void)e;
  xfree(sub);
  xfree(cal);
  xfree(rows);
  return APP_OK;
}

int sim_trial_run(const struct sim_config *cfg, const struct protocol *pr,
                  const struct sim_design *d, uint64_t seed, int64_t index,
                  struct sim_trial_result *r, struct err *e) {
  memset(r, 0, sizeof(*r));
  if (d->model == SIM_MODEL_EXPONENTIAL) {
    return trial_exponential(d, seed, index, r, e);
  }
  return trial_lesion(cfg, pr, d, seed, index, r, e);
}

int sim_true_log_hr(const struct sim_config *cfg, const struct protocol *pr,
                    const struct sim_design *d, uint64_t seed, int n_per_arm,
                    double *log_hr, double *se, struct err *e) {
  struct sim_study s[2];
  struct sim_study_opts so;
  int64_t n = 2 * (int64_t)n_per_arm;
  double *time = xcalloc((size_t)n, sizeof(*time));
  double *x = xcalloc((size_t)n, sizeof(*x));
  int *status = xcalloc((size_t)n, sizeof(*status));
  int arm;
  int i;
  int rc = APP_OK;
  memset(s, 0, sizeof(s));
  for (arm = 0; arm < 2 && rc == APP_OK; arm++) {
    memset(&so, 0, sizeof(so));
    so.n = n_per_arm;
    so.seed = seed;
    so.stream = (uint64_t)1 << 63;
    so.hr_override = d->hr;
    so.force_cohort = arm;
    so.followup_months = d->followup_months;
    rc = sim_study_draw(cfg, pr, &so, &s[arm], e);
    for (i = 0; rc == APP_OK && i < n_per_arm; i++) {
      int64_t row = (int64_t)arm * n_per_arm + i;
      time[row] = s[arm].patients[i].res.pfs.days;
      status[row] = s[arm].patients[i].res.pfs.is_event;
      x[row] = arm;
    }
  }
  if (rc == APP_OK) {
    rc = cox1(n, time, status, x, NULL, NULL, 0, false, log_hr, se);
    if (rc != APP_OK) {
      rc = ERR_SET(e, APP_EINTERNAL, "true hazard ratio: Cox fit failed");
    }
  }
  sim_study_free(&s[0]);
  sim_study_free(&s[1]);
  xfree(time);
  xfree(x);
  xfree(status);
  return rc;
}
