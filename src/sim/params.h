/*
** params.h: the parameters of the virtual-cohort model, read from
** protocols/challenge06-sim.json (embedded; --sim FILE replaces it).
**
** Every number of the model lives in that file, next to a "source" string
** that cites where it comes from (a publication, the shared clinical-rules
** notes, or "calibrated" with the target it was tuned to).  The file also
** lists the published calibration targets that `simulate calibrate` prints
** beside the simulated values.  Pure: no I/O.
*/
#ifndef HCC_SIM_PARAMS_H
#define HCC_SIM_PARAMS_H

#include <jansson.h>
#include <stddef.h>

#include "../core/err.h"

/* The parameter list: X(name, lo, hi) gives the struct member, the JSON key
** under "parameters" and the accepted range (inclusive).  Units are in the
** names: _months, _days, _mm, _per_year; probabilities and shares are in
** [0, 1]; log_hr_ and log_or_ are natural-log effects. */
#define SIM_PARAM_LIST(X)                                                    \
  X(accrual_months, 1, 120)                                                  \
  X(followup_months, 0, 120)                                                 \
  X(dropout_per_year, 0, 2)                                                  \
  X(age_mean, 18, 75)                                                        \
  X(age_sd, 1, 30)                                                           \
  X(male_share, 0, 1)                                                        \
  X(weight_mean_male_kg, 30, 150)                                            \
  X(weight_mean_female_kg, 30, 150)                                          \
  X(weight_sd_kg, 1, 40)                                                     \
  X(hbv_share, 0, 1)                                                         \
  X(hcv_share, 0, 1)                                                         \
  X(alcohol_share, 0, 1)                                                     \
  X(masld_share, 0, 1)                                                       \
  X(diameter_median_mm, 10, 300)                                             \
  X(diameter_log_sd, 0, 2)                                                   \
  X(diameter_severity_loading, -2, 2)                                        \
  X(extra_lesions_mean, 0, 10)                                               \
  X(pvtt_logit, -10, 10)                                                     \
  X(pvtt_severity_loading, -5, 5)                                            \
  X(pvtt_vp1_share, 0, 1)                                                    \
  X(pvtt_vp2_share, 0, 1)                                                    \
  X(ecog1_logit, -10, 10)                                                    \
  X(ecog1_severity_loading, -5, 5)                                           \
  X(log10_afp_mean, -1, 6)                                                   \
  X(log10_afp_sd, 0, 4)                                                      \
  X(log10_afp_severity_loading, -3, 3)                                       \
  X(albumin_mean_g_l, 20, 55)                                                \
  X(albumin_sd_g_l, 0, 15)                                                   \
  X(bilirubin_median_umol_l, 3, 60)                                          \
  X(bilirubin_log_sd, 0, 2)                                                  \
  X(inr_mean, 0.8, 2)                                                        \
  X(inr_sd, 0, 1)                                                            \
  X(mild_ascites_share, 0, 1)                                                \
  X(haic_logit, -10, 10)                                                     \
  X(haic_log_or_pvtt, -5, 5)                                                 \
  X(haic_log_or_per_cm_over_7, -5, 5)                                        \
  X(haic_log_or_multifocal, -5, 5)                                           \
  X(haic_log_or_per_10y_age, -5, 5)                                          \
  X(cr_prob_tace, 0, 1)                                                      \
  X(cr_prob_haic, 0, 1)                                                      \
  X(shrink_mean_tace, 0, 1)                                                  \
  X(shrink_mean_haic, 0, 1)                                                  \
  X(shrink_sd, 0, 1)                                                         \
  X(shrink_lesion_sd, 0, 1)                                                  \
  X(response_tau_days, 1, 365)                                               \
  X(ttp_median_tace_months, 0.5, 120)                                        \
  X(ttp_weibull_shape, 0.3, 5)                                               \
  X(hr_haic_progression, 0.05, 20)                                           \
  X(log_hr_pvtt, -5, 5)                                                      \
  X(log_hr_per_cm_over_7, -5, 5)                                             \
  X(log_hr_multifocal, -5, 5)                                                \
  X(log_hr_afp400, -5, 5)                                                    \
  X(log_hr_ecog1, -5, 5)                                                     \
  X(log_hr_nonresponse, -5, 5)                                               \
  X(mode_new_intrahepatic, 0, 1)                                             \
  X(mode_target_growth, 0, 1)                                                \
  X(mode_pvtt, 0, 1)                                                         \
  X(regrowth_doubling_days, 5, 1000)                                         \
  X(new_lesion_start_mm, 1, 50)                                              \
  X(new_lesion_growth_mm_per_month, 0.1, 50)                                 \
  X(death_pre_progression_per_year, 0, 5)                                    \
  X(pps_median_months, 0.5, 120)                                             \
  X(log_hr_death_cp_b, -5, 5)                                                \
  X(log_hr_death_ecog1, -5, 5)                                               \
  X(log_hr_death_pvtt, -5, 5)                                                \
  X(log_hr_death_haic, -5, 5)                                                \
  X(scan_missed_prob, 0, 1)                                                  \
  X(scan_late_prob, 0, 1)                                                    \
  X(scan_late_max_days, 0, 60)                                               \
  X(measurement_cv, 0, 1)                                                    \
  X(ae_g3_prob_tace, 0, 1)                                                   \
  X(ae_g3_prob_haic, 0, 1)                                                   \
  X(ae_serious_share, 0, 1)                                                  \
  X(len_reduction_prob, 0, 1)                                                \
  X(resection_prob_tace, 0, 1)                                               \
  X(resection_prob_haic, 0, 1)                                               \
  X(post_progression_therapy_prob, 0, 1)                                     \
  X(tace_sessions_mean, 1, 10)                                               \
  X(haic_cycles_mean, 1, 12)

/* Declares one double member per parameter. */
#define SIM_PARAM_MEMBER(name, lo, hi) double name;

/* The model's parameters (units in the names; see SIM_PARAM_LIST). */
struct sim_params {
  SIM_PARAM_LIST(SIM_PARAM_MEMBER)
};

/* One published calibration target of the sim file. */
struct sim_target {
  char cohort[8];     /* "TACE", "HAIC" or "all" */
  char measure[40];   /* e.g. "median_pfs_months", "orr", "pvtt_share" */
  double low;         /* lower end of the published range */
  double high;        /* upper end */
  char source[200];   /* citation (truncated to fit) */
};

/* Most targets a sim file may list. */
#define SIM_MAX_CAL_TARGETS 48

/* A parsed sim file. */
struct sim_config {
  struct sim_params p;                        /* the parameters */
  int n_targets;                              /* entries in targets */
  struct sim_target targets[SIM_MAX_CAL_TARGETS]; /* calibration targets */
};

/* Parse a sim file: every parameter must be present as {"value": number,
** "source": non-empty text} and within its range; unknown parameters are
** refused (a typo would otherwise be silently ignored).  Messages name the
** key ("parameters.age_mean.value: ...").  APP_OK or APP_EINVAL. */
int sim_config_from_json(const json_t *root, struct sim_config *c,
                         struct err *e);

/* Parse sim file text (what names it in messages). */
int sim_config_parse(const char *text, size_t len, const char *what,
                     struct sim_config *c, struct err *e);

/* The embedded default (protocols/challenge06-sim.json) and its length. */
const char *sim_default_text(size_t *len);

/* Load the embedded default. */
int sim_config_default(struct sim_config *c, struct err *e);

#endif
