/*
** endpoints.c: PFS and OS with the FDA censoring rules (see endpoints.h and
** docs/response-and-endpoints.md).
**
** Why here: the same derivation serves the command line, the web API, the
** stored derived values and the simulator, so the censoring rules exist
** once.  Order of the PFS rules (first that applies wins): no baseline; new
** therapy before the event; event after a gap longer than pfs_max_gap_days
** since the last adequate assessment; event; no event.
**
** Invariants: the data cut-off is applied first (assessments, death, new
** therapy and last contact after it are ignored), then mRECIST runs on the
** remaining assessments, so a back-dated progression needs its confirmation
** on or before the cut-off.  An adequate assessment is a time point whose
** overall response is not NE.  days = date - start_date.
*/
#include "endpoints.h"

#include <stdint.h>
#include <string.h>

#include "../core/jsonx.h"

/* Optional nullable date at key of root into *has / *out. */
static int ep_json_date(const json_t *root, const char *key, bool *has,
                        date_t *out, struct err *e) {
  int rc = jx_date(root, key, "", out, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  *has = rc == 1;
  return APP_OK;
}

int endpoints_input_from_json(const json_t *root, struct ep_input *in,
                              struct err *e) {
  memset(in, 0, sizeof(*in));
  if (mr_input_from_json(root, false, &in->mr, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (ep_json_date(root, "death_date", &in->has_death, &in->death_date, e) ||
      ep_json_date(root, "new_therapy_date", &in->has_new_therapy,
                   &in->new_therapy_date, e) ||
      ep_json_date(root, "last_known_alive", &in->has_last_alive,
                   &in->last_known_alive, e) ||
      ep_json_date(root, "cutoff", &in->has_cutoff, &in->cutoff, e)) {
    return APP_EINVAL;
  }
  return APP_OK;
}

void endpoints_input_free(struct ep_input *in) {
  mr_input_free(&in->mr);
}

/* Fill *t. */
static void ep_set(struct ep_time *t, bool is_event, date_t d, date_t start,
                   const char *reason) {
  t->is_event = is_event;
  t->date = d;
  t->days = (int)(d - start);
  t->reason = reason;
}

/* Date of the last adequate (non-NE) time point of r before limit (or on
** it when inclusive); start when there is none. */
static date_t ep_last_adequate(const struct mr_result *r, date_t limit,
                               bool inclusive, date_t start) {
  date_t last = start;
  int k;
  for (k = 0; k < r->n_timepoints; k++) {
    const struct mr_timepoint *t = &r->timepoints[k];
    bool in_range = inclusive ? t->date <= limit : t->date < limit;
    if (in_range && t->overall != MR_NE) {
      last = t->date;
    }
  }
  return last;
}

/* Input checks beyond the mRECIST ones. */
static int ep_validate(const struct ep_input *in, struct err *e) {
  const struct mr_input *mr = &in->mr;
  if (mrecist_validate(mr, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (in->has_death && in->death_date < mr->start_date) {
    return ERR_FIELD(e, APP_EINVAL, "death_date",
                     "death_date: before start_date");
  }
  if (in->has_death && mr->n_assessments > 0 &&
      in->death_date < mr->assessments[mr->n_assessments - 1].date) {
    return ERR_FIELD(e, APP_EINVAL, "death_date",
                     "death_date: before assessments[%d].date",
                     mr->n_assessments - 1);
  }
  if (in->has_cutoff && in->cutoff < mr->start_date) {
    return ERR_FIELD(e, APP_EINVAL, "cutoff", "cutoff: before start_date");
  }
  return APP_OK;
}

/* OS: death (within the cut-off) is the event; otherwise censored at the
** latest of last known alive, the last assessment and start, capped at the
** cut-off. */
static void ep_os(const struct ep_input *in, int n_used, struct ep_time *os) {
  const struct mr_input *mr = &in->mr;
  date_t start = mr->start_date;
  date_t latest = start;
  if (in->has_death && (!in->has_cutoff || in->death_date <= in->cutoff)) {
    ep_set(os, true, in->death_date, start, EP_REASON_DEATH);
    return;
  }
  if (in->has_last_alive && in->last_known_alive > latest) {
    latest = in->last_known_alive;
  }
  if (n_used > 0 && mr->assessments[n_used - 1].date > latest) {
    latest = mr->assessments[n_used - 1].date;
  }
  if (in->has_death && in->death_date > latest) {
    latest = in->death_date; /* only reached when death is after cut-off */
  }
  if (in->has_cutoff && latest > in->cutoff) {
    ep_set(os, false, in->cutoff, start, EP_REASON_ALIVE_CUTOFF);
  } else {
    ep_set(os, false, latest, start, EP_REASON_ALIVE);
  }
}

/* PFS given the mRECIST result r within the cut-off (NULL: no usable
** baseline: absent, after the cut-off, or without any lesion). */
static void ep_pfs(const struct ep_input *in, const struct mr_result *r,
                   int pfs_max_gap_days, struct ep_time *pfs) {
  date_t start = in->mr.start_date;
  bool has_death = in->has_death &&
                   (!in->has_cutoff || in->death_date <= in->cutoff);
  bool has_nt = in->has_new_therapy &&
                (!in->has_cutoff || in->new_therapy_date <= in->cutoff);
  bool has_event;
  bool is_pd = false;
  date_t ev = 0;
  date_t last;
  if (r == NULL) {
    ep_set(pfs, false, start, start, EP_REASON_NO_BASELINE);
    return;
  }
  if (r->has_progression) {
    ev = r->progression_date;
    is_pd = true;
  }
  if (has_death && (!is_pd || in->death_date < ev)) {
    ev = in->death_date;
    is_pd = false;
  }
  has_event = r->has_progression || has_death;
  if (has_nt && (!has_event || in->new_therapy_date < ev)) {
    last = ep_last_adequate(r, in->new_therapy_date, true, start);
    ep_set(pfs, false, last, start, EP_REASON_NEW_THERAPY);
    return;
  }
  if (!has_event) {
    last = ep_last_adequate(r, INT32_MAX, true, start);
    ep_set(pfs, false, last, start, EP_REASON_NO_EVENT);
    return;
  }
  last = ep_last_adequate(r, ev, false, start);
  if (ev - last > pfs_max_gap_days) {
    ep_set(pfs, false, last, start, EP_REASON_MISSED);
    return;
  }
  ep_set(pfs, true, ev, start,
         is_pd ? EP_REASON_PROGRESSION : EP_REASON_DEATH);
}

int endpoints_derive(const struct ep_input *in, const struct mr_options *o,
                     int pfs_max_gap_days, struct ep_result *out,
                     struct err *e) {
  const struct mr_input *mr = &in->mr;
  struct mr_input cut;
  struct mr_result res;
  bool has_res = false;
  bool has_lesions = mr->n_targets > 0 || mr->n_nontargets > 0;
  int n_used = mr->n_assessments;
  memset(out, 0, sizeof(*out));
  memset(&res, 0, sizeof(res));
  if (ep_validate(in, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (in->has_cutoff) {
    while (n_used > 0 && mr->assessments[n_used - 1].date > in->cutoff) {
      n_used--;
    }
  }
  out->best = MR_NE;
  if (mr->has_baseline &&
      (!in->has_cutoff || mr->baseline_date <= in->cutoff)) {
    cut = *mr;
    cut.n_assessments = n_used;
    if (mrecist_evaluate(&cut, o, &res, e) != APP_OK) {
      return APP_EINVAL;
    }
    has_res = true;
    out->best = res.best;
  }
  ep_pfs(in, has_res && has_lesions ? &res : NULL, pfs_max_gap_days,
         &out->pfs);
  ep_os(in, n_used, &out->os);
  mr_result_free(&res);
  return APP_OK;
}

/* One endpoint as JSON. */
static json_t *ep_time_json(const struct ep_time *t) {
  json_t *o = json_object();
  json_object_set_new(o, "event", json_boolean(t->is_event));
  json_object_set_new(o, "date", jx_date_str(t->date));
  json_object_set_new(o, "days", json_integer(t->days));
  json_object_set_new(o, "reason", json_string(t->reason));
  return o;
}

json_t *endpoints_result_to_json(const struct ep_result *r) {
  json_t *root = json_object();
  json_object_set_new(root, "pfs", ep_time_json(&r->pfs));
  json_object_set_new(root, "os", ep_time_json(&r->os));
  json_object_set_new(root, "best_overall_response",
                      json_string(mr_resp_name(r->best)));
  return root;
}
