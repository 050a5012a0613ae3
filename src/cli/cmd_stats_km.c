/*
** cmd_stats_km.c: `hccstudy stats km` (Kaplan-Meier curves) and
** `hccstudy stats logrank` (G-rho tests) on a CSV file.
**
** Why: the survival summaries of the study report must equal R's
** survfit/survdiff; this front end loads the columns (stats_frame.h),
** applies R's timefix to the times, calls the pure engine (stats/km.h,
** stats/logrank.h) and prints either a layout like R's print methods or
** JSON (--json, the contract other tools read; NA/Inf become null).
**
** Exit status: 0 success, 2 bad input or usage (message names the option,
** column and row), 1 I/O failure.
*/
#include "stats_cmds.h"

#include "../report/km_json.h"

#include "../report/stats_frame.h"
#include "cmd_stats_input.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../stats/km.h"
#include "../stats/logrank.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parse "t1,t2,..." into a new array (caller xfree()s *out). */
static int km_parse_times(const char *text, double **out, int *n_out,
                          struct err *e) {
  const char *p = text;
  double *t = NULL;
  int n = 0;
  *out = NULL;
  *n_out = 0;
  for (;;) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    double v;
    if (str_to_double_n(p, len, &v) != 0 || v < 0) {
      xfree(t);
      return ERR_SET(e, APP_EINVAL, "--times: \"%.*s\" is not a time >= 0",
                     (int)(len > 40 ? 40 : len), p);
    }
    t = xreallocarray(t, (size_t)n + 1, sizeof(*t));
    t[n++] = v;
    if (q == NULL) {
      break;
    }
    p = q + 1;
  }
  *out = t;
  *n_out = n;
  return APP_OK;
}

/* The rows of group g as new arrays; caller xfree()s *time and *status.
** Returns the row count. */
static int64_t km_subset(const struct stats_frame *f, int g, double **time,
                         int **status, double **weight) {
  int64_t i;
  int64_t m = 0;
  *time = xmallocarray((size_t)f->n + 1, sizeof(double));
  *status = xmallocarray((size_t)f->n + 1, sizeof(int));
  *weight = f->weight ? xmallocarray((size_t)f->n + 1, sizeof(double))
                      : NULL;
  for (i = 0; i < f->n; i++) {
    if (f->group[i] == g) {
      (*time)[m] = f->time[i];
      (*status)[m] = f->status[i];
      if (f->weight) {
        (*weight)[m] = f->weight[i];
      }
      m++;
    }
  }
  return m;
}

/* Fit one curve; with weights of which any is not a whole number, the SE
** is survfit's default for such weights, the robust (infinitesimal
** jackknife) one. */
static int km_fit_one(const double *t, const int *s, const double *w,
                      int64_t m, enum km_conf conf, double level,
                      struct km_curve *c, struct err *e) {
  int64_t i;
  int rc = km_fit(t, s, w, m, conf, level, c, e);
  for (i = 0; rc == APP_OK && w != NULL && i < m; i++) {
    if (w[i] != floor(w[i])) {
      km_robust_se(c, t, s, w, m);
      break;
    }
  }
  return rc;
}

/* Print x in about 3 significant digits, or "NA", in a field of width w. */
static void km_print_num(double x, int w) {
  if (!isfinite(x)) {
    printf(" %*s", w, "NA");
  } else {
    printf(" %*.*g", w, fabs(x) >= 1000 ? 10 : 4, x);
  }
}

/* The summary table of one curve, as R's summary(survfit): event times
** only, then the rows at the requested times (if any). */
static void km_print_table(const struct km_curve *c, const char *label,
                           double level, const double *times, int n_times) {
  int64_t k;
  int i;
  int pct = (int)floor(level * 100 + 0.5);
  char lo_head[32];
  char hi_head[32];
  snprintf(lo_head, sizeof(lo_head), "lower %d%% CI", pct);
  snprintf(hi_head, sizeof(hi_head), "upper %d%% CI", pct);
  printf("\n                %s\n", label);
  printf(" %8s %7s %7s %8s %8s %12s %12s\n", "time", "n.risk", "n.event",
         "survival", "std.err", lo_head, hi_head);
  for (k = 0; k < c->n_times; k++) {
    if (c->n_event[k] <= 0) {
      continue;
    }
    km_print_num(c->time[k], 8);
    km_print_num(c->n_risk[k], 7);
    km_print_num(c->n_event[k], 7);
    km_print_num(c->surv[k], 8);
    km_print_num(c->std_err[k], 8);
    km_print_num(c->lower[k], 12);
    km_print_num(c->upper[k], 12);
    printf("\n");
  }
  if (n_times > 0) {
    printf("\n  at the requested times (n.risk at the time):\n");
    for (i = 0; i < n_times; i++) {
      double nr, s, se, lo, hi;
      km_at(c, times[i], &nr, &s, &se, &lo, &hi);
      km_print_num(times[i], 8);
      km_print_num(nr, 7);
      printf(" %7s", "");
      km_print_num(s, 8);
      km_print_num(se, 8);
      km_print_num(lo, 12);
      km_print_num(hi, 12);
      printf("\n");
    }
  }
}

int stats_cmd_km(struct cli *c) {
  struct stats_frame_spec spec;
  struct stats_frame f;
  struct stats_input in;
  struct err e;
  const char *conf_text;
  const char *level_text;
  const char *times_text;
  const char *tau_text;
  bool as_json;
  enum km_conf conf = KM_CONF_LOG;
  double level = 0.95;
  double tau = NAN;
  double *times = NULL;
  int n_times = 0;
  struct km_curve *curves = NULL;
  int n_curves;
  int g;
  int rc;
  memset(&spec, 0, sizeof(spec));
  memset(&f, 0, sizeof(f));
  err_clear(&e);
  stats_input_take(c, &in);
  spec.time = cli_opt(c, "--time");
  spec.event = cli_opt(c, "--event");
  spec.censor = cli_opt(c, "--censor");
  spec.group = cli_opt(c, "--group");
  spec.weights = cli_opt(c, "--weights");
  conf_text = cli_opt(c, "--conf-type");
  level_text = cli_opt(c, "--conf-level");
  times_text = cli_opt(c, "--times");
  tau_text = cli_opt(c, "--tau");
  as_json = cli_flag(c, "--json");
  rc = cli_done(c, &e);
  if (rc == APP_OK && conf_text != NULL) {
    if (strcmp(conf_text, "log") == 0) {
      conf = KM_CONF_LOG;
    } else if (strcmp(conf_text, "log-log") == 0) {
      conf = KM_CONF_LOG_LOG;
    } else if (strcmp(conf_text, "plain") == 0) {
      conf = KM_CONF_PLAIN;
    } else {
      rc = ERR_SET(&e, APP_EINVAL, "--conf-type: \"%s\" is not log, log-log "
                   "or plain", conf_text);
    }
  }
  if (rc == APP_OK && level_text != NULL) {
    rc = cli_parse_double("--conf-level", level_text, &level, &e);
    if (rc == APP_OK && !(level > 0 && level < 1)) {
      rc = ERR_SET(&e, APP_EINVAL, "--conf-level: %s is not in (0, 1)",
                   level_text);
    }
  }
  if (rc == APP_OK && tau_text != NULL) {
    rc = cli_parse_double("--tau", tau_text, &tau, &e);
    if (rc == APP_OK && tau < 0) {
      rc = ERR_SET(&e, APP_EINVAL, "--tau: %s is negative", tau_text);
    }
  }
  if (rc == APP_OK && times_text != NULL) {
    rc = km_parse_times(times_text, &times, &n_times, &e);
  }
  if (rc == APP_OK) {
    rc = stats_input_load(c, &in, &e);
  }
  if (rc == APP_OK) {
    spec.data_path = in.data_path;
    spec.study = stats_input_frame(&in);
    spec.study_what = in.what;
    rc = stats_frame_load(&spec, &f, &e);
  }
  stats_input_free(&in);
  if (rc != APP_OK) {
    xfree(times);
    return cli_fail(&e);
  }
  surv_timefix(f.time, f.n);
  n_curves = f.group ? f.n_groups : 1;
  curves = xcalloc((size_t)n_curves, sizeof(*curves));
  for (g = 0; g < n_curves && rc == APP_OK; g++) {
    double *t;
    int *s;
    double *w;
    int64_t m;
    if (f.group == NULL) {
      rc = km_fit_one(f.time, f.status, f.weight, f.n, conf, level,
                      &curves[g], &e);
      continue;
    }
    m = km_subset(&f, g, &t, &s, &w);
    rc = km_fit_one(t, s, w, m, conf, level, &curves[g], &e);
    xfree(t);
    xfree(s);
    xfree(w);
  }
  if (rc == APP_OK) {
    double last = 0;
    /* R's rmean = "common": every curve up to the largest last time. */
    for (g = 0; g < n_curves; g++) {
      double lt = curves[g].time[curves[g].n_times - 1];
      last = lt > last ? lt : last;
    }
    if (isnan(tau)) {
      tau = last;
    }
    if (as_json) {
      json_t *root = json_object();
      json_t *groups = json_array();
      json_object_set_new(root, "n", json_integer((json_int_t)f.n));
      json_object_set_new(root, "n_dropped",
                          json_integer((json_int_t)f.n_dropped));
      json_object_set_new(root, "conf_type",
                          json_string(conf == KM_CONF_LOG ? "log"
                                      : conf == KM_CONF_LOG_LOG ? "log-log"
                                                                : "plain"));
      json_object_set_new(root, "conf_level", json_real(level));
      for (g = 0; g < n_curves; g++) {
        double se;
        double rm = km_rmst(&curves[g], tau, &se);
        json_array_append_new(
            groups, report_km_json(&curves[g], f.group ? f.group_levels[g]
                                                      : "all",
                                  rm, se, tau, times, n_times));
      }
      json_object_set_new(root, "groups", groups);
      cli_print_json(root);
      json_decref(root);
    } else {
      int pct = (int)floor(level * 100 + 0.5);
      char lcl[32];
      char ucl[32];
      snprintf(lcl, sizeof(lcl), "0.%02dLCL", pct);
      snprintf(ucl, sizeof(ucl), "0.%02dUCL", pct);
      if (f.n_dropped > 0) {
        printf("   (%lld observations deleted due to missingness)\n",
               (long long)f.n_dropped);
      }
      printf("%20s %7s %7s %8s %8s %8s %8s %9s\n", "", "n", "events",
             "median", lcl, ucl, "rmean", "se(rmean)");
      for (g = 0; g < n_curves; g++) {
        char label[64];
        double se;
        double rm = km_rmst(&curves[g], tau, &se);
        snprintf(label, sizeof(label), "%s%s%s", f.group ? spec.group : "",
                 f.group ? "=" : "", f.group ? f.group_levels[g] : "all");
        printf("%20.20s %7lld", label, (long long)curves[g].n);
        km_print_num(curves[g].events, 7);
        km_print_num(curves[g].median, 8);
        km_print_num(curves[g].median_lower, 8);
        km_print_num(curves[g].median_upper, 8);
        km_print_num(rm, 8);
        km_print_num(se, 9);
        printf("\n");
      }
      printf("    * restricted mean with upper limit = %g\n", tau);
      for (g = 0; g < n_curves; g++) {
        char label[64];
        snprintf(label, sizeof(label), "%s%s%s", f.group ? spec.group : "",
                 f.group ? "=" : "", f.group ? f.group_levels[g] : "all");
        km_print_table(&curves[g], label, level, times, n_times);
      }
    }
  }
  for (g = 0; g < n_curves; g++) {
    km_curve_free(&curves[g]);
  }
  xfree(curves);
  xfree(times);
  stats_frame_free(&f);
  return rc == APP_OK ? 0 : cli_fail(&e);
}

int stats_cmd_logrank(struct cli *c) {
  struct stats_frame_spec spec;
  struct stats_frame f;
  struct stats_input in;
  struct logrank_result r;
  struct err e;
  const char *rho_text;
  bool as_json;
  double rho = 0;
  int rc;
  int g;
  memset(&spec, 0, sizeof(spec));
  memset(&f, 0, sizeof(f));
  memset(&r, 0, sizeof(r));
  err_clear(&e);
  stats_input_take(c, &in);
  spec.time = cli_opt(c, "--time");
  spec.event = cli_opt(c, "--event");
  spec.censor = cli_opt(c, "--censor");
  spec.group = cli_opt(c, "--group");
  spec.strata = cli_opt(c, "--strata");
  rho_text = cli_opt(c, "--rho");
  as_json = cli_flag(c, "--json");
  rc = cli_done(c, &e);
  if (rc == APP_OK && spec.group == NULL) {
    rc = ERR_SET(&e, APP_EINVAL, "--group: missing (the column whose "
                 "groups are compared)");
  }
  if (rc == APP_OK && rho_text != NULL) {
    rc = cli_parse_double("--rho", rho_text, &rho, &e);
  }
  if (rc == APP_OK) {
    rc = stats_input_load(c, &in, &e);
  }
  if (rc == APP_OK) {
    spec.data_path = in.data_path;
    spec.study = stats_input_frame(&in);
    spec.study_what = in.what;
    rc = stats_frame_load(&spec, &f, &e);
  }
  stats_input_free(&in);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (f.n_groups < 2) {
    ERR_SET(&e, APP_EINVAL, "--group: column '%s' has a single level (\"%s\") "
            "in the %lld rows used; the log-rank test needs at least 2",
            spec.group, f.group_levels[0], (long long)f.n);
    stats_frame_free(&f);
    return cli_fail(&e);
  }
  surv_timefix(f.time, f.n);
  rc = logrank_test(f.time, f.status, f.group, f.n_groups, f.strata,
                    f.n_strata, f.n, rho, &r, &e);
  if (rc == APP_OK && as_json) {
    json_t *root = json_object();
    json_t *groups = json_array();
    json_t *var = json_array();
    int h;
    json_object_set_new(root, "n", json_integer((json_int_t)f.n));
    json_object_set_new(root, "n_dropped",
                        json_integer((json_int_t)f.n_dropped));
    json_object_set_new(root, "rho", json_real(rho));
    json_object_set_new(root, "chisq", jx_real_or_null(r.chisq));
    json_object_set_new(root, "df", json_integer(r.df));
    json_object_set_new(root, "p", jx_real_or_null(r.p));
    for (g = 0; g < r.n_groups; g++) {
      json_t *o = json_object();
      json_t *row = json_array();
      json_object_set_new(o, "group", json_string(f.group_levels[g]));
      json_object_set_new(o, "n", json_integer((json_int_t)r.n[g]));
      json_object_set_new(o, "observed", json_real(r.observed[g]));
      json_object_set_new(o, "expected", json_real(r.expected[g]));
      json_array_append_new(groups, o);
      for (h = 0; h < r.n_groups; h++) {
        json_array_append_new(row, json_real(r.var[g * r.n_groups + h]));
      }
      json_array_append_new(var, row);
    }
    json_object_set_new(root, "groups", groups);
    json_object_set_new(root, "variance", var);
    cli_print_json(root);
    json_decref(root);
  } else if (rc == APP_OK) {
    if (f.n_dropped > 0) {
      printf("%lld observations deleted due to missingness.\n",
             (long long)f.n_dropped);
    }
    printf("%20s %7s %9s %9s %9s %9s\n", "", "N", "Observed", "Expected",
           "(O-E)^2/E", "(O-E)^2/V");
    for (g = 0; g < r.n_groups; g++) {
      char label[64];
      double oe = r.observed[g] - r.expected[g];
      snprintf(label, sizeof(label), "%s=%s", spec.group, f.group_levels[g]);
      printf("%20.20s %7lld", label, (long long)r.n[g]);
      km_print_num(r.observed[g], 9);
      km_print_num(r.expected[g], 9);
      km_print_num(oe * oe / r.expected[g], 9);
      km_print_num(oe * oe / r.var[g * r.n_groups + g], 9);
      printf("\n");
    }
    printf("\n Chisq= %.1f  on %d degrees of freedom, p= %.3g \n", r.chisq,
           r.df, r.p);
  }
  logrank_free(&r);
  stats_frame_free(&f);
  return rc == APP_OK ? 0 : cli_fail(&e);
}
