/*
** forms.c: the CHALLENGE-06 case report forms (see forms.h).
**
** Vocabularies follow the rules engine (eligibility and mRECIST inputs use
** the same keys and values), so a record can be handed to the rules as it
** is.  Ranges reject impossible values (a weight of 600 kg); values that are
** possible but unusual are the business of edit checks, which raise queries
** instead of refusing the record.
*/
#include "forms.h"

#include "../core/date.h"
#include "../core/jsonx.h"
#include "protocol.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Field constructors. */
#define F_NUM(n, req, lo, hi, u, l)                                            \
  {n, FT_NUMBER, req, lo, hi, u, NULL, 0, NULL, l}
#define F_INT(n, req, lo, hi, l)                                               \
  {n, FT_INTEGER, req, lo, hi, NULL, NULL, 0, NULL, l}
#define F_DATE(n, req, l) {n, FT_DATE, req, 0, 0, NULL, NULL, 0, NULL, l}
#define F_BOOL(n, req, l) {n, FT_BOOL, req, 0, 0, NULL, NULL, 0, NULL, l}
#define F_ENUM(n, req, v, l) {n, FT_ENUM, req, 0, 0, NULL, v, 0, NULL, l}
#define F_TEXT(n, req, len, l) {n, FT_TEXT, req, 0, 0, NULL, NULL, len, NULL, l}
#define F_ARRAY(n, req, most, it, l)                                           \
  {n, FT_ARRAY, req, 0, 0, NULL, NULL, most, it, l}
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const v_bclc[] = {"0", "A", "B", "C", "D", NULL};
static const char *const v_pvi[] = {"none", "vp1", "vp2", "vp3", "vp4", NULL};
static const char *const v_ascites[] = {"none", "mild", "moderate_severe",
                                        NULL};
static const char *const v_enceph[] = {"none", "grade1_2", "grade3_4", NULL};
static const char *const v_cohort[] = {"TACE", "HAIC", NULL};
static const char *const v_sex[] = {"male", "female", NULL};
static const char *const v_aetiology[] = {"hbv", "hcv", "alcohol", "masld",
                                          "other", NULL};
static const char *const v_modality[] = {"ct", "mri", NULL};
static const char *const v_nt_status[] = {"absent", "present", "progression",
                                          "not_evaluated", NULL};
static const char *const v_tace[] = {"ctace", "debtace", NULL};
static const char *const v_haic[] = {"folfox", "other", NULL};
static const char *const v_len_action[] = {"start", "interrupt", "resume",
                                           "reduce", "discontinue", NULL};
static const char *const v_len_sched[] = {"daily", "every_other_day",
                                          "discontinued", NULL};
static const char *const v_attrib[] = {"unrelated", "unlikely", "possible",
                                       "probable", "definite", NULL};
static const char *const v_ae_action[] = {"none", "interrupted", "reduced",
                                          "withdrawn", NULL};
static const char *const v_ae_outcome[] = {
  "recovered", "recovering", "not_recovered", "recovered_with_sequelae",
  "fatal", "unknown", NULL};
static const char *const v_therapy[] = {"resection", "transplant",
                                        "ablation", "radiotherapy",
                                        "systemic", "other", NULL};
static const char *const v_alive[] = {"alive", "dead", NULL};
static const char *const v_death_cause[] = {
  "disease_progression", "adverse_event", "other", "unknown", NULL};
static const char *const v_eos[] = {"completed", "death", "withdrawal",
                                    "lost_to_follow_up", "study_terminated",
                                    "other", NULL};

static const struct field_spec f_cp[] = {
  F_NUM("bilirubin_umol_l", false, 0.1, 2000, "umol/L", "Total bilirubin"),
  F_NUM("albumin_g_l", false, 1, 100, "g/L", "Albumin"),
  F_NUM("inr", false, 0.5, 20, NULL, "INR"),
  F_ENUM("ascites", false, v_ascites, "Ascites"),
  F_ENUM("encephalopathy", false, v_enceph, "Hepatic encephalopathy"),
};
static const struct form_spec form_cp = {"child_pugh", "Child-Pugh",
                                         false, N_OF(f_cp), f_cp};

static const struct field_spec f_screening[] = {
  F_DATE("screening_date", true, "Screening date"),
  F_NUM("age", false, 0, 120, "years", "Age"),
  F_ENUM("bclc", false, v_bclc, "BCLC stage"),
  F_BOOL("extrahepatic_metastasis", false, "Extrahepatic metastasis"),
  F_BOOL("treatment_naive", false, "Treatment-naive HCC"),
  F_ARRAY("child_pugh", false, 0, &form_cp, "Child-Pugh components"),
  F_INT("ecog", false, 0, 5, "ECOG performance status"),
  F_BOOL("severe_organ_disease", false, "Severe disease of a major organ"),
  F_BOOL("decompensated_cirrhosis", false, "Decompensated cirrhosis"),
  F_BOOL("other_malignancy", false, "Concurrent other malignancy"),
  F_BOOL("recurrent_hcc", false, "Recurrent HCC"),
  F_BOOL("autoimmune_disease", false, "Autoimmune disease"),
  F_BOOL("hypersensitivity", false, "Hypersensitivity to study drugs"),
  F_BOOL("hiv", false, "HIV infection"),
  F_BOOL("active_hepatitis", false, "Active viral hepatitis"),
  F_ENUM("portal_vein_invasion", false, v_pvi, "Portal vein invasion"),
  F_BOOL("hepatic_vein_invasion", false, "Hepatic vein tumour thrombus"),
  F_BOOL("ivc_invasion", false, "Inferior vena cava tumour thrombus"),
};

/* The override fields are used only when the screening is not eligible
** and the protocol allows it (casebook_enrolment_check). */
static const struct field_spec f_enrolment[] = {
  F_DATE("consent_date", true, "Informed consent date"),
  F_ENUM("cohort", true, v_cohort, "Cohort (physician's choice)"),
  F_DATE("treatment_start", true, "Treatment start (index date)"),
  F_BOOL("eligibility_override", false,
         "Enrolled although not eligible at screening (investigator)"),
  F_TEXT("override_reason", false, 500, "Reason for the override"),
};

static const struct field_spec f_baseline[] = {
  F_INT("age", true, 18, 120, "Age (years)"),
  F_ENUM("sex", true, v_sex, "Sex"),
  F_ENUM("aetiology", true, v_aetiology, "Aetiology"),
  F_ENUM("bclc", true, v_bclc, "BCLC stage"),
  F_INT("ecog", true, 0, 5, "ECOG performance status"),
  F_NUM("bilirubin_umol_l", true, 0.1, 2000, "umol/L", "Total bilirubin"),
  F_NUM("albumin_g_l", true, 1, 100, "g/L", "Albumin"),
  F_NUM("inr", true, 0.5, 20, NULL, "INR"),
  F_ENUM("ascites", true, v_ascites, "Ascites"),
  F_ENUM("encephalopathy", true, v_enceph, "Hepatic encephalopathy"),
  F_NUM("afp_ng_ml", false, 0, 1e7, "ng/mL", "Alpha-fetoprotein"),
  F_NUM("pivka_mau_ml", false, 0, 1e7, "mAU/mL", "PIVKA-II"),
  F_INT("tumour_number", true, 1, 100, "Number of intrahepatic tumours"),
  F_NUM("largest_diameter_mm", true, 1, 400, "mm", "Largest tumour "
        "diameter"),
  F_ENUM("portal_vein_invasion", true, v_pvi, "Portal vein invasion"),
  F_NUM("weight_kg", true, 20, 300, "kg", "Body weight"),
  F_NUM("height_cm", false, 100, 230, "cm", "Height"),
};

static const struct field_spec f_base_target[] = {
  F_TEXT("id", true, 32, "Lesion id"),
  F_TEXT("organ", true, 32, "Organ"),
  F_NUM("viable_mm", true, 10, 400, "mm", "Viable (enhancing) diameter"),
};
static const struct form_spec form_base_target = {
  "target", "Target lesion", true, N_OF(f_base_target), f_base_target};

static const struct field_spec f_base_nontarget[] = {
  F_TEXT("id", true, 32, "Lesion id"),
  F_TEXT("kind", true, 32, "Kind (e.g. pvtt, liver, node)"),
};
static const struct form_spec form_base_nontarget = {
  "nontarget", "Non-target lesion", true, N_OF(f_base_nontarget),
  f_base_nontarget};

static const struct field_spec f_baseline_scan[] = {
  F_DATE("date", true, "Scan date"),
  F_ENUM("modality", true, v_modality, "Modality"),
  F_ARRAY("target", false, 10, &form_base_target, "Target lesions"),
  F_ARRAY("nontarget", false, 50, &form_base_nontarget,
          "Non-target lesions"),
};

static const struct field_spec f_target_obs[] = {
  F_TEXT("id", true, 32, "Lesion id"),
  F_NUM("viable_mm", false, 0, 400, "mm", "Viable diameter (null: not "
        "evaluated)"),
};
static const struct form_spec form_target_obs = {
  "target", "Target lesion", true, N_OF(f_target_obs), f_target_obs};

static const struct field_spec f_nontarget_obs[] = {
  F_TEXT("id", true, 32, "Lesion id"),
  F_ENUM("status", true, v_nt_status, "Status"),
};
static const struct form_spec form_nontarget_obs = {
  "nontarget", "Non-target lesion", true, N_OF(f_nontarget_obs),
  f_nontarget_obs};

static const struct field_spec f_new_lesion[] = {
  F_TEXT("id", true, 32, "Lesion id"),
  F_TEXT("site", true, 32, "Site (liver, porta_hepatis_node, ascites, "
         "pleural_effusion, lung, bone, ...)"),
  F_NUM("diameter_mm", false, 0, 400, "mm", "Longest diameter"),
  F_BOOL("typical", false, "Typical HCC vascular pattern"),
  F_NUM("short_axis_mm", false, 0, 200, "mm", "Node short axis"),
  F_BOOL("cytology_positive", false, "Effusion cytology positive"),
  F_BOOL("equivocal", false, "Equivocal"),
};
static const struct form_spec form_new_lesion = {
  "new_lesions", "New lesion", true, N_OF(f_new_lesion), f_new_lesion};

static const struct field_spec f_assessment[] = {
  F_DATE("date", true, "Scan date"),
  F_ENUM("modality", true, v_modality, "Modality"),
  F_ARRAY("target", false, 10, &form_target_obs, "Target lesions"),
  F_ARRAY("nontarget", false, 50, &form_nontarget_obs,
          "Non-target lesions"),
  F_ARRAY("new_lesions", false, 50, &form_new_lesion, "New lesions"),
};

static const struct field_spec f_tace[] = {
  F_DATE("date", true, "Procedure date"),
  F_ENUM("technique", true, v_tace, "Technique"),
  F_TEXT("drugs", false, 200, "Chemotherapy drugs and doses"),
  F_NUM("lipiodol_ml", false, 0, 100, "mL", "Lipiodol volume"),
};

static const struct field_spec f_haic[] = {
  F_DATE("date", true, "Cycle start date"),
  F_ENUM("regimen", true, v_haic, "Regimen"),
  F_NUM("oxaliplatin_mg_m2", false, 0, 200, "mg/m2", "Oxaliplatin"),
  F_NUM("leucovorin_mg_m2", false, 0, 1000, "mg/m2", "Leucovorin"),
  F_NUM("fluorouracil_mg_m2", false, 0, 5000, "mg/m2",
        "5-FU (bolus + infusion)"),
};

static const struct field_spec f_pd1[] = {
  F_DATE("date", true, "Infusion date"),
  F_TEXT("agent", true, 64, "PD-1 inhibitor"),
  F_NUM("dose_mg", true, 1, 1000, "mg", "Dose"),
};

static const struct field_spec f_lenvatinib[] = {
  F_DATE("date", true, "Date"),
  F_ENUM("action", true, v_len_action, "Action"),
  F_NUM("dose_mg", true, 0, 24, "mg", "Dose after the action"),
  F_ENUM("schedule", true, v_len_sched, "Schedule after the action"),
  F_INT("reduction_level", false, 0, 10, "Reductions so far"),
};

static const struct field_spec f_ae[] = {
  F_TEXT("term", true, 200, "Term (CTCAE v5.0 or free text)"),
  F_TEXT("meddra_code", false, 16, "MedDRA code"),
  F_INT("grade", true, 1, 5, "CTCAE grade"),
  F_DATE("onset_date", true, "Onset"),
  F_DATE("resolution_date", false, "Resolution"),
  F_BOOL("serious", true, "Serious (ICH E2A)"),
  F_BOOL("sae_death", false, "Results in death"),
  F_BOOL("sae_life_threatening", false, "Life-threatening"),
  F_BOOL("sae_hospitalisation", false, "Hospitalisation or prolongation"),
  F_BOOL("sae_disability", false, "Persistent disability"),
  F_BOOL("sae_medically_important", false, "Medically important"),
  F_ENUM("attribution_locoregional", false, v_attrib,
         "Relation to TACE/HAIC"),
  F_ENUM("attribution_pd1", false, v_attrib, "Relation to PD-1 inhibitor"),
  F_ENUM("attribution_lenvatinib", false, v_attrib,
         "Relation to lenvatinib"),
  F_ENUM("action", false, v_ae_action, "Action taken"),
  F_ENUM("outcome", false, v_ae_outcome, "Outcome"),
};

static const struct field_spec f_lab[] = {
  F_DATE("date", true, "Sample date"),
  F_TEXT("test", true, 64, "Test"),
  F_NUM("value", true, -1e9, 1e9, NULL, "Value"),
  F_TEXT("unit", true, 32, "Unit"),
};

static const struct field_spec f_new_therapy[] = {
  F_DATE("date", true, "Start date"),
  F_ENUM("type", true, v_therapy, "Type"),
  F_TEXT("detail", false, 200, "Detail"),
};

static const struct field_spec f_contact[] = {
  F_DATE("date", true, "Contact date"),
  F_ENUM("status", true, v_alive, "Vital status"),
};

static const struct field_spec f_death[] = {
  F_DATE("date", true, "Date of death"),
  F_ENUM("cause", true, v_death_cause, "Cause"),
};

static const struct field_spec f_eos[] = {
  F_DATE("date", true, "End-of-study date"),
  F_ENUM("reason", true, v_eos, "Reason"),
};

#define FORM(var, k, title, rep, f) \
  static const struct form_spec var = {k, title, rep, N_OF(f), f}
FORM(form_screening, "screening", "Screening", false, f_screening);
FORM(form_enrolment, "enrolment", "Enrolment", false, f_enrolment);
FORM(form_baseline, "baseline", "Baseline characteristics", false,
     f_baseline);
FORM(form_baseline_scan, "baseline_scan", "Baseline tumour assessment",
     false, f_baseline_scan);
FORM(form_assessment, "assessment", "Tumour assessment (mRECIST)", true,
     f_assessment);
FORM(form_tace, "tace", "TACE session", true, f_tace);
FORM(form_haic, "haic", "HAIC cycle", true, f_haic);
FORM(form_pd1, "pd1_dose", "PD-1 inhibitor dose", true, f_pd1);
FORM(form_lenvatinib, "lenvatinib", "Lenvatinib dosing event", true,
     f_lenvatinib);
FORM(form_ae, "adverse_event", "Adverse event", true, f_ae);
FORM(form_lab, "lab", "Laboratory result", true, f_lab);
FORM(form_new_therapy, "new_therapy", "New antitumor therapy", true,
     f_new_therapy);
FORM(form_contact, "survival_contact", "Survival contact", true, f_contact);
FORM(form_death, "death", "Death", false, f_death);
FORM(form_eos, "end_of_study", "End of study", false, f_eos);

const struct form_spec *const form_all[] = {
  &form_screening, &form_enrolment,   &form_baseline,    &form_baseline_scan,
  &form_assessment, &form_tace,       &form_haic,        &form_pd1,
  &form_lenvatinib, &form_ae,         &form_lab,         &form_new_therapy,
  &form_contact,    &form_death,      &form_eos,
};
const int form_n_all = N_OF(form_all);

const struct form_spec *form_find(const char *kind) {
  int i;
  for (i = 0; kind != NULL && i < form_n_all; i++) {
    if (strcmp(form_all[i]->kind, kind) == 0) {
      return form_all[i];
    }
  }
  return NULL;
}

const char *field_type_name(enum field_type t) {
  static const char *const names[] = {"number", "integer", "date", "boolean",
                                      "enum",   "text",    "array"};
  return names[t];
}

static void problem(json_t *problems, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(json_t *problems, const char *field, const char *fmt,
                    ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  json_array_append_new(problems,
                        json_pack("{s:s,s:s}", "field", field, "message",
                                  msg));
}

static int check_field(const struct field_spec *fs, const json_t *v,
                       const char *path, json_t *problems) {
  date_t d;
  double x;
  int i;
  switch (fs->type) {
  case FT_NUMBER:
  case FT_INTEGER:
    if (!json_is_number(v)) {
      problem(problems, path, "expected a %s", field_type_name(fs->type));
      return 1;
    }
    x = json_number_value(v);
    if (fs->type == FT_INTEGER && x != floor(x)) {
      problem(problems, path, "expected a whole number");
      return 1;
    }
    if (x < fs->min || x > fs->max) {
      problem(problems, path, "out of range: allowed %g to %g", fs->min,
              fs->max);
      return 1;
    }
    return 0;
  case FT_DATE:
    if (!json_is_string(v) || date_parse(json_string_value(v), &d) != 0) {
      problem(problems, path, "expected a date (YYYY-MM-DD)");
      return 1;
    }
    return 0;
  case FT_BOOL:
    if (!json_is_boolean(v)) {
      problem(problems, path, "expected true or false");
      return 1;
    }
    return 0;
  case FT_ENUM:
    if (json_is_string(v)) {
      for (i = 0; fs->values[i] != NULL; i++) {
        if (strcmp(fs->values[i], json_string_value(v)) == 0) {
          return 0;
        }
      }
    }
    problem(problems, path, "not an allowed value");
    return 1;
  case FT_TEXT:
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > fs->max_len) {
      problem(problems, path, "expected text of 1 to %zu bytes", fs->max_len);
      return 1;
    }
    return 0;
  case FT_ARRAY:
    if (fs->max_len == 0) { /* a nested object */
      if (!json_is_object(v)) {
        problem(problems, path, "expected an object");
        return 1;
      }
      return form_validate(fs->items, v, path, problems);
    }
    if (!json_is_array(v) || json_array_size(v) > fs->max_len) {
      problem(problems, path, "expected an array of at most %zu items",
              fs->max_len);
      return 1;
    } else {
      int n = 0;
      size_t k;
      for (k = 0; k < json_array_size(v); k++) {
        char ipath[240];
        json_t *item = json_array_get(v, k);
        snprintf(ipath, sizeof(ipath), "%s[%zu]", path, k);
        if (!json_is_object(item)) {
          problem(problems, ipath, "expected an object");
          n++;
        } else {
          n += form_validate(fs->items, item, ipath, problems);
        }
      }
      return n;
    }
  }
  return 0;
}

int form_validate(const struct form_spec *f, const json_t *obj,
                  const char *ctx, json_t *problems) {
  int n = 0;
  int i;
  const char *key;
  json_t *v;
  char path[200];
  json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
    int known = 0;
    for (i = 0; i < f->n_fields; i++) {
      if (strcmp(f->fields[i].name, key) == 0) {
        known = 1;
        break;
      }
    }
    if (!known) {
      jx_path(path, sizeof(path), ctx, key);
      problem(problems, path, "unknown field for %s", f->kind);
      n++;
    }
  }
  for (i = 0; i < f->n_fields; i++) {
    const struct field_spec *fs = &f->fields[i];
    v = json_object_get(obj, fs->name);
    jx_path(path, sizeof(path), ctx, fs->name);
    if (v == NULL || json_is_null(v)) {
      if (fs->is_required) {
        problem(problems, path, "required");
        n++;
      }
      continue;
    }
    n += check_field(fs, v, path, problems);
  }
  return n;
}

int form_check_future(const struct form_spec *f, const json_t *obj,
                      const char *ctx, const struct protocol *p,
                      date_t today, json_t *problems) {
  int n = 0;
  int i;
  char path[200];
  char ds[DATE_STR_LEN], ts[DATE_STR_LEN];
  date_format(today, ts);
  for (i = 0; i < f->n_fields; i++) {
    const struct field_spec *fs = &f->fields[i];
    const char *s = json_string_value(json_object_get(obj, fs->name));
    date_t d;
    if (fs->type != FT_DATE || s == NULL || date_parse(s, &d) != 0 ||
        d <= today + p->checks.future_date_grace_days ||
        protocol_future_date_warned(p, f->kind, fs->name)) {
      continue;
    }
    date_format(d, ds);
    jx_path(path, sizeof(path), ctx, fs->name);
    problem(problems, path,
            "%s is after today (%s, UTC): a date in the future cannot be "
            "saved", ds, ts);
    n++;
  }
  return n;
}

int form_validate_at(const struct form_spec *f, const json_t *obj,
                     const char *ctx, const struct protocol *p, date_t today,
                     json_t *problems) {
  int n = form_validate(f, obj, ctx, problems);
  return n + form_check_future(f, obj, ctx, p, today, problems);
}

json_t *form_to_json(const struct form_spec *f) {
  json_t *fields = json_array();
  int i, k;
  for (i = 0; i < f->n_fields; i++) {
    const struct field_spec *fs = &f->fields[i];
    json_t *o = json_pack("{s:s,s:s,s:b,s:s}", "name", fs->name, "type",
                          field_type_name(fs->type), "required",
                          fs->is_required, "label", fs->label);
    if (fs->unit) {
      json_object_set_new(o, "unit", json_string(fs->unit));
    }
    if (fs->type == FT_NUMBER || fs->type == FT_INTEGER) {
      json_object_set_new(o, "min", json_real(fs->min));
      json_object_set_new(o, "max", json_real(fs->max));
    } else if (fs->type == FT_ENUM) {
      json_t *v = json_array();
      for (k = 0; fs->values[k] != NULL; k++) {
        json_array_append_new(v, json_string(fs->values[k]));
      }
      json_object_set_new(o, "values", v);
    } else if (fs->type == FT_TEXT) {
      json_object_set_new(o, "max_length",
                          json_integer((json_int_t)fs->max_len));
    } else if (fs->type == FT_ARRAY) {
      json_object_set_new(o, fs->max_len ? "items" : "object",
                          form_to_json(fs->items));
    }
    json_array_append_new(fields, o);
  }
  return json_pack("{s:s,s:s,s:b,s:o}", "kind", f->kind, "title", f->title,
                   "repeating", f->is_repeating, "fields", fields);
}

