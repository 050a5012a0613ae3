/*
** trial.h: one Monte Carlo trial of the design, and the summary of many.
**
** A trial is a pure function of (config, protocol, options, seed, trial
** index): it draws its own random stream, so trials can run in any order on
** any number of threads and give the same numbers.  Two models:
**   lesion       a whole virtual study (sim_study_draw: lesions, scans,
**                mRECIST, endpoints), then the planned analyses of PFS:
**                crude log-rank and Cox, IPTW (ATE) Cox with robust SE on a
**                logistic propensity score, and 1:1 nearest-neighbour
**                matching on the logit of the score (caliper 0.2 SD, Austin
**                2011) with a Cox model clustered on the pairs;
**   exponential  event times only, as rpact::getSimulationSurvival draws
**                them (uniform accrual, exponential event and dropout
**                times, analysis at a number of events or a follow-up),
**                tested with the log-rank test.
** Pure: no I/O.
*/
#ifndef HCC_SIM_TRIAL_H
#define HCC_SIM_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../study/protocol.h"
#include "params.h"

/* Which model a trial uses. */
enum sim_model {
  SIM_MODEL_LESION = 0,     /* the whole patient model */
  SIM_MODEL_EXPONENTIAL = 1 /* event times only (rpact's model) */
};

/* The design of a power run. */
struct sim_design {
  enum sim_model model;     /* lesion or exponential */
  int n;                    /* patients per trial */
  double hr;                /* HAIC (treated) vs TACE hazard ratio; <= 0:
                               the sim file's (lesion model only) */
  double alpha;             /* two-sided level (0.05) */
  double followup_months;   /* lesion: < 0 the sim file's; exponential:
                               analysis at accrual + this (when events 0) */
  /* exponential model only */
  double median_control;    /* control median, months */
  double accrual_time;      /* months, uniform accrual */
  int events;               /* analysis at this many events (> 0), else at
                               accrual_time + followup_months */
  double dropout;           /* dropout probability by dropout_time */
  double dropout_time;      /* months */
};

/* What one trial gives. */
struct sim_trial_result {
  bool ok;                  /* false: an analysis could not be fitted */
  int events;               /* PFS events (exponential: events used) */
  double analysis_time;     /* exponential: calendar months at analysis */
  double logrank_z;         /* signed log-rank Z for the treated group
                               ((O-E)/sqrt(V); negative favours treated) */
  bool logrank_reject;      /* two-sided log-rank p < alpha */
  bool has_cox;             /* the Cox fits below were done (lesion) */
  double crude_b;           /* crude log HR */
  double crude_se;          /* its model SE */
  bool crude_reject;        /* Wald p < alpha */
  bool iptw_ok;             /* IPTW fit succeeded */
  double iptw_b;            /* IPTW (ATE) log HR */
  double iptw_se;           /* robust SE */
  bool iptw_reject;         /* robust Wald p < alpha */
  bool match_ok;            /* matched fit succeeded */
  double match_b;           /* matched log HR */
  double match_se;          /* robust SE clustered on pairs */
  bool match_reject;        /* robust Wald p < alpha */
  int n_pairs;              /* matched pairs */
};

/* One row of the fast two-group log-rank. */
struct sim_lr_row {
  double t;  /* time, > 0 */
  int st;    /* 1 event, 0 censored */
  int g;     /* group 0 or 1 */
};

/* The two-group log-rank Z of group 1 ((O1 - E1) / sqrt(V), survdiff's
** hypergeometric variance with ties) over the n rows with t >= 0 (times
** within 3 ulp count as tied; see trial.c).
** Equal to logrank_test's statistic (tests/unit/test_sim.c checks it);
** written out because the exponential model runs ~10^4 trials per second
** and the general k-group code allocates and radix-sorts. */
double sim_logrank2_z(struct sim_lr_row *a, int n);

/* Run trial `index` (0-based) of the run seeded with `seed`.  Returns
** APP_OK (r->ok tells whether every analysis could be done) or an error of
** the model. */
int sim_trial_run(const struct sim_config *cfg, const struct protocol *pr,
                  const struct sim_design *d, uint64_t seed, int64_t index,
                  struct sim_trial_result *r, struct err *e);

/* The marginal ("true") PFS hazard ratio of HAIC vs TACE in the simulated
** population under the design: n_per_arm patients drawn twice from one
** stream, once all TACE and once all HAIC (counterfactuals), pooled and
** fitted by an unadjusted Cox model.  Writes log HR and its SE. */
int sim_true_log_hr(const struct sim_config *cfg, const struct protocol *pr,
                    const struct sim_design *d, uint64_t seed, int n_per_arm,
                    double *log_hr, double *se, struct err *e);

#endif
