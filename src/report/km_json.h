/*
** km_json.h: a Kaplan-Meier curve as JSON, as `hccstudy stats km --json`
** writes each group: group, n, events, median and limits, rmst (with se
** and tau), quartiles, the table over every distinct time, and the curve
** at the requested times.
*/
#ifndef HCC_KM_JSON_H
#define HCC_KM_JSON_H

#include <jansson.h>

#include "../stats/km.h"

/* The curve c labelled label; rmst and rmst_se up to tau (NAN for none);
** times[0..n_times) for "at_times" (none when n_times is 0).  Caller
** json_decref()s the result. */
json_t *report_km_json(const struct km_curve *c, const char *label,
                       double rmst, double rmst_se, double tau,
                       const double *times, int n_times);

#endif
