/*
** dose.h: study drug doses.
**
** Lenvatinib starts by screening body weight (12 mg daily at >= 60 kg, else
** 8 mg) and steps down the protocol's reduction ladder; later weight changes
** do not change the dose (EU SmPC).  The PD-1 inhibitor is a flat dose.  Pure.
*/
#ifndef HCC_DOSE_H
#define HCC_DOSE_H

#include "../core/err.h"
#include "protocol.h"

/* Most dose reductions a caller may ask about: beyond the ladder everything
** is "discontinued", so larger numbers carry no information. */
#define DOSE_MAX_REDUCTIONS 20

/* A dose decision. */
struct dose_result {
  double lenvatinib_start_mg;         /* starting dose for the weight */
  double lenvatinib_mg;               /* dose after the reductions; 0 when
                                         discontinued */
  enum dose_schedule lenvatinib_schedule;
  double pd1_mg;                      /* PD-1 inhibitor dose */
  int pd1_interval_days;              /* days between PD-1 doses */
};

/* Dose for weight_kg (0 < w <= 400) after `reductions` reductions (0 to
** DOSE_MAX_REDUCTIONS).  Returns APP_EINVAL naming the option otherwise. */
int dose_compute(const struct dosing_rules *r, double weight_kg,
                 int reductions, struct dose_result *out, struct err *e);

#endif
