/*
** cmd_response.c: the mrecist and endpoints commands.
**
** Thin front ends over study/mrecist.c and study/endpoints.c: read the JSON
** document (stdin or --input FILE), take the protocol's response rules with
** the input's "options" on top, derive, and print a readable table or, with
** --json, the JSON contract of docs/response-and-endpoints.md.  Bad input
** exits 2 with a message naming the field; unknown keys only warn (so a
** typo such as "equivocl" is visible rather than silently ignored).
*/
#include "commands.h"

#include <math.h>
#include <stdio.h>

#include "../study/endpoints.h"
#include "../study/mrecist.h"

/* Keys known at each level of the input, for typo warnings. */
static const char *const resp_mrecist_keys[] = {
  "start_date", "baseline", "assessments", "options", NULL};
static const char *const resp_endpoints_keys[] = {
  "start_date", "baseline", "assessments", "options", "death_date",
  "new_therapy_date", "last_known_alive", "cutoff", NULL};
static const char *const resp_option_keys[] = {
  "confirm", "confirm_min_days", "sd_min_days", "pd_abs_min_mm",
  "max_ne_between_confirmations", "accept_sd_between_confirmations",
  "nontarget_reappearance_after_cr", NULL};
static const char *const resp_baseline_keys[] = {"date", "target",
                                                 "nontarget", NULL};
static const char *const resp_btarget_keys[] = {"id", "organ", "viable_mm",
                                                NULL};
static const char *const resp_bnontarget_keys[] = {"id", "kind", NULL};
static const char *const resp_assess_keys[] = {"date", "target", "nontarget",
                                               "new_lesions", NULL};
static const char *const resp_atarget_keys[] = {"id", "viable_mm", NULL};
static const char *const resp_anontarget_keys[] = {"id", "status", NULL};
static const char *const resp_new_keys[] = {
  "id", "site", "diameter_mm", "typical", "short_axis_mm",
  "cytology_positive", "equivocal", NULL};

/* Warn about unknown keys of every object in the array at key of obj. */
static void resp_warn_array(const json_t *obj, const char *key,
                            const char *ctx, const char *const *known) {
  json_t *arr = json_object_get(obj, key);
  char path[128];
  size_t i;
  if (!json_is_array(arr)) {
    return;
  }
  for (i = 0; i < json_array_size(arr); i++) {
    json_t *el = json_array_get(arr, i);
    if (json_is_object(el)) {
      snprintf(path, sizeof(path), "%s%s%s[%zu]", ctx, ctx[0] ? "." : "",
               key, i);
      cli_warn_unknown_keys(el, known, path);
    }
  }
}

/* Warn about unknown keys anywhere in a (successfully read) input. */
static void resp_warn_keys(const json_t *doc, bool is_endpoints) {
  json_t *v;
  json_t *arr;
  size_t k;
  char ctx[64];
  cli_warn_unknown_keys(
      doc, is_endpoints ? resp_endpoints_keys : resp_mrecist_keys, "");
  v = json_object_get(doc, "options");
  if (json_is_object(v)) {
    cli_warn_unknown_keys(v, resp_option_keys, "options");
  }
  v = json_object_get(doc, "baseline");
  if (json_is_object(v)) {
    cli_warn_unknown_keys(v, resp_baseline_keys, "baseline");
    resp_warn_array(v, "target", "baseline", resp_btarget_keys);
    resp_warn_array(v, "nontarget", "baseline", resp_bnontarget_keys);
  }
  arr = json_object_get(doc, "assessments");
  for (k = 0; json_is_array(arr) && k < json_array_size(arr); k++) {
    v = json_array_get(arr, k);
    snprintf(ctx, sizeof(ctx), "assessments[%zu]", k);
    cli_warn_unknown_keys(v, resp_assess_keys, ctx);
    resp_warn_array(v, "target", ctx, resp_atarget_keys);
    resp_warn_array(v, "nontarget", ctx, resp_anontarget_keys);
    resp_warn_array(v, "new_lesions", ctx, resp_new_keys);
  }
}

/* Print a percentage column ("-" when unknown). */
static void resp_print_pct(double x) {
  if (isnan(x)) {
    printf("  %8s", "-");
  } else {
    printf("  %+7.1f%%", x);
  }
}

/* The readable table of an mRECIST result. */
static void resp_print_mrecist(const struct mr_result *r,
                               const struct mr_options *o) {
  char d[DATE_STR_LEN];
  const char *s;
  int k;
  printf("mRECIST (confirmation %s, SD from day %d)\n",
         o->confirm ? "required" : "not required", o->sd_min_days);
  printf("%-10s  %8s  %8s  %8s  %-6s  %-13s  %-3s  %s\n", "date", "sum_mm",
         "vs_base", "vs_nadir", "target", "nontarget", "new", "overall");
  for (k = 0; k < r->n_timepoints; k++) {
    const struct mr_timepoint *t = &r->timepoints[k];
    date_format(t->date, d);
    printf("%-10s", d);
    if (t->has_sum) {
      printf("  %8.1f", (double)t->sum_dmm / 10.0);
    } else {
      printf("  %8s", "-");
    }
    resp_print_pct(t->change_baseline_pct);
    resp_print_pct(t->change_nadir_pct);
    s = mr_resp_name(t->target);
    printf("  %-6s", s ? s : "-");
    s = mr_resp_name(t->nontarget);
    printf("  %-13s", s ? s : "-");
    printf("  %-3s  %s%s\n", t->has_new_lesion ? "yes" : "no",
           mr_resp_name(t->overall),
           t->is_backdated ? " (back-dated new lesion)" : "");
  }
  printf("best overall response: %s%s\n", mr_resp_name(r->best),
         r->confirmed < 0 ? ""
                          : (r->confirmed ? " (confirmed)"
                                          : " (CR/PR seen, not confirmed)"));
  if (r->has_progression) {
    date_format(r->progression_date, d);
    printf("progression date: %s\n", d);
  } else {
    printf("progression date: -\n");
  }
}

/* Read the input document and the options shared by both commands.  On
** failure returns the exit status (message printed); *doc is NULL. */
static int resp_begin(struct cli *c, bool *json, json_t **doc,
                      struct mr_options *o, struct err *e) {
  const char *input;
  *json = cli_flag(c, "--json");
  input = cli_opt(c, "--input");
  *doc = NULL;
  mr_options_from_protocol(&c->proto.response, o);
  if (cli_done(c, e) != APP_OK || cli_read_json(input, doc, e) != APP_OK ||
      mr_options_from_json(*doc, o, e) != APP_OK) {
    json_decref(*doc);
    *doc = NULL;
    return cli_fail(e);
  }
  return 0;
}

int cmd_mrecist(struct cli *c) {
  struct err e;
  struct mr_options o;
  struct mr_input in;
  struct mr_result r;
  json_t *doc;
  bool json;
  int rc;
  err_clear(&e);
  rc = resp_begin(c, &json, &doc, &o, &e);
  if (doc == NULL) {
    return rc;
  }
  if (mr_input_from_json(doc, true, &in, &e) != APP_OK ||
      mrecist_evaluate(&in, &o, &r, &e) != APP_OK) {
    mr_input_free(&in);
    json_decref(doc);
    return cli_fail(&e);
  }
  resp_warn_keys(doc, false);
  if (json) {
    json_t *out = mr_result_to_json(&r);
    cli_print_json(out);
    json_decref(out);
  } else {
    resp_print_mrecist(&r, &o);
  }
  mr_result_free(&r);
  mr_input_free(&in);
  json_decref(doc);
  return 0;
}

/* One row of the endpoints table. */
static void resp_print_time(const char *name, const struct ep_time *t) {
  char d[DATE_STR_LEN];
  date_format(t->date, d);
  printf("%-8s  %-8s  %-10s  %6d  %s\n", name,
         t->is_event ? "event" : "censored", d, t->days, t->reason);
}

int cmd_endpoints(struct cli *c) {
  struct err e;
  struct mr_options o;
  struct ep_input in;
  struct ep_result r;
  json_t *doc;
  bool json;
  int rc;
  err_clear(&e);
  rc = resp_begin(c, &json, &doc, &o, &e);
  if (doc == NULL) {
    return rc;
  }
  if (endpoints_input_from_json(doc, &in, &e) != APP_OK ||
      endpoints_derive(&in, &o, c->proto.endpoints.pfs_max_gap_days, &r,
                       &e) != APP_OK) {
    endpoints_input_free(&in);
    json_decref(doc);
    return cli_fail(&e);
  }
  resp_warn_keys(doc, true);
  if (json) {
    json_t *out = endpoints_result_to_json(&r);
    cli_print_json(out);
    json_decref(out);
  } else {
    printf("%-8s  %-8s  %-10s  %6s  %s\n", "endpoint", "status", "date",
           "days", "reason");
    resp_print_time("PFS", &r.pfs);
    resp_print_time("OS", &r.os);
    printf("best overall response: %s\n", mr_resp_name(r.best));
  }
  endpoints_input_free(&in);
  json_decref(doc);
  return 0;
}
