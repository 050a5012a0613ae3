/*
** cmd_rules.c: the protocol, eligibility, dose and schedule commands.
** Each parses its input, calls one pure rule in src/study/, and prints a
** readable table or, with --json, the JSON of the command-line contract.
*/
#include "commands.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../study/dose.h"
#include "../study/eligibility.h"
#include "../study/schedule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int cmd_protocol(struct cli *c) {
  struct err e;
  bool json = cli_flag(c, "--json");
  const struct protocol *p = &c->proto;
  char a[DATE_STR_LEN], b[DATE_STR_LEN];
  int i;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *v = jx_parse(c->proto_text, c->proto_len, c->proto_src, &e);
    if (v == NULL) {
      return cli_fail(&e);
    }
    cli_print_json(v);
    json_decref(v);
    return 0;
  }
  date_format(p->study_start, a);
  date_format(p->study_completion, b);
  printf("%s (%s), protocol: %s\n%s\n\n", p->study_id, p->nct_id,
         c->proto_src, p->title);
  printf("  target enrollment   %d\n  study period        %s to %s\n",
         p->target_enrollment, a, b);
  for (i = 0; i < p->n_cohorts; i++) {
    printf("  cohort %-12s %s\n", p->cohorts[i].id, p->cohorts[i].label);
  }
  printf("  lenvatinib          %g mg daily if weight >= %g kg, else %g mg\n",
         p->dosing.len_high_mg, p->dosing.len_weight_threshold_kg,
         p->dosing.len_low_mg);
  printf("  PD-1 inhibitor      %g mg IV every %d days (+/- %d)\n",
         p->dosing.pd1_mg, p->dosing.pd1_interval_days,
         p->checks.pd1_interval_tolerance_days);
  printf("  eligibility         age %d-%d, Child-Pugh <= %d, ECOG <= %d\n",
         p->elig.age_min, p->elig.age_max, p->elig.child_pugh_max,
         p->elig.ecog_max);
  printf("  assessments         every %d days +/- %d from start\n",
         p->visits.assess_interval_days, p->visits.assess_window_days);
  printf("  survival follow-up  every %d days +/- %d after progression\n",
         p->visits.survival_interval_days, p->visits.survival_window_days);
  printf("  response            mRECIST; confirm %s (>= %d days), SD >= %d "
         "days, PD +%g%% (+%g mm), PR -%g%%\n",
         p->response.confirm ? "yes" : "no", p->response.confirm_min_days,
         p->response.sd_min_days, p->response.pd_pct,
         p->response.pd_abs_min_mm, p->response.pr_pct);
  printf("  confirmation        up to %d NE%s between; a non-target back "
         "after a CR: %s\n", p->response.max_ne_between,
         p->response.accept_sd_between ? " and 1 SD" : ", no SD",
         nt_reappearance_name(p->response.nt_reappearance));
  printf("  PFS censoring       event > %d days after the last adequate "
         "assessment\n", p->endpoints.pfs_max_gap_days);
  return 0;
}

static const char *const elig_keys[] = {
  "age", "bclc", "extrahepatic_metastasis", "treatment_naive", "child_pugh",
  "ecog", "severe_organ_disease", "decompensated_cirrhosis",
  "other_malignancy", "recurrent_hcc", "autoimmune_disease",
  "hypersensitivity", "hiv", "active_hepatitis", "portal_vein_invasion",
  "hepatic_vein_invasion", "ivc_invasion", NULL};

static const char *const cp_keys[] = {"bilirubin_umol_l", "albumin_g_l",
                                      "inr", "ascites", "encephalopathy",
                                      NULL};

int cmd_eligibility(struct cli *c) {
  struct err e;
  struct elig_input in;
  struct elig_result r;
  json_t *doc = NULL;
  json_t *cp;
  bool json = cli_flag(c, "--json");
  const char *input = cli_opt(c, "--input");
  int i;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK || cli_read_json(input, &doc, &e) != APP_OK ||
      eligibility_from_json(doc, &in, &e) != APP_OK) {
    json_decref(doc);
    return cli_fail(&e);
  }
  cli_warn_unknown_keys(doc, elig_keys, "");
  cp = json_object_get(doc, "child_pugh");
  if (json_is_object(cp)) {
    cli_warn_unknown_keys(cp, cp_keys, "child_pugh");
  }
  json_decref(doc);
  eligibility_check(&c->proto.elig, &in, &r);
  if (json) {
    json_t *out = eligibility_to_json(&r);
    cli_print_json(out);
    json_decref(out);
    return 0;
  }
  printf("Eligibility (%s)\n  eligible          %s\n", c->proto.study_id,
         r.eligible < 0 ? "unknown (inputs missing)"
                        : (r.eligible ? "yes" : "no"));
  for (i = 0; i < r.n_failed; i++) {
    printf("  %-17s %s: %s\n", i ? "" : "failed", r.failed[i].criterion,
           r.failed[i].reason);
  }
  for (i = 0; i < r.n_missing; i++) {
    printf("  %-17s %s\n", i ? "" : "missing", r.missing[i]);
  }
  if (r.child_pugh_score) {
    printf("  Child-Pugh        %d (class %c)\n", r.child_pugh_score,
           r.child_pugh_class);
  } else {
    printf("  Child-Pugh        -\n");
  }
  if (!isnan(r.albi)) {
    printf("  ALBI              %.3f (grade %d)\n", r.albi, r.albi_grade);
  } else {
    printf("  ALBI              -\n");
  }
  return 0;
}

int cmd_dose(struct cli *c) {
  struct err e;
  struct dose_result d;
  bool json = cli_flag(c, "--json");
  const char *w = cli_opt(c, "--weight-kg");
  const char *red = cli_opt(c, "--reduction");
  double weight = 0;
  long reductions = 0;
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (w == NULL) {
    ERR_SET(&e, APP_EINVAL, "dose: --weight-kg is required");
    return cli_fail(&e);
  }
  if (cli_parse_double("--weight-kg", w, &weight, &e) != APP_OK ||
      (red != NULL && cli_parse_long("--reduction", red, 0,
                                     DOSE_MAX_REDUCTIONS, &reductions,
                                     &e) != APP_OK) ||
      dose_compute(&c->proto.dosing, weight, (int)reductions, &d, &e) !=
          APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_object();
    json_object_set_new(o, "lenvatinib_mg", json_real(d.lenvatinib_mg));
    json_object_set_new(o, "lenvatinib_schedule",
                        json_string(dose_schedule_name(
                            d.lenvatinib_schedule)));
    json_object_set_new(o, "pd1_mg", json_real(d.pd1_mg));
    json_object_set_new(o, "pd1_interval_days",
                        json_integer(d.pd1_interval_days));
    cli_print_json(o);
    json_decref(o);
    return 0;
  }
  printf("Doses for %g kg after %ld lenvatinib reduction(s)\n", weight,
         reductions);
  if (d.lenvatinib_schedule == DOSE_DISCONTINUED) {
    printf("  lenvatinib      discontinued (started at %g mg daily)\n",
           d.lenvatinib_start_mg);
  } else {
    printf("  lenvatinib      %g mg %s, oral (started at %g mg daily)\n",
           d.lenvatinib_mg,
           d.lenvatinib_schedule == DOSE_DAILY ? "daily" : "every other day",
           d.lenvatinib_start_mg);
  }
  printf("  PD-1 inhibitor  %g mg IV every %d days\n", d.pd1_mg,
         d.pd1_interval_days);
  return 0;
}

int cmd_schedule(struct cli *c) {
  struct err e;
  bool json = cli_flag(c, "--json");
  const char *s_start = cli_opt(c, "--start");
  const char *s_prog = cli_opt(c, "--progression");
  const char *s_until = cli_opt(c, "--until");
  date_t start = 0, prog = 0, until = c->proto.study_completion;
  struct visit *v = NULL;
  size_t n = 0, i;
  char t[DATE_STR_LEN], w0[DATE_STR_LEN], w1[DATE_STR_LEN];
  err_clear(&e);
  if (cli_done(c, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (s_start == NULL) {
    ERR_SET(&e, APP_EINVAL, "schedule: --start is required");
    return cli_fail(&e);
  }
  if (cli_parse_date("--start", s_start, &start, &e) != APP_OK ||
      (s_prog && cli_parse_date("--progression", s_prog, &prog, &e)) ||
      (s_until && cli_parse_date("--until", s_until, &until, &e)) ||
      schedule_build(&c->proto.visits, start, s_prog != NULL, prog, until,
                     &v, &n, &e) != APP_OK) {
    return cli_fail(&e);
  }
  if (json) {
    json_t *o = json_object();
    json_t *arr = json_array();
    for (i = 0; i < n; i++) {
      json_t *x = json_object();
      json_object_set_new(x, "kind", json_string(visit_kind_name(v[i].kind)));
      json_object_set_new(x, "number", json_integer(v[i].number));
      json_object_set_new(x, "target_date", jx_date_str(v[i].target));
      json_object_set_new(x, "window_start", jx_date_str(v[i].window_start));
      json_object_set_new(x, "window_end", jx_date_str(v[i].window_end));
      json_array_append_new(arr, x);
    }
    json_object_set_new(o, "visits", arr);
    cli_print_json(o);
    json_decref(o);
  } else {
    printf("%-11s %3s  %-10s  %-10s  %-10s\n", "kind", "no", "target",
           "window", "to");
    for (i = 0; i < n; i++) {
      date_format(v[i].target, t);
      date_format(v[i].window_start, w0);
      date_format(v[i].window_end, w1);
      printf("%-11s %3d  %s  %s  %s\n", visit_kind_name(v[i].kind),
             v[i].number, t, w0, w1);
    }
    if (n == 0) {
      printf("(no visits due by the end date)\n");
    }
  }
  xfree(v);
  return 0;
}
