/*
** design.h: sample size and power of a two-arm survival comparison (as
** rpact's getSampleSizeSurvival / getPowerSurvival for a fixed design), and
** the E-value for unmeasured confounding (VanderWeele & Ding 2017).
*/
#ifndef HCC_DESIGN_H
#define HCC_DESIGN_H

#include <stdbool.h>

#include "../core/err.h"

/* How the required number of events is computed (rpact's
** typeOfComputation). */
enum design_method {
  DESIGN_SCHOENFELD = 0,     /* log-rank, Schoenfeld (1983); the default */
  DESIGN_FREEDMAN = 1,       /* Freedman (1982) */
  DESIGN_HSIEH_FREEDMAN = 2  /* Hsieh's Freedman variant for unequal r */
};

/* Most pieces of a piecewise-uniform accrual. */
#define DESIGN_MAX_PIECES 16

/* The assumptions of a design.  Times are in months (any one unit, used
** throughout).  Group 1 is the experimental arm (hazard hr * control),
** group 2 the control arm, as in rpact. */
struct design_input {
  double hr;             /* hazard ratio group 1 / group 2; > 0, != 1 */
  double alpha;          /* overall type I error, 0 < alpha < 1 */
  int sided;             /* 1, or 2 meaning alpha/2 in each tail */
  double power;          /* target power 1 - beta (sample size only) */
  double ratio;          /* allocation n1 / n2, > 0 */
  enum design_method method; /* events formula */
  bool has_survival;     /* the fields below are set: N can be derived */
  double median_control; /* median survival of the control arm, > 0 */
  int n_accrual;         /* accrual pieces, 1..DESIGN_MAX_PIECES */
  double accrual_end[DESIGN_MAX_PIECES];       /* end of piece j (months
                            from first entry), strictly increasing, > 0 */
  double accrual_intensity[DESIGN_MAX_PIECES]; /* relative entry rate of
                            piece j, > 0 (only ratios matter) */
  double follow_up;      /* from end of accrual to the analysis, >= 0 */
  double dropout;        /* probability of dropping out by dropout_time,
                            same in both arms, 0 <= dropout < 1 */
  double dropout_time;   /* time at which dropout applies, > 0 */
};

/* Set in to rpact's defaults: two-sided alpha 0.05, power 0.8, ratio 1,
** Schoenfeld, no survival assumptions, no dropout (dropout_time 12). */
void design_input_init(struct design_input *in);

/* Check in; messages name the option ("hr", "alpha", "power", ...).
** for_power skips the power check.  Returns APP_OK or APP_EINVAL. */
int design_check(const struct design_input *in, bool for_power,
                 struct err *e);

/* What a design gives. */
struct design_result {
  double events;           /* required events, unrounded (eventsFixed) */
  double events_ceil;      /* events rounded up */
  double n;                /* subjects, unrounded (nFixed); NaN without
                              survival assumptions */
  double n_ceil;           /* n rounded up; NaN without survival */
  double n1;               /* n of group 1 (experimental), n*r/(1+r) */
  double n2;               /* n of group 2 (control), n/(1+r) */
  double lambda1;          /* hazard of group 1 per month */
  double lambda2;          /* hazard of group 2 per month */
  double median1;          /* median of group 1, months */
  double phi;              /* dropout hazard per month, -log(1-D)/T */
  double prob_event;       /* allocation-weighted P(event by analysis) */
  double prob_event1;      /* P(event by analysis) in group 1 */
  double prob_event2;      /* P(event by analysis) in group 2 */
  double analysis_time;    /* end of accrual + follow-up, months */
  double power;            /* power (design_power), or the target */
};

/* Events (and, with survival assumptions, subjects) for the target power:
** rpact's fixed-design getSampleSizeSurvival with twoSidedPower = FALSE,
** i.e. z_a = qnorm(1 - alpha/sided).  Returns APP_OK or APP_EINVAL. */
int design_samplesize(const struct design_input *in,
                      struct design_result *out, struct err *e);

/* Power for a given size: events given directly (events > 0, n NaN), or
** n subjects (n > 0, events NaN, survival assumptions required), whose
** expected events at end of accrual + follow-up are n * prob_event.  The
** power is rpact's getPowerSurvival for a fixed design with that number of
** events: Phi(|theta| sqrt(D) - z) for sided 1, and for sided 2 both tails,
** Phi(|theta| sqrt(D) - z) + Phi(-|theta| sqrt(D) - z), z = qnorm(1 -
** alpha/sided), theta = sqrt(r)/(1+r) log(hr) (Schoenfeld), sqrt(r)(hr-1)/
** (r hr + 1) (Freedman), 2 sqrt(r)/(1+r) (hr-1)/(hr+1) (Hsieh-Freedman).
** Returns APP_OK or APP_EINVAL. */
int design_power(const struct design_input *in, double n, double events,
                 struct design_result *out, struct err *e);

/* The allocation-weighted probability of an event by calendar time t
** (from the first entry) under in's survival assumptions; the group
** probabilities go to *p1 and *p2 when non-NULL.  in must be checked and
** have has_survival. */
double design_event_prob(const struct design_input *in, double t,
                         double *p1, double *p2);

/* E-value of a risk ratio rr > 0: for rr >= 1, rr + sqrt(rr (rr - 1));
** for rr < 1 the same of 1/rr. */
double design_evalue_rr(double rr);

/* Result of design_evalue. */
struct evalue_result {
  double rr;          /* the risk ratio used for the point (hr, or its
                         common-outcome conversion) */
  double rr_lower;    /* the same for the lower limit; NaN without a CI */
  double rr_upper;    /* the same for the upper limit; NaN without a CI */
  double evalue;      /* E-value of the point estimate */
  double evalue_ci;   /* E-value of the CI limit closest to 1; 1 if the CI
                         includes 1; NaN without a CI */
};

/* E-value for a hazard ratio hr (> 0) with an optional CI (has_ci: 0 <
** lower <= hr <= upper).  A rare outcome treats hr as a risk ratio; common
** converts each value with VanderWeele's (1 - 0.5^sqrt(hr)) /
** (1 - 0.5^sqrt(1/hr)).  Returns APP_OK or APP_EINVAL naming hr, lower or
** upper. */
int design_evalue(double hr, bool has_ci, double lower, double upper,
                  bool common, struct evalue_result *out, struct err *e);

/* Round a size up, ignoring floating excess below 1e-9 relative (so that
** 400.0000000001 stays 400). */
double design_ceil(double x);

#endif
