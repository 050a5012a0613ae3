/*
** cmd_stats_cox.c: `hccstudy stats cox` and `hccstudy stats zph`.
**
** Both take the model flags of the command-line contract (--data, --time,
** --event, --covariates, --factor, --strata, --weights, --robust, --cluster,
** --ties), load the CSV through stats_frame_load() (which drops and counts
** rows with a missing value and names the column and row of bad input), fit
** with cox_fit() and print either a table laid out like R's print of
** summary(coxph) / cox.zph, or with --json the contract's JSON.  Bad input
** ends with exit status 2; nothing here computes statistics.
*/
#include "stats_cmds.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include <time.h>

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../stats/cox.h"
#include "../stats/zph.h"
#include "../report/stats_frame.h"
#include "cmd_stats_input.h"

/* The options shared by cox and zph. */
struct cox_cmd {
  struct stats_frame_spec spec;  /* columns to load */
  struct stats_input in;         /* --data, or --db [--freeze] */
  struct cox_options opt;        /* fitting options */
  bool json;                     /* --json */
  bool timing;                   /* --timing: phase times on stderr */
  const char *transform;         /* zph --transform, or NULL */
};

/* Seconds on the monotonic clock. */
static double cox_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Take the model options from c into *m.  Returns APP_OK or APP_EINVAL. */
static int cox_cmd_parse(struct cli *c, struct cox_cmd *m, bool is_zph,
                         struct err *e) {
  const char *ties;
  memset(m, 0, sizeof(*m));
  cox_options_default(&m->opt);
  stats_input_take(c, &m->in);
  m->spec.time = cli_opt(c, "--time");
  m->spec.event = cli_opt(c, "--event");
  m->spec.censor = cli_opt(c, "--censor");
  m->spec.covariates = cli_opt(c, "--covariates");
  m->spec.factors = cli_opt(c, "--factor");
  m->spec.strata = cli_opt(c, "--strata");
  m->spec.weights = cli_opt(c, "--weights");
  m->spec.cluster = cli_opt(c, "--cluster");
  m->opt.robust = cli_flag(c, "--robust");
  ties = cli_opt(c, "--ties");
  m->json = cli_flag(c, "--json");
  m->timing = cli_flag(c, "--timing");
  if (is_zph) {
    m->transform = cli_opt(c, "--transform");
  }
  if (cli_done(c, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (m->in.data_path == NULL && m->in.db_path == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: --data FILE.csv is required (or "
                   "--db DB for a study)", c->name);
  }
  if (m->spec.time == NULL ||
      (m->spec.event == NULL && m->spec.censor == NULL)) {
    return ERR_SET(e, APP_EINVAL, "%s: --time COL and --event COL are "
                   "required", c->name);
  }
  if (m->spec.covariates == NULL && m->spec.factors == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: --covariates or --factor is required",
                   c->name);
  }
  if (ties != NULL) {
    if (strcmp(ties, "efron") == 0) {
      m->opt.ties = COX_EFRON;
    } else if (strcmp(ties, "breslow") == 0) {
      m->opt.ties = COX_BRESLOW;
    } else {
      return ERR_SET(e, APP_EINVAL, "--ties: expected efron or breslow, got "
                     "'%s'", ties);
    }
  }
  if (m->transform != NULL && strcmp(m->transform, "km") != 0 &&
      strcmp(m->transform, "rank") != 0 &&
      strcmp(m->transform, "identity") != 0) {
    return ERR_SET(e, APP_EINVAL, "--transform: expected km, rank or "
                   "identity, got '%s'", m->transform);
  }
  return APP_OK;
}

/* Load the frame and fit the model; on success the caller frees both.
** take_x: the fit frees the frame's design matrix once it has its own
** sorted copy (stats cox, which needs it no more; stats zph does). */
static int cox_cmd_fit(struct cli *c, struct cox_cmd *m,
                       struct stats_frame *f, struct cox_data *d,
                       struct cox_fit *fit, bool take_x, struct err *e) {
  struct cox_options opt = m->opt;
  double t0 = cox_now(), t1;
  int rc = stats_input_load(c, &m->in, e);
  memset(f, 0, sizeof(*f));
  if (rc == APP_OK) {
    m->spec.data_path = m->in.data_path;
    m->spec.study = stats_input_frame(&m->in);
    m->spec.study_what = m->in.what;
    rc = stats_frame_load(&m->spec, f, e);
  }
  stats_input_free(&m->in);
  if (rc != APP_OK) {
    return rc;
  }
  t1 = cox_now();
  memset(d, 0, sizeof(*d));
  d->n = f->n;
  d->p = f->p;
  d->time = f->time;
  d->status = f->status;
  d->x = f->x;
  d->weight = f->weight;
  d->strata = f->strata;
  d->cluster = f->cluster;
  d->n_clusters = f->n_clusters;
  opt.take_x = take_x;
  rc = cox_fit(d, &opt, fit, e);
  if (m->timing) {
    fprintf(stderr, "timing: read %.3f s, fit %.3f s\n", t1 - t0,
            cox_now() - t1);
  }
  if (take_x) {
    f->x = NULL; /* freed by cox_fit */
    d->x = NULL;
  }
  if (rc != APP_OK) {
    stats_frame_free(f);
  }
  return rc;
}

/* {chisq, df, p} for a chi-square statistic; caller owns the reference. */
static json_t *cox_test_json(double chisq, int df) {
  json_t *o = json_object();
  json_object_set_new(o, "chisq", jx_real_or_null(chisq));
  json_object_set_new(o, "df", json_integer(df));
  json_object_set_new(o, "p", jx_real_or_null(
      df > 0 && isfinite(chisq) ? gsl_cdf_chisq_Q(chisq, df) : NAN));
  return o;
}

/* Upper chi-square tail, NAN when undefined. */
static double cox_pchisq(double chisq, int df) {
  return df > 0 && isfinite(chisq) ? gsl_cdf_chisq_Q(chisq, df) : NAN;
}

/* Print the fit as R's print(summary(coxph)) lays it out (shortened). */
static void cox_print_text(const struct stats_frame *f,
                           const struct cox_fit *fit) {
  double zq = gsl_cdf_ugaussian_Pinv(0.975);
  int p = fit->p;
  int j;
  printf("  n= %lld, number of events= %lld\n", (long long)fit->n,
         (long long)fit->n_events);
  if (f->n_dropped > 0) {
    printf("   (%lld observations deleted due to missingness)\n",
           (long long)f->n_dropped);
  }
  printf("\n%-20s %11s %11s %11s", "", "coef", "exp(coef)", "se(coef)");
  if (fit->is_robust) {
    printf(" %11s", "robust se");
  }
  printf(" %9s %10s\n", "z", "Pr(>|z|)");
  for (j = 0; j < p; j++) {
    double b = fit->coef[j];
    double se = sqrt(fit->var[j * p + j]);
    double nse = sqrt(fit->naive_var[j * p + j]);
    double z = b / se;
    printf("%-20s", f->x_names[j]);
    if (isnan(b)) {
      printf(" %11s %11s %11s", "NA", "NA", "NA");
      if (fit->is_robust) {
        printf(" %11s", "NA");
      }
      printf(" %9s %10s\n", "NA", "NA");
      continue;
    }
    printf(" %11.6g %11.6g %11.6g", b, exp(b), nse);
    if (fit->is_robust) {
      printf(" %11.6g", se);
    }
    printf(" %9.4g %10.4g\n", z, cox_pchisq(z * z, 1));
  }
  printf("\n%-20s %11s %11s %11s %11s\n", "", "exp(coef)", "exp(-coef)",
         "lower .95", "upper .95");
  for (j = 0; j < p; j++) {
    double b = fit->coef[j];
    double se = sqrt(fit->var[j * p + j]);
    if (isnan(b)) {
      continue;
    }
    printf("%-20s %11.6g %11.6g %11.6g %11.6g\n", f->x_names[j], exp(b),
           exp(-b), exp(b - zq * se), exp(b + zq * se));
  }
  printf("\nConcordance= %.3f  (se = %.3f )\n", fit->concordance,
         fit->concordance_se);
  printf("Likelihood ratio test= %.2f  on %d df,   p=%.4g\n", fit->lr_test,
         fit->df, cox_pchisq(fit->lr_test, fit->df));
  printf("Wald test            = %.2f  on %d df,   p=%.4g\n", fit->wald_test,
         fit->wald_df, cox_pchisq(fit->wald_test, fit->wald_df));
  printf("Score (logrank) test = %.2f  on %d df,   p=%.4g\n", fit->score_test,
         fit->df, cox_pchisq(fit->score_test, fit->df));
  if (fit->is_robust) {
    printf("   (Note: the Wald test uses the robust variance)\n");
  }
  printf("\nLog-likelihood: null %.6f, model %.6f; %d iterations%s\n",
         fit->loglik_null, fit->loglik, fit->iterations,
         fit->converged ? "" : " (did not converge)");
  for (j = 0; j < fit->n_warnings; j++) {
    printf("Warning: %s\n", fit->warnings[j]);
  }
}

/* The contract's JSON for a fit; caller owns the reference. */
static json_t *cox_json(const struct stats_frame *f,
                        const struct cox_fit *fit) {
  double zq = gsl_cdf_ugaussian_Pinv(0.975);
  json_t *o = json_object();
  json_t *coefs = json_array();
  json_t *warn = json_array();
  int p = fit->p;
  int j;
  json_object_set_new(o, "n", json_integer((json_int_t)fit->n));
  json_object_set_new(o, "events", json_integer((json_int_t)fit->n_events));
  json_object_set_new(o, "n_dropped", json_integer((json_int_t)f->n_dropped));
  json_object_set_new(o, "iterations", json_integer(fit->iterations));
  json_object_set_new(o, "converged", json_boolean(fit->converged));
  json_object_set_new(o, "loglik_null", jx_real_or_null(fit->loglik_null));
  json_object_set_new(o, "loglik", jx_real_or_null(fit->loglik));
  for (j = 0; j < p; j++) {
    json_t *c = json_object();
    double b = fit->coef[j];
    double se = isnan(b) ? NAN : sqrt(fit->var[j * p + j]);
    double nse = isnan(b) ? NAN : sqrt(fit->naive_var[j * p + j]);
    double z = b / se;
    json_object_set_new(c, "name", json_string(f->x_names[j]));
    json_object_set_new(c, "coef", jx_real_or_null(b));
    json_object_set_new(c, "se", jx_real_or_null(nse));
    if (fit->is_robust) {
      json_object_set_new(c, "robust_se", jx_real_or_null(se));
    }
    json_object_set_new(c, "z", jx_real_or_null(z));
    json_object_set_new(c, "p", jx_real_or_null(
        isnan(b) ? NAN : cox_pchisq(z * z, 1)));
    json_object_set_new(c, "hr", jx_real_or_null(exp(b)));
    json_object_set_new(c, "hr_lower", jx_real_or_null(exp(b - zq * se)));
    json_object_set_new(c, "hr_upper", jx_real_or_null(exp(b + zq * se)));
    json_array_append_new(coefs, c);
  }
  json_object_set_new(o, "coefficients", coefs);
  json_object_set_new(o, "lr_test", cox_test_json(fit->lr_test, fit->df));
  json_object_set_new(o, "wald_test",
                      cox_test_json(fit->wald_test, fit->wald_df));
  json_object_set_new(o, "score_test",
                      cox_test_json(fit->score_test, fit->df));
  json_object_set_new(o, "concordance", jx_real_or_null(fit->concordance));
  json_object_set_new(o, "concordance_se",
                      jx_real_or_null(fit->concordance_se));
  for (j = 0; j < fit->n_warnings; j++) {
    json_array_append_new(warn, json_string(fit->warnings[j]));
  }
  json_object_set_new(o, "warnings", warn);
  return o;
}

int stats_cmd_cox(struct cli *c) {
  struct err e;
  struct cox_cmd m;
  struct stats_frame f;
  struct cox_data d;
  struct cox_fit fit;
  int j;
  err_clear(&e);
  if (cox_cmd_parse(c, &m, false, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (cox_cmd_fit(c, &m, &f, &d, &fit, true, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (m.json) {
    json_t *o = cox_json(&f, &fit);
    cli_print_json(o);
    json_decref(o);
  } else {
    cox_print_text(&f, &fit);
  }
  for (j = 0; m.json && j < fit.n_warnings; j++) {
    fprintf(stderr, "hccstudy: warning: %s\n", fit.warnings[j]);
  }
  cox_fit_free(&fit);
  stats_frame_free(&f);
  return 0;
}

int stats_cmd_zph(struct cli *c) {
  struct err e;
  struct cox_cmd m;
  struct stats_frame f;
  struct cox_data d;
  struct cox_fit fit;
  struct zph_result z;
  int transform = ZPH_KM;
  int t;
  err_clear(&e);
  if (cox_cmd_parse(c, &m, true, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (m.transform != NULL && strcmp(m.transform, "rank") == 0) {
    transform = ZPH_RANK;
  } else if (m.transform != NULL && strcmp(m.transform, "identity") == 0) {
    transform = ZPH_IDENTITY;
  }
  if (cox_cmd_fit(c, &m, &f, &d, &fit, false, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (zph_test(&d, &m.opt, &fit, f.n_terms, f.term_of_col, transform, &z,
               &e) != APP_OK) {
    cox_fit_free(&fit);
    stats_frame_free(&f);
    return cli_fail(&e);
  }
  if (m.json) {
    json_t *o = json_object();
    json_t *terms = json_array();
    for (t = 0; t < z.n_terms; t++) {
      json_t *x;
      if (z.df[t] == 0) {
        continue;
      }
      x = json_object();
      json_object_set_new(x, "name", json_string(f.term_names[t]));
      json_object_set_new(x, "chisq", jx_real_or_null(z.chisq[t]));
      json_object_set_new(x, "df", json_integer(z.df[t]));
      json_object_set_new(x, "p", jx_real_or_null(z.p[t]));
      json_array_append_new(terms, x);
    }
    json_object_set_new(o, "terms", terms);
    json_object_set_new(o, "global", cox_test_json(z.global_chisq,
                                                   z.global_df));
    cli_print_json(o);
    json_decref(o);
  } else {
    printf("%-20s %10s %4s %10s\n", "", "chisq", "df", "p");
    for (t = 0; t < z.n_terms; t++) {
      if (z.df[t] == 0) {
        continue;
      }
      printf("%-20s %10.4f %4d %10.4g\n", f.term_names[t], z.chisq[t],
             z.df[t], z.p[t]);
    }
    printf("%-20s %10.4f %4d %10.4g\n", "GLOBAL", z.global_chisq,
           z.global_df, z.global_p);
  }
  for (t = 0; t < fit.n_warnings; t++) {
    fprintf(stderr, "hccstudy: warning: %s\n", fit.warnings[t]);
  }
  zph_result_free(&z);
  cox_fit_free(&fit);
  stats_frame_free(&f);
  return 0;
}
