/*
** status.h: the study's state at a glance, for the status command and the
** dashboard: enrolment by site, status and cohort against the target, the
** visits (tumour assessments and survival contacts of enrolled patients)
** that are overdue (window passed, no record) or due within a week, and the
** open queries, each by site.  Site-scoped users see their own site only.
*/
#ifndef HCC_STATUS_H
#define HCC_STATUS_H

#include <jansson.h>

#include "../core/date.h"
#include "../core/err.h"
#include "../db/db.h"
#include "store.h"

/* Build {"target", "enrolled", "screened", "screen_failed",
** "overdue_visits", "due_this_week", "open_queries", "by_site": [{"site",
** "status", "cohort", "patients"}], "sites": [{"site", "enrolled",
** "overdue_visits", "due_this_week", "open_queries", "sdv_records",
** "sdv_verified", "sdv_stale"}], "sdv": {"records", "verified", "stale"}
** (live records; verified at their current version; changed since
** their verification), "recent_aes":
** [{"patient", "site", "term", "grade", "onset_date", "serious"}] (grade
** >= 3, onset in the last 90 days, newest first, at most 20)}.  today
** decides what is overdue.  Caller json_decref()s *out. */
int store_status(struct db *db, const struct actor *a, int target,
                 date_t today, json_t **out, struct err *e);

#endif
