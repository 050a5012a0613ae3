/*
** study.h: one virtual study (a cohort of virtual patients) and its
** casebooks.
**
** sim_study_draw() enrols n patients uniformly over the accrual period
** (staggered entry), draws each with sim_patient_draw() from one random
** stream (seed, stream), and cuts the data at accrual + follow-up months
** after the study start.  sim_study_casebooks() writes the study in the
** import format of the store ({"patients": [{"site", "records": [{"kind",
** "data"}]}]}, every record valid against src/study/forms.c).  Pure: no
** I/O (the caller prints or saves the JSON).
*/
#ifndef HCC_SIM_STUDY_H
#define HCC_SIM_STUDY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/date.h"
#include "patient.h"

/* Number of simulated centres and their site codes (sim_site_codes). */
#define SIM_N_SITES 6

/* The site codes patients are spread over (static strings). */
extern const char *const sim_site_codes[SIM_N_SITES];

/* Options of one virtual study. */
struct sim_study_opts {
  int n;                /* patients (>= 1) */
  uint64_t seed;        /* the user's seed */
  uint64_t stream;      /* stream index (trial number; 0 for a cohort) */
  double hr_override;   /* > 0 replaces hr_haic_progression */
  int force_cohort;     /* -1, or SIM_TACE / SIM_HAIC for everyone */
  double followup_months; /* < 0: the sim file's followup_months */
  bool for_casebook;    /* casebook realism pass (sim_patient_draw) */
};

/* A drawn study.  Owns patients (sim_study_free). */
struct sim_study {
  int n;                         /* patients */
  int cutoff_day;                /* data cut, days from the study start */
  struct sim_patient *patients;  /* n patients, by enrolment */
};

/* Draw a study.  Returns APP_OK, or the first patient's error. */
int sim_study_draw(const struct sim_config *cfg, const struct protocol *pr,
                   const struct sim_study_opts *o, struct sim_study *s,
                   struct err *e);

/* Free the patients and zero *s. */
void sim_study_free(struct sim_study *s);

/* Casebooks of the whole study, dated from study_start (day 0).  Caller
** json_decref()s the result. */
json_t *sim_study_casebooks(const struct sim_study *s,
                            const struct protocol *pr, date_t study_start);

/* The patient code used in CSV output and "subject" text, e.g. "SIM-0001"
** (out: at least 16 bytes). */
void sim_patient_code(int index, char *out, size_t n);

#endif
