/*
** eligibility.h: the protocol's inclusion and exclusion criteria.
**
** Input is one screening record; every field may be missing.  The result
** says which criteria failed (with a reason), which inputs are missing, and
** whether the patient is eligible: yes, no, or unknown (null) when nothing
** failed but something is missing.  A criterion fails as soon as the known
** inputs prove it (e.g. a Child-Pugh score already above the limit with one
** component missing).  Pure.
*/
#ifndef HCC_ELIGIBILITY_H
#define HCC_ELIGIBILITY_H

#include <jansson.h>
#include <stdbool.h>

#include "../core/err.h"
#include "protocol.h"

/* A yes/no input that may be missing. */
enum tri { TRI_MISSING = -1, TRI_NO = 0, TRI_YES = 1 };

/* Indices of the boolean inputs in struct elig_input.flags. */
enum elig_flag {
  EF_EXTRAHEPATIC = 0,     /* extrahepatic_metastasis */
  EF_TREATMENT_NAIVE,      /* treatment_naive */
  EF_SEVERE_ORGAN,         /* severe_organ_disease */
  EF_DECOMPENSATED,        /* decompensated_cirrhosis */
  EF_OTHER_MALIGNANCY,     /* other_malignancy */
  EF_RECURRENT,            /* recurrent_hcc */
  EF_AUTOIMMUNE,           /* autoimmune_disease */
  EF_HYPERSENSITIVITY,     /* hypersensitivity */
  EF_HIV,                  /* hiv */
  EF_ACTIVE_HEPATITIS,     /* active_hepatitis */
  EF_HEPATIC_VEIN,         /* hepatic_vein_invasion */
  EF_IVC,                  /* ivc_invasion */
  EF_COUNT
};

/* One screening record.  Numbers are NAN when missing; enums -1. */
struct elig_input {
  double age;              /* years */
  int bclc;                /* 0..4 for "0","A","B","C","D"; -1 missing */
  int ecog;                /* 0..5; -1 missing */
  int portal_vein;         /* 0..4 for none,vp1..vp4; -1 missing */
  enum tri flags[EF_COUNT];/* yes/no answers */
  double bilirubin_umol_l; /* total bilirubin */
  double albumin_g_l;      /* albumin */
  double inr;              /* INR */
  int ascites;             /* enum ascites; -1 missing */
  int encephalopathy;      /* enum encephalopathy; -1 missing */
  bool has_child_pugh;     /* the child_pugh object was given */
};

/* Most criteria and missing inputs a result can list. */
#define ELIG_MAX_ITEMS 32

/* A failed criterion. */
struct elig_failure {
  const char *criterion;   /* criterion id, e.g. "tumor_thrombus" (static) */
  char reason[160];        /* human-readable reason */
};

/* The verdict. */
struct elig_result {
  int eligible;                     /* 1 yes, 0 no, -1 unknown */
  int n_failed;                     /* entries in failed[] */
  struct elig_failure failed[ELIG_MAX_ITEMS];
  int n_missing;                    /* entries in missing[] */
  const char *missing[ELIG_MAX_ITEMS]; /* input key names (static) */
  int child_pugh_score;             /* 5..15, or 0 when not computable */
  char child_pugh_class;            /* 'A','B','C', or 0 */
  double albi;                      /* ALBI score, NAN when not computable */
  int albi_grade;                   /* 1..3, or 0 */
};

/* Read a screening record from JSON (the `hccstudy eligibility` input
** keys).  Missing or null keys stay missing; a key of the wrong type or
** out of range is APP_EINVAL naming it. */
int eligibility_from_json(const json_t *obj, struct elig_input *in,
                          struct err *e);

/* Apply the protocol's criteria. */
void eligibility_check(const struct eligibility_rules *r,
                       const struct elig_input *in, struct elig_result *out);

/* Build the JSON result (the contract of `hccstudy eligibility --json`).
** Caller json_decref()s it. */
json_t *eligibility_to_json(const struct elig_result *res);

#endif
