/*
** design.c: events, subjects and power of a two-arm survival comparison,
** and the E-value.
**
** Why: the CHALLENGE-06 registry entry gives 364 patients without the
** assumptions behind them; this module reproduces rpact (the reference the
** sponsor's statisticians use) so the assumptions can be shown, and gives
** the power for any other size, e.g. the effective sample size left after
** propensity weighting.
**
** rpact 3.3.4, fixed design (kMax = 1), from its installed code
** (.getEventsFixed, .getSampleSizeFixedSurvival, .getEventProbabilities*,
** getPowerSurvival):
**  - z_a = qnorm(1 - alpha/sided), z_b = qnorm(power), r = n1/n2;
**    Schoenfeld D = (z_a + z_b)^2 (1+r)^2 / (r log(hr)^2);
**    Freedman D = (z_a + z_b)^2 (1 + r hr)^2 / (r (1-hr)^2);
**    Hsieh-Freedman D = (z_a + z_b)^2 (1+hr)^2/(1-hr)^2 (1+r)^2/(4r).
**    With sided = 2 the size uses one tail only (twoSidedPower = FALSE).
**  - lambda2 = log(2)/median_control, lambda1 = hr lambda2; dropout hazard
**    phi = -log(1 - D)/T in both arms; P(event by s after entry) =
**    lambda/(lambda+phi) (1 - exp(-(lambda+phi) s)).
**  - Entry is piecewise uniform with relative intensities; the event
**    probability at analysis time t is the entry-density integral of the
**    above (rpact integrates numerically; we use the closed form).
**  - N = D / ((r P1 + P2)/(1 + r)) at t = end of accrual + follow-up.
**  - getPowerSurvival's power for D events: the normal power with drift
**    theta sqrt(D); with sided = 2, rpact counts both rejection tails.
** E-value: VanderWeele & Ding, Ann Intern Med 2017;167:268-274.
** Invariants: inputs pass design_check before any formula runs.
*/
#include "design.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

void design_input_init(struct design_input *in) {
  int j;
  in->hr = NAN;
  in->alpha = 0.05;
  in->sided = 2;
  in->power = 0.8;
  in->ratio = 1;
  in->method = DESIGN_SCHOENFELD;
  in->has_survival = false;
  in->median_control = NAN;
  in->n_accrual = 0;
  for (j = 0; j < DESIGN_MAX_PIECES; j++) {
    in->accrual_end[j] = NAN;
    in->accrual_intensity[j] = 1;
  }
  in->follow_up = NAN;
  in->dropout = 0;
  in->dropout_time = 12;
}

int design_check(const struct design_input *in, bool for_power,
                 struct err *e) {
  int j;
  if (!(in->hr > 0 && isfinite(in->hr)) || in->hr == 1) {
    return ERR_SET(e, APP_EINVAL, "hr: %g must be a hazard ratio > 0 and "
                   "!= 1", in->hr);
  }
  if (!(in->alpha > 0 && in->alpha < 1)) {
    return ERR_SET(e, APP_EINVAL, "alpha: %g is not strictly between 0 "
                   "and 1", in->alpha);
  }
  if (in->sided != 1 && in->sided != 2) {
    return ERR_SET(e, APP_EINVAL, "sided: %d must be 1 or 2", in->sided);
  }
  if (!for_power && !(in->power > in->alpha && in->power < 1)) {
    return ERR_SET(e, APP_EINVAL, "power: %g must be > alpha (%g) and < 1",
                   in->power, in->alpha);
  }
  if (!(in->ratio > 0 && isfinite(in->ratio))) {
    return ERR_SET(e, APP_EINVAL, "ratio: %g must be > 0", in->ratio);
  }
  if (!in->has_survival) {
    return APP_OK;
  }
  if (!(in->median_control > 0 && isfinite(in->median_control))) {
    return ERR_SET(e, APP_EINVAL, "median-control: %g must be > 0",
                   in->median_control);
  }
  if (in->n_accrual < 1 || in->n_accrual > DESIGN_MAX_PIECES) {
    return ERR_SET(e, APP_EINVAL, "accrual-time: %d pieces; need 1 to %d",
                   in->n_accrual, DESIGN_MAX_PIECES);
  }
  for (j = 0; j < in->n_accrual; j++) {
    double prev = j == 0 ? 0 : in->accrual_end[j - 1];
    if (!(in->accrual_end[j] > prev && isfinite(in->accrual_end[j]))) {
      return ERR_SET(e, APP_EINVAL, "accrual-time: end %d (%g) must be > "
                     "%g", j + 1, in->accrual_end[j], prev);
    }
    if (!(in->accrual_intensity[j] > 0 &&
          isfinite(in->accrual_intensity[j]))) {
      return ERR_SET(e, APP_EINVAL, "accrual-intensity: value %d (%g) must "
                     "be > 0", j + 1, in->accrual_intensity[j]);
    }
  }
  if (!(in->follow_up >= 0 && isfinite(in->follow_up))) {
    return ERR_SET(e, APP_EINVAL, "follow-up: %g must be >= 0",
                   in->follow_up);
  }
  if (!(in->dropout >= 0 && in->dropout < 1)) {
    return ERR_SET(e, APP_EINVAL, "dropout: %g must be in [0, 1)",
                   in->dropout);
  }
  if (!(in->dropout_time > 0 && isfinite(in->dropout_time))) {
    return ERR_SET(e, APP_EINVAL, "dropout-time: %g must be > 0",
                   in->dropout_time);
  }
  return APP_OK;
}

/* exp(-y) - 1 + y for y >= 0, without cancellation for small y. */
static double design_em1x(double y) {
  if (y < 1e-3) {
    return y * y * (0.5 - y * (1.0 / 6 - y * (1.0 / 24 - y / 120)));
  }
  return expm1(-y) + y;
}

/* Integral over s in [u, u + w] of lambda/k (1 - exp(-k s)), k = lambda +
** phi: the event probability of subjects whose time on study spans
** [u, u + w], times w. */
static double design_piece(double lambda, double phi, double u, double w) {
  double k = lambda + phi;
  double eu = exp(-k * u);
  return lambda / k * (w * -expm1(-k * u) + eu * design_em1x(k * w) / k);
}

/* P(event by calendar time t) in one group with hazard lambda. */
static double design_group_prob(const struct design_input *in, double lambda,
                                double phi, double t) {
  double mass = 0, s = 0;
  int j;
  for (j = 0; j < in->n_accrual; j++) {
    double a0 = j == 0 ? 0 : in->accrual_end[j - 1];
    mass += (in->accrual_end[j] - a0) * in->accrual_intensity[j];
  }
  for (j = 0; j < in->n_accrual; j++) {
    double a0 = j == 0 ? 0 : in->accrual_end[j - 1];
    double a1 = in->accrual_end[j] < t ? in->accrual_end[j] : t;
    if (a1 <= a0) {
      break;
    }
    /* entry in [a0, a1] means time on study in [t - a1, t - a0] */
    s += in->accrual_intensity[j] / mass *
         design_piece(lambda, phi, t - a1, a1 - a0);
  }
  return s;
}

/* The dropout hazard per month. */
static double design_phi(const struct design_input *in) {
  return -log1p(-in->dropout) / in->dropout_time;
}

double design_event_prob(const struct design_input *in, double t,
                         double *p1, double *p2) {
  double l2 = log(2) / in->median_control;
  double l1 = in->hr * l2;
  double phi = design_phi(in);
  double q1 = design_group_prob(in, l1, phi, t);
  double q2 = design_group_prob(in, l2, phi, t);
  if (p1 != NULL) {
    *p1 = q1;
  }
  if (p2 != NULL) {
    *p2 = q2;
  }
  return (in->ratio * q1 + q2) / (1 + in->ratio);
}

double design_ceil(double x) {
  double c = ceil(x);
  if (c - x > 1 - 1e-9 * (fabs(x) > 1 ? fabs(x) : 1)) {
    c -= 1;
  }
  return c;
}

/* The upper normal quantile qnorm(1 - p), accurate for small p. */
static double design_z(double p) {
  return gsl_cdf_ugaussian_Qinv(p);
}

/* The standardised effect per sqrt(event) (rpact's theta), >= 0. */
static double design_theta(const struct design_input *in) {
  double r = in->ratio, hr = in->hr, th;
  switch (in->method) {
  case DESIGN_FREEDMAN:
    th = sqrt(r) * (hr - 1) / (r * hr + 1);
    break;
  case DESIGN_HSIEH_FREEDMAN:
    th = sqrt(4 * r) / (1 + r) * (hr - 1) / (hr + 1);
    break;
  case DESIGN_SCHOENFELD:
  default:
    th = sqrt(r) / (1 + r) * log(hr);
    break;
  }
  return fabs(th);
}

/* Fill the survival-derived fields of out for analysis time t. */
static void design_fill_survival(const struct design_input *in, double t,
                                 struct design_result *out) {
  out->lambda2 = log(2) / in->median_control;
  out->lambda1 = in->hr * out->lambda2;
  out->median1 = in->median_control / in->hr;
  out->phi = design_phi(in);
  out->analysis_time = t;
  out->prob_event = design_event_prob(in, t, &out->prob_event1,
                                      &out->prob_event2);
}

/* Set every field of out to "not computed". */
static void design_clear(struct design_result *out) {
  out->events = out->events_ceil = out->n = out->n_ceil = NAN;
  out->n1 = out->n2 = out->lambda1 = out->lambda2 = out->median1 = NAN;
  out->phi = out->prob_event = out->prob_event1 = out->prob_event2 = NAN;
  out->analysis_time = out->power = NAN;
}

int design_samplesize(const struct design_input *in,
                      struct design_result *out, struct err *e) {
  double z, r = in->ratio, hr = in->hr;
  int rc = design_check(in, false, e);
  if (rc != APP_OK) {
    return rc;
  }
  design_clear(out);
  z = design_z(in->alpha / in->sided) + design_z(1 - in->power);
  switch (in->method) {
  case DESIGN_FREEDMAN:
    out->events = z * z * (1 + hr * r) * (1 + hr * r) / ((1 - hr) *
                  (1 - hr)) / r;
    break;
  case DESIGN_HSIEH_FREEDMAN:
    out->events = z * z * (1 + hr) * (1 + hr) / ((1 - hr) * (1 - hr)) *
                  (1 + r) * (1 + r) / (4 * r);
    break;
  case DESIGN_SCHOENFELD:
  default:
    out->events = z * z / (log(hr) * log(hr)) * (1 + r) * (1 + r) / r;
    break;
  }
  out->events_ceil = design_ceil(out->events);
  out->power = in->power;
  if (in->has_survival) {
    design_fill_survival(in, in->accrual_end[in->n_accrual - 1] +
                         in->follow_up, out);
    out->n = out->events / out->prob_event;
    out->n_ceil = design_ceil(out->n);
    out->n2 = out->n / (1 + r);
    out->n1 = out->n2 * r;
  }
  return APP_OK;
}

int design_power(const struct design_input *in, double n, double events,
                 struct design_result *out, struct err *e) {
  double z, drift;
  int rc = design_check(in, true, e);
  if (rc != APP_OK) {
    return rc;
  }
  design_clear(out);
  if (!isnan(n)) {
    if (!(n > 0 && isfinite(n))) {
      return ERR_SET(e, APP_EINVAL, "n: %g must be > 0", n);
    }
    if (!in->has_survival) {
      return ERR_SET(e, APP_EINVAL, "n: a number of subjects needs "
                     "median-control, accrual-time and follow-up (or give "
                     "events)");
    }
    design_fill_survival(in, in->accrual_end[in->n_accrual - 1] +
                         in->follow_up, out);
    out->n = n;
    out->n_ceil = design_ceil(n);
    out->n2 = n / (1 + in->ratio);
    out->n1 = out->n2 * in->ratio;
    events = n * out->prob_event;
  } else if (!(events > 0 && isfinite(events))) {
    return ERR_SET(e, APP_EINVAL, "events: %g must be > 0", events);
  }
  out->events = events;
  out->events_ceil = design_ceil(events);
  z = design_z(in->alpha / in->sided);
  drift = design_theta(in) * sqrt(events);
  out->power = gsl_cdf_ugaussian_P(drift - z);
  if (in->sided == 2) {
    out->power += gsl_cdf_ugaussian_P(-drift - z);
  }
  return APP_OK;
}

double design_evalue_rr(double rr) {
  if (rr < 1) {
    rr = 1 / rr;
  }
  return rr + sqrt(rr * (rr - 1));
}

/* VanderWeele's conversion of a hazard ratio to a risk ratio for a common
** outcome (> 15% by the end of follow-up). */
static double design_hr_common(double hr) {
  return (1 - pow(0.5, sqrt(hr))) / (1 - pow(0.5, sqrt(1 / hr)));
}

int design_evalue(double hr, bool has_ci, double lower, double upper,
                  bool common, struct evalue_result *out, struct err *e) {
  if (!(hr > 0 && isfinite(hr))) {
    return ERR_SET(e, APP_EINVAL, "hr: %g must be > 0", hr);
  }
  out->rr_lower = out->rr_upper = out->evalue_ci = NAN;
  if (has_ci) {
    if (!(lower > 0 && lower <= hr)) {
      return ERR_SET(e, APP_EINVAL, "lower: %g must be > 0 and <= hr (%g)",
                     lower, hr);
    }
    if (!(upper >= hr && isfinite(upper))) {
      return ERR_SET(e, APP_EINVAL, "upper: %g must be finite and >= hr "
                     "(%g)", upper, hr);
    }
  }
  out->rr = common ? design_hr_common(hr) : hr;
  out->evalue = out->rr == 1 ? 1 : design_evalue_rr(out->rr);
  if (has_ci) {
    out->rr_lower = common ? design_hr_common(lower) : lower;
    out->rr_upper = common ? design_hr_common(upper) : upper;
    if (out->rr_lower <= 1 && out->rr_upper >= 1) {
      out->evalue_ci = 1;
    } else if (out->rr > 1) {
      out->evalue_ci = design_evalue_rr(out->rr_lower);
    } else {
      out->evalue_ci = design_evalue_rr(out->rr_upper);
    }
  }
  return APP_OK;
}
