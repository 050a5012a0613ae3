/*
** cmd_stats_design.c: `hccstudy stats binom|fisher|chisq|samplesize|power|
** evalue`: proportions, 2 x 2 and r x c tables, sample size and power of the
** PFS comparison, and the E-value.  None reads a CSV: every input is an
** option.  Each prints an R-like readable summary, or with --json the keys
** of the command-line contract (issue 4).  The numbers come from
** src/stats/binom.c, contingency.c and design.c; this file only parses,
** checks and prints.
**
** Invariants: bad input exits 2 with a message naming the option; JSON
** numbers are the exact doubles (jx_dump), infinities and "not computed"
** values are JSON null.
*/
#include "stats_cmds.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../stats/binom.h"
#include "../stats/contingency.h"
#include "../stats/design.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Longest --table text accepted (cells and separators). */
#define DESIGN_TABLE_MAX_TEXT 100000

/* A table parsed from --table: values by rows. */
struct dtable {
  double *v;  /* n_rows * n_cols values, by rows; owned, xfree() */
  int n_rows; /* rows */
  int n_cols; /* columns */
};

/* Print a stats-layer error (whose message starts with the option name
** without dashes) as "hccstudy: stats CMD: --MSG" and return exit 2 (or 1
** for a non-input error). */
static int dcmd_fail(const char *cmd, const struct err *e) {
  fprintf(stderr, "hccstudy: stats %s: --%s\n", cmd, e->msg);
  return err_exit_status(e->code);
}

/* Parse --table text: cells separated by ',', rows by '/' or ';'.  A single
** row of 4 cells is the 2 x 2 table a,b,c,d read by rows.  Integer cells
** only when whole.  Returns APP_OK (t->v allocated) or APP_EINVAL. */
static int dcmd_parse_table(const char *text, bool whole, struct dtable *t,
                            struct err *e) {
  size_t len = strlen(text), i = 0, cap = 16, n = 0;
  int row_cols = 0, n_rows = 0, n_cols = -1;
  t->v = NULL;
  if (len == 0 || len > DESIGN_TABLE_MAX_TEXT) {
    return ERR_SET(e, APP_EINVAL, "--table: empty or longer than %d "
                   "characters", DESIGN_TABLE_MAX_TEXT);
  }
  t->v = xmallocarray(cap, sizeof(double));
  while (i <= len) {
    size_t j = i;
    double x;
    while (j < len && text[j] != ',' && text[j] != '/' && text[j] != ';') {
      j++;
    }
    if (str_to_double_n(text + i, j - i, &x) != 0 ||
        (whole && (x != floor(x) || x < 0 || x > 1e15))) {
      ERR_SET(e, APP_EINVAL, "--table: cell %zu (\"%.*s\") is not a %s", n + 1,
              (int)(j - i > 40 ? 40 : j - i), text + i,
              whole ? "whole non-negative count" : "number");
      goto fail;
    }
    if (n == cap) {
      cap *= 2;
      t->v = xreallocarray(t->v, cap, sizeof(double));
    }
    t->v[n++] = x;
    row_cols++;
    if (j == len || text[j] != ',') {
      if (n_cols >= 0 && row_cols != n_cols) {
        ERR_SET(e, APP_EINVAL, "--table: row %d has %d cells, row 1 has %d",
                n_rows + 1, row_cols, n_cols);
        goto fail;
      }
      n_cols = row_cols;
      row_cols = 0;
      n_rows++;
    }
    i = j + 1;
  }
  if (n_rows == 1 && n == 4) {
    n_rows = 2;
    n_cols = 2;
  }
  t->n_rows = n_rows;
  t->n_cols = n_cols;
  return APP_OK;
fail:
  xfree(t->v);
  t->v = NULL;
  return APP_EINVAL;
}

/* Parse a comma-separated list of at most max numbers into out[]. */
static int dcmd_parse_list(const char *opt, const char *text, double *out,
                           int max, int *count, struct err *e) {
  size_t len = strlen(text), i = 0;
  int n = 0;
  while (i <= len) {
    size_t j = i;
    while (j < len && text[j] != ',') {
      j++;
    }
    if (n == max) {
      return ERR_SET(e, APP_EINVAL, "%s: more than %d values", opt, max);
    }
    if (str_to_double_n(text + i, j - i, &out[n]) != 0) {
      return ERR_SET(e, APP_EINVAL, "%s: \"%.40s\" is not a number or a "
                     "comma-separated list of numbers", opt, text);
    }
    n++;
    i = j + 1;
  }
  *count = n;
  return APP_OK;
}

/* Parse an optional real option into *out (left alone when absent). */
static int dcmd_opt_double(const char *opt, const char *text, double *out,
                           struct err *e) {
  if (text == NULL) {
    return APP_OK;
  }
  return cli_parse_double(opt, text, out, e);
}

/* R's format.pval with 4 digits: "< 2.2e-16" below the double epsilon. */
static void dcmd_pval(double p, char out[32]) {
  if (p < 2.220446e-16) {
    snprintf(out, 32, "< 2.2e-16");
  } else {
    snprintf(out, 32, "= %.4g", p);
  }
}

/* A number for text output: 7 significant digits, "Inf", or "NA". */
static void dcmd_num(double x, char out[32]) {
  if (isnan(x)) {
    snprintf(out, 32, "NA");
  } else if (isinf(x)) {
    snprintf(out, 32, "%sInf", x < 0 ? "-" : "");
  } else {
    snprintf(out, 32, "%.7g", x);
  }
}

/* stats binom --x K --n N [--method clopper-pearson|wilson|jeffreys]
** [--conf-level L] [--p0 P] [--json]: estimate, interval, exact p. */
int stats_cmd_binom(struct cli *c) {
  struct err e;
  struct binom_result r;
  enum binom_method method = BINOM_CLOPPER_PEARSON;
  bool json = cli_flag(c, "--json");
  const char *sx = cli_opt(c, "--x");
  const char *sn = cli_opt(c, "--n");
  const char *sm = cli_opt(c, "--method");
  const char *sl = cli_opt(c, "--conf-level");
  const char *sp = cli_opt(c, "--p0");
  long x = 0, n = 0;
  double level = 0.95, p0 = 0.5;
  char lo[32], hi[32], pv[32];
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (sx == NULL || sn == NULL) {
    ERR_SET(&e, APP_EINVAL, "stats binom: --%s is required",
            sx == NULL ? "x" : "n");
    return cli_fail(&e);
  }
  if (cli_parse_long("--n", sn, 1, BINOM_MAX_N, &n, &e) != APP_OK ||
      cli_parse_long("--x", sx, 0, BINOM_MAX_N, &x, &e) != APP_OK ||
      dcmd_opt_double("--conf-level", sl, &level, &e) != APP_OK ||
      dcmd_opt_double("--p0", sp, &p0, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (sm != NULL && binom_method_parse(sm, &method) != 0) {
    ERR_SET(&e, APP_EINVAL, "stats binom: --method: \"%.40s\" is not "
            "clopper-pearson, wilson or jeffreys", sm);
    return cli_fail(&e);
  }
  if (binom_fit(x, n, method, level, p0, &r, &e) != APP_OK) {
    return dcmd_fail("binom", &e);
  }
  if (json) {
    json_t *o = json_object();
    json_object_set_new(o, "x", json_integer(x));
    json_object_set_new(o, "n", json_integer(n));
    json_object_set_new(o, "method",
                        json_string(binom_method_name(method)));
    json_object_set_new(o, "conf_level", json_real(level));
    json_object_set_new(o, "estimate", json_real(r.estimate));
    json_object_set_new(o, "lower", json_real(r.lower));
    json_object_set_new(o, "upper", json_real(r.upper));
    json_object_set_new(o, "p0", json_real(p0));
    json_object_set_new(o, "p", json_real(r.p));
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  dcmd_num(r.lower, lo);
  dcmd_num(r.upper, hi);
  dcmd_pval(r.p, pv);
  printf("\n\tExact binomial test (%s interval)\n\n", binom_method_name(
         method));
  printf("number of successes = %ld, number of trials = %ld, p-value %s\n",
         x, n, pv);
  printf("alternative hypothesis: true probability of success is not equal "
         "to %g\n", p0);
  printf("%g percent confidence interval:\n %s %s\n", level * 100, lo, hi);
  printf("sample estimates:\nprobability of success\n %.7g\n\n", r.estimate);
  return 0;
}

/* stats fisher --table a,b,c,d [--conf-level L] [--json]: Fisher's exact
** test, conditional MLE odds ratio and its interval. */
int stats_cmd_fisher(struct cli *c) {
  struct err e;
  struct fisher_result r;
  struct dtable t = {NULL, 0, 0};
  bool json = cli_flag(c, "--json");
  const char *st = cli_opt(c, "--table");
  const char *sl = cli_opt(c, "--conf-level");
  double level = 0.95;
  long cells[4];
  char orr[32], lo[32], hi[32], pv[32];
  int i;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (st == NULL) {
    ERR_SET(&e, APP_EINVAL, "stats fisher: --table a,b,c,d is required");
    return cli_fail(&e);
  }
  if (dcmd_opt_double("--conf-level", sl, &level, &e) != APP_OK ||
      dcmd_parse_table(st, true, &t, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (t.n_rows != 2 || t.n_cols != 2) {
    ERR_SET(&e, APP_EINVAL, "stats fisher: --table: %d x %d; Fisher's test "
            "here takes a 2 x 2 table a,b,c,d", t.n_rows, t.n_cols);
    xfree(t.v);
    return cli_fail(&e);
  }
  for (i = 0; i < 4; i++) {
    cells[i] = (long)t.v[i];
  }
  xfree(t.v);
  if (fisher_2x2(cells, level, &r, &e) != APP_OK) {
    return dcmd_fail("fisher", &e);
  }
  if (json) {
    json_t *o = json_object();
    json_t *tab = json_array();
    for (i = 0; i < 4; i++) {
      json_array_append_new(tab, json_integer(cells[i]));
    }
    json_object_set_new(o, "table", tab);
    json_object_set_new(o, "p", json_real(r.p));
    json_object_set_new(o, "odds_ratio", jx_real_or_null(r.odds_ratio));
    json_object_set_new(o, "lower", jx_real_or_null(r.lower));
    json_object_set_new(o, "upper", jx_real_or_null(r.upper));
    json_object_set_new(o, "conf_level", json_real(level));
    json_object_set_new(o, "sample_odds_ratio",
                        jx_real_or_null(r.sample_or));
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  dcmd_num(r.odds_ratio, orr);
  dcmd_num(r.lower, lo);
  dcmd_num(r.upper, hi);
  dcmd_pval(r.p, pv);
  printf("\n\tFisher's Exact Test for Count Data\n\n");
  printf("table: [%ld %ld; %ld %ld] (rows: a b; c d)\n", cells[0], cells[1],
         cells[2], cells[3]);
  printf("p-value %s\n", pv);
  printf("alternative hypothesis: true odds ratio is not equal to 1\n");
  printf("%g percent confidence interval:\n %s %s\n", level * 100, lo, hi);
  printf("sample estimates:\nodds ratio (conditional MLE)\n %s\n\n", orr);
  return 0;
}

/* stats chisq --table r1c1,r1c2,.../r2c1,... [--no-correct] [--json]:
** Pearson's chi-square test (Yates for 2 x 2 unless --no-correct). */
int stats_cmd_chisq(struct cli *c) {
  struct err e;
  struct chisq_result r;
  struct dtable t = {NULL, 0, 0};
  bool json = cli_flag(c, "--json");
  bool no_correct = cli_flag(c, "--no-correct");
  const char *st = cli_opt(c, "--table");
  char pv[32];
  int i, j, rc;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (st == NULL) {
    ERR_SET(&e, APP_EINVAL, "stats chisq: --table is required (cells by "
            "rows, e.g. 12,5,7/7,3,4)");
    return cli_fail(&e);
  }
  if (dcmd_parse_table(st, false, &t, &e) != APP_OK) {
    return cli_fail(&e);
  }
  rc = chisq_test(t.v, t.n_rows, t.n_cols, !no_correct, &r, &e);
  xfree(t.v);
  if (rc != APP_OK) {
    return dcmd_fail("chisq", &e);
  }
  if (json) {
    json_t *o = json_object();
    json_t *ex = json_array();
    json_t *w = json_array();
    for (i = 0; i < r.n_rows; i++) {
      json_t *row = json_array();
      for (j = 0; j < r.n_cols; j++) {
        json_array_append_new(row, json_real(r.expected[i * r.n_cols + j]));
      }
      json_array_append_new(ex, row);
    }
    if (r.n_small > 0) {
      json_array_append_new(w, json_string("Chi-squared approximation may "
                                           "be incorrect"));
    }
    json_object_set_new(o, "statistic", json_real(r.statistic));
    json_object_set_new(o, "df", json_integer(r.df));
    json_object_set_new(o, "p", json_real(r.p));
    json_object_set_new(o, "yates", json_boolean(r.yates));
    json_object_set_new(o, "expected", ex);
    json_object_set_new(o, "n_expected_below_5", json_integer(r.n_small));
    json_object_set_new(o, "min_expected", json_real(r.min_expected));
    json_object_set_new(o, "warnings", w);
    cli_print_json(o);
    json_decref(o);
    chisq_result_free(&r);
    return 0;
  }
  dcmd_pval(r.p, pv);
  printf("\n\tPearson's Chi-squared test%s\n\n",
         r.yates ? " with Yates' continuity correction" : "");
  printf("X-squared = %.5g, df = %d, p-value %s\n\n", r.statistic, r.df, pv);
  printf("expected counts:\n");
  for (i = 0; i < r.n_rows; i++) {
    for (j = 0; j < r.n_cols; j++) {
      printf(" %10.4f", r.expected[i * r.n_cols + j]);
    }
    printf("\n");
  }
  if (r.n_small > 0) {
    printf("\nWarning: Chi-squared approximation may be incorrect (%d "
           "expected count%s < 5, smallest %.4g)\n", r.n_small,
           r.n_small == 1 ? "" : "s", r.min_expected);
  }
  printf("\n");
  chisq_result_free(&r);
  return 0;
}

/* The options shared by samplesize and power, parsed into in.  The caller
** took nothing else yet; cli_done() runs here after every option is
** taken, including the extra ones named by want_power. */
struct dcmd_design_opts {
  bool json;          /* --json */
  const char *n;      /* --n (power) */
  const char *events; /* --events (power) */
  const char *inflate;/* --inflate (samplesize) */
  double inflate_d;   /* the parsed --inflate, or NaN */
};

/* Take and parse the design options of samplesize (want_power false) or
** power (true).  Returns APP_OK or an error (message names the option). */
static int dcmd_design_parse(struct cli *c, bool want_power,
                             struct design_input *in,
                             struct dcmd_design_opts *o, struct err *e) {
  const char *s_hr = cli_opt(c, "--hr");
  const char *s_alpha = cli_opt(c, "--alpha");
  const char *s_power = want_power ? NULL : cli_opt(c, "--power");
  const char *s_sided = cli_opt(c, "--sided");
  const char *s_ratio = cli_opt(c, "--ratio");
  const char *s_med = cli_opt(c, "--median-control");
  const char *s_acc = cli_opt(c, "--accrual-time");
  const char *s_int = cli_opt(c, "--accrual-intensity");
  const char *s_fu = cli_opt(c, "--follow-up");
  const char *s_drop = cli_opt(c, "--dropout");
  const char *s_dropt = cli_opt(c, "--dropout-time");
  const char *s_method = cli_opt(c, "--method");
  const char *name = want_power ? "stats power" : "stats samplesize";
  long sided = 2;
  int n_int = 0;
  o->json = cli_flag(c, "--json");
  o->n = want_power ? cli_opt(c, "--n") : NULL;
  o->events = want_power ? cli_opt(c, "--events") : NULL;
  o->inflate = want_power ? NULL : cli_opt(c, "--inflate");
  o->inflate_d = NAN;
  design_input_init(in);
  if (cli_done(c, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (s_hr == NULL || s_alpha == NULL || (!want_power && s_power == NULL)) {
    return ERR_SET(e, APP_EINVAL, "%s: --%s is required", name,
                   s_hr == NULL ? "hr"
                                : (s_alpha == NULL ? "alpha" : "power"));
  }
  if (cli_parse_double("--hr", s_hr, &in->hr, e) != APP_OK ||
      cli_parse_double("--alpha", s_alpha, &in->alpha, e) != APP_OK ||
      dcmd_opt_double("--power", s_power, &in->power, e) != APP_OK ||
      (s_sided != NULL &&
       cli_parse_long("--sided", s_sided, 1, 2, &sided, e) != APP_OK) ||
      dcmd_opt_double("--ratio", s_ratio, &in->ratio, e) != APP_OK ||
      dcmd_opt_double("--dropout", s_drop, &in->dropout, e) != APP_OK ||
      dcmd_opt_double("--dropout-time", s_dropt, &in->dropout_time, e) !=
          APP_OK ||
      dcmd_opt_double("--inflate", o->inflate, &o->inflate_d, e) != APP_OK) {
    return APP_EINVAL;
  }
  in->sided = (int)sided;
  if (s_method != NULL) {
    if (strcmp(s_method, "schoenfeld") == 0) {
      in->method = DESIGN_SCHOENFELD;
    } else if (strcmp(s_method, "freedman") == 0) {
      in->method = DESIGN_FREEDMAN;
    } else if (strcmp(s_method, "hsieh-freedman") == 0) {
      in->method = DESIGN_HSIEH_FREEDMAN;
    } else {
      return ERR_SET(e, APP_EINVAL, "%s: --method: \"%.40s\" is not "
                     "schoenfeld, freedman or hsieh-freedman", name,
                     s_method);
    }
  }
  if (o->inflate != NULL && !(o->inflate_d >= 0 && o->inflate_d < 1)) {
    return ERR_SET(e, APP_EINVAL, "%s: --inflate: %g must be a dropout "
                   "fraction in [0, 1)", name, o->inflate_d);
  }
  if (s_med == NULL && (s_acc != NULL || s_fu != NULL || s_drop != NULL ||
                        s_int != NULL || s_dropt != NULL)) {
    return ERR_SET(e, APP_EINVAL, "%s: --median-control is required with "
                   "accrual, follow-up or dropout", name);
  }
  if (s_med != NULL) {
    if (s_acc == NULL || s_fu == NULL) {
      return ERR_SET(e, APP_EINVAL, "%s: --%s is required with "
                     "--median-control", name,
                     s_acc == NULL ? "accrual-time" : "follow-up");
    }
    in->has_survival = true;
    if (cli_parse_double("--median-control", s_med, &in->median_control,
                         e) != APP_OK ||
        cli_parse_double("--follow-up", s_fu, &in->follow_up, e) !=
            APP_OK ||
        dcmd_parse_list("--accrual-time", s_acc, in->accrual_end,
                        DESIGN_MAX_PIECES, &in->n_accrual, e) != APP_OK) {
      return APP_EINVAL;
    }
    if (s_int != NULL) {
      if (dcmd_parse_list("--accrual-intensity", s_int,
                          in->accrual_intensity, DESIGN_MAX_PIECES, &n_int,
                          e) != APP_OK) {
        return APP_EINVAL;
      }
      if (n_int != in->n_accrual) {
        return ERR_SET(e, APP_EINVAL, "%s: --accrual-intensity has %d "
                       "values, --accrual-time %d", name, n_int,
                       in->n_accrual);
      }
    }
  }
  return APP_OK;
}

/* The JSON of a design result (shared by samplesize and power). */
static json_t *dcmd_design_json(const struct design_input *in,
                                const struct design_result *r) {
  static const char *const methods[] = {"schoenfeld", "freedman",
                                        "hsieh-freedman"};
  json_t *o = json_object();
  json_object_set_new(o, "method", json_string(methods[in->method]));
  json_object_set_new(o, "hr", json_real(in->hr));
  json_object_set_new(o, "alpha", json_real(in->alpha));
  json_object_set_new(o, "sided", json_integer(in->sided));
  json_object_set_new(o, "ratio", json_real(in->ratio));
  json_object_set_new(o, "power", jx_real_or_null(r->power));
  json_object_set_new(o, "events", jx_real_or_null(r->events));
  json_object_set_new(o, "n", jx_real_or_null(r->n));
  json_object_set_new(o, "events_ceil", jx_real_or_null(r->events_ceil));
  json_object_set_new(o, "n_ceil", jx_real_or_null(r->n_ceil));
  if (in->has_survival) {
    json_t *a = json_object();
    json_t *at = json_array();
    json_t *ai = json_array();
    int j;
    for (j = 0; j < in->n_accrual; j++) {
      json_array_append_new(at, json_real(in->accrual_end[j]));
      json_array_append_new(ai, json_real(in->accrual_intensity[j]));
    }
    json_object_set_new(o, "n1", jx_real_or_null(r->n1));
    json_object_set_new(o, "n2", jx_real_or_null(r->n2));
    json_object_set_new(a, "median_control", json_real(in->median_control));
    json_object_set_new(a, "median_treatment", json_real(r->median1));
    json_object_set_new(a, "lambda_control", json_real(r->lambda2));
    json_object_set_new(a, "lambda_treatment", json_real(r->lambda1));
    json_object_set_new(a, "accrual_time", at);
    json_object_set_new(a, "accrual_intensity", ai);
    json_object_set_new(a, "follow_up", json_real(in->follow_up));
    json_object_set_new(a, "analysis_time", json_real(r->analysis_time));
    json_object_set_new(a, "dropout", json_real(in->dropout));
    json_object_set_new(a, "dropout_time", json_real(in->dropout_time));
    json_object_set_new(a, "dropout_hazard", json_real(r->phi));
    json_object_set_new(a, "prob_event", json_real(r->prob_event));
    json_object_set_new(a, "prob_event_treatment",
                        json_real(r->prob_event1));
    json_object_set_new(a, "prob_event_control", json_real(r->prob_event2));
    json_object_set_new(o, "assumptions", a);
  }
  return o;
}

/* The readable summary of a design (shared by samplesize and power). */
static void dcmd_design_print(const struct design_input *in,
                              const struct design_result *r,
                              bool is_power) {
  static const char *const methods[] = {"Schoenfeld", "Freedman",
                                        "Hsieh-Freedman"};
  int j;
  printf("\n%s of a two-arm survival comparison (%s, fixed design; "
         "as rpact)\n\n", is_power ? "Power" : "Sample size",
         methods[in->method]);
  printf("  hazard ratio               %g (experimental / control)\n",
         in->hr);
  if (in->sided == 2) {
    printf("  alpha                      %g two-sided (%g per side)\n",
           in->alpha, in->alpha / 2);
  } else {
    printf("  alpha                      %g one-sided\n", in->alpha);
  }
  printf("  allocation ratio           %g (experimental : control)\n",
         in->ratio);
  if (in->has_survival) {
    printf("  median, control            %g months (hazard %.6g / month)\n",
           in->median_control, r->lambda2);
    printf("  median, experimental       %.6g months (hazard %.6g / "
           "month)\n", r->median1, r->lambda1);
    printf("  accrual                    ");
    for (j = 0; j < in->n_accrual; j++) {
      printf("%s%g-%g months (intensity %g)", j ? ", " : "",
             j ? in->accrual_end[j - 1] : 0.0, in->accrual_end[j],
             in->accrual_intensity[j]);
    }
    printf(", uniform within pieces\n");
    printf("  follow-up                  %g months after accrual "
           "(analysis at %g)\n", in->follow_up, r->analysis_time);
    if (in->dropout > 0) {
      printf("  dropout                    %g by %g months in each arm "
             "(hazard %.6g / month)\n", in->dropout, in->dropout_time,
             r->phi);
    } else {
      printf("  dropout                    none\n");
    }
    printf("  P(event) by analysis       %.6g (experimental %.6g, control "
           "%.6g)\n", r->prob_event, r->prob_event1, r->prob_event2);
  }
  if (is_power) {
    if (!isnan(r->n)) {
      printf("  subjects                   %.6g\n", r->n);
    }
    printf("  events                     %.6g\n", r->events);
    printf("  power                      %.6g%s\n", r->power,
           in->sided == 2 ? " (both rejection tails)" : "");
  } else {
    printf("  power                      %g\n", in->power);
    printf("  required events            %.9g -> %.0f\n", r->events,
           r->events_ceil);
    if (!isnan(r->n)) {
      printf("  required subjects          %.9g -> %.0f (experimental %.6g, "
             "control %.6g)\n", r->n, r->n_ceil, r->n1, r->n2);
    } else {
      printf("  required subjects          (give --median-control, "
             "--accrual-time and --follow-up)\n");
    }
  }
}

/* stats samplesize --hr H --alpha A --power P [design options]
** [--inflate F] [--json]: required events and subjects. */
int stats_cmd_samplesize(struct cli *c) {
  struct err e;
  struct design_input in;
  struct design_result r;
  struct dcmd_design_opts o;
  err_clear(&e);
  if (dcmd_design_parse(c, false, &in, &o, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (o.inflate != NULL && !in.has_survival) {
    ERR_SET(&e, APP_EINVAL, "stats samplesize: --inflate needs "
            "--median-control, --accrual-time and --follow-up");
    return cli_fail(&e);
  }
  if (design_samplesize(&in, &r, &e) != APP_OK) {
    return dcmd_fail("samplesize", &e);
  }
  if (o.json) {
    json_t *j = dcmd_design_json(&in, &r);
    if (o.inflate != NULL) {
      double ni = r.n / (1 - o.inflate_d);
      json_object_set_new(j, "inflate", json_real(o.inflate_d));
      json_object_set_new(j, "n_inflated", json_real(ni));
      json_object_set_new(j, "n_inflated_ceil", json_real(design_ceil(ni)));
    }
    cli_print_json(j);
    json_decref(j);
    return 0;
  }
  dcmd_design_print(&in, &r, false);
  if (o.inflate != NULL) {
    double ni = r.n / (1 - o.inflate_d);
    printf("  inflated for %g%% loss      %.9g / %g = %.9g -> %.0f\n",
           o.inflate_d * 100, r.n, 1 - o.inflate_d, ni, design_ceil(ni));
  }
  printf("\n");
  return 0;
}

/* stats power --hr H --alpha A (--n N | --events D) [design options]
** [--json]: power for a given size. */
int stats_cmd_power(struct cli *c) {
  struct err e;
  struct design_input in;
  struct design_result r;
  struct dcmd_design_opts o;
  double n = NAN, events = NAN;
  err_clear(&e);
  if (dcmd_design_parse(c, true, &in, &o, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if ((o.n == NULL) == (o.events == NULL)) {
    ERR_SET(&e, APP_EINVAL, "stats power: give exactly one of --n "
            "(subjects) and --events");
    return cli_fail(&e);
  }
  if (dcmd_opt_double("--n", o.n, &n, &e) != APP_OK ||
      dcmd_opt_double("--events", o.events, &events, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (o.n != NULL && !(n > 0)) {
    ERR_SET(&e, APP_EINVAL, "stats power: --n: %g must be > 0", n);
    return cli_fail(&e);
  }
  if (o.events != NULL && !(events > 0)) {
    ERR_SET(&e, APP_EINVAL, "stats power: --events: %g must be > 0",
            events);
    return cli_fail(&e);
  }
  if (design_power(&in, n, events, &r, &e) != APP_OK) {
    return dcmd_fail("power", &e);
  }
  if (o.json) {
    json_t *j = dcmd_design_json(&in, &r);
    cli_print_json(j);
    json_decref(j);
    return 0;
  }
  dcmd_design_print(&in, &r, true);
  printf("\n");
  return 0;
}

/* stats evalue --hr H [--lower L --upper U] [--common] [--json]: the
** E-value of the estimate and of the CI limit closest to 1. */
int stats_cmd_evalue(struct cli *c) {
  struct err e;
  struct evalue_result r;
  bool json = cli_flag(c, "--json");
  bool common = cli_flag(c, "--common");
  const char *s_hr = cli_opt(c, "--hr");
  const char *s_lo = cli_opt(c, "--lower");
  const char *s_hi = cli_opt(c, "--upper");
  double hr = NAN, lo = NAN, hi = NAN;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (s_hr == NULL) {
    ERR_SET(&e, APP_EINVAL, "stats evalue: --hr is required");
    return cli_fail(&e);
  }
  if ((s_lo == NULL) != (s_hi == NULL)) {
    ERR_SET(&e, APP_EINVAL, "stats evalue: give both --lower and --upper, "
            "or neither");
    return cli_fail(&e);
  }
  if (cli_parse_double("--hr", s_hr, &hr, &e) != APP_OK ||
      dcmd_opt_double("--lower", s_lo, &lo, &e) != APP_OK ||
      dcmd_opt_double("--upper", s_hi, &hi, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (design_evalue(hr, s_lo != NULL, lo, hi, common, &r, &e) != APP_OK) {
    return dcmd_fail("evalue", &e);
  }
  if (json) {
    json_t *o = json_object();
    json_object_set_new(o, "hr", json_real(hr));
    json_object_set_new(o, "outcome", json_string(common ? "common"
                                                         : "rare"));
    json_object_set_new(o, "rr", json_real(r.rr));
    json_object_set_new(o, "evalue", json_real(r.evalue));
    if (s_lo != NULL) {
      json_object_set_new(o, "lower", json_real(lo));
      json_object_set_new(o, "upper", json_real(hi));
      json_object_set_new(o, "rr_lower", json_real(r.rr_lower));
      json_object_set_new(o, "rr_upper", json_real(r.rr_upper));
      json_object_set_new(o, "evalue_ci", json_real(r.evalue_ci));
    } else {
      json_object_set_new(o, "evalue_ci", json_null());
    }
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  printf("\nE-value for unmeasured confounding (VanderWeele & Ding 2017)"
         "\n\n");
  printf("  hazard ratio         %g%s\n", hr,
         common ? " (common outcome: converted to a risk ratio)"
                : " (rare outcome: read as a risk ratio)");
  if (common) {
    printf("  risk ratio           %.6g\n", r.rr);
  }
  printf("  E-value, estimate    %.6g\n", r.evalue);
  if (s_lo != NULL) {
    printf("  E-value, CI limit    %.6g (CI %g to %g%s)\n", r.evalue_ci, lo,
           hi, r.evalue_ci == 1 ? ", includes 1" : "");
  }
  printf("\nAn unmeasured confounder associated with both treatment and "
         "outcome by a\nrisk ratio of %.3g each, above the measured "
         "covariates, could explain away\nthe estimate; weaker confounding "
         "could not.\n\n", r.evalue);
  return 0;
}
