/*
** protocol.c: reading and validating the protocol JSON (see protocol.h).
**
** Every field is required unless documented otherwise (the "checks" and
** "enrolment" sections are optional, with defaults, see protocol.h), so
** that a protocol file says everything the study does; a missing,
** mistyped, out-of-range or inconsistent field is rejected with its dotted
** path.
*/
#include "protocol.h"

#include "../core/jsonx.h"
#include "forms.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const bclc_words[] = {"0", "A", "B", "C", "D", NULL};
static const char *const pvi_words[] = {"none", "vp1", "vp2", "vp3", "vp4",
                                        NULL};
static const char *const schedule_words[] = {"daily", "every_other_day",
                                             "discontinued", NULL};

/* Words of enum nt_reappearance, in order. */
static const char *const reappear_words[] = {"pd", "non_cr_non_pd", NULL};

const char *dose_schedule_name(enum dose_schedule s) {
  return schedule_words[s];
}

const char *nt_reappearance_name(enum nt_reappearance r) {
  return reappear_words[r];
}

/* A required member: present, else an error naming it. */
static int need(int got, const char *ctx, const char *key, struct err *e) {
  char path[200];
  if (got == 1) {
    return APP_OK;
  }
  if (got == 0) {
    jx_path(path, sizeof(path), ctx, key);
    return ERR_SET(e, APP_EINVAL, "protocol: %s is required", path);
  }
  return APP_EINVAL; /* already recorded */
}

/* A required number within [lo, hi]. */
static int need_num(const json_t *o, const char *ctx, const char *key,
                    double lo, double hi, double *out, struct err *e) {
  char path[200];
  int rc = need(jx_num(o, key, ctx, out, e), ctx, key, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (!(*out >= lo && *out <= hi)) {
    jx_path(path, sizeof(path), ctx, key);
    return ERR_SET(e, APP_EINVAL, "protocol: %s must be from %g to %g", path,
                   lo, hi);
  }
  return APP_OK;
}

static int need_int(const json_t *o, const char *ctx, const char *key,
                    long lo, long hi, int *out, struct err *e) {
  long v = 0;
  int rc = need(jx_int(o, key, ctx, lo, hi, &v, e), ctx, key, e);
  *out = (int)v;
  return rc;
}

static int need_bool(const json_t *o, const char *ctx, const char *key,
                     bool *out, struct err *e) {
  return need(jx_bool(o, key, ctx, out, e), ctx, key, e);
}

static int need_str(const json_t *o, const char *ctx, const char *key,
                    char *out, size_t n, struct err *e) {
  char path[200];
  const char *s = NULL;
  int rc = need(jx_str(o, key, ctx, &s, e), ctx, key, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (strlen(s) == 0 || strlen(s) >= n) {
    jx_path(path, sizeof(path), ctx, key);
    return ERR_SET(e, APP_EINVAL, "protocol: %s must be 1 to %zu characters",
                   path, n - 1);
  }
  snprintf(out, n, "%s", s);
  return APP_OK;
}

static int need_obj(const json_t *o, const char *ctx, const char *key,
                    json_t **out, struct err *e) {
  return need(jx_object(o, key, ctx, out, e), ctx, key, e);
}

/* A set of enum words, e.g. ["A","B","C"], into flags[]. */
static int need_set(const json_t *o, const char *ctx, const char *key,
                    const char *const *words, bool *flags, struct err *e) {
  char path[200];
  json_t *arr = NULL;
  size_t i;
  int n_words = 0;
  int rc = need(jx_array(o, key, ctx, &arr, e), ctx, key, e);
  if (rc != APP_OK) {
    return rc;
  }
  while (words[n_words] != NULL) {
    flags[n_words++] = false;
  }
  jx_path(path, sizeof(path), ctx, key);
  for (i = 0; i < json_array_size(arr); i++) {
    const char *s = json_string_value(json_array_get(arr, i));
    int k;
    for (k = 0; s != NULL && k < n_words; k++) {
      if (strcmp(s, words[k]) == 0) {
        break;
      }
    }
    if (s == NULL || k == n_words) {
      return ERR_SET(e, APP_EINVAL, "protocol: %s[%zu] is not a known value",
                     path, i);
    }
    flags[k] = true;
  }
  return APP_OK;
}

static int parse_ladder(const json_t *arr, const char *ctx,
                        struct dose_ladder *l, struct err *e) {
  size_t i;
  double prev_intensity = INFINITY;
  if (!json_is_array(arr) || json_array_size(arr) == 0 ||
      json_array_size(arr) > PROTOCOL_MAX_LADDER) {
    return ERR_SET(e, APP_EINVAL, "protocol: %s must be an array of 1 to %d "
                   "steps", ctx, PROTOCOL_MAX_LADDER);
  }
  l->n_steps = (int)json_array_size(arr);
  for (i = 0; i < json_array_size(arr); i++) {
    char sctx[120];
    json_t *st = json_array_get(arr, i);
    int sched = 0;
    double intensity;
    snprintf(sctx, sizeof(sctx), "%s[%zu]", ctx, i);
    if (need_num(st, sctx, "mg", 0, 1000, &l->steps[i].mg, e) != APP_OK ||
        need(jx_enum(st, "schedule", sctx, schedule_words, &sched, e), sctx,
             "schedule", e) != APP_OK) {
      return APP_EINVAL;
    }
    l->steps[i].schedule = (enum dose_schedule)sched;
    if ((sched == DOSE_DISCONTINUED) != (l->steps[i].mg == 0)) {
      return ERR_SET(e, APP_EINVAL, "protocol: %s: mg is 0 exactly when the "
                     "schedule is \"discontinued\"", sctx);
    }
    intensity = sched == DOSE_EVERY_OTHER_DAY ? l->steps[i].mg / 2
                                              : l->steps[i].mg;
    if (!(intensity < prev_intensity)) {
      return ERR_SET(e, APP_EINVAL, "protocol: %s: each reduction must lower "
                     "the daily dose", sctx);
    }
    prev_intensity = intensity;
  }
  l->start_mg = l->steps[0].mg;
  return APP_OK;
}

static int parse_dosing(const json_t *root, struct dosing_rules *d,
                        struct err *e) {
  json_t *dos, *len, *pd1, *ladders = NULL;
  size_t i;
  int have_high = 0, have_low = 0;
  if (need_obj(root, "", "dosing", &dos, e) ||
      need_obj(dos, "dosing", "lenvatinib", &len, e) ||
      need_obj(dos, "dosing", "pd1", &pd1, e) ||
      need_num(len, "dosing.lenvatinib", "weight_threshold_kg", 1, 300,
               &d->len_weight_threshold_kg, e) ||
      need_num(len, "dosing.lenvatinib", "dose_at_or_above_threshold_mg", 0.1,
               1000, &d->len_high_mg, e) ||
      need_num(len, "dosing.lenvatinib", "dose_below_threshold_mg", 0.1, 1000,
               &d->len_low_mg, e) ||
      need_num(pd1, "dosing.pd1", "dose_mg", 0.1, 10000, &d->pd1_mg, e) ||
      need_int(pd1, "dosing.pd1", "interval_days", 1, 365,
               &d->pd1_interval_days, e) ||
      need(jx_array(len, "reduction_ladders", "dosing.lenvatinib", &ladders,
                    e), "dosing.lenvatinib", "reduction_ladders", e)) {
    return APP_EINVAL;
  }
  for (i = 0; i < json_array_size(ladders); i++) {
    char ctx[80];
    struct dose_ladder l;
    snprintf(ctx, sizeof(ctx), "dosing.lenvatinib.reduction_ladders[%zu]", i);
    if (parse_ladder(json_array_get(ladders, i), ctx, &l, e) != APP_OK) {
      return APP_EINVAL;
    }
    if (l.start_mg == d->len_high_mg && !have_high) {
      d->ladder_high = l;
      have_high = 1;
    } else if (l.start_mg == d->len_low_mg && !have_low) {
      d->ladder_low = l;
      have_low = 1;
    } else {
      return ERR_SET(e, APP_EINVAL, "protocol: %s must start at one of the "
                     "starting doses, each ladder once", ctx);
    }
  }
  if (!have_high || !have_low) {
    return ERR_SET(e, APP_EINVAL, "protocol: dosing.lenvatinib."
                   "reduction_ladders needs a ladder starting at %g mg and "
                   "one at %g mg", d->len_high_mg, d->len_low_mg);
  }
  return APP_OK;
}

static int parse_elig(const json_t *root, struct eligibility_rules *g,
                      struct err *e) {
  json_t *el, *cp;
  const char *c = "eligibility";
  const char *b = "eligibility.child_pugh_bands";
  bool extra_allowed = true, naive_required = false, hv_allowed = true,
       ivc_allowed = true;
  double lo, hi;
  if (need_obj(root, "", c, &el, e) ||
      need_int(el, c, "age_min_years", 0, 120, &g->age_min, e) ||
      need_int(el, c, "age_max_years", 0, 120, &g->age_max, e) ||
      need_set(el, c, "bclc_allowed", bclc_words, g->bclc_allowed, e) ||
      need_bool(el, c, "extrahepatic_metastasis_allowed", &extra_allowed, e) ||
      need_bool(el, c, "treatment_naive_required", &naive_required, e) ||
      need_int(el, c, "child_pugh_max_score", 5, 15, &g->child_pugh_max, e) ||
      need_int(el, c, "ecog_max", 0, 5, &g->ecog_max, e) ||
      need_set(el, c, "portal_vein_invasion_excluded", pvi_words,
               g->pvi_excluded, e) ||
      need_bool(el, c, "hepatic_vein_invasion_allowed", &hv_allowed, e) ||
      need_bool(el, c, "ivc_invasion_allowed", &ivc_allowed, e) ||
      need_num(el, c, "albi_grade_1_max", -10, 10, &g->albi_grade1_max, e) ||
      need_num(el, c, "albi_grade_2_max", -10, 10, &g->albi_grade2_max, e) ||
      need_obj(el, c, "child_pugh_bands", &cp, e) ||
      need_num(cp, b, "bilirubin_umol_l_2_points_from", 0, 1000, &g->cp.bili_2,
               e) ||
      need_num(cp, b, "bilirubin_umol_l_2_points_to", 0, 1000, &g->cp.bili_3,
               e) ||
      need_num(cp, b, "albumin_g_l_2_points_from", 0, 100, &g->cp.alb_3, e) ||
      need_num(cp, b, "albumin_g_l_2_points_to", 0, 100, &g->cp.alb_1, e) ||
      need_num(cp, b, "inr_2_points_from", 0, 20, &g->cp.inr_2, e) ||
      need_num(cp, b, "inr_2_points_to", 0, 20, &g->cp.inr_3, e)) {
    return APP_EINVAL;
  }
  /* The engine encodes the registry's fixed criteria; a protocol may tune
  ** numbers but not silently switch these off. */
  if (extra_allowed || !naive_required || hv_allowed || ivc_allowed) {
    return ERR_SET(e, APP_EINVAL, "protocol: eligibility: extrahepatic "
                   "metastasis, prior treatment, hepatic vein and IVC "
                   "invasion must stay exclusions (NCT07340502)");
  }
  if (g->age_min > g->age_max) {
    return ERR_SET(e, APP_EINVAL, "protocol: eligibility.age_min_years is "
                   "above age_max_years");
  }
  lo = g->cp.bili_2;
  hi = g->cp.bili_3;
  if (!(lo < hi) || !(g->cp.alb_3 < g->cp.alb_1) ||
      !(g->cp.inr_2 < g->cp.inr_3)) {
    return ERR_SET(e, APP_EINVAL, "protocol: %s: each band's _from must be "
                   "below its _to", b);
  }
  if (!(g->albi_grade1_max < g->albi_grade2_max)) {
    return ERR_SET(e, APP_EINVAL, "protocol: eligibility.albi_grade_1_max "
                   "must be below albi_grade_2_max");
  }
  return APP_OK;
}

static int parse_visits(const json_t *root, struct visit_rules *v,
                        struct err *e) {
  json_t *o;
  const char *c = "visits";
  if (need_obj(root, "", c, &o, e) ||
      need_int(o, c, "assessment_interval_days", 1, 3650,
               &v->assess_interval_days, e) ||
      need_int(o, c, "assessment_window_days", 0, 365, &v->assess_window_days,
               e) ||
      need_int(o, c, "survival_interval_days", 1, 3650,
               &v->survival_interval_days, e) ||
      need_int(o, c, "survival_window_days", 0, 365, &v->survival_window_days,
               e)) {
    return APP_EINVAL;
  }
  /* Windows of consecutive visits must not overlap. */
  if (2 * v->assess_window_days >= v->assess_interval_days) {
    return ERR_SET(e, APP_EINVAL, "protocol: visits.assessment_window_days "
                   "must be less than half the interval");
  }
  if (2 * v->survival_window_days >= v->survival_interval_days) {
    return ERR_SET(e, APP_EINVAL, "protocol: visits.survival_window_days "
                   "must be less than half the interval");
  }
  return APP_OK;
}

static int parse_response(const json_t *root, struct response_rules *r,
                          struct err *e) {
  json_t *o;
  const char *c = "response";
  char crit[16];
  int reappear = 0;
  if (need_obj(root, "", c, &o, e) ||
      need_str(o, c, "criteria", crit, sizeof(crit), e) ||
      need_bool(o, c, "confirm", &r->confirm, e) ||
      need_int(o, c, "confirm_min_days", 0, 365, &r->confirm_min_days, e) ||
      need_int(o, c, "max_ne_between_confirmations", 0, 10,
               &r->max_ne_between, e) ||
      need_int(o, c, "sd_min_days", 0, 365, &r->sd_min_days, e) ||
      need_num(o, c, "pd_abs_min_mm", 0, 100, &r->pd_abs_min_mm, e) ||
      need_num(o, c, "pd_increase_pct", 1, 100, &r->pd_pct, e) ||
      need_num(o, c, "pr_decrease_pct", 1, 99, &r->pr_pct, e) ||
      need_num(o, c, "new_liver_lesion_min_mm", 1, 100, &r->new_liver_min_mm,
               e) ||
      need_num(o, c, "new_lesion_growth_mm", 1, 100, &r->new_growth_mm, e) ||
      need_num(o, c, "porta_hepatis_node_min_short_axis_mm", 1, 100,
               &r->porta_node_min_mm, e) ||
      need_int(o, c, "max_target_lesions", 1, 20, &r->max_targets, e) ||
      need_int(o, c, "max_target_lesions_per_organ", 1, 20,
               &r->max_targets_per_organ, e)) {
    return APP_EINVAL;
  }
  /* Options added after studies were created are optional, with the
  ** default that those studies were run with: a stored protocol without
  ** them still loads. */
  r->accept_sd_between = true;
  if (json_object_get(o, "accept_sd_between_confirmations") != NULL &&
      need_bool(o, c, "accept_sd_between_confirmations",
                &r->accept_sd_between, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (json_object_get(o, "nontarget_reappearance_after_cr") != NULL &&
      need(jx_enum(o, "nontarget_reappearance_after_cr", c, reappear_words,
                   &reappear, e),
           c, "nontarget_reappearance_after_cr", e) != APP_OK) {
    return APP_EINVAL;
  }
  r->nt_reappearance = (enum nt_reappearance)reappear;
  if (strcmp(crit, "mRECIST") != 0) {
    return ERR_SET(e, APP_EINVAL, "protocol: response.criteria: only "
                   "\"mRECIST\" is supported");
  }
  return APP_OK;
}

static int parse_endpoints(const json_t *root, const struct visit_rules *v,
                           struct endpoint_rules *p, struct err *e) {
  json_t *o;
  const char *c = "endpoints";
  int missed = 0;
  char index_date[32];
  if (need_obj(root, "", c, &o, e) ||
      need_str(o, c, "index_date", index_date, sizeof(index_date), e) ||
      need_int(o, c, "pfs_missed_assessments", 1, 20, &missed, e) ||
      need_int(o, c, "pfs_max_gap_days", 1, 3650, &p->pfs_max_gap_days, e)) {
    return APP_EINVAL;
  }
  if (strcmp(index_date, "start_date") != 0) {
    return ERR_SET(e, APP_EINVAL, "protocol: endpoints.index_date: only "
                   "\"start_date\" (treatment start) is supported");
  }
  if (p->pfs_max_gap_days !=
      missed * v->assess_interval_days + v->assess_window_days) {
    return ERR_SET(e, APP_EINVAL, "protocol: endpoints.pfs_max_gap_days must "
                   "equal pfs_missed_assessments x "
                   "visits.assessment_interval_days + "
                   "visits.assessment_window_days (%d)",
                   missed * v->assess_interval_days + v->assess_window_days);
  }
  return APP_OK;
}

/* An optional whole number within [lo, hi]: *out keeps its default when
** the member is absent. */
static int opt_int(const json_t *o, const char *ctx, const char *key,
                   long lo, long hi, int *out, struct err *e) {
  long v = 0;
  int got = jx_int(o, key, ctx, lo, hi, &v, e);
  if (got < 0) {
    return APP_EINVAL;
  }
  if (got == 1) {
    *out = (int)v;
  }
  return APP_OK;
}

/* Whether "kind.field" names a date field of a form. */
static bool is_date_field(const char *name) {
  const char *dot = strchr(name, '.');
  char kind[PROTOCOL_FIELD_NAME_MAX];
  const struct form_spec *f;
  int i;
  if (dot == NULL || (size_t)(dot - name) >= sizeof(kind)) {
    return false;
  }
  memcpy(kind, name, (size_t)(dot - name));
  kind[dot - name] = '\0';
  f = form_find(kind);
  for (i = 0; f != NULL && i < f->n_fields; i++) {
    if (f->fields[i].type == FT_DATE &&
        strcmp(f->fields[i].name, dot + 1) == 0) {
      return true;
    }
  }
  return false;
}

/* The optional "checks" section (struct check_rules); defaults first. */
static int parse_checks(const json_t *root, const struct dosing_rules *d,
                        struct check_rules *k, struct err *e) {
  json_t *o = NULL, *warned = NULL;
  const char *c = "checks";
  size_t i;
  int got = jx_object(root, c, "", &o, e);
  k->pd1_interval_tolerance_days = 7;
  k->future_date_grace_days = 1;
  k->n_future_warned = 0;
  if (got < 0) {
    return APP_EINVAL;
  }
  if (got == 0) {
    return APP_OK;
  }
  if (opt_int(o, c, "pd1_interval_tolerance_days", 0, 365,
              &k->pd1_interval_tolerance_days, e) != APP_OK ||
      opt_int(o, c, "future_date_grace_days", 0, 14,
              &k->future_date_grace_days, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (k->pd1_interval_tolerance_days >= d->pd1_interval_days) {
    return ERR_SET(e, APP_EINVAL, "protocol: checks.pd1_interval_tolerance_"
                   "days must be less than dosing.pd1.interval_days (%d)",
                   d->pd1_interval_days);
  }
  got = jx_array(o, "future_dates_warned", c, &warned, e);
  if (got < 0) {
    return APP_EINVAL;
  }
  if (json_array_size(warned) > PROTOCOL_MAX_FUTURE_WARNED) {
    return ERR_SET(e, APP_EINVAL, "protocol: checks.future_dates_warned "
                   "holds at most %d fields", PROTOCOL_MAX_FUTURE_WARNED);
  }
  for (i = 0; i < json_array_size(warned); i++) {
    const char *name = json_string_value(json_array_get(warned, i));
    if (name == NULL || strlen(name) >= PROTOCOL_FIELD_NAME_MAX ||
        !is_date_field(name)) {
      return ERR_SET(e, APP_EINVAL, "protocol: checks.future_dates_warned"
                     "[%zu] must name a date field as \"kind.field\" "
                     "(hccstudy dictionary)", i);
    }
    snprintf(k->future_warned[k->n_future_warned++],
             PROTOCOL_FIELD_NAME_MAX, "%s", name);
  }
  return APP_OK;
}

static const char *const population_words[] = {"enrolled_eligible",
                                               "enrolled", NULL};

const char *analysis_population_name(enum analysis_population a) {
  return population_words[a];
}

/* The optional "enrolment" section (struct enrolment_rules). */
static int parse_enrolment(const json_t *root, struct enrolment_rules *r,
                           struct err *e) {
  json_t *o = NULL;
  const char *c = "enrolment";
  int pop = POP_ENROLLED_ELIGIBLE;
  int got = jx_object(root, c, "", &o, e);
  r->override_allowed = false;
  r->population = POP_ENROLLED_ELIGIBLE;
  if (got <= 0) {
    return got < 0 ? APP_EINVAL : APP_OK;
  }
  if (jx_bool(o, "eligibility_override_allowed", c, &r->override_allowed,
              e) < 0 ||
      jx_enum(o, "analysis_population", c, population_words, &pop, e) < 0) {
    return APP_EINVAL;
  }
  r->population = (enum analysis_population)pop;
  return APP_OK;
}

bool protocol_future_date_warned(const struct protocol *p, const char *kind,
                                 const char *field) {
  int i;
  size_t n = strlen(kind);
  for (i = 0; i < p->checks.n_future_warned; i++) {
    const char *w = p->checks.future_warned[i];
    if (strncmp(w, kind, n) == 0 && w[n] == '.' &&
        strcmp(w + n + 1, field) == 0) {
      return true;
    }
  }
  return false;
}

int protocol_from_json(const json_t *root, struct protocol *p,
                       struct err *e) {
  json_t *ids, *cohorts = NULL;
  long version = 0;
  size_t i;
  memset(p, 0, sizeof(*p));
  if (!json_is_object(root)) {
    return ERR_SET(e, APP_EINVAL, "protocol: expected a JSON object");
  }
  if (need(jx_int(root, "schema_version", "", 1, 1, &version, e), "",
           "schema_version", e) ||
      need_obj(root, "", "identifiers", &ids, e) ||
      need_str(ids, "identifiers", "nct_id", p->nct_id, sizeof(p->nct_id),
               e) ||
      need_str(ids, "identifiers", "study_id", p->study_id,
               sizeof(p->study_id), e) ||
      need_str(ids, "identifiers", "title", p->title, sizeof(p->title), e) ||
      need_int(root, "", "target_enrollment", 1, 100000000,
               &p->target_enrollment, e) ||
      need(jx_date(root, "study_start", "", &p->study_start, e), "",
           "study_start", e) ||
      need(jx_date(root, "study_completion", "", &p->study_completion, e),
           "", "study_completion", e) ||
      need(jx_array(root, "cohorts", "", &cohorts, e), "", "cohorts", e)) {
    return APP_EINVAL;
  }
  if (p->study_completion <= p->study_start) {
    return ERR_SET(e, APP_EINVAL, "protocol: study_completion must be after "
                   "study_start");
  }
  if (json_array_size(cohorts) < 1 ||
      json_array_size(cohorts) > PROTOCOL_MAX_COHORTS) {
    return ERR_SET(e, APP_EINVAL, "protocol: cohorts must hold 1 to %d "
                   "cohorts", PROTOCOL_MAX_COHORTS);
  }
  p->n_cohorts = (int)json_array_size(cohorts);
  for (i = 0; i < json_array_size(cohorts); i++) {
    char ctx[32];
    size_t k;
    json_t *co = json_array_get(cohorts, i);
    snprintf(ctx, sizeof(ctx), "cohorts[%zu]", i);
    if (need_str(co, ctx, "id", p->cohorts[i].id, sizeof(p->cohorts[i].id),
                 e) ||
        need_str(co, ctx, "label", p->cohorts[i].label,
                 sizeof(p->cohorts[i].label), e)) {
      return APP_EINVAL;
    }
    for (k = 0; k < i; k++) {
      if (strcmp(p->cohorts[k].id, p->cohorts[i].id) == 0) {
        return ERR_SET(e, APP_EINVAL, "protocol: %s.id \"%s\" is repeated",
                       ctx, p->cohorts[i].id);
      }
    }
  }
  if (parse_dosing(root, &p->dosing, e) ||
      parse_elig(root, &p->elig, e) || parse_visits(root, &p->visits, e) ||
      parse_response(root, &p->response, e) ||
      parse_endpoints(root, &p->visits, &p->endpoints, e) ||
      parse_checks(root, &p->dosing, &p->checks, e) ||
      parse_enrolment(root, &p->enrolment, e)) {
    return APP_EINVAL;
  }
  return APP_OK;
}

int protocol_parse(const char *text, size_t len, const char *what,
                   struct protocol *p, struct err *e) {
  int rc;
  json_t *root = jx_parse(text, len, what, e);
  if (root == NULL) {
    return APP_EINVAL;
  }
  rc = protocol_from_json(root, p, e);
  json_decref(root);
  return rc;
}

int protocol_default(struct protocol *p, struct err *e) {
  size_t len;
  const char *text = protocol_default_text(&len);
  return protocol_parse(text, len, "built-in protocol", p, e);
}
