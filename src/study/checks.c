/*
** checks.c: edit checks over one patient's records (see checks.h).
*/
#include "checks.h"

#include "dose.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void finding(json_t *out, const char *check, json_int_t record_id,
                    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void finding(json_t *out, const char *check, json_int_t record_id,
                    const char *field, const char *fmt, ...) {
  char text[240];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  json_array_append_new(out, json_pack("{s:s,s:I,s:s,s:s}", "check", check,
                                       "record_id", record_id, "field",
                                       field, "text", text));
}

static const char *kind_of(const json_t *r) {
  const char *k = json_string_value(json_object_get(r, "kind"));
  return k ? k : "";
}

static int get_date(const json_t *data, const char *key, date_t *out) {
  const char *s = json_string_value(json_object_get(data, key));
  return s != NULL && date_parse(s, out) == 0;
}

static const json_t *first_data(const json_t *records, const char *kind) {
  size_t i;
  for (i = 0; i < json_array_size(records); i++) {
    if (strcmp(kind_of(json_array_get(records, i)), kind) == 0) {
      return json_object_get(json_array_get(records, i), "data");
    }
  }
  return NULL;
}

/* Date fields checked against consent and today. */
static const struct {
  const char *kind;
  const char *field;
  int before_consent_ok; /* screening work-up may precede consent */
} date_fields[] = {
  {"screening", "screening_date", 1}, {"baseline_scan", "date", 1},
  {"enrolment", "treatment_start", 0}, {"assessment", "date", 0},
  {"tace", "date", 0},                 {"haic", "date", 0},
  {"pd1_dose", "date", 0},             {"lenvatinib", "date", 0},
  {"adverse_event", "onset_date", 0},  {"adverse_event", "resolution_date", 0},
  {"lab", "date", 1},                  {"new_therapy", "date", 0},
  {"survival_contact", "date", 0},     {"death", "date", 0},
  {"end_of_study", "date", 0},
};

/* Dates after today (plus the protocol's grace) and before consent.  A
** future date is refused at save unless the protocol lets it be warned
** (checks.future_dates_warned); this check raises the query for those, and
** for data saved before the refusal existed. */
static void check_dates(const struct check_rules *cr, const json_t *records,
                        date_t today, json_t *out) {
  const json_t *enrol = first_data(records, "enrolment");
  date_t consent = 0, t;
  int has_consent = enrol && get_date(enrol, "consent_date", &consent);
  size_t i, k;
  for (i = 0; i < json_array_size(records); i++) {
    const json_t *r = json_array_get(records, i);
    const json_t *d = json_object_get(r, "data");
    json_int_t id = json_integer_value(json_object_get(r, "id"));
    for (k = 0; k < sizeof(date_fields) / sizeof(date_fields[0]); k++) {
      if (strcmp(kind_of(r), date_fields[k].kind) != 0 ||
          !get_date(d, date_fields[k].field, &t)) {
        continue;
      }
      if (t > today + cr->future_date_grace_days) {
        finding(out, "date_in_future", id, date_fields[k].field,
                "%s %s is in the future", date_fields[k].kind,
                date_fields[k].field);
      }
      if (has_consent && !date_fields[k].before_consent_ok && t < consent) {
        finding(out, "date_before_consent", id, date_fields[k].field,
                "%s %s is before the consent date", date_fields[k].kind,
                date_fields[k].field);
      }
    }
  }
}

static void check_windows(const json_t *records, const json_t *derived,
                          json_t *out) {
  const json_t *sched = json_object_get(derived, "schedule");
  size_t i, k;
  for (i = 0; i < json_array_size(sched); i++) {
    const json_t *v = json_array_get(sched, i);
    const char *st = json_string_value(json_object_get(v, "status"));
    const char *done = json_string_value(json_object_get(v, "done_date"));
    if (st == NULL || done == NULL ||
        (strcmp(st, "early") != 0 && strcmp(st, "late") != 0)) {
      continue;
    }
    for (k = 0; k < json_array_size(records); k++) {
      const json_t *r = json_array_get(records, k);
      const char *d = json_string_value(
          json_object_get(json_object_get(r, "data"), "date"));
      if (strcmp(kind_of(r), "assessment") == 0 && d != NULL &&
          strcmp(d, done) == 0) {
        finding(out, "visit_window",
                json_integer_value(json_object_get(r, "id")), "date",
                "assessment %" JSON_INTEGER_FORMAT " on %s is %s: the window "
                "is %s to %s",
                json_integer_value(json_object_get(v, "number")), d, st,
                json_string_value(json_object_get(v, "window_start")),
                json_string_value(json_object_get(v, "window_end")));
      }
    }
  }
}

static void check_lenvatinib(const struct protocol *p,
                             const json_t *records, json_t *out) {
  const json_t *base = first_data(records, "baseline");
  double w;
  size_t i;
  if (base == NULL || !json_is_number(json_object_get(base, "weight_kg"))) {
    return;
  }
  w = json_number_value(json_object_get(base, "weight_kg"));
  for (i = 0; i < json_array_size(records); i++) {
    const json_t *r = json_array_get(records, i);
    const json_t *d = json_object_get(r, "data");
    struct dose_result dr;
    struct err e;
    int level;
    double mg;
    const char *sched;
    if (strcmp(kind_of(r), "lenvatinib") != 0 ||
        !json_is_integer(json_object_get(d, "reduction_level"))) {
      continue;
    }
    level = (int)json_integer_value(json_object_get(d, "reduction_level"));
    mg = json_number_value(json_object_get(d, "dose_mg"));
    sched = json_string_value(json_object_get(d, "schedule"));
    err_clear(&e);
    if (dose_compute(&p->dosing, w, level, &dr, &e) != APP_OK) {
      continue;
    }
    if (fabs(mg - dr.lenvatinib_mg) > 1e-9 || sched == NULL ||
        strcmp(sched, dose_schedule_name(dr.lenvatinib_schedule)) != 0) {
      finding(out, "lenvatinib_dose",
              json_integer_value(json_object_get(r, "id")), "dose_mg",
              "lenvatinib %g mg %s does not match %g kg after %d "
              "reduction(s): expected %g mg %s",
              mg, sched ? sched : "?", w, level, dr.lenvatinib_mg,
              dose_schedule_name(dr.lenvatinib_schedule));
    }
  }
}

static void check_pd1(const struct protocol *p, const json_t *records,
                      json_t *out) {
  date_t prev = 0, t;
  int has_prev = 0;
  size_t i;
  int tol = p->checks.pd1_interval_tolerance_days;
  int lo = p->dosing.pd1_interval_days - tol;
  int hi = p->dosing.pd1_interval_days + tol;
  /* Records come in entry order; sort dates by scanning for each next. */
  for (;;) {
    date_t best = 0;
    json_int_t best_id = 0;
    int found = 0;
    for (i = 0; i < json_array_size(records); i++) {
      const json_t *r = json_array_get(records, i);
      if (strcmp(kind_of(r), "pd1_dose") == 0 &&
          get_date(json_object_get(r, "data"), "date", &t) &&
          (!has_prev || t > prev) && (!found || t < best)) {
        best = t;
        best_id = json_integer_value(json_object_get(r, "id"));
        found = 1;
      }
    }
    if (!found) {
      break;
    }
    if (has_prev && (best - prev < lo || best - prev > hi)) {
      finding(out, "pd1_interval", best_id, "date",
              "PD-1 dose %d days after the previous one (protocol: every %d "
              "days, +/- %d)", (int)(best - prev),
              p->dosing.pd1_interval_days,
              p->checks.pd1_interval_tolerance_days);
    }
    prev = best;
    has_prev = 1;
  }
}

static void check_grade5(const json_t *records, json_t *out) {
  size_t i;
  int has_death = first_data(records, "death") != NULL;
  for (i = 0; i < json_array_size(records) && !has_death; i++) {
    const json_t *r = json_array_get(records, i);
    if (strcmp(kind_of(r), "adverse_event") == 0 &&
        json_integer_value(
            json_object_get(json_object_get(r, "data"), "grade")) == 5) {
      finding(out, "grade5_no_death",
              json_integer_value(json_object_get(r, "id")), "grade",
              "a grade 5 adverse event needs a death record");
    }
  }
}

static void check_targets(const struct response_rules *rr,
                          const json_t *records, json_t *out) {
  size_t i, j, k;
  for (i = 0; i < json_array_size(records); i++) {
    const json_t *r = json_array_get(records, i);
    const json_t *tg;
    if (strcmp(kind_of(r), "baseline_scan") != 0) {
      continue;
    }
    tg = json_object_get(json_object_get(r, "data"), "target");
    if (json_array_size(tg) > (size_t)rr->max_targets) {
      finding(out, "target_count",
              json_integer_value(json_object_get(r, "id")), "target",
              "%zu target lesions; at most %d are allowed",
              json_array_size(tg), rr->max_targets);
    }
    for (j = 0; j < json_array_size(tg); j++) {
      const char *organ =
          json_string_value(json_object_get(json_array_get(tg, j), "organ"));
      int n = 0;
      int seen_before = 0;
      for (k = 0; k < json_array_size(tg) && organ; k++) {
        const char *o = json_string_value(
            json_object_get(json_array_get(tg, k), "organ"));
        if (o != NULL && strcmp(o, organ) == 0) {
          n++;
          if (k < j) {
            seen_before = 1;
          }
        }
      }
      if (!seen_before && n > rr->max_targets_per_organ) {
        finding(out, "target_count",
                json_integer_value(json_object_get(r, "id")), "target",
                "%d target lesions in the %s; at most %d per organ", n,
                organ, rr->max_targets_per_organ);
      }
    }
  }
}

/* An enrolled patient whose screening is not eligible: enrolled by an
** investigator's override (the query asks the monitor to review it), or
** the screening changed after the enrolment. */
static void check_enrolment(const json_t *records, const json_t *derived,
                            json_t *out) {
  const json_t *elig = json_object_get(derived, "eligibility");
  size_t i;
  if (json_is_true(json_object_get(elig, "eligible"))) {
    return;
  }
  for (i = 0; i < json_array_size(records); i++) {
    const json_t *r = json_array_get(records, i);
    const json_t *d = json_object_get(r, "data");
    const char *why = json_string_value(json_object_get(d, "override_reason"));
    if (strcmp(kind_of(r), "enrolment") != 0) {
      continue;
    }
    if (json_is_true(json_object_get(d, "eligibility_override"))) {
      finding(out, "enrolment_eligibility",
              json_integer_value(json_object_get(r, "id")),
              "eligibility_override",
              "enrolled by investigator override although not eligible at "
              "screening; reason: %.160s", why ? why : "(none)");
    } else {
      finding(out, "enrolment_eligibility",
              json_integer_value(json_object_get(r, "id")),
              "eligibility_override",
              "enrolled, but the screening is %s",
              json_is_false(json_object_get(elig, "eligible"))
                  ? "not eligible"
                  : "missing or incomplete");
    }
  }
}

/* The assessment record dated date (a string "YYYY-MM-DD"), or 0. */
static json_int_t assessment_id(const json_t *records, const char *date) {
  size_t i;
  for (i = 0; i < json_array_size(records); i++) {
    const json_t *r = json_array_get(records, i);
    const char *d = json_string_value(
        json_object_get(json_object_get(r, "data"), "date"));
    if (strcmp(kind_of(r), "assessment") == 0 && d != NULL &&
        strcmp(d, date) == 0) {
      return json_integer_value(json_object_get(r, "id"));
    }
  }
  return 0;
}

/* An overall CR followed by an overall PR, among the time points that count
** for the best overall response (up to the first PD).  RECIST 1.1 Table 3
** note a: if the CR was true, the later disease is progression; if it was
** not (something was left), the CR should be corrected to a PR.  The data
** decide which, so the derivation does not guess: the PR simply confirms
** nothing (mrecist.c) and this query asks.  It sits on the PR's assessment,
** field "nontarget": after an overall CR every target sum is 0, the nadir
** too, so any viable target is PD and a PR can only be targets CR with a
** non-target present or not evaluated. */
static void check_cr_then_pr(const json_t *records, const json_t *derived,
                             json_t *out) {
  const json_t *tps = json_object_get(json_object_get(derived, "response"),
                                      "timepoints");
  const char *cr_date = NULL;
  size_t i;
  for (i = 0; i < json_array_size(tps); i++) {
    const json_t *tp = json_array_get(tps, i);
    const char *overall = json_string_value(json_object_get(tp, "overall"));
    const char *date = json_string_value(json_object_get(tp, "date"));
    if (overall == NULL || date == NULL) {
      continue;
    }
    if (strcmp(overall, "PD") == 0) {
      break;
    }
    if (strcmp(overall, "CR") == 0 && cr_date == NULL) {
      cr_date = date;
    } else if (strcmp(overall, "PR") == 0 && cr_date != NULL) {
      finding(out, "cr_then_pr", assessment_id(records, date), "nontarget",
              "overall PR on %s after a CR on %s: if the CR was complete "
              "this is progression, if not the CR should be a PR", date,
              cr_date);
    }
  }
}

json_t *checks_run(const struct protocol *p, const json_t *records,
                   const json_t *derived, date_t today) {
  json_t *out = json_array();
  check_dates(&p->checks, records, today, out);
  check_windows(records, derived, out);
  check_lenvatinib(p, records, out);
  check_pd1(p, records, out);
  check_grade5(records, out);
  check_targets(&p->response, records, out);
  check_enrolment(records, derived, out);
  check_cr_then_pr(records, derived, out);
  return out;
}
