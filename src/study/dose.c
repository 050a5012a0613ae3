/*
** dose.c: lenvatinib by weight and reduction ladder; PD-1 flat dose.
*/
#include "dose.h"

#include <math.h>

int dose_compute(const struct dosing_rules *r, double weight_kg,
                 int reductions, struct dose_result *out, struct err *e) {
  const struct dose_ladder *l;
  if (!(weight_kg > 0 && weight_kg <= 400)) {
    return ERR_FIELD(e, APP_EINVAL, "--weight-kg",
                     "--weight-kg: %g is not a body weight "
                     "(above 0, at most 400 kg)",
                     weight_kg);
  }
  if (reductions < 0 || reductions > DOSE_MAX_REDUCTIONS) {
    return ERR_FIELD(e, APP_EINVAL, "--reduction",
                     "--reduction: %d is not from 0 to %d", reductions,
                     DOSE_MAX_REDUCTIONS);
  }
  l = weight_kg >= r->len_weight_threshold_kg ? &r->ladder_high
                                              : &r->ladder_low;
  out->lenvatinib_start_mg = l->start_mg;
  if (reductions < l->n_steps) {
    out->lenvatinib_mg = l->steps[reductions].mg;
    out->lenvatinib_schedule = l->steps[reductions].schedule;
  } else {
    out->lenvatinib_mg = 0;
    out->lenvatinib_schedule = DOSE_DISCONTINUED;
  }
  out->pd1_mg = r->pd1_mg;
  out->pd1_interval_days = r->pd1_interval_days;
  return APP_OK;
}
