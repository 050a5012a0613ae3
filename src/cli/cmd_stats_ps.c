/*
** cmd_stats_ps.c: `hccstudy stats logistic` (logistic regression as R's
** glm) and `hccstudy stats ps` (propensity-score weighting or matching with
** balance diagnostics) on a CSV file.
**
** Why: CHALLENGE-06 is observational (treatment chosen by indication), so
** the comparison of TACE and HAIC needs a propensity model, weights or
** matched pairs, and a balance table; `--out` writes the scores and weights
** next to the input rows so that `stats km --weights` and `stats cox
** --weights --robust` can use them.  The workflow itself (model,
** separation, weights or matching, balance) is src/stats/ps_workflow.c,
** shared with the web analysis; this file parses, refuses in the options'
** terms, writes --out and prints.
**
** Output: an R-like text layout by default, JSON with --json (NaN/Inf are
** null).  Exit status: 0 success, 2 bad input (message names the option or
** column: separation, a constant covariate, a one-valued or non-0/1
** treatment, negative or missing weights, a caliper no pair meets), 1 I/O.
*/
#include "stats_cmds.h"

#include "../report/ps_frame.h"
#include "cmd_stats_input.h"
#include "../core/csv.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../stats/logistic.h"
#include "../stats/ps.h"
#include "../stats/ps_workflow.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A list of warning texts (owned). */
struct ps_warnings {
  char **text; /* n texts */
  int n;       /* count */
};

/* Append a warning. */
static void ps_warn_add(struct ps_warnings *w, const char *s) {
  w->text = xreallocarray(w->text, (size_t)w->n + 1, sizeof(char *));
  w->text[w->n++] = xstrdup(s);
}

/* Free the list. */
static void ps_warn_free(struct ps_warnings *w) {
  int i;
  for (i = 0; i < w->n; i++) {
    xfree(w->text[i]);
  }
  xfree(w->text);
  w->text = NULL;
  w->n = 0;
}

/* glm's warnings for a fit, in R's wording, plus one per aliased column. */
static void ps_fit_warnings(const struct logistic_fit *fit,
                            const struct ps_frame *f,
                            struct ps_warnings *w) {
  int j;
  if (fit->has_nonint_weights) {
    ps_warn_add(w, "non-integer #successes in a binomial glm!");
  }
  if (!fit->converged) {
    ps_warn_add(w, "glm.fit: algorithm did not converge");
  }
  if (fit->is_boundary) {
    ps_warn_add(w, "glm.fit: algorithm stopped at boundary value");
  }
  if (fit->has_fitted_01) {
    ps_warn_add(w, "glm.fit: fitted probabilities numerically 0 or 1 "
                   "occurred");
  }
  for (j = 1; j < fit->n_coef; j++) {
    if (fit->is_aliased[j]) {
      char msg[300];
      snprintf(msg, sizeof(msg), "coefficient '%s' not defined because of "
               "singularities (collinear with other columns)",
               f->x_names[j - 1]);
      ps_warn_add(w, msg);
    }
  }
}

/* Name of coefficient j (0 = intercept). */
static const char *ps_coef_name(const struct ps_frame *f, int j) {
  return j == 0 ? "intercept" : f->x_names[j - 1];
}

/* JSON array of the coefficient table. */
static json_t *ps_coef_json(const struct logistic_fit *fit,
                            const struct ps_frame *f) {
  json_t *arr = json_array();
  double zq = gsl_cdf_ugaussian_Pinv(0.975);
  int j;
  for (j = 0; j < fit->n_coef; j++) {
    json_t *o = json_object();
    double b = fit->coef[j], se = fit->se[j];
    double z = b / se;
    json_object_set_new(o, "name", json_string(ps_coef_name(f, j)));
    json_object_set_new(o, "coef", jx_real_or_null(b));
    json_object_set_new(o, "se", jx_real_or_null(se));
    json_object_set_new(o, "z", jx_real_or_null(z));
    json_object_set_new(o, "p", jx_real_or_null(logistic_wald_p(z)));
    json_object_set_new(o, "or", jx_real_or_null(exp(b)));
    json_object_set_new(o, "or_lower", jx_real_or_null(exp(b - zq * se)));
    json_object_set_new(o, "or_upper", jx_real_or_null(exp(b + zq * se)));
    json_array_append_new(arr, o);
  }
  return arr;
}

/* The model object shared by logistic and ps. */
static json_t *ps_model_json(const struct logistic_fit *fit,
                             const struct ps_frame *f,
                             const struct ps_warnings *w) {
  json_t *o = json_object();
  json_t *wa = json_array();
  json_t *lv = json_array();
  int i;
  json_object_set_new(o, "n", json_integer(f->n));
  json_object_set_new(o, "n_dropped", json_integer(f->n_dropped));
  json_object_set_new(o, "iterations", json_integer(fit->iterations));
  json_object_set_new(o, "converged", json_boolean(fit->converged));
  json_object_set_new(o, "coefficients", ps_coef_json(fit, f));
  json_object_set_new(o, "deviance", jx_real_or_null(fit->deviance));
  json_object_set_new(o, "null_deviance",
                      jx_real_or_null(fit->null_deviance));
  json_object_set_new(o, "df_residual", json_integer(fit->df_residual));
  json_object_set_new(o, "df_null", json_integer(fit->df_null));
  json_object_set_new(o, "aic", jx_real_or_null(fit->aic));
  json_array_append_new(lv, json_string(f->y_levels[0]));
  json_array_append_new(lv, json_string(f->y_levels[1]));
  json_object_set_new(o, "levels", lv);
  for (i = 0; i < w->n; i++) {
    json_array_append_new(wa, json_string(w->text[i]));
  }
  json_object_set_new(o, "warnings", wa);
  return o;
}

/* Print a number in R's summary style, or NA. */
static void ps_print_num(double x, int width) {
  if (isnan(x)) {
    printf(" %*s", width, "NA");
  } else if (x != 0.0 && (fabs(x) < 1e-4 || fabs(x) >= 1e6)) {
    printf(" %*.3e", width, x);
  } else {
    printf(" %*.6g", width, x);
  }
}

/* Print a p value as R's format.pval (digits 3, eps 2e-16). */
static void ps_print_p(double p, int width) {
  if (isnan(p)) {
    printf(" %*s", width, "NA");
  } else if (p < 2e-16) {
    printf(" %*s", width, "<2e-16");
  } else if (p < 1e-4) {
    printf(" %*.2e", width, p);
  } else {
    printf(" %*.4f", width, p);
  }
}

/* Print the coefficient table, deviances and warnings like summary.glm. */
static void ps_print_model(const struct logistic_fit *fit,
                           const struct ps_frame *f,
                           const struct ps_warnings *w) {
  double zq = gsl_cdf_ugaussian_Pinv(0.975);
  int j, width = 10;
  for (j = 0; j < fit->n_coef; j++) {
    int len = (int)strlen(ps_coef_name(f, j));
    if (len > width) {
      width = len;
    }
  }
  printf("n = %lld (%lld dropped for missing values), %d iterations, %s\n\n",
         (long long)f->n, (long long)f->n_dropped, fit->iterations,
         fit->converged ? "converged" : "NOT converged");
  printf("%-*s %11s %11s %8s %10s %10s %10s %10s\n", width, "",
         "Estimate", "Std. Error", "z value", "Pr(>|z|)", "OR", "2.5 %",
         "97.5 %");
  for (j = 0; j < fit->n_coef; j++) {
    double b = fit->coef[j], se = fit->se[j], z = b / se;
    printf("%-*s", width, ps_coef_name(f, j));
    ps_print_num(b, 11);
    ps_print_num(se, 11);
    if (isnan(z)) {
      printf(" %8s", "NA");
    } else {
      printf(" %8.3f", z);
    }
    ps_print_p(logistic_wald_p(z), 10);
    ps_print_num(exp(b), 10);
    ps_print_num(exp(b - zq * se), 10);
    ps_print_num(exp(b + zq * se), 10);
    printf("\n");
  }
  printf("\n    Null deviance: %.2f  on %d  degrees of freedom\n",
         fit->null_deviance, fit->df_null);
  printf("Residual deviance: %.2f  on %d  degrees of freedom\n",
         fit->deviance, fit->df_residual);
  printf("AIC: %.2f\n", fit->aic);
  for (j = 0; j < w->n; j++) {
    printf("Warning: %s\n", w->text[j]);
  }
}

int stats_cmd_logistic(struct cli *c) {
  struct ps_frame_spec spec;
  struct ps_frame f;
  struct stats_input in;
  struct logistic_fit fit;
  struct ps_warnings w = {NULL, 0};
  struct err e = {0};
  int is_json, rc;
  memset(&spec, 0, sizeof(spec));
  memset(&f, 0, sizeof(f));
  memset(&fit, 0, sizeof(fit));
  stats_input_take(c, &in);
  spec.data_path = in.data_path;
  spec.response = cli_opt(c, "--outcome");
  spec.response_opt = "--outcome";
  spec.covariates = cli_opt(c, "--covariates");
  spec.factors = cli_opt(c, "--factor");
  spec.weights = cli_opt(c, "--weights");
  is_json = cli_flag(c, "--json");
  rc = cli_done(c, &e);
  if (rc == APP_OK) {
    rc = stats_input_load(c, &in, &e);
  }
  if (rc == APP_OK) {
    spec.study = stats_input_frame(&in);
    spec.study_what = in.what;
    rc = ps_frame_load(&spec, &f, &e);
  }
  stats_input_free(&in);
  if (rc == APP_OK) {
    rc = logistic_fit(f.n, f.p, f.x, f.y, f.weight, NULL, &fit, &e);
  }
  if (rc != APP_OK) {
    ps_frame_free(&f);
    return cli_fail(&e);
  }
  ps_fit_warnings(&fit, &f, &w);
  if (is_json) {
    json_t *o = ps_model_json(&fit, &f, &w);
    cli_print_json(o);
    json_decref(o);
  } else {
    printf("Logistic regression (binomial, logit link): outcome '%s' "
           "(1 = \"%s\", 0 = \"%s\")\n", spec.response, f.y_levels[1],
           f.y_levels[0]);
    ps_print_model(&fit, &f, &w);
  }
  ps_warn_free(&w);
  logistic_fit_free(&fit);
  ps_frame_free(&f);
  return 0;
}

/* True when a CSV field must be quoted (separator, quote, line break, or
** surrounding spaces that a reader would trim). */
static int ps_needs_quote(const char *p, size_t n) {
  size_t i;
  if (n > 0 && (p[0] == ' ' || p[n - 1] == ' ')) {
    return 1;
  }
  for (i = 0; i < n; i++) {
    if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r') {
      return 1;
    }
  }
  return 0;
}

/* Write one CSV field (RFC 4180 quoting) to fp. */
static void ps_put_field(FILE *fp, const char *p, size_t n, int is_quoted) {
  size_t i;
  if (!is_quoted && !ps_needs_quote(p, n)) {
    fwrite(p, 1, n, fp);
    return;
  }
  fputc('"', fp);
  for (i = 0; i < n; i++) {
    if (p[i] == '"') {
      fputc('"', fp);
    }
    fputc(p[i], fp);
  }
  fputc('"', fp);
}

/* Write a number exactly (shortest round-trip text) to fp. */
static void ps_put_num(FILE *fp, double x) {
  char num[32];
  jx_fmt_double(x, num);
  fputs(num, fp);
}

/* Rewrite the input CSV into out_path with ps, weight (and match_id)
** appended; dropped rows get empty fields.  With matching, unmatched rows
** get an empty weight and match_id (not 0), so that `stats km/cox
** --weights weight` drop them as MatchIt's match.data() does (coxph and
** stats_frame take weights > 0 only).  Returns APP_OK, APP_EINVAL (a
** column name is taken) or APP_EIO. */
static int ps_write_out(const char *data_path, const char *out_path,
                        const struct ps_frame *f, const double *ps,
                        const double *wt, const int64_t *match_id,
                        struct err *e) {
  static const char *const added[] = {"ps", "weight", "match_id"};
  struct csv_reader r;
  FILE *fp = NULL;
  int64_t k = 0;
  int got, rc;
  size_t i;
  int n_added = match_id ? 3 : 2;
  rc = csv_open(&r, data_path, e);
  if (rc != APP_OK) {
    return rc;
  }
  got = csv_next(&r, e);
  if (got <= 0) {
    rc = got < 0 ? e->code : ERR_SET(e, APP_EIO, "--data: %s changed while "
                                     "reading", data_path);
    goto out;
  }
  for (i = 0; i < r.n_fields; i++) {
    int a;
    for (a = 0; a < n_added; a++) {
      if (r.fields[i].len == strlen(added[a]) &&
          memcmp(r.fields[i].p, added[a], r.fields[i].len) == 0) {
        rc = ERR_SET(e, APP_EINVAL, "--out: the input already has a column "
                     "named '%s'; rename it first", added[a]);
        goto out;
      }
    }
  }
  fp = fopen(out_path, "w");
  if (fp == NULL) {
    rc = ERR_SET(e, APP_EIO, "--out: cannot write %s", out_path);
    goto out;
  }
  do {
    int is_header = r.row == 0;
    int is_kept = !is_header && k < f->n && f->row[k] == r.row;
    for (i = 0; i < r.n_fields; i++) {
      if (i > 0) {
        fputc(',', fp);
      }
      ps_put_field(fp, r.fields[i].p, r.fields[i].len,
                   r.fields[i].is_quoted);
    }
    if (is_header) {
      fputs(match_id ? ",ps,weight,match_id" : ",ps,weight", fp);
    } else if (is_kept) {
      fputc(',', fp);
      ps_put_num(fp, ps[k]);
      fputc(',', fp);
      if (match_id == NULL) {
        ps_put_num(fp, wt[k]);
      } else if (match_id[k] > 0) {
        fprintf(fp, "1,%lld", (long long)match_id[k]);
      } else {
        fputc(',', fp); /* unmatched: empty weight and match_id */
      }
      k++;
    } else {
      fputs(match_id ? ",,," : ",,", fp);
    }
    fputs("\n", fp);
  } while ((got = csv_next(&r, e)) > 0);
  if (got < 0) {
    rc = e->code;
    goto out;
  }
  if (k != f->n) {
    rc = ERR_SET(e, APP_EIO, "--data: %s changed while reading", data_path);
    goto out;
  }
  rc = APP_OK;
out:
  if (fp != NULL && fclose(fp) != 0 && rc == APP_OK) {
    rc = ERR_SET(e, APP_EIO, "--out: cannot write %s", out_path);
  }
  csv_close(&r);
  return rc;
}

/* Options of `stats ps` after parsing. */
struct ps_opts {
  enum ps_method method;     /* weighting or matching */
  enum ps_estimand estimand; /* ATE or ATT */
  int stabilize;             /* 1: stabilized IPTW */
  double caliper;            /* caliper in SDs of the logit PS; 0 = none */
  const char *out_path;      /* --out FILE, or NULL */
};

/* Parse --method, --estimand, --stabilize, --caliper. */
static int ps_parse_opts(const char *method, const char *estimand,
                         int stabilize, const char *caliper,
                         struct ps_opts *o, struct err *e) {
  o->stabilize = stabilize;
  o->caliper = 0.0;
  if (method == NULL) {
    return ERR_SET(e, APP_EINVAL, "--method: missing (iptw, overlap or "
                   "match)");
  }
  if (strcmp(method, "iptw") == 0) {
    o->method = PS_METHOD_IPTW;
  } else if (strcmp(method, "overlap") == 0) {
    o->method = PS_METHOD_OVERLAP;
  } else if (strcmp(method, "match") == 0) {
    o->method = PS_METHOD_MATCH;
  } else {
    return ERR_SET(e, APP_EINVAL, "--method: \"%.40s\" is not iptw, overlap "
                   "or match", method);
  }
  o->estimand = o->method == PS_METHOD_MATCH ? PS_ESTIMAND_ATT
                                             : PS_ESTIMAND_ATE;
  if (estimand != NULL) {
    if (strcmp(estimand, "ate") == 0) {
      o->estimand = PS_ESTIMAND_ATE;
    } else if (strcmp(estimand, "att") == 0) {
      o->estimand = PS_ESTIMAND_ATT;
    } else {
      return ERR_SET(e, APP_EINVAL, "--estimand: \"%.40s\" is not ate or "
                     "att", estimand);
    }
    if (o->method == PS_METHOD_OVERLAP) {
      return ERR_SET(e, APP_EINVAL, "--estimand: overlap weights target the "
                     "overlap population (ATO); leave --estimand out");
    }
    if (o->method == PS_METHOD_MATCH && o->estimand != PS_ESTIMAND_ATT) {
      return ERR_SET(e, APP_EINVAL, "--estimand: matching (treated units "
                     "matched to controls) estimates the ATT only");
    }
  }
  if (stabilize && !(o->method == PS_METHOD_IPTW &&
                     o->estimand == PS_ESTIMAND_ATE)) {
    return ERR_SET(e, APP_EINVAL,
                   "--stabilize: only with --method iptw --estimand ate");
  }
  if (caliper != NULL) {
    if (o->method != PS_METHOD_MATCH) {
      return ERR_SET(e, APP_EINVAL, "--caliper: only with --method match");
    }
    if (cli_parse_double("--caliper", caliper, &o->caliper, e) != APP_OK) {
      return e->code;
    }
    if (!(o->caliper > 0.0)) {
      return ERR_SET(e, APP_EINVAL, "--caliper: must be > 0 (in SDs of the "
                     "logit of the propensity score)");
    }
  }
  return APP_OK;
}

/* Name of the method and estimand for output. */
static const char *ps_method_name(const struct ps_opts *o) {
  if (o->method == PS_METHOD_OVERLAP) {
    return "overlap";
  }
  return o->method == PS_METHOD_MATCH ? "match" : "iptw";
}

int stats_cmd_ps(struct cli *c) {
  struct ps_frame_spec spec;
  struct ps_frame f;
  struct stats_input in;
  struct ps_workflow pw;
  struct ps_workflow_opts wo;
  struct ps_warnings w = {NULL, 0};
  struct ps_opts o;
  struct err e = {0};
  const char *method, *estimand, *caliper;
  int64_t n_t;
  int is_json, stabilize, rc, j;
  memset(&spec, 0, sizeof(spec));
  memset(&f, 0, sizeof(f));
  memset(&pw, 0, sizeof(pw));
  memset(&o, 0, sizeof(o));
  stats_input_take(c, &in);
  spec.data_path = in.data_path;
  spec.response = cli_opt(c, "--treatment");
  spec.response_opt = "--treatment";
  spec.covariates = cli_opt(c, "--covariates");
  spec.factors = cli_opt(c, "--factor");
  method = cli_opt(c, "--method");
  estimand = cli_opt(c, "--estimand");
  caliper = cli_opt(c, "--caliper");
  o.out_path = cli_opt(c, "--out");
  stabilize = cli_flag(c, "--stabilize");
  is_json = cli_flag(c, "--json");
  rc = cli_done(c, &e);
  if (rc == APP_OK) {
    rc = ps_parse_opts(method, estimand, stabilize, caliper, &o, &e);
  }
  if (rc == APP_OK && o.out_path != NULL && in.db_path != NULL &&
      spec.data_path == NULL) {
    rc = ERR_FIELD(&e, APP_EINVAL, "--out", "--out: needs --data (the "
                   "scores are written beside the rows of a CSV file), "
                   "not --db");
  }
  if (rc == APP_OK && o.out_path != NULL && spec.data_path != NULL &&
      strcmp(spec.data_path, "-") == 0) {
    rc = ERR_SET(&e, APP_EINVAL, "--out: needs --data to be a file (the "
                 "input is read again), not standard input");
  }
  if (rc == APP_OK) {
    rc = stats_input_load(c, &in, &e);
  }
  if (rc == APP_OK) {
    spec.study = stats_input_frame(&in);
    spec.study_what = in.what;
    rc = ps_frame_load(&spec, &f, &e);
  }
  stats_input_free(&in);
  if (rc == APP_OK) {
    memset(&wo, 0, sizeof(wo));
    wo.method = o.method;
    wo.estimand = o.estimand;
    wo.stabilize = o.stabilize;
    wo.caliper = o.caliper;
    rc = ps_workflow_run(f.n, f.p, f.x, f.y, &wo, &pw, &e);
  }
  if (rc == APP_OK && pw.is_separated) {
    if (pw.separating_column >= 0) {
      rc = ERR_SET(&e, APP_EINVAL, "--covariates: '%s' separates the "
                   "treatment groups of '%s' completely (propensity scores "
                   "0 or 1; no overlap): drop it or restrict the cohort",
                   f.x_names[pw.separating_column], spec.response);
    } else {
      rc = ERR_SET(&e, APP_EINVAL, "--treatment '%s': the covariates "
                   "separate the treatment groups (the propensity model %s; "
                   "fitted probabilities numerically 0 or 1): no weights "
                   "can be made", spec.response,
                   pw.fit.converged ? "has no finite estimate"
                                    : "did not converge");
    }
  }
  if (rc == APP_OK && o.method == PS_METHOD_MATCH && pw.n_pairs == 0) {
    rc = ERR_SET(&e, APP_EINVAL, "--caliper %g: no treated unit has a "
                 "control within %g (= %g SD of the logit propensity "
                 "score, SD %g); widen the caliper", o.caliper,
                 pw.caliper_width, o.caliper, pw.sd_logit);
  }
  if (rc == APP_OK && o.out_path != NULL) {
    rc = ps_write_out(spec.data_path, o.out_path, &f, pw.fit.fitted,
                      pw.weight, pw.match_id, &e);
  }
  if (rc != APP_OK) {
    goto out;
  }
  ps_fit_warnings(&pw.fit, &f, &w);
  n_t = pw.n_treated;
  if (is_json) {
    json_t *root = json_object();
    json_t *ba = json_array();
    json_t *ess = json_object();
    json_t *sums = json_object();
    json_object_set_new(root, "method", json_string(ps_method_name(&o)));
    json_object_set_new(root, "estimand",
                        o.method == PS_METHOD_OVERLAP
                            ? json_string("ato")
                            : json_string(o.estimand == PS_ESTIMAND_ATT
                                              ? "att" : "ate"));
    json_object_set_new(root, "stabilized", json_boolean(o.stabilize));
    json_object_set_new(root, "n", json_integer(f.n));
    json_object_set_new(root, "n_dropped", json_integer(f.n_dropped));
    json_object_set_new(root, "n_treated", json_integer(n_t));
    json_object_set_new(root, "n_control", json_integer(pw.n_control));
    json_object_set_new(root, "ps_model", ps_model_json(&pw.fit, &f, &w));
    for (j = 0; j < f.p; j++) {
      const struct ps_smd *bj = &pw.balance[j];
      json_t *b = json_object();
      json_object_set_new(b, "name", json_string(f.x_names[j]));
      json_object_set_new(b, "smd_before", jx_real_or_null(bj->smd_before));
      json_object_set_new(b, "smd_after", jx_real_or_null(bj->smd_after));
      json_object_set_new(b, "binary", json_boolean(bj->is_binary));
      json_object_set_new(b, "mean_treated", jx_real_or_null(bj->mean_t));
      json_object_set_new(b, "mean_control", jx_real_or_null(bj->mean_c));
      json_object_set_new(b, "wmean_treated", jx_real_or_null(bj->wmean_t));
      json_object_set_new(b, "wmean_control", jx_real_or_null(bj->wmean_c));
      json_array_append_new(ba, b);
    }
    json_object_set_new(root, "balance", ba);
    json_object_set_new(ess, "treated", jx_real_or_null(pw.ess[1]));
    json_object_set_new(ess, "control", jx_real_or_null(pw.ess[0]));
    json_object_set_new(root, "ess", ess);
    json_object_set_new(sums, "treated", jx_real_or_null(pw.weight_sum[1]));
    json_object_set_new(sums, "control", jx_real_or_null(pw.weight_sum[0]));
    json_object_set_new(root, "weight_sum", sums);
    if (o.method == PS_METHOD_MATCH) {
      json_object_set_new(root, "n_matched", json_integer(pw.n_pairs));
      json_object_set_new(root, "n_unmatched_treated",
                          json_integer(n_t - pw.n_pairs));
      json_object_set_new(root, "caliper",
                          o.caliper > 0.0 ? json_real(o.caliper)
                                          : json_null());
      json_object_set_new(root, "caliper_width",
                          o.caliper > 0.0 ? json_real(pw.caliper_width)
                                          : json_null());
      json_object_set_new(root, "sd_logit_ps", jx_real_or_null(pw.sd_logit));
    }
    cli_print_json(root);
    json_decref(root);
  } else {
    int width_name = 10;
    printf("Propensity score model: treatment '%s' (1 = \"%s\", 0 = "
           "\"%s\"): %lld treated, %lld control\n", spec.response,
           f.y_levels[1], f.y_levels[0], (long long)n_t,
           (long long)pw.n_control);
    ps_print_model(&pw.fit, &f, &w);
    printf("\nMethod: ");
    if (o.method == PS_METHOD_MATCH) {
      printf("greedy 1:1 nearest-neighbour matching on the logit PS, "
             "without replacement, largest PS first (ATT)\n");
      if (o.caliper > 0.0) {
        printf("Caliper: %g SD of the logit PS = %.6g\n", o.caliper,
               pw.caliper_width);
      } else {
        printf("Caliper: none\n");
      }
      printf("Matched pairs: %lld (%lld treated unmatched)\n",
             (long long)pw.n_pairs, (long long)(n_t - pw.n_pairs));
    } else if (o.method == PS_METHOD_OVERLAP) {
      printf("overlap weights (1 - ps treated, ps control; ATO)\n");
    } else {
      printf("IPTW, %s, %s\n",
             o.estimand == PS_ESTIMAND_ATT ? "ATT (1, ps/(1-ps))"
                                           : "ATE (1/ps, 1/(1-ps))",
             o.stabilize ? "stabilized" : "unstabilized");
    }
    printf("Effective sample size: treated %.2f, control %.2f\n\n",
           pw.ess[1], pw.ess[0]);
    for (j = 0; j < f.p; j++) {
      int len = (int)strlen(f.x_names[j]);
      if (len > width_name) {
        width_name = len;
      }
    }
    printf("Balance (standardized mean differences; |SMD| < 0.1 is "
           "Austin's threshold)\n");
    printf("%-*s %10s %10s\n", width_name, "covariate", "before", "after");
    for (j = 0; j < f.p; j++) {
      printf("%-*s", width_name, f.x_names[j]);
      ps_print_num(pw.balance[j].smd_before, 10);
      ps_print_num(pw.balance[j].smd_after, 10);
      printf("%s\n", fabs(pw.balance[j].smd_after) >= 0.1 ? "  *" : "");
    }
    if (o.out_path != NULL) {
      printf("\nWrote %s (input rows with ps, weight%s).\n", o.out_path,
             pw.match_id ? ", match_id" : "");
    }
  }
out:
  ps_warn_free(&w);
  ps_workflow_free(&pw);
  ps_frame_free(&f);
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  return 0;
}
