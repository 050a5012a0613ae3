/*
** schedule.c: visit schedule with windows (see schedule.h).  Visits are
** generated arithmetically (start + k*interval), so the cost is linear in
** the number of visits listed.
*/
#include "schedule.h"

#include "../core/mem.h"

const char *visit_kind_name(enum visit_kind k) {
  return k == VISIT_ASSESSMENT ? "assessment" : "survival";
}

bool schedule_in_window(const struct visit *v, date_t date) {
  return date >= v->window_start && date <= v->window_end;
}

int schedule_build(const struct visit_rules *r, date_t start,
                   bool has_progression, date_t progression, date_t until,
                   struct visit **out, size_t *n, struct err *e) {
  size_t cap = 16;
  size_t used = 0;
  struct visit *v;
  date_t last_assessment = until;
  int k;
  char ds[DATE_STR_LEN], ps[DATE_STR_LEN];
  *out = NULL;
  *n = 0;
  if (until < start) {
    date_format(until, ds);
    date_format(start, ps);
    return ERR_FIELD(e, APP_EINVAL, "--until",
                     "--until: %s is before --start %s", ds, ps);
  }
  if (has_progression && progression < start) {
    date_format(progression, ds);
    date_format(start, ps);
    return ERR_FIELD(e, APP_EINVAL, "--progression",
                     "--progression: %s is before --start %s", ds, ps);
  }
  if (has_progression && progression < last_assessment) {
    last_assessment = progression;
  }
  v = xmallocarray(cap, sizeof(*v));
  for (k = 1;; k++) {
    date_t t = start + (date_t)k * r->assess_interval_days;
    if (t > last_assessment) {
      break;
    }
    if (used == cap) {
      cap *= 2;
      v = xreallocarray(v, cap, sizeof(*v));
    }
    v[used].kind = VISIT_ASSESSMENT;
    v[used].number = k;
    v[used].target = t;
    v[used].window_start = t - r->assess_window_days;
    v[used].window_end = t + r->assess_window_days;
    used++;
  }
  for (k = 1; has_progression; k++) {
    date_t t = progression + (date_t)k * r->survival_interval_days;
    if (t > until) {
      break;
    }
    if (used == cap) {
      cap *= 2;
      v = xreallocarray(v, cap, sizeof(*v));
    }
    v[used].kind = VISIT_SURVIVAL;
    v[used].number = k;
    v[used].target = t;
    v[used].window_start = t - r->survival_window_days;
    v[used].window_end = t + r->survival_window_days;
    used++;
  }
  *out = v;
  *n = used;
  return APP_OK;
}
