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

#include <stdio.h>
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

/* The earliest date of `field` over the records of `kind` into *out;
** returns whether there is one. */
static int earliest_of(const json_t *records, const char *kind,
                       const char *field, date_t *out) {
  size_t i;
  int found = 0;
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    const char *k = json_string_value(json_object_get(r, "kind"));
    date_t t;
    if (k != NULL && strcmp(k, kind) == 0 &&
        date_of(json_object_get(r, "data"), field, &t) &&
        (!found || t < *out)) {
      *out = t;
      found = 1;
    }
  }
  return found;
}

/* The dates of the records that answer a visit of kind k, by date: tumour
** assessments for assessment visits; survival contacts and the death
** record (the vital status is then known) for survival visits.  Caller
** xfree()s *out. */
static void visit_evidence(const json_t *records, enum visit_kind k,
                           date_t **out, size_t *n) {
  size_t i, j, used = 0;
  date_t *d = xmallocarray(json_array_size(records) + 1, sizeof(*d));
  for (i = 0; i < json_array_size(records); i++) {
    json_t *r = json_array_get(records, i);
    const char *kind = json_string_value(json_object_get(r, "kind"));
    date_t t;
    if (kind == NULL || !date_of(json_object_get(r, "data"), "date", &t)) {
      continue;
    }
    if (k == VISIT_ASSESSMENT ? strcmp(kind, "assessment") != 0
                              : strcmp(kind, "survival_contact") != 0 &&
                                    strcmp(kind, "death") != 0) {
      continue;
    }
    for (j = used; j > 0 && d[j - 1] > t; j--) {
      d[j] = d[j - 1];
    }
    d[j] = t;
    used++;
  }
  *out = d;
  *n = used;
}

/* Schedule with window status.  Each visit is matched to the record of its
** kind nearest its target day within half an interval either side (the
** ranges of consecutive visits do not overlap, so a record answers at most
** one visit): "done" (in the window), "early" or "late" (outside it), with
** done_date; without one, "missed" (window passed), "due" (window open
** today) or "planned".  Tumour assessments are due from treatment start
** until progression or the first new antitumor therapy, survival contacts
** from then on (protocol: "after progression or new therapy").  Follow-up
** ends at death, at the end of study (completion, withdrawal, loss to
** follow-up, ...) or at the study's completion date, whichever is first:
** no visit whose target day is after the end is listed, and records dated
** after the end answer none. */
static json_t *derive_schedule(const struct protocol *p,
                               const json_t *records, const json_t *mr,
                               date_t today) {
  json_t *enrol = first_of(records, "enrolment");
  json_t *out;
  struct visit *v = NULL;
  date_t *ev[2] = {NULL, NULL};
  size_t n_ev[2] = {0, 0};
  size_t n = 0, i, k;
  date_t start, sw = 0, end, t;
  int has_sw = 0;
  int beyond[2] = {0, 0};
  struct err e;
  if (enrol == NULL || !date_of(enrol, "treatment_start", &start)) {
    return json_null();
  }
  if (mr != NULL && json_is_string(json_object_get(mr, "progression_date"))) {
    has_sw = date_of(mr, "progression_date", &sw);
  }
  if (earliest_of(records, "new_therapy", "date", &t) && t >= start &&
      (!has_sw || t < sw)) {
    sw = t;
    has_sw = 1;
  }
  end = p->study_completion > start ? p->study_completion : start;
  if (earliest_of(records, "death", "date", &t) && t < end) {
    end = t;
  }
  if (earliest_of(records, "end_of_study", "date", &t) && t < end) {
    end = t;
  }
  if (end < start) {
    end = start; /* an end dated before the start: nothing is due */
  }
  if (has_sw && sw > end) {
    has_sw = 0;
  }
  err_clear(&e);
  if (schedule_build(&p->visits, start, has_sw, sw, end, &v, &n, &e) !=
      APP_OK) {
    return error_obj(&e);
  }
  visit_evidence(records, VISIT_ASSESSMENT, &ev[0], &n_ev[0]);
  visit_evidence(records, VISIT_SURVIVAL, &ev[1], &n_ev[1]);
  out = json_array();
  for (i = 0; i < n; i++) {
    const char *status = "planned";
    json_t *x;
    json_t *done_date = json_null();
    int kind = v[i].kind == VISIT_ASSESSMENT ? 0 : 1;
    int half = (kind == 0 ? p->visits.assess_interval_days
                          : p->visits.survival_interval_days) / 2;
    date_t best = 0;
    int found = 0;
    if (beyond[kind]) {
      continue; /* a year ahead is enough for a casebook */
    }
    for (k = 0; k < n_ev[kind]; k++) {
      date_t d = ev[kind][k];
      if (d >= v[i].target - half && d < v[i].target + half && d <= end &&
          (!found || labs(d - v[i].target) < labs(best - v[i].target))) {
        best = d;
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
    x = json_object();
    json_object_set_new(x, "kind", json_string(visit_kind_name(v[i].kind)));
    json_object_set_new(x, "number", json_integer(v[i].number));
    json_object_set_new(x, "target_date", jx_date_str(v[i].target));
    json_object_set_new(x, "window_start", jx_date_str(v[i].window_start));
    json_object_set_new(x, "window_end", jx_date_str(v[i].window_end));
    json_object_set_new(x, "status", json_string(status));
    json_object_set_new(x, "done_date", done_date);
    json_array_append_new(out, x);
    beyond[kind] = v[i].target > today + 365;
  }
  xfree(ev[0]);
  xfree(ev[1]);
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

void casebook_open_visits(const json_t *schedule, date_t today,
                          json_int_t *overdue, json_int_t *due_soon) {
  size_t i;
  *overdue = 0;
  *due_soon = 0;
  for (i = 0; i < json_array_size(schedule); i++) {
    json_t *v = json_array_get(schedule, i);
    date_t begin, end;
    if (!json_is_null(json_object_get(v, "done_date")) ||
        !date_of(v, "window_start", &begin) ||
        !date_of(v, "window_end", &end)) {
      continue;
    }
    if (end < today) {
      (*overdue)++;
    } else if (begin <= today + CASEBOOK_DUE_DAYS) {
      (*due_soon)++;
    }
  }
}

/* Append a problem on field `name` (NULL: the record, ctx) and, when it
** is the first, set e (ERR_FIELD). */
static void enrol_problem(json_t *problems, const char *ctx,
                          const char *name, const char *msg, int *n,
                          struct err *e) {
  char path[200];
  if (name == NULL) {
    snprintf(path, sizeof(path), "%s", ctx[0] ? ctx : "data");
  } else {
    jx_path(path, sizeof(path), ctx, name);
  }
  if (problems != NULL) {
    json_array_append_new(problems, json_pack("{s:s,s:s}", "field", path,
                                              "message", msg));
  }
  if ((*n)++ == 0) {
    ERR_FIELD(e, APP_EINVAL, path, "%s: %s", path, msg);
  }
}

int casebook_enrolment_check(const struct protocol *p, const json_t *records,
                             const json_t *enrolment, bool may_override,
                             const char *ctx, json_t *problems,
                             struct err *e) {
  json_t *elig = derive_eligibility(p, records);
  json_t *failed = json_object_get(elig, "failed");
  const char *why_s = json_string_value(json_object_get(elig, "error"));
  const char *reason =
      json_string_value(json_object_get(enrolment, "override_reason"));
  char why[400];
  size_t i;
  int n = 0;
  if (json_is_true(json_object_get(elig, "eligible"))) {
    json_decref(elig);
    return APP_OK;
  }
  /* Why not: the failed criteria, the missing answers, or no screening. */
  if (json_is_null(elig)) {
    snprintf(why, sizeof(why), "there is no screening record");
  } else if (why_s != NULL) {
    snprintf(why, sizeof(why), "the screening cannot be judged (%s)", why_s);
  } else if (json_array_size(failed) > 0) {
    size_t used = (size_t)snprintf(why, sizeof(why), "not eligible at "
                                   "screening:");
    for (i = 0; i < json_array_size(failed) && used < sizeof(why); i++) {
      json_t *f = json_array_get(failed, i);
      used += (size_t)snprintf(why + used, sizeof(why) - used, "%s %s",
                               i ? ";" : "",
                               json_string_value(json_object_get(f,
                                                                 "reason")));
    }
  } else {
    snprintf(why, sizeof(why), "the screening is incomplete (%zu "
             "criteria not answered)",
             json_array_size(json_object_get(elig, "missing")));
  }
  json_decref(elig);
  if (!p->enrolment.override_allowed) {
    char msg[480];
    snprintf(msg, sizeof(msg), "enrolment refused: %s (only an eligible "
             "patient may be enrolled)", why);
    enrol_problem(problems, ctx, NULL, msg, &n, e);
    return APP_EINVAL;
  }
  if (!json_is_true(json_object_get(enrolment, "eligibility_override"))) {
    char msg[480];
    snprintf(msg, sizeof(msg), "enrolment refused: %s; an investigator may "
             "enrol by override, with a reason", why);
    enrol_problem(problems, ctx, "eligibility_override", msg, &n, e);
    return APP_EINVAL;
  }
  if (!may_override) {
    enrol_problem(problems, ctx, "eligibility_override",
                  "only an investigator may enrol a patient who is not "
                  "eligible", &n, e);
  }
  if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
    enrol_problem(problems, ctx, "override_reason",
                  "required to enrol a patient who is not eligible", &n, e);
  }
  return n > 0 ? APP_EINVAL : APP_OK;
}

bool casebook_in_population(const struct protocol *p, const char *status,
                            const json_t *derived) {
  if (status == NULL || (strcmp(status, "enrolled") != 0 &&
                         strcmp(status, "off_study") != 0)) {
    return false;
  }
  return p->enrolment.population == POP_ENROLLED ||
         json_is_true(json_object_get(json_object_get(derived, "eligibility"),
                                      "eligible"));
}
