/*
** test_cox.c: unit tests of the Cox model (src/stats/cox.c) and its small
** dense algebra (src/stats/linalg.c).
**
** Every expected number comes from a closed form (Therneau & Grambsch's
** test1 data, survival tests/book1.R; stats-reference.md section 4.1), from
** R run live (the testw1 weighted values of survival tests/doweight.R, the
** infinite-coefficient case of surv_ref2.out), or from a definition checked
** by brute force here (concordance over all pairs; doubling integer weights
** halves the variance).
*/
#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/mem.h"
#include "stats/cox.h"
#include "stats/linalg.h"

/* test1 without its NA row: time, status, x. */
static const double t1_time[6] = {9, 1, 1, 6, 6, 8};
static const int t1_status[6] = {1, 1, 0, 1, 1, 0};
static const double t1_x[6] = {0, 1, 1, 1, 0, 0};

/* Fit test1 with the given ties and iteration limit. */
static int fit_test1(int ties, int iter_max, struct cox_fit *fit) {
  struct cox_data d = {0};
  struct cox_options o;
  struct err e;
  err_clear(&e);
  d.n = 6;
  d.p = 1;
  d.time = t1_time;
  d.status = t1_status;
  d.x = t1_x;
  cox_options_default(&o);
  o.ties = ties;
  o.iter_max = iter_max;
  return cox_fit(&d, &o, fit, &e);
}

/* Breslow closed forms: beta = log(1.5 + sqrt(33)/2), loglik, se, score. */
static void test_test1_breslow(void) {
  struct cox_fit f;
  double r, beta = log(1.5 + sqrt(33.0) / 2.0);
  CHECK_INT_EQ(fit_test1(COX_BRESLOW, 20, &f), APP_OK);
  r = exp(beta);
  CHECK_NEAR(f.coef[0], beta, 1e-9);
  CHECK_NEAR(f.coef[0], 1.47528491483, 1e-10);
  CHECK_NEAR(f.loglik_null, -4.56434819147, 1e-10);
  CHECK_NEAR(f.loglik, 2 * beta - log(3 * r + 3) - 2 * log(r + 3), 1e-10);
  CHECK_NEAR(f.loglik, -3.82474950500, 1e-10);
  CHECK_NEAR(sqrt(f.var[0]), 1.25573439301, 1e-8);
  CHECK_NEAR(1.0 / f.var[0],
             r / ((r + 1) * (r + 1)) + 6 * r / ((r + 3) * (r + 3)), 1e-8);
  CHECK_NEAR(f.score_test, 1.6, 1e-12);
  CHECK(f.converged);
  CHECK_INT_EQ(f.n_warnings, 0);
  CHECK_INT_EQ(f.n_events, 4);
  CHECK_NEAR(f.lr_test, 2 * (f.loglik - f.loglik_null), 1e-14);
  CHECK_NEAR(f.wald_test, f.coef[0] * f.coef[0] / f.var[0], 1e-12);
  cox_fit_free(&f);
}

/* One Newton-Raphson iteration from 0 gives 8/5 (book1.R); running out of
** iterations reports iter_max + 1 and (for iter_max > 1) warns, as survival
** 3.5-3 does (checked live: iter.max = 1, 2 give fit$iter 2, 3). */
static void test_test1_one_step(void) {
  struct cox_fit f;
  CHECK_INT_EQ(fit_test1(COX_BRESLOW, 1, &f), APP_OK);
  CHECK_NEAR(f.coef[0], 8.0 / 5.0, 1e-12);
  CHECK(!f.converged);
  CHECK_INT_EQ(f.iterations, 2);
  CHECK_INT_EQ(f.n_warnings, 0); /* R warns only when iter.max > 1 */
  cox_fit_free(&f);
  CHECK_INT_EQ(fit_test1(COX_BRESLOW, 2, &f), APP_OK);
  CHECK_NEAR(f.coef[0], 1.472724, 1e-6);
  CHECK_INT_EQ(f.iterations, 3);
  CHECK(f.n_warnings >= 1);
  if (f.n_warnings >= 1) {
    CHECK_STR_EQ(f.warnings[0], "Ran out of iterations and did not converge");
  }
  cox_fit_free(&f);
}

/* Efron closed forms. */
static void test_test1_efron(void) {
  struct cox_fit f;
  double beta = log(2 * sqrt(23.0 / 3.0) *
                    cos(acos((45.0 / 23.0) * sqrt(3.0 / 23.0)) / 3.0));
  double r = exp(beta);
  double p1 = r / (r + 1), p2 = r / (r + 5), p3 = r / (r + 3);
  CHECK_INT_EQ(fit_test1(COX_EFRON, 20, &f), APP_OK);
  CHECK_NEAR(f.coef[0], beta, 1e-9);
  CHECK_NEAR(f.coef[0], 1.67685748559, 1e-10);
  CHECK_NEAR(f.loglik_null, -4.27666611902, 1e-10);
  CHECK_NEAR(f.loglik, 2 * beta - (log(3 * r + 3) + log((r + 5) / 2) +
                                   log(r + 3)), 1e-10);
  CHECK_NEAR(f.loglik, -3.35897484026, 1e-10);
  CHECK_NEAR(1.0 / f.var[0], (p1 - p1 * p1) + (p2 - p2 * p2) + (p3 - p3 * p3),
             1e-8);
  CHECK_NEAR(sqrt(f.var[0]), 1.27761557628, 1e-8);
  CHECK_NEAR(f.score_test, 2.03614457831, 1e-10);
  cox_fit_free(&f);
}

/* Weighted test1 (testw1, survival tests/doweight.R, values by R 3.5-3). */
static void test_testw1(void) {
  static const double tm[9] = {1, 1, 2, 2, 2, 2, 3, 4, 5};
  static const int st[9] = {1, 0, 1, 1, 1, 0, 0, 1, 0};
  static const double x[9] = {2, 0, 1, 1, 0, 1, 0, 1, 0};
  static const double wt[9] = {1, 2, 3, 4, 3, 2, 1, 2, 1};
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  d.n = 9;
  d.p = 1;
  d.time = tm;
  d.status = st;
  d.x = x;
  d.weight = wt;
  cox_options_default(&o);
  o.ties = COX_BRESLOW;
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK_NEAR(f.coef[0], 0.8595574, 1e-6);
  CHECK_NEAR(sqrt(f.var[0]), 0.7130942, 1e-6);
  CHECK(!f.is_robust); /* integer weights: naive variance, as R */
  cox_fit_free(&f);
  o.ties = COX_EFRON;
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK_NEAR(f.coef[0], 0.8726042, 1e-6);
  CHECK_NEAR(sqrt(f.var[0]), 0.7125704, 1e-6);
  cox_fit_free(&f);
}

/* Ten rows, x = 1 for the five that die first: monotone likelihood.  R:
** beta 22.229, se 19870, Wald 1.25e-6, "Loglik converged before variable 1".
** A collinear second column (2x) is NA with the singular warning. */
static void test_infinite_and_collinear(void) {
  double tm[10], x[20];
  int st[10];
  int i;
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  for (i = 0; i < 10; i++) {
    tm[i] = i + 1;
    st[i] = 1;
    x[i] = i < 5 ? 1 : 0;
    x[10 + i] = 2 * x[i];
  }
  d.n = 10;
  d.p = 1;
  d.time = tm;
  d.status = st;
  d.x = x;
  cox_options_default(&o);
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK(isfinite(f.coef[0]) && isfinite(f.var[0]));
  CHECK_NEAR(f.coef[0], 22.229, 1e-4);
  CHECK_NEAR(sqrt(f.var[0]) / 19870.0, 1.0, 1e-4);
  CHECK_NEAR(f.wald_test, 1.251485e-6, 1e-10);
  CHECK_INT_EQ(f.iterations, 20);
  CHECK_INT_EQ(f.n_warnings, 1);
  if (f.n_warnings == 1) {
    CHECK_STR_EQ(f.warnings[0], "Loglik converged before variable 1; "
                                "coefficient may be infinite.");
  }
  cox_fit_free(&f);
  d.p = 2;
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK(isnan(f.coef[1]));
  CHECK(!isnan(f.coef[0]));
  CHECK_INT_EQ(f.df, 1);
  CHECK_INT_EQ(f.rank, 1);
  CHECK(f.n_warnings >= 1);
  if (f.n_warnings >= 1) {
    CHECK_STR_EQ(f.warnings[f.n_warnings - 1],
                 "X matrix deemed to be singular; variable 2");
  }
  cox_fit_free(&f);
}

/* A deterministic pseudo-random data set with ties, strata and weights. */
struct simdata {
  int64_t n;         /* rows */
  double *time;      /* n */
  int *status;       /* n */
  double *x;         /* 2n, column-major */
  double *w;         /* n integer weights */
  int32_t *strata;   /* n codes 0..1 */
};

/* Linear congruential generator in [0, 1). */
static double lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

/* Make n rows (caller frees with sim_free). */
static void sim_make(struct simdata *sd, int64_t n) {
  uint64_t seed = 42;
  int64_t i;
  sd->n = n;
  sd->time = xmallocarray((size_t)n, sizeof(double));
  sd->status = xmallocarray((size_t)n, sizeof(int));
  sd->x = xmallocarray((size_t)n * 2, sizeof(double));
  sd->w = xmallocarray((size_t)n, sizeof(double));
  sd->strata = xmallocarray((size_t)n, sizeof(int32_t));
  for (i = 0; i < n; i++) {
    sd->x[i] = floor(lcg(&seed) * 5);          /* ties in lp */
    sd->x[n + i] = lcg(&seed) < 0.4 ? 1 : 0;
    sd->time[i] = floor(lcg(&seed) * 20) + 1;  /* heavy ties */
    sd->status[i] = lcg(&seed) < 0.7;
    sd->w[i] = 1 + floor(lcg(&seed) * 3);
    sd->strata[i] = lcg(&seed) < 0.5;
  }
}

/* Free a simulated data set. */
static void sim_free(struct simdata *sd) {
  xfree(sd->time);
  xfree(sd->status);
  xfree(sd->x);
  xfree(sd->w);
  xfree(sd->strata);
}

/* Doubling integer weights leaves beta and halves the variance. */
static void test_double_weights(void) {
  struct simdata sd;
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f1, f2;
  struct err e;
  double *w2;
  int64_t i;
  int t;
  sim_make(&sd, 200);
  w2 = xmallocarray(200, sizeof(double));
  for (i = 0; i < 200; i++) {
    w2[i] = 2 * sd.w[i];
  }
  for (t = 0; t < 2; t++) {
    d.n = sd.n;
    d.p = 2;
    d.time = sd.time;
    d.status = sd.status;
    d.x = sd.x;
    d.weight = sd.w;
    d.strata = sd.strata;
    cox_options_default(&o);
    o.ties = t == 0 ? COX_EFRON : COX_BRESLOW;
    CHECK_INT_EQ(cox_fit(&d, &o, &f1, &e), APP_OK);
    d.weight = w2;
    CHECK_INT_EQ(cox_fit(&d, &o, &f2, &e), APP_OK);
    CHECK_NEAR(f2.coef[0], f1.coef[0], 1e-9);
    CHECK_NEAR(f2.coef[1], f1.coef[1], 1e-9);
    CHECK_NEAR(f2.var[0] / f1.var[0], 0.5, 1e-9);
    CHECK_NEAR(f2.var[3] / f1.var[3], 0.5, 1e-9);
    CHECK_NEAR(f2.var[1] / f1.var[1], 0.5, 1e-9);
    cox_fit_free(&f1);
    cox_fit_free(&f2);
  }
  xfree(w2);
  sim_free(&sd);
}

/* Concordance and its IJ standard error against their definitions over all
** pairs: a death at t against rows with time > t or censored at t, in the
** same stratum, pair weight w_i w_j; coxph orientation (higher risk dies
** first is concordant); ties in lp count 1/2. */
static void test_concordance_bruteforce(void) {
  struct simdata sd;
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  int64_t n = 150, i, j;
  double *ic, *id, *it;
  double c = 0, dd = 0, tx = 0, npair, somer, var = 0;
  sim_make(&sd, n);
  d.n = n;
  d.p = 2;
  d.time = sd.time;
  d.status = sd.status;
  d.x = sd.x;
  d.weight = sd.w;
  d.strata = sd.strata;
  cox_options_default(&o);
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  ic = xcalloc((size_t)n, sizeof(double));
  id = xcalloc((size_t)n, sizeof(double));
  it = xcalloc((size_t)n, sizeof(double));
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      int k;
      if (i == j || !sd.status[i] || sd.strata[i] != sd.strata[j]) {
        continue;
      }
      if (!(sd.time[j] > sd.time[i] ||
            (sd.time[j] == sd.time[i] && !sd.status[j]))) {
        continue;
      }
      /* k: 0 concordant (i riskier), 1 discordant, 2 tied */
      k = f.lp[i] > f.lp[j] ? 0 : (f.lp[i] < f.lp[j] ? 1 : 2);
      if (k == 0) {
        ic[i] += sd.w[j];
        ic[j] += sd.w[i];
        c += sd.w[i] * sd.w[j];
      } else if (k == 1) {
        id[i] += sd.w[j];
        id[j] += sd.w[i];
        dd += sd.w[i] * sd.w[j];
      } else {
        it[i] += sd.w[j];
        it[j] += sd.w[i];
        tx += sd.w[i] * sd.w[j];
      }
    }
  }
  npair = c + dd + tx;
  somer = (c - dd) / npair;
  for (i = 0; i < n; i++) {
    double db = sd.w[i] * ((ic[i] - id[i]) / npair -
                           somer / npair * (ic[i] + id[i] + it[i]));
    var += db * db;
  }
  CHECK(tx > 0); /* the data do have ties in lp */
  CHECK_NEAR(f.concordance, (c + tx / 2) / npair, 1e-12);
  CHECK_NEAR(f.concordance_se, sqrt(var / 4), 1e-12);
  CHECK_NEAR(f.conc_count[0], c, 1e-9);
  CHECK_NEAR(f.conc_count[1], dd, 1e-9);
  CHECK_NEAR(f.conc_count[2], tx, 1e-9);
  xfree(ic);
  xfree(id);
  xfree(it);
  cox_fit_free(&f);
  sim_free(&sd);
}

/* The robust variance equals D'D of dfbeta residuals computed the slow
** O(n d p) way (Breslow score residuals, every risk set summed directly). */
static void test_robust_bruteforce(void) {
  struct simdata sd;
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  int64_t n = 120, i, k;
  double v[4] = {0, 0, 0, 0};
  sim_make(&sd, n);
  d.n = n;
  d.p = 2;
  d.time = sd.time;
  d.status = sd.status;
  d.x = sd.x;
  d.weight = sd.w;
  cox_options_default(&o);
  o.ties = COX_BRESLOW;
  o.robust = true;
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_OK);
  CHECK(f.is_robust);
  for (i = 0; i < n; i++) {
    double r[2] = {0, 0}, dfb[2];
    double sci = exp(f.lp[i]);
    int c;
    for (k = 0; k < n; k++) {
      /* event times t_k <= t_i contribute (x_i - xbar(t_k)) dLambda */
      double den = 0, num[2] = {0, 0}, dwt = 0;
      int64_t q;
      if (!sd.status[k] || sd.time[k] > sd.time[i]) {
        continue;
      }
      /* handle each distinct event time once: at its first death row */
      for (q = 0; q < k; q++) {
        if (sd.status[q] && sd.time[q] == sd.time[k]) {
          break;
        }
      }
      if (q < k) {
        continue;
      }
      for (q = 0; q < n; q++) {
        if (sd.time[q] >= sd.time[k]) {
          double rq = sd.w[q] * exp(f.lp[q]);
          den += rq;
          num[0] += rq * sd.x[q];
          num[1] += rq * sd.x[n + q];
        }
        if (sd.status[q] && sd.time[q] == sd.time[k]) {
          dwt += sd.w[q];
        }
      }
      for (c = 0; c < 2; c++) {
        double xbar = num[c] / den;
        double xi = sd.x[(int64_t)c * n + i];
        if (sd.status[i] && sd.time[i] == sd.time[k]) {
          r[c] += xi - xbar;
        }
        r[c] -= sci * (xi - xbar) * dwt / den;
      }
    }
    for (c = 0; c < 2; c++) {
      dfb[c] = sd.w[i] * (r[0] * f.naive_var[0 * 2 + c] +
                          r[1] * f.naive_var[1 * 2 + c]);
    }
    v[0] += dfb[0] * dfb[0];
    v[1] += dfb[0] * dfb[1];
    v[3] += dfb[1] * dfb[1];
  }
  CHECK_NEAR(f.var[0] / v[0], 1.0, 1e-9);
  CHECK_NEAR(f.var[1] / v[1], 1.0, 1e-9);
  CHECK_NEAR(f.var[3] / v[3], 1.0, 1e-9);
  cox_fit_free(&f);
  sim_free(&sd);
}

/* Bad input is refused with a message, never a crash. */
static void test_bad_input(void) {
  double tm[3] = {1, 2, 3}, x[3] = {0, 1, 0}, w[3] = {1, 0, 1};
  int st[3] = {0, 0, 0};
  struct cox_data d = {0};
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  d.n = 3;
  d.p = 1;
  d.time = tm;
  d.status = st;
  d.x = x;
  cox_options_default(&o);
  err_clear(&e);
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_EINVAL); /* no events */
  CHECK(strstr(e.msg, "no events") != NULL);
  st[0] = 1;
  d.weight = w;
  err_clear(&e);
  CHECK_INT_EQ(cox_fit(&d, &o, &f, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "weight at row 2") != NULL);
}

/* aeqSurv: near-ties merge onto the first time of their run. */
static void test_timefix(void) {
  double t[5] = {2.0, 1.0 + 1e-10, 1.0, 3.0, 1.0 + 2e-10};
  double out[5];
  cox_timefix(t, 5, out);
  CHECK(out[0] == 2.0);
  CHECK(out[1] == 1.0);
  CHECK(out[2] == 1.0);
  CHECK(out[3] == 3.0);
  CHECK(out[4] == 1.0);
}

/* LDL' with survival's tolerance: inverse of a known matrix, and a
** singular matrix gives rank 2 with the dependent column zeroed. */
static void test_linalg(void) {
  double a[9] = {4, 2, 0, 2, 3, 1, 0, 1, 2};
  double m[9];
  double s[9] = {1, 2, 3, 2, 4, 6, 3, 6, 10};
  int rank, i, j, k;
  memcpy(m, a, sizeof(a));
  CHECK_INT_EQ(linalg_chol(m, 3, 1e-12), 3);
  linalg_chinv(m, 3);
  for (i = 0; i < 3; i++) {
    for (j = 0; j < 3; j++) {
      double p = 0;
      for (k = 0; k < 3; k++) {
        p += a[i * 3 + k] * m[k * 3 + j];
      }
      CHECK_NEAR(p, i == j ? 1.0 : 0.0, 1e-12);
    }
  }
  CHECK_INT_EQ(linalg_chol(s, 3, 1e-12), 2);
  CHECK(s[1 * 3 + 1] == 0.0);
  linalg_chinv(s, 3);
  CHECK(s[1 * 3 + 1] == 0.0 && s[0 * 3 + 1] == 0.0 && s[1 * 3 + 2] == 0.0);
  {
    double y[3] = {1, 2, 3}, scr[12];
    double q = linalg_quadform(a, y, 3, 1e-12, &rank, scr);
    /* y' A^-1 y by hand: A^-1 y = (1/8)(-1, 8, 8) ... computed below */
    double z0 = 0, z1 = 0, z2 = 0;
    memcpy(m, a, sizeof(a));
    linalg_chol(m, 3, 1e-12);
    linalg_chinv(m, 3);
    z0 = m[0] * 1 + m[1] * 2 + m[2] * 3;
    z1 = m[3] * 1 + m[4] * 2 + m[5] * 3;
    z2 = m[6] * 1 + m[7] * 2 + m[8] * 3;
    CHECK_INT_EQ(rank, 3);
    CHECK_NEAR(q, 1 * z0 + 2 * z1 + 3 * z2, 1e-12);
    /* det(A) = 4*(6-1) - 2*(4-0) = 12; A^-1 y first entry by cofactors:
       (5*1 - 4*2 + 2*3)/12 = 3/12 */
    CHECK_NEAR(z0, 3.0 / 12.0, 1e-12);
  }
}

int main(void) {
  test_test1_breslow();
  test_test1_one_step();
  test_test1_efron();
  test_testw1();
  test_infinite_and_collinear();
  test_double_weights();
  test_concordance_bruteforce();
  test_robust_bruteforce();
  test_bad_input();
  test_timefix();
  test_linalg();
  return harness_report();
}
