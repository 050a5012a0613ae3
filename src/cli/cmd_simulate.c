/*
** cmd_simulate.c: `hccstudy simulate cohort|calibrate|power`.
**
** The front end of the virtual cohort simulator (src/sim/): reads the sim
** file (embedded protocols/challenge06-sim.json or --sim FILE), runs the
** pure simulator, and writes casebooks, analysis CSVs, the calibration
** table or the Monte Carlo summary.  The power run itself (trials on
** --threads POSIX threads, summed so that the output is byte-identical for
** any number of threads) is src/sim/power.c; this file parses its options
** and prints its summary.  A progress bar goes to stderr only when stderr
** is a terminal.
*/
#include "commands.h"

#include "../core/buf.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../sim/params.h"
#include "../sim/power.h"
#include "../sim/study.h"
#include "../sim/trial.h"
#include "../stats/cox.h"
#include "../stats/km.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Days per month (365.25 / 12). */
#define DAYS_PER_MONTH 30.4375

/* Load --sim FILE or the embedded default into *cfg. */
static int load_sim(const char *path, struct sim_config *cfg,
                    struct err *e) {
  struct buf b;
  int rc;
  if (path == NULL) {
    return sim_config_default(cfg, e);
  }
  buf_init(&b, 0);
  rc = cli_read_file(path, &b, 4u << 20, e);
  if (rc == APP_OK) {
    rc = sim_config_parse(buf_str(&b), b.len, path, cfg, e);
  }
  buf_reset(&b);
  return rc;
}

/* Parse --seed (unsigned 64-bit decimal; default 1). */
static int parse_seed(const char *text, uint64_t *out, struct err *e) {
  char *end = NULL;
  unsigned long long v;
  *out = 1;
  if (text == NULL) {
    return APP_OK;
  }
  errno = 0;
  v = strtoull(text, &end, 10);
  if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0) {
    return ERR_SET(e, APP_EINVAL, "--seed: expected a whole number from 0 "
                   "to 18446744073709551615, got \"%s\"", text);
  }
  *out = (uint64_t)v;
  return APP_OK;
}

/* Write one CSV line per patient: the analysis data set. */
static int write_csv(const char *dir, const struct sim_study *s,
                     struct err *e) {
  char path[4096];
  FILE *f;
  int i;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    return ERR_SET(e, APP_EIO, "--csv %s: %s", dir, strerror(errno));
  }
  snprintf(path, sizeof(path), "%s/patients.csv", dir);
  f = fopen(path, "w");
  if (f == NULL) {
    return ERR_SET(e, APP_EIO, "%s: %s", path, strerror(errno));
  }
  fprintf(f, "id,site,cohort,haic,pfs_days,pfs_event,os_days,os_event,bor,"
             "age,female,weight_kg,weight_under_60,aetiology,hbv,bclc,ecog,"
             "child_pugh,afp_ng_ml,afp400,tumour_number,multifocal,"
             "largest_diameter_mm,diameter_cm_over_7,pvtt,pvi\n");
  for (i = 0; i < s->n; i++) {
    const struct sim_patient *p = &s->patients[i];
    const struct sim_baseline *b = &p->b;
    const char *bor = mr_resp_name(p->res.best);
    char code[16];
    sim_patient_code(i, code, sizeof(code));
    fprintf(f,
            "%s,%s,%s,%d,%d,%d,%d,%d,%s,%d,%d,%.1f,%d,%s,%d,%s,%d,%d,%.1f,"
            "%d,%d,%d,%.1f,%.2f,%d,%s\n",
            code, sim_site_codes[i % SIM_N_SITES],
            p->cohort == SIM_HAIC ? "HAIC" : "TACE", p->cohort,
            p->res.pfs.days, p->res.pfs.is_event ? 1 : 0, p->res.os.days,
            p->res.os.is_event ? 1 : 0, bor ? bor : "NE", b->age,
            b->female ? 1 : 0, b->weight_kg, b->weight_kg < 60,
            sim_aetiology_name(b->aetiology), b->aetiology == 0,
            sim_bclc_name(b->bclc), b->ecog, b->child_pugh, b->afp,
            b->afp >= 400, b->tumour_number, b->tumour_number > 3,
            b->diameter_mm,
            b->diameter_mm > 70 ? (b->diameter_mm - 70) / 10 : 0.0,
            b->pvi > 0, sim_pvi_name(b->pvi));
  }
  if (fclose(f) != 0) {
    return ERR_SET(e, APP_EIO, "%s: %s", path, strerror(errno));
  }
  return APP_OK;
}

/* simulate cohort */
static int sim_cohort(struct cli *c) {
  struct err e;
  struct sim_config cfg;
  struct sim_study s;
  struct sim_study_opts so;
  const char *sim_path = cli_opt(c, "--sim");
  const char *n_text = cli_opt(c, "--n");
  const char *seed_text = cli_opt(c, "--seed");
  const char *out = cli_opt(c, "--out");
  const char *csv = cli_opt(c, "--csv");
  long n = c->proto.target_enrollment;
  int rc;
  err_clear(&e);
  memset(&so, 0, sizeof(so));
  memset(&s, 0, sizeof(s));
  if (cli_done(c, &e) != APP_OK ||
      (n_text && cli_parse_long("--n", n_text, 1, 1000000, &n, &e)) ||
      parse_seed(seed_text, &so.seed, &e) != APP_OK ||
      load_sim(sim_path, &cfg, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (out != NULL && csv != NULL) {
    ERR_SET(&e, APP_EINVAL, "--out and --csv: give one of them");
    return cli_fail(&e);
  }
  so.n = (int)n;
  so.force_cohort = -1;
  so.followup_months = -1;
  so.for_casebook = true;
  rc = sim_study_draw(&cfg, &c->proto, &so, &s, &e);
  if (rc == APP_OK && csv != NULL) {
    rc = write_csv(csv, &s, &e);
  } else if (rc == APP_OK) {
    json_t *doc = sim_study_casebooks(&s, &c->proto, c->proto.study_start);
    struct buf b;
    buf_init(&b, 0);
    jx_dump(doc, &b, false);
    buf_putc(&b, '\n');
    json_decref(doc);
    if (out == NULL || strcmp(out, "-") == 0) {
      fwrite(buf_str(&b), 1, b.len, stdout);
    } else {
      FILE *f = fopen(out, "w");
      if (f == NULL) {
        rc = ERR_SET(&e, APP_EIO, "--out %s: %s", out, strerror(errno));
      } else {
        fwrite(buf_str(&b), 1, b.len, f);
        if (fclose(f) != 0) {
          rc = ERR_SET(&e, APP_EIO, "--out %s: %s", out, strerror(errno));
        }
      }
    }
    buf_reset(&b);
  }
  sim_study_free(&s);
  return rc == APP_OK ? 0 : cli_fail(&e);
}

/* Per-cohort (and pooled) summary of a calibration population. */
struct cal_summary {
  int n;               /* patients */
  double median_pfs;   /* months (KM), NAN when not reached */
  double median_os;    /* months (KM) */
  double orr;          /* CR + PR share (BOR, confirmed per protocol) */
  double dcr;          /* CR + PR + SD + NON-CR/NON-PD share */
  double ae_g3;        /* share with a grade >= 3 AE */
  double pvtt;         /* share with PVTT (Vp1-3) */
  double over_7cm;     /* share with largest diameter > 70 mm */
  double bclc_c;       /* share in BCLC C */
  double ecog1;        /* share with ECOG 1 */
  double hbv;          /* share with HBV aetiology */
  double under_60;     /* share under 60 kg (lenvatinib 8 mg) */
  double haic;         /* share treated with HAIC */
};

/* KM median in months of days/status for cohort (-1 all). */
static double km_median_months(const struct sim_study *s, int cohort,
                               bool os) {
  double *t = xcalloc((size_t)s->n, sizeof(*t));
  int *st = xcalloc((size_t)s->n, sizeof(*st));
  int64_t m = 0;
  int i;
  double med = NAN;
  struct km_curve kc;
  struct err e;
  for (i = 0; i < s->n; i++) {
    const struct sim_patient *p = &s->patients[i];
    const struct ep_time *et = os ? &p->res.os : &p->res.pfs;
    if (cohort >= 0 && p->cohort != cohort) {
      continue;
    }
    t[m] = et->days / DAYS_PER_MONTH;
    st[m] = et->is_event;
    m++;
  }
  err_clear(&e);
  if (m > 0 && km_fit(t, st, NULL, m, KM_CONF_LOG, 0.95, &kc, &e) == APP_OK) {
    med = kc.median;
    km_curve_free(&kc);
  }
  xfree(t);
  xfree(st);
  return med;
}

/* Summarise cohort (-1 all). */
static void summarise(const struct sim_study *s, int cohort,
                      struct cal_summary *o) {
  int i;
  int k;
  memset(o, 0, sizeof(*o));
  for (i = 0; i < s->n; i++) {
    const struct sim_patient *p = &s->patients[i];
    enum mr_resp b = p->res.best;
    int g3 = 0;
    if (cohort >= 0 && p->cohort != cohort) {
      continue;
    }
    o->n++;
    o->orr += b == MR_CR || b == MR_PR;
    o->dcr += b == MR_CR || b == MR_PR || b == MR_SD ||
              b == MR_NON_CR_NON_PD;
    for (k = 0; k < p->n_aes; k++) {
      g3 |= p->aes[k].grade >= 3;
    }
    o->ae_g3 += g3;
    o->pvtt += p->b.pvi > 0;
    o->over_7cm += p->b.diameter_mm > 70;
    o->bclc_c += p->b.bclc == 3;
    o->ecog1 += p->b.ecog == 1;
    o->hbv += p->b.aetiology == 0;
    o->under_60 += p->b.weight_kg < 60;
    o->haic += p->cohort == SIM_HAIC;
  }
  if (o->n > 0) {
    double n = o->n;
    o->orr /= n;
    o->dcr /= n;
    o->ae_g3 /= n;
    o->pvtt /= n;
    o->over_7cm /= n;
    o->bclc_c /= n;
    o->ecog1 /= n;
    o->hbv /= n;
    o->under_60 /= n;
    o->haic /= n;
  }
  o->median_pfs = km_median_months(s, cohort, false);
  o->median_os = km_median_months(s, cohort, true);
}

/* The simulated value of a target's measure, NAN when unknown. */
static double cal_value(const struct cal_summary *cs, const char *m,
                        double hr, double hr_marginal) {
  static const struct {
    const char *name;
    size_t off;
  } map[] = {
    {"median_pfs_months", offsetof(struct cal_summary, median_pfs)},
    {"median_os_months", offsetof(struct cal_summary, median_os)},
    {"orr", offsetof(struct cal_summary, orr)},
    {"dcr", offsetof(struct cal_summary, dcr)},
    {"ae_g3", offsetof(struct cal_summary, ae_g3)},
    {"pvtt_share", offsetof(struct cal_summary, pvtt)},
    {"diameter_over_7cm_share", offsetof(struct cal_summary, over_7cm)},
    {"bclc_c_share", offsetof(struct cal_summary, bclc_c)},
    {"ecog1_share", offsetof(struct cal_summary, ecog1)},
    {"hbv_share", offsetof(struct cal_summary, hbv)},
    {"weight_under_60_share", offsetof(struct cal_summary, under_60)},
    {"haic_share", offsetof(struct cal_summary, haic)},
  };
  size_t i;
  if (strcmp(m, "pfs_hr_crude") == 0) {
    return hr;
  }
  if (strcmp(m, "pfs_hr_marginal") == 0) {
    return hr_marginal;
  }
  for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    if (strcmp(map[i].name, m) == 0) {
      return *(const double *)(const void *)((const char *)cs + map[i].off);
    }
  }
  return NAN;
}

/* Crude PFS hazard ratio HAIC vs TACE (Cox, Efron). */
static double crude_hr(const struct sim_study *s) {
  double *t = xcalloc((size_t)s->n, sizeof(*t));
  double *x = xcalloc((size_t)s->n, sizeof(*x));
  int *st = xcalloc((size_t)s->n, sizeof(*st));
  struct cox_data d;
  struct cox_options o;
  struct cox_fit f;
  struct err e;
  double hr = NAN;
  int i;
  for (i = 0; i < s->n; i++) {
    t[i] = s->patients[i].res.pfs.days;
    st[i] = s->patients[i].res.pfs.is_event;
    x[i] = s->patients[i].cohort;
  }
  memset(&d, 0, sizeof(d));
  d.n = s->n;
  d.p = 1;
  d.time = t;
  d.status = st;
  d.x = x;
  cox_options_default(&o);
  err_clear(&e);
  if (cox_fit(&d, &o, &f, &e) == APP_OK) {
    hr = exp(f.coef[0]);
    cox_fit_free(&f);
  }
  xfree(t);
  xfree(x);
  xfree(st);
  return hr;
}

/* simulate calibrate */
static int sim_calibrate(struct cli *c) {
  struct err e;
  struct sim_config cfg;
  struct sim_study s;
  struct sim_study_opts so;
  struct cal_summary cs[3];
  const char *sim_path = cli_opt(c, "--sim");
  const char *n_text = cli_opt(c, "--n");
  const char *seed_text = cli_opt(c, "--seed");
  bool as_json = cli_flag(c, "--json");
  long n = 20000;
  int i;
  int n_out = 0;
  double hr;
  double hr_marginal = NAN;
  json_t *doc;
  json_t *rows;
  err_clear(&e);
  memset(&so, 0, sizeof(so));
  if (cli_done(c, &e) != APP_OK ||
      (n_text && cli_parse_long("--n", n_text, 100, 10000000, &n, &e)) ||
      parse_seed(seed_text, &so.seed, &e) != APP_OK ||
      load_sim(sim_path, &cfg, &e) != APP_OK) {
    return cli_fail(&e);
  }
  so.n = (int)n;
  so.force_cohort = -1;
  so.followup_months = -1;
  if (sim_study_draw(&cfg, &c->proto, &so, &s, &e) != APP_OK) {
    sim_study_free(&s);
    return cli_fail(&e);
  }
  summarise(&s, SIM_TACE, &cs[0]);
  summarise(&s, SIM_HAIC, &cs[1]);
  summarise(&s, -1, &cs[2]);
  hr = crude_hr(&s);
  sim_study_free(&s);
  {
    struct sim_design d;
    double se;
    memset(&d, 0, sizeof(d));
    d.hr = -1;
    d.followup_months = -1;
    if (sim_true_log_hr(&cfg, &c->proto, &d, so.seed, (int)(n / 2),
                        &hr_marginal, &se, &e) != APP_OK) {
      return cli_fail(&e);
    }
    hr_marginal = exp(hr_marginal);
  }
  rows = json_array();
  for (i = 0; i < cfg.n_targets; i++) {
    const struct sim_target *t = &cfg.targets[i];
    int k = strcmp(t->cohort, "TACE") == 0 ? 0
                                           : (strcmp(t->cohort, "HAIC") == 0
                                                  ? 1
                                                  : 2);
    double v = cal_value(&cs[k], t->measure, hr, hr_marginal);
    double diff = v < t->low ? v - t->low : (v > t->high ? v - t->high : 0);
    bool within = v >= t->low && v <= t->high;
    n_out += !within;
    json_array_append_new(
        rows, json_pack("{s:s,s:s,s:o,s:f,s:f,s:o,s:b,s:s}", "cohort",
                        t->cohort, "measure", t->measure, "simulated",
                        jx_real_or_null(v), "low", t->low, "high", t->high,
                        "difference", jx_real_or_null(diff), "within",
                        within, "source", t->source));
  }
  doc = json_pack("{s:i,s:I,s:{s:i,s:i},s:o,s:o,s:o,s:i}", "n", (int)n,
                  "seed", (json_int_t)so.seed, "cohorts", "TACE", cs[0].n,
                  "HAIC", cs[1].n, "pfs_hr_crude", jx_real_or_null(hr),
                  "pfs_hr_marginal", jx_real_or_null(hr_marginal),
                  "targets", rows, "outside", n_out);
  if (as_json) {
    cli_print_json(doc);
  } else {
    size_t k;
    printf("Calibration: %ld simulated patients (seed %" PRIu64 "): TACE %d,"
           " HAIC %d\n\n", n, so.seed, cs[0].n, cs[1].n);
    printf("%-6s %-26s %10s %17s %10s  %s\n", "cohort", "measure",
           "simulated", "published", "difference", "");
    for (k = 0; k < json_array_size(rows); k++) {
      json_t *r = json_array_get(rows, k);
      printf("%-6s %-26s %10.3f %8.3g - %-6.3g %10.3f  %s\n",
             json_string_value(json_object_get(r, "cohort")),
             json_string_value(json_object_get(r, "measure")),
             json_real_value(json_object_get(r, "simulated")),
             json_real_value(json_object_get(r, "low")),
             json_real_value(json_object_get(r, "high")),
             json_real_value(json_object_get(r, "difference")),
             json_is_true(json_object_get(r, "within")) ? "ok" : "OUTSIDE");
    }
    printf("\nPFS hazard ratio HAIC vs TACE: crude %.3f (confounded by "
           "indication), marginal %.3f (counterfactual populations of %ld "
           "per arm)\n", hr, hr_marginal, n / 2);
    printf("%d of %d measures outside the published range.\n", n_out,
           cfg.n_targets);
  }
  json_decref(doc);
  return 0;
}

/* The progress bar of a power run on stderr. */
struct power_bar {
  bool is_drawn; /* drawn at least once (a line to end) */
};

/* Draw the progress bar: a sim_power_opts.progress callback (arg is a
** struct power_bar; the run calls it one call at a time). */
static void power_progress(void *arg, int64_t done, int64_t trials) {
  struct power_bar *bar = arg;
  int width = 40;
  int fill = (int)(width * done / (trials > 0 ? trials : 1));
  int i;
  bar->is_drawn = true;
  fputc('\r', stderr);
  fputc('[', stderr);
  for (i = 0; i < width; i++) {
    fputc(i < fill ? '#' : ' ', stderr);
  }
  fprintf(stderr, "] %" PRId64 "/%" PRId64, done, trials);
  fflush(stderr);
}

/* Monotonic seconds. */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Read an optional positive real option. */
static int opt_pos(const char *name, const char *text, double *out,
                   struct err *e) {
  if (text == NULL) {
    return APP_OK;
  }
  if (cli_parse_double(name, text, out, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (!(*out > 0) || !isfinite(*out)) {
    return ERR_SET(e, APP_EINVAL, "%s: must be > 0", name);
  }
  return APP_OK;
}

/* The three powers (or type I errors) of r as a JSON object (new
** reference). */
static json_t *power_json_tests(const struct sim_power_result *r) {
  return json_pack("{s:f,s:o,s:o}", "logrank", r->power_logrank,
                   "iptw_cox", jx_real_or_null(r->power_iptw),
                   "matched_cox", jx_real_or_null(r->power_matched));
}

/* Print the summary r of a run of o (n patients) as JSON. */
static void power_print_json(const struct sim_power_opts *o, long n,
                             const struct sim_power_result *r) {
  json_t *hr = json_object();
  json_t *doc = json_object();
  json_object_set_new(doc, "trials", json_integer(r->trials));
  json_object_set_new(doc, "seed", json_integer((json_int_t)o->seed));
  json_object_set_new(doc, "model",
                      json_string(r->is_lesion ? "lesion" : "exponential"));
  json_object_set_new(doc, "n", json_integer(n));
  json_object_set_new(doc, "alpha", json_real(o->d.alpha));
  json_object_set_new(doc, "power", power_json_tests(r));
  if (r->is_null) {
    json_object_set_new(doc, "type1_error", power_json_tests(r));
  }
  json_object_set_new(hr, "true", json_real(r->true_hr));
  if (r->is_lesion) {
    json_object_set_new(hr, "true_conditional", json_real(r->hr_used));
    json_object_set_new(hr, "crude_mean",
                        jx_real_or_null(r->crude_hr_mean));
    json_object_set_new(hr, "adjusted_mean",
                        jx_real_or_null(r->iptw_hr_mean));
    json_object_set_new(hr, "matched_mean",
                        jx_real_or_null(r->matched_hr_mean));
    json_object_set_new(hr, "crude_log_bias",
                        jx_real_or_null(r->crude_log_bias));
    json_object_set_new(hr, "adjusted_log_bias",
                        jx_real_or_null(r->iptw_log_bias));
    json_object_set_new(hr, "crude_coverage",
                        jx_real_or_null(r->crude_coverage));
    json_object_set_new(hr, "adjusted_coverage",
                        jx_real_or_null(r->iptw_coverage));
    json_object_set_new(hr, "matched_coverage",
                        jx_real_or_null(r->matched_coverage));
  }
  json_object_set_new(doc, "hr", hr);
  json_object_set_new(doc, "events_mean", json_real(r->events_mean));
  if (!r->is_lesion) {
    json_object_set_new(doc, "analysis_time_mean",
                        json_real(r->analysis_time_mean));
  } else {
    json_object_set_new(doc, "matched_pairs_mean",
                        jx_real_or_null(r->matched_pairs_mean));
    json_object_set_new(doc, "failed_fits",
                        json_pack("{s:I,s:I,s:I}", "crude",
                                  (json_int_t)(r->trials - r->n_crude),
                                  "iptw",
                                  (json_int_t)(r->trials - r->n_iptw),
                                  "matched",
                                  (json_int_t)(r->trials - r->n_matched)));
  }
  json_object_set_new(doc, "mc_se_logrank", json_real(r->mc_se_logrank));
  cli_print_json(doc);
  json_decref(doc);
}

/* Print the summary r of a run of o (n patients) as text. */
static void power_print_text(const struct sim_power_opts *o, long n,
                             const struct sim_power_result *r) {
  printf("Monte Carlo evaluation: %" PRId64 " trials of %ld patients, model"
         " %s, seed %" PRIu64 ", two-sided alpha %g\n\n", r->trials, n,
         r->is_lesion ? "lesion" : "exponential", o->seed, o->d.alpha);
  printf("%-28s %10s\n", r->is_null ? "type I error" : "power", "");
  printf("  %-26s %10.4f  (MC SE %.4f)\n", "log-rank (crude)",
         r->power_logrank, r->mc_se_logrank);
  if (r->is_lesion) {
    printf("  %-26s %10.4f\n", "IPTW Cox, robust SE", r->power_iptw);
    printf("  %-26s %10.4f\n", "PS-matched Cox", r->power_matched);
    printf("\nhazard ratio HAIC vs TACE (PFS)\n");
    printf("  %-26s %10.4f  (conditional %.4g)\n", "true (marginal)",
           r->true_hr, r->hr_used);
    printf("  %-26s %10.4f  coverage %.4f\n", "crude mean",
           r->crude_hr_mean, r->crude_coverage);
    printf("  %-26s %10.4f  coverage %.4f\n", "IPTW mean", r->iptw_hr_mean,
           r->iptw_coverage);
    printf("  %-26s %10.4f  coverage %.4f\n", "matched mean",
           r->matched_hr_mean, r->matched_coverage);
    printf("  %-26s %10.1f\n", "matched pairs (mean)",
           r->matched_pairs_mean);
  } else {
    printf("  %-26s %10.3f months\n", "analysis time (mean)",
           r->analysis_time_mean);
  }
  printf("\n%-28s %10.1f\n", "events at analysis (mean)", r->events_mean);
}

/* simulate power */
static int sim_power(struct cli *c) {
  struct err e;
  struct sim_config cfg;
  struct sim_power_opts o;
  struct sim_power_result r;
  struct sim_design *d = &o.d;
  struct power_bar bar = {false};
  const char *sim_path = cli_opt(c, "--sim");
  const char *trials_text = cli_opt(c, "--trials");
  const char *threads_text = cli_opt(c, "--threads");
  const char *hr_text = cli_opt(c, "--hr");
  const char *n_text = cli_opt(c, "--n");
  const char *model = cli_opt(c, "--model");
  const char *seed_text = cli_opt(c, "--seed");
  const char *mc_text = cli_opt(c, "--median-control");
  const char *acc_text = cli_opt(c, "--accrual-time");
  const char *ev_text = cli_opt(c, "--events");
  const char *fu_text = cli_opt(c, "--follow-up");
  const char *do_text = cli_opt(c, "--dropout");
  const char *dt_text = cli_opt(c, "--dropout-time");
  const char *alpha_text = cli_opt(c, "--alpha");
  bool as_json = cli_flag(c, "--json");
  long trials = 1000;
  long threads = 1;
  long n = c->proto.target_enrollment;
  long events = 0;
  double t0;
  double elapsed;
  bool is_lesion;
  int rc;
  err_clear(&e);
  memset(&o, 0, sizeof(o));
  d->alpha = 0.05;
  d->hr = -1;
  d->followup_months = -1;
  d->dropout_time = 12;
  if (cli_done(c, &e) != APP_OK ||
      (trials_text &&
       cli_parse_long("--trials", trials_text, 1, 10000000, &trials, &e)) ||
      (threads_text && cli_parse_long("--threads", threads_text, 1,
                                      SIM_POWER_MAX_THREADS, &threads,
                                      &e)) ||
      (n_text && cli_parse_long("--n", n_text, 4, 10000000, &n, &e)) ||
      (ev_text && cli_parse_long("--events", ev_text, 1, 10000000, &events,
                                 &e)) ||
      opt_pos("--hr", hr_text, &d->hr, &e) != APP_OK ||
      opt_pos("--median-control", mc_text, &d->median_control, &e) !=
          APP_OK ||
      opt_pos("--accrual-time", acc_text, &d->accrual_time, &e) != APP_OK ||
      opt_pos("--dropout-time", dt_text, &d->dropout_time, &e) != APP_OK ||
      opt_pos("--alpha", alpha_text, &d->alpha, &e) != APP_OK ||
      (fu_text &&
       cli_parse_double("--follow-up", fu_text, &d->followup_months, &e)) ||
      (do_text && cli_parse_double("--dropout", do_text, &d->dropout, &e)) ||
      parse_seed(seed_text, &o.seed, &e) != APP_OK ||
      load_sim(sim_path, &cfg, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (d->alpha >= 1) {
    ERR_SET(&e, APP_EINVAL, "--alpha: must be in (0, 1)");
    return cli_fail(&e);
  }
  if (!(d->dropout >= 0 && d->dropout < 1)) {
    ERR_SET(&e, APP_EINVAL, "--dropout: must be in [0, 1)");
    return cli_fail(&e);
  }
  if (fu_text != NULL && !(d->followup_months >= 0)) {
    ERR_SET(&e, APP_EINVAL, "--follow-up: must be >= 0");
    return cli_fail(&e);
  }
  is_lesion = model == NULL || strcmp(model, "lesion") == 0;
  if (!is_lesion && strcmp(model, "exponential") != 0) {
    ERR_SET(&e, APP_EINVAL, "--model: lesion or exponential, got \"%s\"",
            model);
    return cli_fail(&e);
  }
  d->model = is_lesion ? SIM_MODEL_LESION : SIM_MODEL_EXPONENTIAL;
  d->n = (int)n;
  d->events = (int)events;
  if (!is_lesion && (mc_text == NULL || acc_text == NULL ||
                     (ev_text == NULL && fu_text == NULL))) {
    ERR_SET(&e, APP_EINVAL, "--model exponential: needs --median-control,"
            " --accrual-time and --events or --follow-up");
    return cli_fail(&e);
  }
  if (is_lesion && (mc_text || acc_text || ev_text || do_text || dt_text)) {
    ERR_SET(&e, APP_EINVAL, "--median-control, --accrual-time, --events, "
            "--dropout, --dropout-time: only with --model exponential (the "
            "lesion model takes them from the sim file)");
    return cli_fail(&e);
  }
  o.trials = trials;
  o.threads = (int)threads;
  if (isatty(2) && trials >= 100) {
    o.progress = power_progress;
    o.progress_arg = &bar;
  }
  t0 = now_s();
  rc = sim_power_run(&cfg, &c->proto, &o, &r, &e);
  elapsed = now_s() - t0;
  if (bar.is_drawn) {
    fputc('\n', stderr);
  }
  if (rc != APP_OK) {
    return cli_fail(&e);
  }
  if (as_json) {
    power_print_json(&o, n, &r);
  } else {
    power_print_text(&o, n, &r);
  }
  fprintf(stderr, "simulate power: %ld trials in %.3f s (%.0f trials/s, "
          "%d thread%s)\n", trials, elapsed,
          elapsed > 0 ? (double)trials / elapsed : 0.0, r.threads,
          r.threads == 1 ? "" : "s");
  return 0;
}

int cmd_simulate(struct cli *c) {
  if (c->argc < 1 || c->argv[0][0] == '-') {
    fprintf(stderr, "hccstudy: simulate: expected a subcommand: cohort, "
                    "calibrate, power (see 'hccstudy help simulate')\n");
    return 2;
  }
  c->used[0] = true;
  if (strcmp(c->argv[0], "cohort") == 0) {
    return sim_cohort(c);
  }
  if (strcmp(c->argv[0], "calibrate") == 0) {
    return sim_calibrate(c);
  }
  if (strcmp(c->argv[0], "power") == 0) {
    return sim_power(c);
  }
  fprintf(stderr, "hccstudy: simulate: unknown subcommand: %s (expected "
                  "cohort, calibrate, power)\n", c->argv[0]);
  return 2;
}
