/*
** mrecist.c: mRECIST time points and best overall response (see mrecist.h
** and docs/response-and-endpoints.md).
**
** Why integers: the PR and PD lines are "30 % below" and "20 % above";
** 70.0 / 100.0 in doubles is 0.7 but 0.7 * 100.0 need not equal 70.0, so a
** sum exactly on the line could fall on either side.  Every length is held
** in tenths of a millimetre and every percentage in tenths of a percent, and
** the comparisons are cross-multiplied in int64 (sums stay far below 2^40).
**
** Invariants: mrecist_evaluate runs mrecist_validate first, so the core
** never sees an unknown id, a missing site field or unordered dates.  The
** nadir is the smallest sum over the baseline and the earlier time points
** at which every target was measured.  Time points after the first PD are
** reported but take no part in the BOR.  After an overall CR, a non-target
** seen again is PD unless the protocol says otherwise
** (nontarget_reappearance_after_cr), and a CR followed by a PR never
** confirms a PR (RECIST 1.1 Table 3 note a).
**
** Workload: one patient, a handful of lesions and at most a few dozen scans;
** lookups are linear scans, O(assessments * lesions^2) overall, which stays
** trivial for 10^6 patients processed one at a time.
*/
#include "mrecist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/err.h"
#include "../core/jsonx.h"
#include "../core/mem.h"

/* Largest magnitude accepted for a length in mm before conversion; keeps
** llround and the int64 cross-multiplications far from overflow. */
#define MR_MAX_MM 1000000.0

/* Most entries accepted in any one array of the input. */
#define MR_MAX_ITEMS 100000

const char *mr_resp_name(enum mr_resp r) {
  switch (r) {
  case MR_CR:
    return "CR";
  case MR_PR:
    return "PR";
  case MR_SD:
    return "SD";
  case MR_NON_CR_NON_PD:
    return "NON-CR/NON-PD";
  case MR_PD:
    return "PD";
  case MR_NE:
    return "NE";
  case MR_NONE:
  default:
    return NULL;
  }
}

int64_t mr_mm_to_dmm(double mm) {
  return (int64_t)llround(mm * 10.0);
}

void mr_options_from_protocol(const struct response_rules *r,
                              struct mr_options *o) {
  memset(o, 0, sizeof(*o));
  o->confirm = r->confirm;
  o->confirm_min_days = r->confirm_min_days;
  o->sd_min_days = r->sd_min_days;
  o->max_ne_between = r->max_ne_between;
  o->max_sd_between = r->accept_sd_between ? 1 : 0;
  o->is_nt_reappearance_pd = r->nt_reappearance == NT_REAPPEAR_PD;
  o->pd_abs_min_dmm = mr_mm_to_dmm(r->pd_abs_min_mm);
  o->pd_pct_tenths = mr_mm_to_dmm(r->pd_pct);
  o->pr_pct_tenths = mr_mm_to_dmm(r->pr_pct);
  o->new_liver_min_dmm = mr_mm_to_dmm(r->new_liver_min_mm);
  o->new_growth_dmm = mr_mm_to_dmm(r->new_growth_mm);
  o->porta_node_min_dmm = mr_mm_to_dmm(r->porta_node_min_mm);
}

/* ---------------------------------------------------------------------- */
/* JSON input                                                              */

/* A length in mm at key of obj, converted to tenths.  Returns like the jx_
** getters: 1 stored, 0 absent or null, -1 error (recorded). */
static int mr_json_mm(const json_t *obj, const char *key, const char *ctx,
                      int64_t *out, struct err *e) {
  double x;
  char path[200];
  int rc = jx_num(obj, key, ctx, &x, e);
  if (rc != 1) {
    return rc;
  }
  if (!(fabs(x) < MR_MAX_MM)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: %g mm is out of range", path, x);
    return -1;
  }
  *out = mr_mm_to_dmm(x);
  return 1;
}

/* Required string: absent or null is an error "ctx.key: required". */
static int mr_json_req_str(const json_t *obj, const char *key,
                           const char *ctx, const char **out,
                           struct err *e) {
  char path[200];
  int rc = jx_str(obj, key, ctx, out, e);
  if (rc == 0) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: required", path);
    return -1;
  }
  return rc;
}

/* Required date. */
static int mr_json_req_date(const json_t *obj, const char *key,
                            const char *ctx, date_t *out, struct err *e) {
  char path[200];
  int rc = jx_date(obj, key, ctx, out, e);
  if (rc == 0) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: required (YYYY-MM-DD)", path);
    return -1;
  }
  return rc;
}

/* Optional array at key: *out is NULL and *n 0 when absent or null.  Each
** element must be an object.  Returns 0 or -1 (error recorded). */
static int mr_json_obj_array(const json_t *obj, const char *key,
                             const char *ctx, json_t **out, int *n,
                             struct err *e) {
  char path[200];
  size_t i;
  int rc = jx_array(obj, key, ctx, out, e);
  *n = 0;
  if (rc < 0) {
    return -1;
  }
  if (rc == 0) {
    *out = NULL;
    return 0;
  }
  jx_path(path, sizeof(path), ctx, key);
  if (json_array_size(*out) > MR_MAX_ITEMS) {
    ERR_FIELD(e, APP_EINVAL, path, "%s: more than %d entries", path,
              MR_MAX_ITEMS);
    return -1;
  }
  for (i = 0; i < json_array_size(*out); i++) {
    if (!json_is_object(json_array_get(*out, i))) {
      ERR_AT(e, APP_EINVAL, "%s[%zu]: expected an object", path, i);
      return -1;
    }
  }
  *n = (int)json_array_size(*out);
  return 0;
}

/* Parse baseline.target[] and baseline.nontarget[] of bl. */
static int mr_json_baseline(const json_t *bl, struct mr_input *in,
                            struct err *e) {
  json_t *arr;
  char ctx[96];
  int i;
  int n;
  if (mr_json_req_date(bl, "date", "baseline", &in->baseline_date, e) < 0) {
    return APP_EINVAL;
  }
  if (mr_json_obj_array(bl, "target", "baseline", &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  in->targets = xcalloc((size_t)n + 1, sizeof(*in->targets));
  in->n_targets = n;
  for (i = 0; i < n; i++) {
    const json_t *t = json_array_get(arr, (size_t)i);
    struct mr_base_target *bt = &in->targets[i];
    snprintf(ctx, sizeof(ctx), "baseline.target[%d]", i);
    if (mr_json_req_str(t, "id", ctx, &bt->id, e) < 0 ||
        jx_str(t, "organ", ctx, &bt->organ, e) < 0) {
      return APP_EINVAL;
    }
    switch (mr_json_mm(t, "viable_mm", ctx, &bt->viable_dmm, e)) {
    case 1:
      break;
    case 0:
      return ERR_AT(e, APP_EINVAL, "%s.viable_mm: required", ctx);
    default:
      return APP_EINVAL;
    }
  }
  if (mr_json_obj_array(bl, "nontarget", "baseline", &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  in->nontargets = xcalloc((size_t)n + 1, sizeof(*in->nontargets));
  in->n_nontargets = n;
  for (i = 0; i < n; i++) {
    const json_t *t = json_array_get(arr, (size_t)i);
    struct mr_base_nontarget *bn = &in->nontargets[i];
    snprintf(ctx, sizeof(ctx), "baseline.nontarget[%d]", i);
    if (mr_json_req_str(t, "id", ctx, &bn->id, e) < 0 ||
        jx_str(t, "kind", ctx, &bn->kind, e) < 0) {
      return APP_EINVAL;
    }
  }
  return APP_OK;
}

/* Site words with their class (other strings are MR_SITE_OTHER). */
static const struct {
  const char *word;  /* site as written in the input */
  enum mr_site site; /* its class */
} mr_sites[] = {
  {"liver", MR_SITE_LIVER},
  {"porta_hepatis_node", MR_SITE_PORTA_NODE},
  {"ascites", MR_SITE_ASCITES},
  {"pleural_effusion", MR_SITE_PLEURAL_EFFUSION},
};

/* Class of a site string. */
static enum mr_site mr_site_of(const char *s) {
  size_t i;
  for (i = 0; i < sizeof(mr_sites) / sizeof(mr_sites[0]); i++) {
    if (strcmp(s, mr_sites[i].word) == 0) {
      return mr_sites[i].site;
    }
  }
  return MR_SITE_OTHER;
}

/* Parse one new lesion object nl (ctx names it). */
static int mr_json_new_lesion(const json_t *nl, const char *ctx,
                              struct mr_new_lesion *out, struct err *e) {
  int rc;
  if (mr_json_req_str(nl, "id", ctx, &out->id, e) < 0 ||
      mr_json_req_str(nl, "site", ctx, &out->site_text, e) < 0) {
    return APP_EINVAL;
  }
  out->site = mr_site_of(out->site_text);
  rc = mr_json_mm(nl, "diameter_mm", ctx, &out->diameter_dmm, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  out->has_diameter = rc == 1;
  rc = jx_bool(nl, "typical", ctx, &out->is_typical, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  out->has_typical = rc == 1;
  rc = mr_json_mm(nl, "short_axis_mm", ctx, &out->short_axis_dmm, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  out->has_short_axis = rc == 1;
  rc = jx_bool(nl, "cytology_positive", ctx, &out->is_cytology_positive, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  out->has_cytology = rc == 1;
  if (jx_bool(nl, "equivocal", ctx, &out->is_equivocal, e) < 0) {
    return APP_EINVAL;
  }
  return APP_OK;
}

/* Words of enum mr_nt_status, in order. */
static const char *const mr_nt_words[] = {"absent", "present", "progression",
                                          "not_evaluated", NULL};

/* Parse assessments[k] (object a) into *as. */
static int mr_json_assessment(const json_t *a, int k,
                              struct mr_assessment *as, struct err *e) {
  char actx[64];
  char ctx[128];
  json_t *arr;
  int i;
  int n;
  snprintf(actx, sizeof(actx), "assessments[%d]", k);
  if (mr_json_req_date(a, "date", actx, &as->date, e) < 0) {
    return APP_EINVAL;
  }
  if (mr_json_obj_array(a, "target", actx, &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  as->targets = xcalloc((size_t)n + 1, sizeof(*as->targets));
  as->n_targets = n;
  for (i = 0; i < n; i++) {
    const json_t *t = json_array_get(arr, (size_t)i);
    struct mr_target_obs *to = &as->targets[i];
    int rc;
    snprintf(ctx, sizeof(ctx), "%s.target[%d]", actx, i);
    if (mr_json_req_str(t, "id", ctx, &to->id, e) < 0) {
      return APP_EINVAL;
    }
    if (json_object_get(t, "viable_mm") == NULL) {
      return ERR_AT(e, APP_EINVAL,
                     "%s.viable_mm: required (null when not evaluated)", ctx);
    }
    rc = mr_json_mm(t, "viable_mm", ctx, &to->viable_dmm, e);
    if (rc < 0) {
      return APP_EINVAL;
    }
    to->is_evaluated = rc == 1;
  }
  if (mr_json_obj_array(a, "nontarget", actx, &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  as->nontargets = xcalloc((size_t)n + 1, sizeof(*as->nontargets));
  as->n_nontargets = n;
  for (i = 0; i < n; i++) {
    const json_t *t = json_array_get(arr, (size_t)i);
    int st;
    int rc;
    snprintf(ctx, sizeof(ctx), "%s.nontarget[%d]", actx, i);
    if (mr_json_req_str(t, "id", ctx, &as->nontargets[i].id, e) < 0) {
      return APP_EINVAL;
    }
    rc = jx_enum(t, "status", ctx, mr_nt_words, &st, e);
    if (rc < 0) {
      return APP_EINVAL;
    }
    if (rc == 0) {
      return ERR_AT(e, APP_EINVAL, "%s.status: required (absent, present, "
                     "progression or not_evaluated)", ctx);
    }
    as->nontargets[i].status = (enum mr_nt_status)st;
  }
  if (mr_json_obj_array(a, "new_lesions", actx, &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  as->new_lesions = xcalloc((size_t)n + 1, sizeof(*as->new_lesions));
  as->n_new_lesions = n;
  for (i = 0; i < n; i++) {
    snprintf(ctx, sizeof(ctx), "%s.new_lesions[%d]", actx, i);
    if (mr_json_new_lesion(json_array_get(arr, (size_t)i), ctx,
                           &as->new_lesions[i], e) != APP_OK) {
      return APP_EINVAL;
    }
  }
  return APP_OK;
}

int mr_input_from_json(const json_t *root, bool baseline_required,
                       struct mr_input *in, struct err *e) {
  json_t *bl = NULL;
  json_t *arr;
  int rc;
  int n;
  int k;
  memset(in, 0, sizeof(*in));
  if (mr_json_req_date(root, "start_date", "", &in->start_date, e) < 0) {
    return APP_EINVAL;
  }
  rc = jx_object(root, "baseline", "", &bl, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 0 && baseline_required) {
    return ERR_FIELD(e, APP_EINVAL, "baseline",
                     "baseline: required (an object with date, "
                     "target and nontarget)");
  }
  if (rc == 1) {
    in->has_baseline = true;
    if (mr_json_baseline(bl, in, e) != APP_OK) {
      return APP_EINVAL;
    }
  }
  if (json_object_get(root, "assessments") == NULL) {
    return ERR_FIELD(e, APP_EINVAL, "assessments",
                   "assessments: required (an array, [] when none)");
  }
  if (mr_json_obj_array(root, "assessments", "", &arr, &n, e) < 0) {
    return APP_EINVAL;
  }
  in->assessments = xcalloc((size_t)n + 1, sizeof(*in->assessments));
  in->n_assessments = n;
  for (k = 0; k < n; k++) {
    if (mr_json_assessment(json_array_get(arr, (size_t)k), k,
                           &in->assessments[k], e) != APP_OK) {
      return APP_EINVAL;
    }
  }
  return APP_OK;
}

void mr_input_free(struct mr_input *in) {
  int k;
  if (in->assessments != NULL) {
    for (k = 0; k < in->n_assessments; k++) {
      xfree(in->assessments[k].targets);
      xfree(in->assessments[k].nontargets);
      xfree(in->assessments[k].new_lesions);
    }
  }
  xfree(in->assessments);
  xfree(in->targets);
  xfree(in->nontargets);
  memset(in, 0, sizeof(*in));
}

int mr_options_from_json(const json_t *root, struct mr_options *o,
                         struct err *e) {
  /* The protocol's words for enum nt_reappearance, in order. */
  const char *const reappear_words[] = {
      nt_reappearance_name(NT_REAPPEAR_PD),
      nt_reappearance_name(NT_REAPPEAR_NON_CR_NON_PD), NULL};
  json_t *opt = NULL;
  long v;
  double mm;
  bool yes;
  int word;
  int rc = jx_object(root, "options", "", &opt, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 0) {
    return APP_OK;
  }
  if (jx_bool(opt, "confirm", "options", &o->confirm, e) < 0) {
    return APP_EINVAL;
  }
  rc = jx_int(opt, "confirm_min_days", "options", 0, 3650, &v, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    o->confirm_min_days = (int)v;
  }
  rc = jx_int(opt, "sd_min_days", "options", 0, 3650, &v, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    o->sd_min_days = (int)v;
  }
  rc = jx_num(opt, "pd_abs_min_mm", "options", &mm, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    if (!(mm >= 0.0 && mm < 1000.0)) {
      return ERR_FIELD(e, APP_EINVAL, "options.pd_abs_min_mm",
                     "options.pd_abs_min_mm: expected 0 to 1000 mm");
    }
    o->pd_abs_min_dmm = mr_mm_to_dmm(mm);
  }
  rc = jx_int(opt, "max_ne_between_confirmations", "options", 0, 10, &v, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    o->max_ne_between = (int)v;
  }
  rc = jx_bool(opt, "accept_sd_between_confirmations", "options", &yes, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    o->max_sd_between = yes ? 1 : 0;
  }
  rc = jx_enum(opt, "nontarget_reappearance_after_cr", "options",
               reappear_words, &word, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (rc == 1) {
    o->is_nt_reappearance_pd = word == NT_REAPPEAR_PD;
  }
  return APP_OK;
}

/* ---------------------------------------------------------------------- */
/* Validation                                                              */

/* Index of the baseline target with this id, or -1. */
static int mr_find_target(const struct mr_input *in, const char *id) {
  int i;
  for (i = 0; i < in->n_targets; i++) {
    if (strcmp(in->targets[i].id, id) == 0) {
      return i;
    }
  }
  return -1;
}

/* Index of the baseline non-target with this id, or -1. */
static int mr_find_nontarget(const struct mr_input *in, const char *id) {
  int i;
  for (i = 0; i < in->n_nontargets; i++) {
    if (strcmp(in->nontargets[i].id, id) == 0) {
      return i;
    }
  }
  return -1;
}

/* The path of assessments[k].<list>[i], built only when an error is
** reported: validation runs for every scan of every simulated patient, so
** formatting paths up front would dominate its cost. */
static void mr_ctx(char *out, size_t n, int k, const char *list, int i) {
  snprintf(out, n, "assessments[%d].%s[%d]", k, list, i);
}

/* The site-specific required fields and ranges of one new lesion
** (assessments[k].new_lesions[i]). */
static int mr_validate_new_lesion(const struct mr_new_lesion *nl, int k,
                                  int i, struct err *e) {
  char ctx[128];
  const char *what = NULL;
  if (nl->has_diameter && nl->diameter_dmm < 0) {
    what = "diameter_mm: must be >= 0";
  } else if (nl->has_short_axis && nl->short_axis_dmm < 0) {
    what = "short_axis_mm: must be >= 0";
  } else if (nl->site == MR_SITE_LIVER && !nl->has_diameter) {
    what = "diameter_mm: required for a liver lesion";
  } else if (nl->site == MR_SITE_LIVER && !nl->has_typical) {
    what = "typical: required for a liver lesion";
  } else if (nl->site == MR_SITE_PORTA_NODE && !nl->has_short_axis) {
    what = "short_axis_mm: required for a porta hepatis node";
  } else if ((nl->site == MR_SITE_ASCITES ||
              nl->site == MR_SITE_PLEURAL_EFFUSION) &&
             !nl->has_cytology) {
    mr_ctx(ctx, sizeof(ctx), k, "new_lesions", i);
    return ERR_AT(e, APP_EINVAL, "%s.cytology_positive: required for %s",
                   ctx, nl->site_text);
  }
  if (what != NULL) {
    mr_ctx(ctx, sizeof(ctx), k, "new_lesions", i);
    return ERR_SET(e, APP_EINVAL, "%s.%s", ctx, what);
  }
  return APP_OK;
}

/* Validate assessments[k]. */
static int mr_validate_assessment(const struct mr_input *in, int k,
                                  struct err *e) {
  const struct mr_assessment *as = &in->assessments[k];
  char ctx[128];
  int i;
  int j;
  for (i = 0; i < as->n_targets; i++) {
    const struct mr_target_obs *to = &as->targets[i];
    if (in->has_baseline && mr_find_target(in, to->id) < 0) {
      mr_ctx(ctx, sizeof(ctx), k, "target", i);
      return ERR_AT(e, APP_EINVAL, "%s.id: \"%.40s\" is not a baseline "
                     "target", ctx, to->id);
    }
    for (j = 0; j < i; j++) {
      if (strcmp(as->targets[j].id, to->id) == 0) {
        mr_ctx(ctx, sizeof(ctx), k, "target", i);
        return ERR_AT(e, APP_EINVAL, "%s.id: \"%.40s\" given twice", ctx,
                       to->id);
      }
    }
    if (to->is_evaluated && to->viable_dmm < 0) {
      mr_ctx(ctx, sizeof(ctx), k, "target", i);
      return ERR_AT(e, APP_EINVAL, "%s.viable_mm: must be >= 0", ctx);
    }
  }
  for (i = 0; i < as->n_nontargets; i++) {
    const struct mr_nontarget_obs *no = &as->nontargets[i];
    if (in->has_baseline && mr_find_nontarget(in, no->id) < 0) {
      mr_ctx(ctx, sizeof(ctx), k, "nontarget", i);
      return ERR_AT(e, APP_EINVAL, "%s.id: \"%.40s\" is not a baseline "
                     "non-target", ctx, no->id);
    }
    for (j = 0; j < i; j++) {
      if (strcmp(as->nontargets[j].id, no->id) == 0) {
        mr_ctx(ctx, sizeof(ctx), k, "nontarget", i);
        return ERR_AT(e, APP_EINVAL, "%s.id: \"%.40s\" given twice", ctx,
                       no->id);
      }
    }
  }
  for (i = 0; i < as->n_new_lesions; i++) {
    for (j = 0; j < i; j++) {
      if (strcmp(as->new_lesions[j].id, as->new_lesions[i].id) == 0) {
        mr_ctx(ctx, sizeof(ctx), k, "new_lesions", i);
        return ERR_AT(e, APP_EINVAL, "%s.id: \"%.40s\" given twice", ctx,
                       as->new_lesions[i].id);
      }
    }
    if (mr_validate_new_lesion(&as->new_lesions[i], k, i, e) != APP_OK) {
      return APP_EINVAL;
    }
  }
  return APP_OK;
}

int mrecist_validate(const struct mr_input *in, struct err *e) {
  int i;
  int j;
  int k;
  for (i = 0; i < in->n_targets; i++) {
    for (j = 0; j < i; j++) {
      if (strcmp(in->targets[j].id, in->targets[i].id) == 0) {
        return ERR_AT(e, APP_EINVAL,
                       "baseline.target[%d].id: \"%.40s\" given twice", i,
                       in->targets[i].id);
      }
    }
    if (in->targets[i].viable_dmm <= 0) {
      return ERR_AT(e, APP_EINVAL, "baseline.target[%d].viable_mm: must be "
                     "> 0 (an mRECIST target enhances)", i);
    }
  }
  for (i = 0; i < in->n_nontargets; i++) {
    for (j = 0; j < i; j++) {
      if (strcmp(in->nontargets[j].id, in->nontargets[i].id) == 0) {
        return ERR_AT(e, APP_EINVAL,
                       "baseline.nontarget[%d].id: \"%.40s\" given twice", i,
                       in->nontargets[i].id);
      }
    }
  }
  for (k = 0; k < in->n_assessments; k++) {
    date_t d = in->assessments[k].date;
    if (k > 0 && d <= in->assessments[k - 1].date) {
      return ERR_AT(e, APP_EINVAL, "assessments[%d].date: must be after "
                     "assessments[%d].date", k, k - 1);
    }
    if (in->has_baseline && d <= in->baseline_date) {
      return ERR_AT(e, APP_EINVAL,
                     "assessments[%d].date: must be after baseline.date", k);
    }
    if (mr_validate_assessment(in, k, e) != APP_OK) {
      return APP_EINVAL;
    }
  }
  return APP_OK;
}

/* ---------------------------------------------------------------------- */
/* Derivation                                                              */

/* Does sum prove PD against nadir?  +pd_pct % or more (exact, in tenths of
** a percent) and at least pd_abs_min_dmm more; any viable tumour after a
** nadir of 0 (re-appearance after a target CR). */
static bool mr_is_pd(int64_t sum, int64_t nadir, const struct mr_options *o) {
  if (nadir == 0) {
    return sum > 0;
  }
  return sum * 1000 >= nadir * (1000 + o->pd_pct_tenths) &&
         sum - nadir >= o->pd_abs_min_dmm;
}

/* Is sum a PR against base: pr_pct % or more below it (exact)? */
static bool mr_is_pr(int64_t sum, int64_t base, const struct mr_options *o) {
  return sum * 1000 <= base * (1000 - o->pr_pct_tenths);
}

/* Non-target response at assessment as (MR_NONE without non-targets).
** is_reappearance_pd: an overall CR came before and the protocol reads a
** non-target present again as PD (RECIST 1.1 Table 3 note a: after a true
** CR any disease is progression); at the CR every non-target was absent,
** so "present" now means it came back. */
static enum mr_resp mr_nontarget_resp(const struct mr_input *in,
                                      const struct mr_assessment *as,
                                      bool is_reappearance_pd) {
  bool any_ne = false;
  bool all_absent = true;
  int i;
  int j;
  if (in->n_nontargets == 0) {
    return MR_NONE;
  }
  for (i = 0; i < in->n_nontargets; i++) {
    const struct mr_nontarget_obs *no = NULL;
    for (j = 0; j < as->n_nontargets; j++) {
      if (strcmp(as->nontargets[j].id, in->nontargets[i].id) == 0) {
        no = &as->nontargets[j];
        break;
      }
    }
    if (no != NULL && (no->status == MR_NT_PROGRESSION ||
                       (is_reappearance_pd &&
                        no->status == MR_NT_PRESENT))) {
      return MR_PD;
    }
    if (no == NULL || no->status == MR_NT_NOT_EVALUATED) {
      any_ne = true;
    } else if (no->status != MR_NT_ABSENT) {
      all_absent = false;
    }
  }
  if (any_ne) {
    return MR_NE;
  }
  return all_absent ? MR_CR : MR_NON_CR_NON_PD;
}

/* Does this sighting of a new lesion count as new tumour on its own? */
static bool mr_new_qualifies(const struct mr_new_lesion *nl,
                             const struct mr_options *o) {
  if (nl->is_equivocal) {
    return false;
  }
  switch (nl->site) {
  case MR_SITE_LIVER:
    return nl->is_typical && nl->diameter_dmm >= o->new_liver_min_dmm;
  case MR_SITE_PORTA_NODE:
    return nl->short_axis_dmm >= o->porta_node_min_dmm;
  case MR_SITE_ASCITES:
  case MR_SITE_PLEURAL_EFFUSION:
    return nl->is_cytology_positive;
  case MR_SITE_OTHER:
  default:
    return true;
  }
}

/* Index of the new lesion with this id at assessment as, or -1. */
static int mr_find_new(const struct mr_assessment *as, const char *id) {
  int i;
  for (i = 0; i < as->n_new_lesions; i++) {
    if (strcmp(as->new_lesions[i].id, id) == 0) {
      return i;
    }
  }
  return -1;
}

/* Does a later sighting nl confirm the lesion first seen as first?  Liver:
** typical and at least the size limit, or grown by >= new_growth_dmm since
** first seen; other sites: the sighting qualifies on its own. */
static bool mr_new_confirms(const struct mr_new_lesion *first,
                            const struct mr_new_lesion *nl,
                            const struct mr_options *o) {
  if (mr_new_qualifies(nl, o)) {
    return true;
  }
  return first->site == MR_SITE_LIVER && nl->has_diameter &&
         first->has_diameter &&
         nl->diameter_dmm - first->diameter_dmm >= o->new_growth_dmm;
}

/* Mark has_new_lesion in tp[] (parallel to in->assessments), and
** is_backdated where a later sighting confirms an earlier one.  For each
** lesion id, at its first sighting f: when that sighting qualifies, the
** lesion counts from f.  Otherwise the first later sighting c that confirms
** it makes it count from f (back-dated: liver lesions, and lesions first
** reported as equivocal) or from c (a node below the limit or an effusion
** with negative cytology that later qualifies).  A counting lesion marks
** every time point from there on at which it is reported. */
static void mr_mark_new_lesions(const struct mr_input *in,
                                const struct mr_options *o,
                                struct mr_timepoint *tp) {
  int n = in->n_assessments;
  int k;
  int i;
  for (k = 0; k < n; k++) {
    const struct mr_assessment *as = &in->assessments[k];
    for (i = 0; i < as->n_new_lesions; i++) {
      const struct mr_new_lesion *first = &as->new_lesions[i];
      int from = -1;
      int kk;
      bool seen_before = false;
      for (kk = 0; kk < k; kk++) {
        if (mr_find_new(&in->assessments[kk], first->id) >= 0) {
          seen_before = true;
          break;
        }
      }
      if (seen_before) {
        continue; /* handled at its first sighting */
      }
      if (mr_new_qualifies(first, o)) {
        from = k;
      } else {
        for (kk = k + 1; kk < n; kk++) {
          int j = mr_find_new(&in->assessments[kk], first->id);
          if (j >= 0 &&
              mr_new_confirms(first, &in->assessments[kk].new_lesions[j],
                              o)) {
            if (first->site == MR_SITE_LIVER || first->is_equivocal) {
              from = k;
              tp[k].is_backdated = true;
            } else {
              from = kk;
            }
            break;
          }
        }
      }
      if (from < 0) {
        continue;
      }
      for (kk = from; kk < n; kk++) {
        if (mr_find_new(&in->assessments[kk], first->id) >= 0) {
          tp[kk].has_new_lesion = true;
        }
      }
    }
  }
}

/* Overall response from the target, non-target and new-lesion parts
** (RECIST 1.1 Table 1 with targets, Table 2 without). */
static enum mr_resp mr_overall(enum mr_resp t, enum mr_resp nt, bool has_new,
                               bool has_targets) {
  if (has_new || t == MR_PD || nt == MR_PD) {
    return MR_PD;
  }
  if (!has_targets) {
    if (nt == MR_NONE) {
      return MR_NE; /* no disease recorded at baseline at all */
    }
    return nt; /* CR, NON-CR/NON-PD or NE */
  }
  switch (t) {
  case MR_CR:
    return (nt == MR_CR || nt == MR_NONE) ? MR_CR : MR_PR;
  case MR_PR:
    return MR_PR;
  case MR_SD:
    return MR_SD;
  case MR_NE:
  default:
    return MR_NE;
  }
}

/* Target part of every time point, with the sums and changes. */
static void mr_targets(const struct mr_input *in, const struct mr_options *o,
                       struct mr_timepoint *tp) {
  int64_t base = 0;
  int64_t nadir;
  int i;
  int j;
  int k;
  for (i = 0; i < in->n_targets; i++) {
    base += in->targets[i].viable_dmm;
  }
  nadir = base;
  for (k = 0; k < in->n_assessments; k++) {
    const struct mr_assessment *as = &in->assessments[k];
    int64_t sum = 0;
    bool all = true;
    tp[k].change_baseline_pct = NAN;
    tp[k].change_nadir_pct = NAN;
    if (in->n_targets == 0) {
      tp[k].target = MR_NONE;
      continue;
    }
    for (i = 0; i < in->n_targets; i++) {
      const struct mr_target_obs *to = NULL;
      for (j = 0; j < as->n_targets; j++) {
        if (strcmp(as->targets[j].id, in->targets[i].id) == 0) {
          to = &as->targets[j];
          break;
        }
      }
      if (to == NULL || !to->is_evaluated) {
        all = false;
      } else {
        sum += to->viable_dmm;
      }
    }
    if (!all) {
      /* Partial sum: PD only when the measured targets already prove it. */
      tp[k].target = mr_is_pd(sum, nadir, o) ? MR_PD : MR_NE;
      continue;
    }
    tp[k].has_sum = true;
    tp[k].sum_dmm = sum;
    tp[k].change_baseline_pct = 100.0 * (double)(sum - base) / (double)base;
    if (nadir > 0) {
      tp[k].change_nadir_pct =
          100.0 * (double)(sum - nadir) / (double)nadir;
    }
    if (sum == 0) {
      tp[k].target = MR_CR;
    } else if (mr_is_pd(sum, nadir, o)) {
      tp[k].target = MR_PD;
    } else if (mr_is_pr(sum, base, o)) {
      tp[k].target = MR_PR;
    } else {
      tp[k].target = MR_SD;
    }
    if (sum < nadir) {
      nadir = sum;
    }
  }
}

/* Rank of a BOR category: higher is better (CR > PR > SD > NON-CR/NON-PD >
** PD > NE). */
static int mr_rank(enum mr_resp r) {
  switch (r) {
  case MR_CR:
    return 6;
  case MR_PR:
    return 5;
  case MR_SD:
    return 4;
  case MR_NON_CR_NON_PD:
    return 3;
  case MR_PD:
    return 2;
  case MR_NE:
    return 1;
  case MR_NONE:
  default:
    return 0;
  }
}

/* Is the CR or PR at tp[i] confirmed by a later time point within tp[0..n)?
** CR: a later CR >= confirm_min_days later with only CR/NE between (at most
** max_ne_between NE).  PR: a later CR/PR >= confirm_min_days later with only
** CR/PR/SD/NE between (at most max_ne_between NE, max_sd_between SD) and no
** PR after a CR from tp[i] up to and including the confirming scan: a CR
** followed by a PR means the CR was not a true one (RECIST 1.1 Table 3 note
** a), so it cannot carry a PR to its confirmation (admiralonco). */
static bool mr_confirmed(const struct mr_timepoint *tp, int n, int i,
                         const struct mr_options *o) {
  int n_ne = 0;
  int n_sd = 0;
  int j;
  bool is_cr = tp[i].overall == MR_CR;
  bool seen_cr = false;
  for (j = i + 1; j < n; j++) {
    enum mr_resp r = tp[j].overall;
    bool ok_level = is_cr ? r == MR_CR : (r == MR_CR || r == MR_PR);
    if (r == MR_PR && seen_cr) {
      return false;
    }
    if (ok_level && tp[j].date - tp[i].date >= o->confirm_min_days) {
      return true;
    }
    if (r == MR_CR) {
      seen_cr = true;
    }
    if (r == MR_NE) {
      n_ne++;
    } else if (r == MR_SD && !is_cr) {
      n_sd++;
    } else if (!ok_level) {
      return false;
    }
    if (n_ne > o->max_ne_between || n_sd > o->max_sd_between) {
      return false;
    }
  }
  return false;
}

/* Best overall response over tp[0..n) (n already stops at the first PD),
** and the confirmed flag. */
static void mr_best(const struct mr_input *in, const struct mr_options *o,
                    const struct mr_timepoint *tp, int n,
                    struct mr_result *out) {
  enum mr_resp best = MR_NE;
  bool seen_crpr = false;
  bool conf_cr = false;
  bool conf_pr = false;
  int i;
  for (i = 0; i < n; i++) {
    enum mr_resp r = tp[i].overall;
    bool late = tp[i].date - in->start_date >= o->sd_min_days;
    enum mr_resp c = r;
    if (r == MR_CR || r == MR_PR) {
      bool conf = mr_confirmed(tp, n, i, o);
      seen_crpr = true;
      if (conf && r == MR_CR) {
        conf_cr = true;
      }
      if (conf && r == MR_PR) {
        conf_pr = true;
      }
      if (o->confirm && !conf) {
        /* An unconfirmed response counts as stable disease; with
        ** non-target disease only there is no SD (RECIST 1.1 table 2):
        ** it is NON-CR/NON-PD. */
        c = !late ? MR_NE : in->n_targets > 0 ? MR_SD : MR_NON_CR_NON_PD;
      }
    } else if (r == MR_SD || r == MR_NON_CR_NON_PD) {
      c = late ? r : MR_NE;
    }
    if (mr_rank(c) > mr_rank(best)) {
      best = c;
    }
  }
  out->best = best;
  if (!seen_crpr) {
    out->confirmed = -1;
  } else if ((best == MR_CR && conf_cr) || (best == MR_PR && conf_pr)) {
    out->confirmed = 1;
  } else {
    out->confirmed = 0;
  }
}

/* The header's invariants, which mrecist_validate establishes: dates in
** order after the baseline, every observed lesion id a baseline one. */
static bool mr_invariants_hold(const struct mr_input *in) {
  int k, i;
  for (k = 0; k < in->n_assessments; k++) {
    const struct mr_assessment *as = &in->assessments[k];
    if (as->date <= (k > 0 ? in->assessments[k - 1].date
                           : in->baseline_date)) {
      return false;
    }
    for (i = 0; i < as->n_targets; i++) {
      if (mr_find_target(in, as->targets[i].id) < 0) {
        return false;
      }
    }
    for (i = 0; i < as->n_nontargets; i++) {
      if (mr_find_nontarget(in, as->nontargets[i].id) < 0) {
        return false;
      }
    }
  }
  return true;
}

int mrecist_evaluate(const struct mr_input *in, const struct mr_options *o,
                     struct mr_result *out, struct err *e) {
  struct mr_timepoint *tp;
  int n = in->n_assessments;
  int n_used;
  int k;
  bool seen_cr = false; /* an overall CR at an earlier time point */
  memset(out, 0, sizeof(*out));
  if (!in->has_baseline) {
    return ERR_FIELD(e, APP_EINVAL, "baseline", "baseline: required");
  }
  if (mrecist_validate(in, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (NEVER(!mr_invariants_hold(in))) {
    return ERR_SET(e, APP_EINTERNAL, "mrecist: the input passed validation "
                   "but breaks the core's invariants");
  }
  tp = xcalloc((size_t)n + 1, sizeof(*tp));
  for (k = 0; k < n; k++) {
    tp[k].date = in->assessments[k].date;
  }
  mr_targets(in, o, tp);
  mr_mark_new_lesions(in, o, tp);
  n_used = n;
  for (k = 0; k < n; k++) {
    tp[k].nontarget = mr_nontarget_resp(in, &in->assessments[k],
                                        seen_cr && o->is_nt_reappearance_pd);
    tp[k].overall = mr_overall(tp[k].target, tp[k].nontarget,
                               tp[k].has_new_lesion, in->n_targets > 0);
    if (tp[k].overall == MR_CR) {
      seen_cr = true;
    }
    if (tp[k].overall == MR_PD && !out->has_progression) {
      out->has_progression = true;
      out->progression_date = tp[k].date;
      n_used = k + 1;
    }
  }
  mr_best(in, o, tp, n_used, out);
  out->timepoints = tp;
  out->n_timepoints = n;
  return APP_OK;
}

void mr_result_free(struct mr_result *r) {
  xfree(r->timepoints);
  memset(r, 0, sizeof(*r));
}

/* A category as a JSON string, or null for MR_NONE. */
static json_t *mr_resp_json(enum mr_resp r) {
  const char *s = mr_resp_name(r);
  return s ? json_string(s) : json_null();
}

json_t *mr_result_to_json(const struct mr_result *r) {
  json_t *root = json_object();
  json_t *arr = json_array();
  int k;
  for (k = 0; k < r->n_timepoints; k++) {
    const struct mr_timepoint *t = &r->timepoints[k];
    json_t *o = json_object();
    json_object_set_new(o, "date", jx_date_str(t->date));
    json_object_set_new(o, "sum_mm",
                        t->has_sum ? json_real((double)t->sum_dmm / 10.0)
                                   : json_null());
    json_object_set_new(o, "change_baseline_pct",
                        jx_real_or_null(t->change_baseline_pct));
    json_object_set_new(o, "change_nadir_pct",
                        jx_real_or_null(t->change_nadir_pct));
    json_object_set_new(o, "target", mr_resp_json(t->target));
    json_object_set_new(o, "nontarget", mr_resp_json(t->nontarget));
    json_object_set_new(o, "new_lesion", json_boolean(t->has_new_lesion));
    json_object_set_new(o, "overall", mr_resp_json(t->overall));
    json_array_append_new(arr, o);
  }
  json_object_set_new(root, "timepoints", arr);
  json_object_set_new(root, "best_overall_response", mr_resp_json(r->best));
  json_object_set_new(root, "confirmed", r->confirmed < 0
                                             ? json_null()
                                             : json_boolean(r->confirmed));
  json_object_set_new(root, "progression_date",
                      r->has_progression ? jx_date_str(r->progression_date)
                                         : json_null());
  return root;
}
