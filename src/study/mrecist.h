/*
** mrecist.h: mRECIST time-point responses and best overall response.
**
** Lencioni & Llovet 2010 (mRECIST for HCC) on top of the RECIST 1.1 tables
** (Eisenhauer 2009): the sum of viable (arterially enhancing) diameters of
** the target lesions, non-target status, the HCC-specific new-lesion rules
** (typical liver lesion >= 10 mm, porta hepatis node >= 20 mm short axis,
** effusions only with positive cytology, back-dating of equivocal lesions),
** the overall response table and the best overall response (BOR) with
** confirmation and a minimum SD duration.  docs/response-and-endpoints.md
** states every decision.
**
** All lengths are whole tenths of a millimetre ("dmm", decimillimetres), so
** the 30 % and 20 % thresholds are compared exactly in integers: 30.0 % is a
** PR and +20.0 % is a PD, whatever binary doubles would say.
**
** Pure: no I/O.  The JSON readers and writers here only convert between
** jansson values and the structs below, so the CLI and a web API share them.
*/
#ifndef HCC_MRECIST_H
#define HCC_MRECIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/date.h"
#include "../core/err.h"
#include "protocol.h"

/* A response category.  MR_NONE is "not applicable" (JSON null): the target
** response of a patient without targets, the non-target response of a
** patient without non-targets. */
enum mr_resp {
  MR_NONE = 0,           /* not applicable */
  MR_CR = 1,             /* complete response */
  MR_PR = 2,             /* partial response */
  MR_SD = 3,             /* stable disease */
  MR_NON_CR_NON_PD = 4,  /* non-target persistence (non-target disease) */
  MR_PD = 5,             /* progressive disease */
  MR_NE = 6              /* not evaluable */
};

/* Status of one non-target lesion at an assessment. */
enum mr_nt_status {
  MR_NT_ABSENT = 0,        /* no arterial enhancement left */
  MR_NT_PRESENT = 1,       /* persists (incomplete response / stable) */
  MR_NT_PROGRESSION = 2,   /* unequivocal progression */
  MR_NT_NOT_EVALUATED = 3  /* not assessed at this time point */
};

/* Where a new lesion is.  Strings other than the four named sites are
** MR_SITE_OTHER ("lung", "bone", "lymph_node", "peritoneum", ...). */
enum mr_site {
  MR_SITE_LIVER = 0,            /* "liver": >= 10 mm with typical pattern */
  MR_SITE_PORTA_NODE = 1,       /* "porta_hepatis_node": short axis >= 20 */
  MR_SITE_ASCITES = 2,          /* "ascites": positive cytology only */
  MR_SITE_PLEURAL_EFFUSION = 3, /* "pleural_effusion": positive cytology */
  MR_SITE_OTHER = 4             /* any other site: PD unless equivocal */
};

/* A target lesion at baseline. */
struct mr_base_target {
  const char *id;      /* lesion id (borrowed; unique among targets) */
  const char *organ;   /* organ, informative only (borrowed; may be NULL) */
  int64_t viable_dmm;  /* viable diameter, 0.1 mm units; must be > 0 */
};

/* A non-target lesion at baseline. */
struct mr_base_nontarget {
  const char *id;    /* lesion id (borrowed; unique among non-targets) */
  const char *kind;  /* e.g. "pvtt", informative only (borrowed; or NULL) */
};

/* One target measurement at an assessment. */
struct mr_target_obs {
  const char *id;      /* a baseline target id (borrowed) */
  bool is_evaluated;   /* false when viable_mm was null (not evaluated) */
  int64_t viable_dmm;  /* viable diameter, 0.1 mm units, >= 0 when
                          is_evaluated; 0 otherwise */
};

/* One non-target observation at an assessment. */
struct mr_nontarget_obs {
  const char *id;            /* a baseline non-target id (borrowed) */
  enum mr_nt_status status;  /* what was seen */
};

/* One new lesion reported at an assessment.  The same id at later
** assessments is the same lesion (that is how equivocal lesions are
** followed).  Which has_* fields are required depends on the site (liver:
** diameter and typical; porta node: short axis; effusions: cytology). */
struct mr_new_lesion {
  const char *id;            /* lesion id (borrowed) */
  const char *site_text;     /* the site as given (borrowed) */
  enum mr_site site;         /* site class */
  bool has_diameter;         /* diameter_dmm is known */
  int64_t diameter_dmm;      /* longest diameter, 0.1 mm units */
  bool has_typical;          /* is_typical is known */
  bool is_typical;           /* typical HCC pattern (APHE + washout) */
  bool has_short_axis;       /* short_axis_dmm is known */
  int64_t short_axis_dmm;    /* node short axis, 0.1 mm units */
  bool has_cytology;         /* is_cytology_positive is known */
  bool is_cytology_positive; /* effusion cytology shows tumour cells */
  bool is_equivocal;         /* reader not sure it is new tumour */
};

/* One follow-up assessment (a scan date). */
struct mr_assessment {
  date_t date;                         /* scan date */
  struct mr_target_obs *targets;       /* owned array */
  int n_targets;                       /* entries in targets */
  struct mr_nontarget_obs *nontargets; /* owned array */
  int n_nontargets;                    /* entries in nontargets */
  struct mr_new_lesion *new_lesions;   /* owned array */
  int n_new_lesions;                   /* entries in new_lesions */
};

/* One patient's tumour assessments.  Arrays are owned (freed by
** mr_input_free); strings are borrowed from whoever filled it (the json_t
** for mrecist_input_from_json). */
struct mr_input {
  date_t start_date;                   /* index date (treatment start) */
  bool has_baseline;                   /* a baseline assessment exists */
  date_t baseline_date;                /* its date (when has_baseline) */
  struct mr_base_target *targets;      /* owned array */
  int n_targets;                       /* 0: non-target disease only */
  struct mr_base_nontarget *nontargets;/* owned array */
  int n_nontargets;                    /* baseline non-target lesions */
  struct mr_assessment *assessments;   /* owned, strictly increasing dates */
  int n_assessments;                   /* follow-up assessments */
};

/* Numbers of the response rules, in exact integer units. */
struct mr_options {
  bool confirm;              /* CR/PR need a confirming assessment */
  int confirm_min_days;      /* confirming scan >= this many days later */
  int sd_min_days;           /* SD counts from this day after start */
  int max_ne_between;        /* NE allowed between CR/PR and confirmation */
  int max_sd_between;        /* SD allowed between a PR and its
                                confirmation: 1 when the protocol's
                                accept_sd_between_confirmations is true,
                                0 (admiralonco accept_sd = FALSE) when not */
  bool is_nt_reappearance_pd;/* a non-target present again after an
                                overall CR is PD (else NON-CR/NON-PD) */
  int64_t pd_abs_min_dmm;    /* PD also needs this absolute increase */
  int64_t pd_pct_tenths;     /* PD: >= this (0.1 % units) above nadir */
  int64_t pr_pct_tenths;     /* PR: >= this (0.1 % units) below baseline */
  int64_t new_liver_min_dmm; /* typical new liver lesion counts from */
  int64_t new_growth_dmm;    /* growth that confirms an equivocal lesion */
  int64_t porta_node_min_dmm;/* new porta hepatis node short axis */
};

/* Derived response at one assessment. */
struct mr_timepoint {
  date_t date;                /* scan date */
  bool has_sum;               /* every target was measured */
  int64_t sum_dmm;            /* sum of viable diameters (when has_sum) */
  double change_baseline_pct; /* 100 (sum - base) / base; NAN when unknown */
  double change_nadir_pct;    /* 100 (sum - nadir) / nadir; NAN when
                                 unknown or nadir 0 */
  enum mr_resp target;        /* CR PR SD PD NE, or MR_NONE (no targets) */
  enum mr_resp nontarget;     /* CR NON_CR_NON_PD PD NE, or MR_NONE */
  bool has_new_lesion;        /* an unequivocal new lesion (incl. one
                                 back-dated to this scan) */
  bool is_backdated;          /* PD here comes from a later confirmation */
  enum mr_resp overall;       /* CR PR SD NON_CR_NON_PD PD NE */
};

/* Result of mrecist_evaluate.  Owns timepoints (mr_result_free). */
struct mr_result {
  struct mr_timepoint *timepoints; /* one per assessment, same order */
  int n_timepoints;                /* = n_assessments */
  enum mr_resp best;               /* best overall response (never NONE) */
  int confirmed;                   /* -1 null (no CR/PR seen), 0, 1 */
  bool has_progression;            /* a PD time point exists */
  date_t progression_date;         /* first PD (after back-dating) */
};

/* Text of a category: "CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"; NULL
** for MR_NONE. */
const char *mr_resp_name(enum mr_resp r);

/* Millimetres to whole tenths, half away from zero (llround(mm * 10)).
** |mm| must be below 1e12. */
int64_t mr_mm_to_dmm(double mm);

/* Fill *o from the protocol's response rules. */
void mr_options_from_protocol(const struct response_rules *r,
                              struct mr_options *o);

/* Overlay the JSON "options" object of root (if present) on *o: confirm,
** confirm_min_days, sd_min_days, pd_abs_min_mm,
** max_ne_between_confirmations, accept_sd_between_confirmations,
** nontarget_reappearance_after_cr (the protocol's names and ranges).
** APP_EINVAL names the field ("options.sd_min_days: ..."). */
int mr_options_from_json(const json_t *root, struct mr_options *o,
                         struct err *e);

/* Read start_date, baseline and assessments from root into *in (zeroed
** first).  Types and presence only; mrecist_validate checks the meaning.
** When baseline_required is false an absent or null "baseline" gives
** has_baseline = false.  Strings in *in borrow from root.  On success or
** failure the caller frees with mr_input_free(). */
int mr_input_from_json(const json_t *root, bool baseline_required,
                       struct mr_input *in, struct err *e);

/* Free the arrays of *in and zero it. */
void mr_input_free(struct mr_input *in);

/* Check the meaning of *in: ids known and unique, dates strictly increasing
** and after the baseline, viable diameters >= 0 (> 0 at baseline), the
** fields each new-lesion site needs.  Messages name the JSON path
** ("assessments[1].target[0].viable_mm: ..."). */
int mrecist_validate(const struct mr_input *in, struct err *e);

/* Validate and derive every time point, the BOR, confirmation and the
** progression date.  Needs has_baseline.  *out is filled (caller frees with
** mr_result_free) only on APP_OK. */
int mrecist_evaluate(const struct mr_input *in, const struct mr_options *o,
                     struct mr_result *out, struct err *e);

/* Free the time points of *r and zero it. */
void mr_result_free(struct mr_result *r);

/* The result as the JSON object of the mrecist command (timepoints,
** best_overall_response, confirmed, progression_date).  Caller
** json_decref()s it. */
json_t *mr_result_to_json(const struct mr_result *r);

#endif
