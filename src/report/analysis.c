/*
** analysis.c: the analysis data set and the analysis results (see
** analysis.h and docs/analysis.md).
**
** Why: the web analysis pages must show the same numbers that `hccstudy
** stats km/logrank/cox/binom` give on a CSV exported from the same
** casebooks, so this module reads the patient-level frame (frame.c: the
** same derived endpoints every export writes) and calls the same pure
** statistics (stats/), with the same conventions: R's timefix, survfit's
** robust SE for non-integer weights, RMST up to the largest last time.
** Invariants: nothing is cached across calls; every array is freed; a
** patient without a cohort (not enrolled) is not in the data set, nor one
** the protocol's analysis population leaves out (enrolled but not
** eligible at screening, by default): the routes say which population
** ("population").
*/
#include "analysis.h"

#include "km_json.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../stats/binom.h"
#include "../stats/cox.h"
#include "../stats/logrank.h"
#include "../stats/ps_workflow.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const an_cohort_name[AN_N_COHORTS] = {"HAIC", "TACE"};

int an_data_load(struct db *db, const struct actor *a, struct frame *d,
                 struct err *e) {
  return frame_load(db, a, FRAME_ANALYSIS, d, e);
}

int an_data_load_from(struct db *db, const struct actor *a,
                      int64_t freeze_id, struct frame *d, struct err *e) {
  struct frame_source src;
  int rc = frame_source_open(db, a, freeze_id, &src, e);
  if (rc != APP_OK) {
    memset(d, 0, sizeof(*d));
    return rc;
  }
  return frame_load_from(&src, FRAME_ANALYSIS, d, e);
}

json_t *an_population_json(const struct frame *d) {
  return json_pack("{s:s,s:s,s:i,s:i}", "rule",
                   analysis_population_name(d->population), "description",
                   d->population == POP_ENROLLED
                       ? "every enrolled patient"
                       : "enrolled patients eligible at screening",
                   "n", d->n, "excluded", d->n_excluded);
}

void an_data_free(struct frame *d) {
  frame_free(d);
}

int an_iptw(const struct frame *d, double *w, struct err *e) {
  int64_t m = 0;
  int64_t r;
  int i, j;
  double *x, *y;
  struct ps_workflow pw;
  struct ps_workflow_opts o;
  int rc;
  for (i = 0; i < d->n; i++) {
    m += d->p[i].has_cov;
    w[i] = 0;
  }
  if (m < AN_N_COV + 2) {
    return ERR_FIELD(e, APP_EINVAL, "adjust",
                     "adjust: %lld patients with complete "
                     "covariates are too few for the propensity model",
                     (long long)m);
  }
  x = xmallocarray((size_t)m * AN_N_COV, sizeof(double));
  y = xmallocarray((size_t)m, sizeof(double));
  /* Column-major design: column j of row r at x[j*m + r]. */
  r = 0;
  for (i = 0; i < d->n; i++) {
    if (!d->p[i].has_cov) {
      continue;
    }
    y[r] = d->p[i].cohort == 0 ? 1 : 0;
    for (j = 0; j < AN_N_COV; j++) {
      x[(int64_t)j * m + r] = d->p[i].cov[j];
    }
    r++;
  }
  memset(&o, 0, sizeof(o));
  o.method = PS_METHOD_IPTW;
  o.estimand = PS_ESTIMAND_ATE;
  rc = ps_workflow_run(m, AN_N_COV, x, y, &o, &pw, e);
  if (rc == APP_OK && pw.is_separated) {
    rc = ERR_FIELD(e, APP_EINVAL, "adjust",
                   "adjust: the propensity model does not "
                   "converge or separates the cohorts (fitted "
                   "probabilities of 0 or 1)");
  }
  if (rc == APP_OK) {
    r = 0;
    for (i = 0; i < d->n; i++) {
      if (d->p[i].has_cov) {
        w[i] = pw.weight[r++];
      }
    }
  }
  ps_workflow_free(&pw);
  xfree(x);
  xfree(y);
  return rc;
}

/* The time and status of patient p for an endpoint; false when absent. */
static bool an_ep(const struct frame_row *p, enum an_endpoint ep,
                  double *t, int *s) {
  if (ep == AN_PFS) {
    *t = p->pfs_days;
    *s = p->pfs_event;
    return p->has_pfs;
  }
  *t = p->os_days;
  *s = p->os_event;
  return p->has_os;
}

int an_km_fit(const struct frame *d, enum an_endpoint ep, const double *w,
              struct an_km *k, struct err *e) {
  double *t = xmallocarray((size_t)d->n + 1, sizeof(double));
  int *s = xmallocarray((size_t)d->n + 1, sizeof(int));
  int *g = xmallocarray((size_t)d->n + 1, sizeof(int));
  double *ww = xmallocarray((size_t)d->n + 1, sizeof(double));
  double *ct = xmallocarray((size_t)d->n + 1, sizeof(double));
  int *cs = xmallocarray((size_t)d->n + 1, sizeof(int));
  double *cw = xmallocarray((size_t)d->n + 1, sizeof(double));
  int64_t m = 0;
  int i, c;
  int rc = APP_OK;
  memset(k, 0, sizeof(*k));
  k->curve = xcalloc(AN_N_COHORTS, sizeof(*k->curve));
  for (i = 0; i < d->n; i++) {
    if (!an_ep(&d->p[i], ep, &t[m], &s[m]) || (w != NULL && w[i] <= 0)) {
      continue;
    }
    g[m] = d->p[i].cohort;
    ww[m] = w ? w[i] : 1;
    m++;
  }
  surv_timefix(t, m);
  k->n_used = (int)m;
  for (c = 0; rc == APP_OK && c < AN_N_COHORTS; c++) {
    int64_t mc = 0;
    bool nonint = false;
    for (i = 0; i < m; i++) {
      if (g[i] == c) {
        ct[mc] = t[i];
        cs[mc] = s[i];
        cw[mc] = ww[i];
        nonint = nonint || cw[mc] != floor(cw[mc]);
        mc++;
      }
    }
    if (mc == 0) {
      continue;
    }
    rc = km_fit(ct, cs, w ? cw : NULL, mc, KM_CONF_LOG, 0.95, &k->curve[c],
                e);
    if (rc == APP_OK) {
      k->present[c] = true;
      if (w != NULL && nonint) {
        km_robust_se(&k->curve[c], ct, cs, cw, mc);
      }
      if (k->curve[c].time[k->curve[c].n_times - 1] > k->tau) {
        k->tau = k->curve[c].time[k->curve[c].n_times - 1];
      }
    }
  }
  xfree(t);
  xfree(s);
  xfree(g);
  xfree(ww);
  xfree(ct);
  xfree(cs);
  xfree(cw);
  if (rc != APP_OK) {
    an_km_free(k);
  }
  return rc;
}

void an_km_free(struct an_km *k) {
  int c;
  if (k->curve != NULL) {
    for (c = 0; c < AN_N_COHORTS; c++) {
      km_curve_free(&k->curve[c]);
    }
  }
  xfree(k->curve);
  memset(k, 0, sizeof(*k));
}

void an_cox_fit(const struct frame *d, enum an_endpoint ep,
                const double *w, const int *include, struct an_cox *c) {
  double *t = xmallocarray((size_t)d->n + 1, sizeof(double));
  int *s = xmallocarray((size_t)d->n + 1, sizeof(int));
  double *x = xmallocarray((size_t)d->n + 1, sizeof(double));
  double *ww = xmallocarray((size_t)d->n + 1, sizeof(double));
  struct cox_data cd;
  struct cox_options o;
  struct cox_fit fit;
  struct err e;
  int64_t m = 0, ev = 0;
  int i;
  memset(c, 0, sizeof(*c));
  for (i = 0; i < d->n; i++) {
    if ((include != NULL && !include[i]) ||
        !an_ep(&d->p[i], ep, &t[m], &s[m]) || (w != NULL && w[i] <= 0)) {
      continue;
    }
    x[m] = d->p[i].cohort == 0 ? 1 : 0;
    ww[m] = w ? w[i] : 1;
    ev += s[m];
    m++;
  }
  memset(&cd, 0, sizeof(cd));
  cd.n = m;
  cd.p = 1;
  cd.time = t;
  cd.status = s;
  cd.x = x;
  cd.weight = w ? ww : NULL;
  cox_options_default(&o);
  o.robust = w != NULL;
  err_clear(&e);
  c->n = m;
  c->events = ev;
  if (m > 1 && ev > 0 && cox_fit(&cd, &o, &fit, &e) == APP_OK) {
    double z = gsl_cdf_ugaussian_Pinv(0.975);
    c->coef = fit.coef[0];
    c->se = sqrt(fit.var[0]);
    c->naive_se = sqrt(fit.naive_var[0]);
    c->ok = isfinite(c->coef) && isfinite(c->se) && c->se > 0;
    c->hr = exp(c->coef);
    c->lower = exp(c->coef - z * c->se);
    c->upper = exp(c->coef + z * c->se);
    c->p = gsl_cdf_chisq_Q((c->coef / c->se) * (c->coef / c->se), 1);
    cox_fit_free(&fit);
  }
  xfree(t);
  xfree(s);
  xfree(x);
  xfree(ww);
}

/* One curve as `stats km --json` writes it. */
static json_t *an_curve_json(const struct km_curve *c, const char *label,
                             double tau) {
  double se = NAN;
  double rm = km_rmst(c, tau, &se);
  return report_km_json(c, label, rm, se, tau, NULL, 0);
}

/* The crude log-rank test by cohort, or JSON null when it cannot be
** computed (one cohort). */
static json_t *an_logrank_json(const struct frame *d, enum an_endpoint ep) {
  double *t = xmallocarray((size_t)d->n + 1, sizeof(double));
  int *s = xmallocarray((size_t)d->n + 1, sizeof(int));
  int32_t *g = xmallocarray((size_t)d->n + 1, sizeof(int32_t));
  struct logrank_result r;
  struct err e;
  json_t *o = json_null();
  int64_t m = 0;
  int i;
  for (i = 0; i < d->n; i++) {
    if (an_ep(&d->p[i], ep, &t[m], &s[m])) {
      g[m++] = d->p[i].cohort;
    }
  }
  surv_timefix(t, m);
  err_clear(&e);
  if (m > 1 && logrank_test(t, s, g, AN_N_COHORTS, NULL, 0, m, 0, &r, &e) ==
                   APP_OK) {
    json_t *gs = json_array();
    for (i = 0; i < r.n_groups; i++) {
      json_array_append_new(
          gs, json_pack("{s:s,s:I,s:f,s:f}", "group", an_cohort_name[i], "n",
                        (json_int_t)r.n[i], "observed", r.observed[i],
                        "expected", r.expected[i]));
    }
    json_decref(o);
    o = json_pack("{s:o,s:i,s:o,s:o}", "chisq", jx_real_or_null(r.chisq),
                  "df", r.df, "p", jx_real_or_null(r.p), "groups", gs);
    logrank_free(&r);
  }
  xfree(t);
  xfree(s);
  xfree(g);
  return o;
}

/* A Cox result as JSON (null when it could not be fitted), with the keys
** of `stats cox --json`: se is the model-based SE, robust_se (weighted
** fits) the sandwich SE that the interval and p then use. */
static json_t *an_cox_json(const struct an_cox *c, bool robust) {
  json_t *o;
  if (!c->ok) {
    return json_null();
  }
  o = json_pack("{s:I,s:I,s:f,s:f,s:b,s:f,s:f,s:f,s:f}", "n",
                (json_int_t)c->n, "events", (json_int_t)c->events, "coef",
                c->coef, "se", c->naive_se, "robust", robust, "hr", c->hr,
                "hr_lower", c->lower, "hr_upper", c->upper, "p", c->p);
  if (robust) {
    json_object_set_new(o, "robust_se", json_real(c->se));
  }
  return o;
}

int an_km_json(const struct frame *d, enum an_endpoint ep, bool iptw,
               json_t **out, struct err *e) {
  double *w = NULL;
  struct an_km k;
  struct an_cox cx;
  json_t *o, *groups;
  int c, rc = APP_OK;
  *out = NULL;
  if (iptw) {
    w = xmallocarray((size_t)d->n + 1, sizeof(double));
    rc = an_iptw(d, w, e);
  }
  if (rc == APP_OK) {
    rc = an_km_fit(d, ep, w, &k, e);
  }
  if (rc != APP_OK) {
    xfree(w);
    return rc;
  }
  an_cox_fit(d, ep, w, NULL, &cx);
  groups = json_array();
  for (c = 0; c < AN_N_COHORTS; c++) {
    if (k.present[c]) {
      json_array_append_new(groups,
                            an_curve_json(&k.curve[c], an_cohort_name[c],
                                          k.tau));
    }
  }
  o = json_pack("{s:s,s:s,s:i,s:o,s:s,s:f,s:o,s:o,s:o}", "endpoint",
                ep == AN_PFS ? "pfs" : "os", "adjust", iptw ? "iptw" : "crude",
                "n", k.n_used, "population", an_population_json(d),
                "conf_type", "log", "conf_level", 0.95, "groups", groups,
                "logrank", iptw ? json_null() : an_logrank_json(d, ep), "cox",
                an_cox_json(&cx, iptw));
  an_km_free(&k);
  xfree(w);
  *out = o;
  return APP_OK;
}

/* ORR (CR or PR) and DCR (CR, PR or SD) of one cohort with Clopper-Pearson
** intervals; the denominator is every patient of the cohort. */
static json_t *an_response_json(const struct frame *d, int cohort) {
  long n = 0, orr = 0, dcr = 0;
  json_t *o;
  int i;
  for (i = 0; i < d->n; i++) {
    const char *b = d->p[i].bor;
    if (d->p[i].cohort != cohort) {
      continue;
    }
    n++;
    if (strcmp(b, "CR") == 0 || strcmp(b, "PR") == 0) {
      orr++;
      dcr++;
    } else if (strcmp(b, "SD") == 0) {
      dcr++;
    }
  }
  o = json_pack("{s:s,s:I}", "cohort", an_cohort_name[cohort], "n",
                (json_int_t)n);
  {
    const long xs[2] = {orr, dcr};
    const char *names[2] = {"orr", "dcr"};
    int k;
    for (k = 0; k < 2; k++) {
      struct binom_result r;
      struct err e;
      err_clear(&e);
      if (n > 0 && binom_fit(xs[k], n, BINOM_CLOPPER_PEARSON, 0.95, 0.5, &r,
                             &e) == APP_OK) {
        json_object_set_new(
            o, names[k],
            json_pack("{s:I,s:f,s:f,s:f}", "x", (json_int_t)xs[k],
                      "estimate", r.estimate, "lower", r.lower, "upper",
                      r.upper));
      } else {
        json_object_set_new(o, names[k], json_null());
      }
    }
  }
  return o;
}

int an_summary_json(const struct frame *d, json_t **out, struct err *e) {
  json_t *o = json_object();
  json_t *ncoh = json_object();
  json_t *resp = json_array();
  json_t *ae = json_array();
  double *w = xmallocarray((size_t)d->n + 1, sizeof(double));
  struct err we;
  bool have_w;
  int ep, c, i, g;
  (void)e;
  err_clear(&we);
  have_w = an_iptw(d, w, &we) == APP_OK;
  for (c = 0; c < AN_N_COHORTS; c++) {
    int n = 0;
    for (i = 0; i < d->n; i++) {
      n += d->p[i].cohort == c;
    }
    json_object_set_new(ncoh, an_cohort_name[c], json_integer(n));
  }
  json_object_set_new(o, "n", json_integer(d->n));
  json_object_set_new(o, "population", an_population_json(d));
  json_object_set_new(o, "n_by_cohort", ncoh);
  for (ep = 0; ep < 2; ep++) {
    struct an_cox crude, adj;
    json_t *x = json_object();
    json_object_set_new(x, "logrank", an_logrank_json(d, (enum an_endpoint)ep));
    an_cox_fit(d, (enum an_endpoint)ep, NULL, NULL, &crude);
    json_object_set_new(x, "cox_crude", an_cox_json(&crude, false));
    if (have_w) {
      an_cox_fit(d, (enum an_endpoint)ep, w, NULL, &adj);
      json_object_set_new(x, "cox_iptw", an_cox_json(&adj, true));
    } else {
      json_object_set_new(x, "cox_iptw", json_null());
    }
    json_object_set_new(o, ep == AN_PFS ? "pfs" : "os", x);
  }
  json_object_set_new(o, "iptw_note",
                      have_w ? json_string("ATE weights from a logistic "
                                           "model of HAIC on the baseline "
                                           "covariates; robust SE")
                             : json_string(we.msg));
  for (c = 0; c < AN_N_COHORTS; c++) {
    json_array_append_new(resp, an_response_json(d, c));
  }
  json_object_set_new(o, "response", resp);
  for (c = 0; c < AN_N_COHORTS; c++) {
    json_t *by = json_array();
    for (g = 0; g <= 5; g++) {
      int n = 0;
      for (i = 0; i < d->n; i++) {
        n += d->p[i].cohort == c && d->p[i].worst_ae_grade == g;
      }
      json_array_append_new(by, json_integer(n));
    }
    json_array_append_new(ae, json_pack("{s:s,s:o}", "cohort",
                                         an_cohort_name[c],
                                         "patients_by_worst_grade", by));
  }
  json_object_set_new(o, "adverse_events", ae);
  xfree(w);
  *out = o;
  return APP_OK;
}
