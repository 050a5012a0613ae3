/*
** patient.h: one virtual CHALLENGE-06 patient.
**
** sim_patient_draw() draws a patient from the model of params.h: baseline
** covariates with a shared latent severity (so PVTT, tumour size, ECOG and
** AFP go together), the treatment chosen by indication, target lesions whose
** viable diameters shrink and regrow, new intrahepatic and extrahepatic
** lesions, PVTT progression, scans at 56 +/- 3 days with missed and late
** visits and measurement error, death depending on progression and liver
** function, adverse events, lenvatinib reductions, conversion resection and
** later therapy, dropout.  The scans are then judged by the study's own
** rules (mrecist_evaluate, endpoints_derive): the simulator never decides a
** response or a PFS date itself.  Pure: no I/O.
**
** Time is in days from the patient's treatment start (the index date);
** enrol_day places that start in study time (days from the study start).
*/
#ifndef HCC_SIM_PATIENT_H
#define HCC_SIM_PATIENT_H

#include <stdbool.h>

#include "../core/err.h"
#include "../study/endpoints.h"
#include "../study/protocol.h"
#include "params.h"
#include "rng.h"

/* Most target lesions per patient (protocol: 2 per organ, all liver). */
#define SIM_MAX_TARGETS 2
/* Most non-target lesions per patient (PVTT, other intrahepatic). */
#define SIM_MAX_NONTARGETS 2
/* Most adverse events recorded per patient. */
#define SIM_MAX_AES 6

/* Cohort codes (index into the protocol's cohorts: TACE first). */
#define SIM_TACE 0
#define SIM_HAIC 1

/* How the latent progression shows itself. */
enum sim_prog_mode {
  SIM_PROG_NEW_LIVER = 0, /* a new intrahepatic lesion, first equivocal */
  SIM_PROG_TARGETS = 1,   /* regrowth of the target lesions */
  SIM_PROG_PVTT = 2,      /* unequivocal progression of the PVTT */
  SIM_PROG_EXTRA = 3      /* a new extrahepatic (lung) lesion */
};

/* One adverse event. */
struct sim_ae {
  const char *term;  /* CTCAE term (static) */
  int grade;         /* 1..4 */
  int day;           /* onset, days from treatment start */
  int duration;      /* days to resolution */
  bool serious;      /* ICH E2A serious */
};

/* Baseline covariates (the baseline form's fields). */
struct sim_baseline {
  int age;               /* years, 18..75 */
  bool female;           /* sex */
  double weight_kg;      /* screening weight */
  int aetiology;         /* 0 hbv, 1 hcv, 2 alcohol, 3 masld, 4 other */
  int bclc;              /* 1 A, 2 B, 3 C */
  int ecog;              /* 0 or 1 */
  double bilirubin;      /* umol/L */
  double albumin;        /* g/L */
  double inr;            /* INR */
  int ascites;           /* 0 none, 1 mild */
  int child_pugh;        /* score 5..7 (from eligibility_check) */
  double afp;            /* ng/mL */
  int tumour_number;     /* intrahepatic lesions, >= 1 */
  double diameter_mm;    /* largest diameter */
  int pvi;               /* 0 none, 1..3 vp1..vp3 */
};

/* One virtual patient.  Owns ep.mr's arrays (sim_patient_free). */
struct sim_patient {
  int index;                 /* 0-based number in the study */
  int enrol_day;             /* treatment start, days from study start */
  int cohort;                /* SIM_TACE or SIM_HAIC */
  struct sim_baseline b;     /* baseline covariates */
  double latent_severity;    /* the shared latent factor (N(0,1)) */
  double ps_logit;           /* the true logit of P(HAIC | x) */
  int n_targets;             /* target lesions (1..SIM_MAX_TARGETS) */
  double target_mm[SIM_MAX_TARGETS]; /* baseline viable diameters */
  double shrink[SIM_MAX_TARGETS];    /* plateau fraction of viable tumour
                                        lost, 0..1 (1: complete) */
  bool has_liver_nontarget;  /* further intrahepatic lesions (non-target) */
  double ttp_day;            /* latent progression onset (may be > end) */
  enum sim_prog_mode mode;   /* how it shows */
  double death_day;          /* latent death (may be > end) */
  double dropout_day;        /* latent withdrawal / loss (may be > end) */
  int resection_day;         /* conversion resection, -1 when none */
  int later_therapy_day;     /* therapy after progression, -1 when none */
  int end_day;               /* last day observed: death, dropout or cut */
  bool died;                 /* death observed (death_day <= end_day) */
  bool dropped;              /* ended by withdrawal / loss */
  int baseline_scan_day;     /* baseline scan, days (< 0) */
  int n_aes;                 /* entries in aes */
  struct sim_ae aes[SIM_MAX_AES]; /* adverse events by onset */
  int len_reduction_day;     /* first lenvatinib reduction, -1 when none */
  int n_procedures;          /* TACE sessions or HAIC cycles */
  struct ep_input ep;        /* what the rules engine sees (scans etc.);
                                every array points into block */
  void *block;               /* the one allocation behind ep.mr's arrays
                                and the pools below (owned) */
  struct mr_target_obs *pool_targets;       /* SIM_MAX_TARGETS per scan */
  struct mr_nontarget_obs *pool_nontargets; /* SIM_MAX_NONTARGETS per
                                               scan */
  struct mr_new_lesion *pool_new;           /* one per scan */
  struct ep_result res;      /* endpoints_derive's verdict */
};

/* Draw patient `index` of a study: enrol_day its treatment start in study
** time, cutoff_day the data cut in study time (>= enrol_day).  When
** force_cohort is SIM_TACE or SIM_HAIC the choice model is drawn but
** overridden (for counterfactual populations; the random stream is the
** same), -1 keeps the model's choice.  hr_override > 0 replaces
** hr_haic_progression; hr_override == 1 is an exact null: the HAIC
** response, complete-response and resection parameters are replaced by
** the TACE ones too, so the cohorts differ only in their adverse events.
** The scans then go through mrecist_evaluate and endpoints_derive with the
** protocol's rules (result in p->res).  With for_casebook the scans after
** the detected progression are dropped and a later therapy is dated from
** it (an extra mrecist_evaluate pass that does not change PFS, OS or the
** BOR; Monte Carlo runs leave it out).  The
** caller frees p with sim_patient_free() whatever the result.  Returns
** APP_OK or the rules engine's error (which would be a model bug). */
int sim_patient_draw(const struct sim_params *sp, const struct protocol *pr,
                     struct sim_rng *r, int index, int enrol_day,
                     int cutoff_day, int force_cohort, double hr_override,
                     bool for_casebook, struct sim_patient *p,
                     struct err *e);

/* Free what *p owns (scan arrays and pools) and zero it. */
void sim_patient_free(struct sim_patient *p);

/* Names of the enums as the forms spell them. */
const char *sim_aetiology_name(int a);
const char *sim_bclc_name(int b);
const char *sim_pvi_name(int v);

#endif
