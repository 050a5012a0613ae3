/*
** casebook.c: derivations over one patient's records (see casebook.h).
** Everything here calls the same rules as the command line (eligibility,
** schedule, mRECIST, endpoints), never a shortcut.
*/
#include "casebook.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "eligibility.h"
#include "endpoints.h"
#include "mrecist.h"
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

/* The data of the first record of `kind`, or NULL (borrowed). */
static json_t *first_of(const json_t *records, const char *kind) {
  size_t i;
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    if (strcmp(json_string_value(json_object_get(r, "kind")) ?
                   json_string_value(json_object_get(r, "kind")) : "",
               kind) == 0) {
      return json_object_get(r, "data");
    }
  }
  return NULL;
}

static int date_of(const json_t *data, const char *key, date_t *out) {
  const char *s = json_string_value(json_object_get(data, key));
  return s != NULL && date_parse(s, out) == 0;
}

/* Assessments sorted by date (insertion sort: a patient has few). */
static json_t *sorted_assessments(const json_t *records) {
  json_t *arr = json_array();
  size_t i, j;
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    json_t *d = json_object_get(r, "data");
    json_t *a;
    date_t t;
    if (k == NULL || strcmp(k, "assessment") != 0 || !date_of(d, "date", &t)) {
      continue;
    }
    a = json_object();
    json_object_set(a, "date", json_object_get(d, "date"));
    json_object_set_new(a, "target",
                        json_object_get(d, "target")
                            ? json_deep_copy(json_object_get(d, "target"))
                            : json_array());
    json_object_set_new(a, "nontarget",
                        json_object_get(d, "nontarget")
                            ? json_deep_copy(json_object_get(d, "nontarget"))
                            : json_array());
    json_object_set_new(a, "new_lesions",
                        json_object_get(d, "new_lesions")
                            ? json_deep_copy(
                                  json_object_get(d, "new_lesions"))
                            : json_array());
    for (j = json_array_size(arr); j > 0; j--) {
      date_t u;
      date_of(json_array_get(arr, j - 1), "date", &u);
      if (u <= t) {
        break;
      }
    }
    json_array_insert_new(arr, j, a);
  }
  return arr;
}

json_t *casebook_endpoint_input(const json_t *records) {
  json_t *enrol = first_of(records, "enrolment");
  json_t *scan = first_of(records, "baseline_scan");
  json_t *death = first_of(records, "death");
  json_t *doc;
  date_t start, t, alive = 0, therapy = 0;
  int has_alive = 0, has_therapy = 0;
  size_t i;
  static const char *const treatment_kinds[] = {"tace", "haic", "pd1_dose",
                                                "lenvatinib", "assessment",
                                                NULL};
  if (enrol == NULL || !date_of(enrol, "treatment_start", &start)) {
    return NULL;
  }
  doc = json_object();
  json_object_set(doc, "start_date", json_object_get(enrol,
                                                     "treatment_start"));
  if (scan != NULL) {
    json_t *b = json_object();
    json_object_set(b, "date", json_object_get(scan, "date"));
    json_object_set_new(b, "target",
                        json_object_get(scan, "target")
                            ? json_deep_copy(json_object_get(scan, "target"))
                            : json_array());
    json_object_set_new(b, "nontarget",
                        json_object_get(scan, "nontarget")
                            ? json_deep_copy(
                                  json_object_get(scan, "nontarget"))
                            : json_array());
    json_object_set_new(doc, "baseline", b);
  } else {
    json_object_set_new(doc, "baseline", json_null());
  }
  json_object_set_new(doc, "assessments", sorted_assessments(records));
  json_object_set(doc, "death_date",
                  death ? json_object_get(death, "date") : json_null());
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    json_t *d = json_object_get(r, "data");
    int j;
    if (k == NULL) {
      continue;
    }
    if (strcmp(k, "new_therapy") == 0 && date_of(d, "date", &t) &&
        (!has_therapy || t < therapy)) {
      therapy = t;
      has_therapy = 1;
    }
    if (strcmp(k, "survival_contact") == 0 &&
        strcmp(json_string_value(json_object_get(d, "status"))
                   ? json_string_value(json_object_get(d, "status"))
                   : "",
               "alive") == 0 &&
        date_of(d, "date", &t) && (!has_alive || t > alive)) {
      alive = t;
      has_alive = 1;
    }
    for (j = 0; treatment_kinds[j] != NULL; j++) {
      if (strcmp(k, treatment_kinds[j]) == 0 && date_of(d, "date", &t) &&
          (!has_alive || t > alive)) {
        alive = t;
        has_alive = 1;
      }
    }
  }
  json_object_set_new(doc, "new_therapy_date",
                      has_therapy ? jx_date_str(therapy) : json_null());
  json_object_set_new(doc, "last_known_alive",
                      has_alive ? jx_date_str(alive) : json_null());
  json_object_set_new(doc, "cutoff", json_null());
  return doc;
}

static json_t *error_obj(const struct err *e) {
  return json_pack("{s:s}", "error", e->msg);
}

static json_t *derive_eligibility(const struct protocol *p,
                                  const json_t *records) {
  json_t *scr = first_of(records, "screening");
  json_t *copy;
  struct elig_input in;
  struct elig_result res;
  struct err e;
  if (scr == NULL) {
    return json_null();
  }
  err_clear(&e);
  copy = json_deep_copy(scr);
  json_object_del(copy, "screening_date");
  if (eligibility_from_json(copy, &in, &e) != APP_OK) {
    json_decref(copy);
    return error_obj(&e);
  }
  json_decref(copy);
  eligibility_check(&p->elig, &in, &res);
  return eligibility_to_json(&res);
}

/* Schedule with window status: "done" (a scan in the window), "late" or
** "early" (the nearest scan outside the window but before the next visit's
** window), "missed" (window passed, no scan), "due" (window open now),
** "planned" (future). */
static json_t *derive_schedule(const struct protocol *p,
                               const json_t *records, const json_t *mr,
                               date_t today) {
  json_t *enrol = first_of(records, "enrolment");
  json_t *scans, *out;
  struct visit *v = NULL;
  size_t n = 0, i, k;
  date_t start, prog = 0;
  int has_prog = 0;
  struct err e;
  if (enrol == NULL || !date_of(enrol, "treatment_start", &start)) {
    return json_null();
  }
  if (mr != NULL && json_is_string(json_object_get(mr, "progression_date"))) {
    has_prog = date_of(mr, "progression_date", &prog);
  }
  err_clear(&e);
  if (schedule_build(&p->visits, start, has_prog, prog,
                     p->study_completion > start ? p->study_completion
                                                 : start,
                     &v, &n, &e) != APP_OK) {
    return error_obj(&e);
  }
  scans = sorted_assessments(records);
  out = json_array();
  for (i = 0; i < n; i++) {
    const char *status = "planned";
    json_t *x = json_object();
    json_t *done_date = json_null();
    if (v[i].kind == VISIT_ASSESSMENT) {
      date_t best = 0;
      int found = 0;
      date_t lo = v[i].target - p->visits.assess_interval_days / 2;
      date_t hi = v[i].target + p->visits.assess_interval_days / 2;
      for (k = 0; k < json_array_size(scans); k++) {
        date_t t;
        date_of(json_array_get(scans, k), "date", &t);
        if (t >= lo && t < hi &&
            (!found || labs(t - v[i].target) < labs(best - v[i].target))) {
          best = t;
          found = 1;
        }
      }
      if (found) {
        status = schedule_in_window(&v[i], best)
                     ? "done"
                     : (best < v[i].window_start ? "early" : "late");
        done_date = jx_date_str(best);
      } else if (today > v[i].window_end) {
        status = "missed";
      } else if (today >= v[i].window_start) {
        status = "due";
      }
    } else if (today > v[i].window_end) {
      status = "past";
    } else if (today >= v[i].window_start) {
      status = "due";
    }
    json_object_set_new(x, "kind", json_string(visit_kind_name(v[i].kind)));
    json_object_set_new(x, "number", json_integer(v[i].number));
    json_object_set_new(x, "target_date", jx_date_str(v[i].target));
    json_object_set_new(x, "window_start", jx_date_str(v[i].window_start));
    json_object_set_new(x, "window_end", jx_date_str(v[i].window_end));
    json_object_set_new(x, "status", json_string(status));
    json_object_set_new(x, "done_date", done_date);
    json_array_append_new(out, x);
    if (v[i].target > today + 365) {
      break; /* a year ahead is enough for a casebook */
    }
  }
  json_decref(scans);
  xfree(v);
  return out;
}

json_t *casebook_derive(const struct protocol *p, const json_t *records,
                        date_t today) {
  json_t *out = json_object();
  json_t *doc = casebook_endpoint_input(records);
  json_t *mr_json = NULL;
  struct mr_options o;
  struct err e;
  mr_options_from_protocol(&p->response, &o);
  json_object_set_new(out, "eligibility", derive_eligibility(p, records));
  if (doc != NULL && json_is_object(json_object_get(doc, "baseline"))) {
    struct mr_input in;
    struct mr_result r;
    err_clear(&e);
    if (mr_input_from_json(doc, true, &in, &e) == APP_OK &&
        mrecist_evaluate(&in, &o, &r, &e) == APP_OK) {
      mr_json = mr_result_to_json(&r);
      mr_result_free(&r);
    } else {
      mr_json = error_obj(&e);
    }
    mr_input_free(&in);
  }
  json_object_set_new(out, "schedule",
                      derive_schedule(p, records, mr_json, today));
  json_object_set_new(out, "response", mr_json ? mr_json : json_null());
  if (doc != NULL) {
    struct ep_input in;
    struct ep_result r;
    err_clear(&e);
    if (endpoints_input_from_json(doc, &in, &e) == APP_OK &&
        endpoints_derive(&in, &o, p->endpoints.pfs_max_gap_days, &r, &e) ==
            APP_OK) {
      json_object_set_new(out, "endpoints", endpoints_result_to_json(&r));
    } else {
      json_object_set_new(out, "endpoints", error_obj(&e));
    }
    endpoints_input_free(&in);
    json_decref(doc);
  } else {
    json_object_set_new(out, "endpoints", json_null());
  }
  return out;
}
