/*
** power.h: a Monte Carlo power run of the design (`simulate power`).
**
** sim_power_run() runs o->trials trials of the design (trial.h) on
** o->threads POSIX threads and sums them into one summary: the power (or
** type I error) of the crude log-rank test, the IPTW Cox and the matched
** Cox models, the mean hazard ratios with their bias and the coverage of
** their 95 % intervals against the marginal ("true") hazard ratio, and the
** mean events, analysis time and matched pairs.  Each trial has its own
** random stream and its own result slot, and the slots are summed in trial
** order afterwards, so the summary is byte-identical for any number of
** threads.  Pure: no I/O (progress goes to a caller's callback).
*/
#ifndef HCC_SIM_POWER_H
#define HCC_SIM_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../study/protocol.h"
#include "params.h"
#include "trial.h"

/* Most threads a run accepts. */
#define SIM_POWER_MAX_THREADS 256

/* Patients per arm of the counterfactual population of the true HR. */
#define SIM_POWER_TRUE_HR_PER_ARM 10000

/* What to run. */
struct sim_power_opts {
  struct sim_design d;      /* the design; for the exponential model an
                               hr <= 0 means the sim file's
                               hr_haic_progression */
  uint64_t seed;            /* the run's seed */
  int64_t trials;           /* trials, >= 1 */
  int threads;              /* threads, 1 .. SIM_POWER_MAX_THREADS */
  /* Called after each chunk of trials with the trials finished so far
  ** and the trials in all, or NULL.  It runs on the worker threads, one
  ** call at a time (under the run's lock), and must not call back into
  ** the run. */
  void (*progress)(void *arg, int64_t done, int64_t trials);
  void *progress_arg;       /* handed to progress */
};

/* The summary of a run.  Means over no trial are NAN; the IPTW and matched
** figures are NAN for the exponential model (it fits no Cox model). */
struct sim_power_result {
  int64_t trials;           /* trials run */
  int threads;              /* threads used (fewer than asked when the
                               system would not start more) */
  bool is_lesion;           /* the lesion model (else exponential) */
  bool is_null;             /* the design's hazard ratio is 1: the power
                               figures are the type I error */
  double hr_used;           /* the hazard ratio the trials used: --hr, or
                               the sim file's (conditional, lesion) */
  double true_log_hr;       /* the marginal log HR the coverage and bias
                               are measured against */
  double true_hr;           /* exp(true_log_hr) */
  double power_logrank;     /* share of trials with log-rank p < alpha */
  double power_iptw;        /* share of IPTW fits with robust p < alpha */
  double power_matched;     /* share of matched fits with p < alpha */
  double mc_se_logrank;     /* Monte Carlo SE of power_logrank */
  int64_t n_crude;          /* trials with a crude Cox fit */
  int64_t n_iptw;           /* trials with an IPTW fit */
  int64_t n_matched;        /* trials with a matched fit */
  double crude_hr_mean;     /* mean of exp(crude log HR) */
  double iptw_hr_mean;      /* mean of exp(IPTW log HR) */
  double matched_hr_mean;   /* mean of exp(matched log HR) */
  double crude_log_bias;    /* mean crude log HR - true_log_hr */
  double iptw_log_bias;     /* mean IPTW log HR - true_log_hr */
  double crude_coverage;    /* share of crude 95 % CIs holding the truth */
  double iptw_coverage;     /* the same, IPTW (robust SE) */
  double matched_coverage;  /* the same, matched (SE clustered on pairs) */
  double matched_pairs_mean; /* mean matched pairs per matched fit */
  double events_mean;       /* mean PFS events at analysis */
  double analysis_time_mean; /* mean calendar months at analysis
                                (exponential model) */
};

/* Run the trials of o on cfg and pr (both read-only, shared by the
** threads) and summarise them into *r.  Returns APP_OK, APP_EINVAL (trials
** or threads out of range) or the first error of a trial or of the true
** hazard ratio's population; *r is complete on success only.  Allocates
** only for the duration of the call. */
int sim_power_run(const struct sim_config *cfg, const struct protocol *pr,
                  const struct sim_power_opts *o, struct sim_power_result *r,
                  struct err *e);

#endif
