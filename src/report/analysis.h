/*
** analysis.h: the analysis data set of the study, built from the store's
** casebooks, and the analysis results as JSON (Kaplan-Meier by cohort,
** crude and IPTW-weighted; log-rank; Cox HR of HAIC against TACE; ORR and
** DCR with Clopper-Pearson intervals; adverse events by worst grade).
**
** Cohort codes: 0 = HAIC, 1 = TACE (byte order of the names, as `hccstudy
** stats km --group cohort` orders them).  In the Cox model the covariate is
** haic = 1 for HAIC, so the HR is HAIC against TACE.
*/
#ifndef HCC_ANALYSIS_H
#define HCC_ANALYSIS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "../stats/km.h"
#include "../store/store.h"
#include "frame.h"

/* Cohort names by code. */
#define AN_N_COHORTS 2
extern const char *const an_cohort_name[AN_N_COHORTS];

/* The propensity-model columns: the frame's (frame.h). */
#define AN_N_COV FRAME_N_COV

/* The analysis data set is the patient-level frame (frame.h) of the
** analysis population: struct frame with rows struct frame_row, built by
** frame_load(FRAME_ANALYSIS) (one implementation for the routes and the
** exports). */

/* Read every casebook the actor may see (pi and statistician see all
** sites) and build the data set of the protocol's analysis population
** (enrolment.analysis_population: enrolled and eligible at screening by
** default, casebook_in_population): frame_load with FRAME_ANALYSIS.
** Returns APP_OK or a store error.  Free with an_data_free(). */
int an_data_load(struct db *db, const struct actor *a, struct frame *d,
                 struct err *e);

/* The same from data freeze freeze_id (0: the live data, as
** an_data_load); APP_ENOTFOUND naming "freeze" when there is none. */
int an_data_load_from(struct db *db, const struct actor *a,
                      int64_t freeze_id, struct frame *d, struct err *e);

/* The population the data set holds, as the analysis routes report it:
** {"rule": "enrolled_eligible" | "enrolled", "description", "n",
** "excluded"}.  Caller json_decref()s it. */
json_t *an_population_json(const struct frame *d);

/* Free the data set and zero it. */
void an_data_free(struct frame *d);

/* Endpoint selector. */
enum an_endpoint {
  AN_PFS = 0, /* progression-free survival */
  AN_OS = 1   /* overall survival */
};

/* The inverse-probability-of-treatment weights (ATE, not stabilised) of
** the patients with every covariate: w (d->n doubles) gets the weight, or
** 0 for a patient left out (missing covariates).  The model is the
** logistic regression of haic on the AN_N_COV covariates, run by the one
** propensity workflow (stats/ps_workflow.h, as `stats ps --method iptw`).
** Returns APP_OK or APP_EINVAL (too few patients, separation by the
** workflow's rule, a score of 0 or 1), naming the field "adjust". */
int an_iptw(const struct frame *d, double *w, struct err *e);

/* One fitted KM curve per cohort for an endpoint, crude (w NULL) or
** weighted (w from an_iptw; rows with weight 0 are left out). */
struct an_km {
  int n_used;                          /* rows used */
  bool present[AN_N_COHORTS];          /* the cohort has rows */
  struct km_curve *curve;              /* AN_N_COHORTS curves (owned) */
  double tau;                          /* RMST horizon: largest last time */
};

/* Fit the curves (none present when no patient has the endpoint yet).
** Returns APP_OK, or APP_EINVAL from km_fit. */
int an_km_fit(const struct frame *d, enum an_endpoint ep, const double *w,
              struct an_km *k, struct err *e);

/* Free the curves. */
void an_km_free(struct an_km *k);

/* Cox model of the endpoint on haic (HAIC = 1): crude (w NULL, model
** variance) or weighted (robust sandwich variance). */
struct an_cox {
  bool ok;          /* the model could be fitted */
  int64_t n;        /* rows */
  int64_t events;   /* events */
  double coef;      /* log HR */
  double se;        /* standard error in use (robust when weighted) */
  double naive_se;  /* model-based standard error (inverse information) */
  double hr;        /* exp(coef) */
  double lower;     /* exp(coef - z se), z = qnorm(0.975) */
  double upper;     /* exp(coef + z se) */
  double p;         /* Wald p */
};

/* Fit the model on the rows with include[i] != 0 (NULL: all). */
void an_cox_fit(const struct frame *d, enum an_endpoint ep,
                const double *w, const int *include, struct an_cox *c);

/* GET /api/v1/analysis/km: {"endpoint", "adjust", "n", "conf_type",
** "conf_level", "groups": [per cohort as `stats km --json`], "logrank"
** (crude) or null, "cox"}.  Caller json_decref()s *out. */
int an_km_json(const struct frame *d, enum an_endpoint ep, bool iptw,
               json_t **out, struct err *e);

/* GET /api/v1/analysis/summary (see docs/analysis.md). */
int an_summary_json(const struct frame *d, json_t **out, struct err *e);

#endif
