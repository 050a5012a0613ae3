/*
** km_json.c: one Kaplan-Meier curve as the JSON of `stats km --json` (the
** command's contract), shared by the command and the analysis routes.
*/
#include "km_json.h"

#include "../core/jsonx.h"

json_t *report_km_json(const struct km_curve *c, const char *label,
                             double rmst, double rmst_se, double tau,
                             const double *times, int n_times) {
  json_t *o = json_object();
  json_t *tab = json_array();
  json_t *at = json_array();
  int64_t k;
  int i;
  json_object_set_new(o, "group", json_string(label));
  json_object_set_new(o, "n", json_integer((json_int_t)c->n));
  json_object_set_new(o, "events", json_real(c->events));
  json_object_set_new(o, "median", jx_real_or_null(c->median));
  json_object_set_new(o, "median_lower", jx_real_or_null(c->median_lower));
  json_object_set_new(o, "median_upper", jx_real_or_null(c->median_upper));
  json_object_set_new(o, "rmst", jx_real_or_null(rmst));
  json_object_set_new(o, "rmst_se", jx_real_or_null(rmst_se));
  json_object_set_new(o, "rmst_tau", jx_real_or_null(tau));
  {
    static const double probs[] = {0.25, 0.5, 0.75};
    json_t *qs = json_array();
    for (i = 0; i < 3; i++) {
      json_t *q = json_object();
      json_object_set_new(q, "p", json_real(probs[i]));
      json_object_set_new(q, "time",
                          jx_real_or_null(km_quantile_r(c, c->surv, probs[i])));
      json_object_set_new(
          q, "lower", jx_real_or_null(km_quantile_r(c, c->lower, probs[i])));
      json_object_set_new(
          q, "upper", jx_real_or_null(km_quantile_r(c, c->upper, probs[i])));
      json_array_append_new(qs, q);
    }
    json_object_set_new(o, "quantiles", qs);
  }
  for (k = 0; k < c->n_times; k++) {
    json_t *r = json_object();
    json_object_set_new(r, "time", json_real(c->time[k]));
    json_object_set_new(r, "n_risk", json_real(c->n_risk[k]));
    json_object_set_new(r, "n_event", json_real(c->n_event[k]));
    json_object_set_new(r, "n_censor", json_real(c->n_censor[k]));
    json_object_set_new(r, "surv", jx_real_or_null(c->surv[k]));
    json_object_set_new(r, "std_err", jx_real_or_null(c->std_err[k]));
    json_object_set_new(r, "lower", jx_real_or_null(c->lower[k]));
    json_object_set_new(r, "upper", jx_real_or_null(c->upper[k]));
    json_array_append_new(tab, r);
  }
  json_object_set_new(o, "table", tab);
  for (i = 0; i < n_times; i++) {
    json_t *r = json_object();
    double nr, s, se, lo, hi;
    km_at(c, times[i], &nr, &s, &se, &lo, &hi);
    json_object_set_new(r, "time", json_real(times[i]));
    json_object_set_new(r, "n_risk", json_real(nr));
    json_object_set_new(r, "surv", jx_real_or_null(s));
    json_object_set_new(r, "std_err", jx_real_or_null(se));
    json_object_set_new(r, "lower", jx_real_or_null(lo));
    json_object_set_new(r, "upper", jx_real_or_null(hi));
    json_array_append_new(at, r);
  }
  json_object_set_new(o, "at_times", at);
  return o;
}

