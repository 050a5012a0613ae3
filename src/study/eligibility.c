/*
** eligibility.c: inclusion/exclusion criteria of the protocol (see
** eligibility.h).  Criteria are evaluated in the registry's order; each one
** is decided from the inputs it needs, so a missing input only blocks the
** criteria that use it.
*/
#include "eligibility.h"

#include "../core/jsonx.h"
#include "liver.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const bclc_words[] = {"0", "A", "B", "C", "D", NULL};
static const char *const pvi_words[] = {"none", "vp1", "vp2", "vp3", "vp4",
                                        NULL};
static const char *const ascites_words[] = {"none", "mild",
                                            "moderate_severe", NULL};
static const char *const enceph_words[] = {"none", "grade1_2", "grade3_4",
                                           NULL};

/* The yes/no inputs: key, criterion id, the answer that fails, and why. */
static const struct {
  const char *key;
  const char *criterion;
  enum tri fails_when;
  const char *reason;
} elig_flags[EF_COUNT] = {
  [EF_EXTRAHEPATIC] = {"extrahepatic_metastasis", "extrahepatic_metastasis",
                       TRI_YES, "extrahepatic metastasis is present"},
  [EF_TREATMENT_NAIVE] = {"treatment_naive", "treatment_naive", TRI_NO,
                          "not treatment-naive: prior anticancer therapy"},
  [EF_SEVERE_ORGAN] = {"severe_organ_disease", "severe_organ_disease",
                       TRI_YES, "severe disease of a major organ"},
  [EF_DECOMPENSATED] = {"decompensated_cirrhosis", "decompensated_cirrhosis",
                        TRI_YES, "decompensated liver cirrhosis"},
  [EF_OTHER_MALIGNANCY] = {"other_malignancy", "other_malignancy", TRI_YES,
                           "concurrent other malignancy"},
  [EF_RECURRENT] = {"recurrent_hcc", "recurrent_hcc", TRI_YES,
                    "recurrent hepatocellular carcinoma"},
  [EF_AUTOIMMUNE] = {"autoimmune_disease", "autoimmune_disease", TRI_YES,
                     "active, known or suspected autoimmune disease"},
  [EF_HYPERSENSITIVITY] = {"hypersensitivity", "hypersensitivity", TRI_YES,
                           "hypersensitivity to a PD-1 inhibitor or "
                           "lenvatinib component"},
  [EF_HIV] = {"hiv", "hiv", TRI_YES, "HIV infection"},
  [EF_ACTIVE_HEPATITIS] = {"active_hepatitis", "active_hepatitis", TRI_YES,
                           "active viral hepatitis"},
  [EF_HEPATIC_VEIN] = {"hepatic_vein_invasion", "tumor_thrombus", TRI_YES,
                       "tumour thrombus in the hepatic veins"},
  [EF_IVC] = {"ivc_invasion", "tumor_thrombus", TRI_YES,
              "tumour thrombus in the inferior vena cava"},
};

/* Keys of the child_pugh object, in contract order. */
static const char *const cp_missing_names[] = {
  "child_pugh.bilirubin_umol_l", "child_pugh.albumin_g_l", "child_pugh.inr",
  "child_pugh.ascites", "child_pugh.encephalopathy"};

/* Read a number that must lie in (lo, hi]; NAN when missing. */
static int read_num(const json_t *o, const char *key, const char *ctx,
                    double lo, double hi, double *out, struct err *e) {
  char path[200];
  int rc = jx_num(o, key, ctx, out, e);
  if (rc == 0) {
    *out = NAN;
    return APP_OK;
  }
  if (rc < 0) {
    return APP_EINVAL;
  }
  if (!(*out > lo && *out <= hi)) {
    jx_path(path, sizeof(path), ctx, key);
    return ERR_FIELD(e, APP_EINVAL, path,
                     "%s: %g is out of range (above %g, at "
                     "most %g)",
                     path, *out, lo, hi);
  }
  return APP_OK;
}

/* Read an enum; -1 when missing. */
static int read_enum(const json_t *o, const char *key, const char *ctx,
                     const char *const *words, int *out, struct err *e) {
  int rc = jx_enum(o, key, ctx, words, out, e);
  if (rc == 0) {
    *out = -1;
  }
  return rc < 0 ? APP_EINVAL : APP_OK;
}

int eligibility_from_json(const json_t *obj, struct elig_input *in,
                          struct err *e) {
  json_t *cp = NULL;
  long ecog = -1;
  int i;
  int rc;
  memset(in, 0, sizeof(*in));
  in->bilirubin_umol_l = in->albumin_g_l = in->inr = NAN;
  in->ascites = in->encephalopathy = -1;
  if (read_num(obj, "age", "", -1, 130, &in->age, e) ||
      read_enum(obj, "bclc", "", bclc_words, &in->bclc, e) ||
      read_enum(obj, "portal_vein_invasion", "", pvi_words, &in->portal_vein,
                e)) {
    return APP_EINVAL;
  }
  if (!isnan(in->age) && in->age < 0) {
    return ERR_FIELD(e, APP_EINVAL, "age", "age: must not be negative");
  }
  rc = jx_int(obj, "ecog", "", 0, 5, &ecog, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  in->ecog = rc == 1 ? (int)ecog : -1;
  for (i = 0; i < EF_COUNT; i++) {
    bool b = false;
    rc = jx_bool(obj, elig_flags[i].key, "", &b, e);
    if (rc < 0) {
      return APP_EINVAL;
    }
    in->flags[i] = rc == 0 ? TRI_MISSING : (b ? TRI_YES : TRI_NO);
  }
  rc = jx_object(obj, "child_pugh", "", &cp, e);
  if (rc < 0) {
    return APP_EINVAL;
  }
  in->has_child_pugh = rc == 1;
  if (rc == 1 &&
      (read_num(cp, "bilirubin_umol_l", "child_pugh", 0, 2000,
                &in->bilirubin_umol_l, e) ||
       read_num(cp, "albumin_g_l", "child_pugh", 0, 100, &in->albumin_g_l,
                e) ||
       read_num(cp, "inr", "child_pugh", 0, 20, &in->inr, e) ||
       read_enum(cp, "ascites", "child_pugh", ascites_words, &in->ascites,
                 e) ||
       read_enum(cp, "encephalopathy", "child_pugh", enceph_words,
                 &in->encephalopathy, e))) {
    return APP_EINVAL;
  }
  return APP_OK;
}

static void add_failure(struct elig_result *r, const char *criterion,
                        const char *reason) {
  if (r->n_failed < ELIG_MAX_ITEMS) {
    r->failed[r->n_failed].criterion = criterion;
    snprintf(r->failed[r->n_failed].reason,
             sizeof(r->failed[r->n_failed].reason), "%s", reason);
    r->n_failed++;
  }
}

static void add_missing(struct elig_result *r, const char *key) {
  if (r->n_missing < ELIG_MAX_ITEMS) {
    r->missing[r->n_missing++] = key;
  }
}

/* Child-Pugh: score what is known; fail when even the best case for the
** missing components (1 point each) is above the limit. */
static void check_child_pugh(const struct eligibility_rules *g,
                             const struct elig_input *in,
                             struct elig_result *r) {
  int known = 0;
  int n_missing = 0;
  char reason[160];
  const double vals[3] = {in->bilirubin_umol_l, in->albumin_g_l, in->inr};
  const int enums[2] = {in->ascites, in->encephalopathy};
  int i;
  if (!in->has_child_pugh) {
    add_missing(r, "child_pugh");
    n_missing = 5;
  } else {
    for (i = 0; i < 3; i++) {
      if (isnan(vals[i])) {
        add_missing(r, cp_missing_names[i]);
        n_missing++;
      }
    }
    for (i = 0; i < 2; i++) {
      if (enums[i] < 0) {
        add_missing(r, cp_missing_names[3 + i]);
        n_missing++;
      } else {
        known += enums[i] + 1;
      }
    }
    if (!isnan(in->bilirubin_umol_l)) {
      known += child_pugh_bilirubin_points(&g->cp, in->bilirubin_umol_l);
    }
    if (!isnan(in->albumin_g_l)) {
      known += child_pugh_albumin_points(&g->cp, in->albumin_g_l);
    }
    if (!isnan(in->inr)) {
      known += child_pugh_inr_points(&g->cp, in->inr);
    }
  }
  if (n_missing == 0) {
    r->child_pugh_score = known;
    r->child_pugh_class = child_pugh_class(known);
    if (known > g->child_pugh_max) {
      snprintf(reason, sizeof(reason), "Child-Pugh score %d (%c) is above "
               "%d", known, r->child_pugh_class, g->child_pugh_max);
      add_failure(r, "child_pugh", reason);
    }
  } else if (known + n_missing > g->child_pugh_max) {
    snprintf(reason, sizeof(reason), "Child-Pugh score is at least %d with "
             "%d component(s) missing, above %d", known + n_missing,
             n_missing, g->child_pugh_max);
    add_failure(r, "child_pugh", reason);
  }
  if (!isnan(in->bilirubin_umol_l) && !isnan(in->albumin_g_l)) {
    r->albi = albi_score(in->bilirubin_umol_l, in->albumin_g_l);
    r->albi_grade = albi_grade(g, r->albi);
  }
}

static void check_flag(const struct elig_input *in, int f,
                       struct elig_result *r) {
  if (in->flags[f] == TRI_MISSING) {
    add_missing(r, elig_flags[f].key);
  } else if (in->flags[f] == elig_flags[f].fails_when) {
    add_failure(r, elig_flags[f].criterion, elig_flags[f].reason);
  }
}

/* Tumour thrombus: main portal trunk (per protocol, vp4), hepatic veins or
** IVC.  One failure entry naming every site found. */
static void check_thrombus(const struct eligibility_rules *g,
                           const struct elig_input *in,
                           struct elig_result *r) {
  char reason[160];
  size_t used = 0;
  int sites = 0;
  int i;
  reason[0] = '\0';
  if (in->portal_vein < 0) {
    add_missing(r, "portal_vein_invasion");
  } else if (g->pvi_excluded[in->portal_vein]) {
    used += (size_t)snprintf(reason + used, sizeof(reason) - used,
                             "portal vein invasion %s (main trunk)",
                             pvi_words[in->portal_vein]);
    sites++;
  }
  for (i = EF_HEPATIC_VEIN; i <= EF_IVC; i++) {
    if (in->flags[i] == TRI_MISSING) {
      add_missing(r, elig_flags[i].key);
    } else if (in->flags[i] == TRI_YES && used < sizeof(reason)) {
      used += (size_t)snprintf(reason + used, sizeof(reason) - used, "%s%s",
                               sites ? "; " : "", elig_flags[i].reason);
      sites++;
    }
  }
  if (sites > 0) {
    add_failure(r, "tumor_thrombus", reason);
  }
}

void eligibility_check(const struct eligibility_rules *g,
                       const struct elig_input *in, struct elig_result *r) {
  char reason[160];
  int f;
  memset(r, 0, sizeof(*r));
  r->albi = NAN;
  if (isnan(in->age)) {
    add_missing(r, "age");
  } else if (in->age < g->age_min || in->age > g->age_max) {
    snprintf(reason, sizeof(reason), "age %g is outside %d-%d years",
             in->age, g->age_min, g->age_max);
    add_failure(r, "age", reason);
  }
  if (in->bclc < 0) {
    add_missing(r, "bclc");
  } else if (!g->bclc_allowed[in->bclc]) {
    snprintf(reason, sizeof(reason), "BCLC stage %s is not allowed",
             bclc_words[in->bclc]);
    add_failure(r, "bclc", reason);
  }
  check_flag(in, EF_EXTRAHEPATIC, r);
  check_flag(in, EF_TREATMENT_NAIVE, r);
  check_child_pugh(g, in, r);
  if (in->ecog < 0) {
    add_missing(r, "ecog");
  } else if (in->ecog > g->ecog_max) {
    snprintf(reason, sizeof(reason), "ECOG performance status %d is above "
             "%d", in->ecog, g->ecog_max);
    add_failure(r, "ecog", reason);
  }
  for (f = EF_SEVERE_ORGAN; f <= EF_ACTIVE_HEPATITIS; f++) {
    check_flag(in, f, r);
  }
  check_thrombus(g, in, r);
  if (r->n_failed > 0) {
    r->eligible = 0;
  } else {
    r->eligible = r->n_missing > 0 ? -1 : 1;
  }
}

json_t *eligibility_to_json(const struct elig_result *r) {
  json_t *o = json_object();
  json_t *failed = json_array();
  json_t *missing = json_array();
  char cls[2] = {r->child_pugh_class, '\0'};
  int i;
  for (i = 0; i < r->n_failed; i++) {
    json_t *f = json_object();
    json_object_set_new(f, "criterion", json_string(r->failed[i].criterion));
    json_object_set_new(f, "reason", json_string(r->failed[i].reason));
    json_array_append_new(failed, f);
  }
  for (i = 0; i < r->n_missing; i++) {
    json_array_append_new(missing, json_string(r->missing[i]));
  }
  json_object_set_new(o, "eligible", r->eligible < 0
                                         ? json_null()
                                         : json_boolean(r->eligible));
  json_object_set_new(o, "failed", failed);
  json_object_set_new(o, "missing", missing);
  json_object_set_new(o, "child_pugh_score",
                      r->child_pugh_score ? json_integer(r->child_pugh_score)
                                          : json_null());
  json_object_set_new(o, "child_pugh_class",
                      r->child_pugh_class ? json_string(cls) : json_null());
  json_object_set_new(o, "albi_score", jx_real_or_null(r->albi));
  json_object_set_new(o, "albi_grade", r->albi_grade
                                           ? json_integer(r->albi_grade)
                                           : json_null());
  return o;
}
