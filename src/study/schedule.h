/*
** schedule.h: the visit schedule with windows.
**
** Tumour assessments are due every assess_interval_days from treatment start
** (+/- assess_window_days) until progression; after progression, survival
** contacts are due every survival_interval_days from the progression date
** (+/- survival_window_days).  Visits are listed while their target date is
** on or before `until`.  The casebook (casebook.c) passes as `progression`
** the earlier of progression and the first new therapy, and as `until` the
** end of follow-up (death, end of study or study completion).  Pure.
*/
#ifndef HCC_SCHEDULE_H
#define HCC_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/date.h"
#include "../core/err.h"
#include "protocol.h"

/* Kind of a scheduled visit. */
enum visit_kind {
  VISIT_ASSESSMENT = 0, /* tumour assessment (imaging) */
  VISIT_SURVIVAL = 1    /* survival follow-up contact */
};

/* One scheduled visit. */
struct visit {
  enum visit_kind kind; /* assessment or survival */
  int number;           /* 1-based within its kind */
  date_t target;        /* due date */
  date_t window_start;  /* earliest acceptable date */
  date_t window_end;    /* latest acceptable date */
};

/* Build the schedule.  has_progression says whether `progression` is set.
** On success *out is an array of *n visits (assessments first, then survival
** contacts, each by date); caller frees with xfree().  Errors: progression
** before start, until before start. */
int schedule_build(const struct visit_rules *r, date_t start,
                   bool has_progression, date_t progression, date_t until,
                   struct visit **out, size_t *n, struct err *e);

/* Name of a visit kind: "assessment" or "survival". */
const char *visit_kind_name(enum visit_kind k);

/* Whether `date` falls within the window of visit v. */
bool schedule_in_window(const struct visit *v, date_t date);

#endif
