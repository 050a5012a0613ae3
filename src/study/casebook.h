/*
** casebook.h: what the rules engine derives from one patient's records.
**
** Input is the patient's records as the store keeps them (a JSON array of
** {"kind", "data"}, data validated against src/study/forms.c).  Output is
** one JSON object: the eligibility verdict of the screening record, the
** visit schedule with the window status of each visit, the mRECIST
** responses and best overall response, and PFS/OS.  Incomplete data never
** fails: what cannot be derived yet is null, and a rule that rejects the
** data (e.g. an assessment dated before the baseline scan) is reported as
** {"error": "..."} in its place, so data entry is never blocked by a
** derivation.  Pure.
*/
#ifndef HCC_CASEBOOK_H
#define HCC_CASEBOOK_H

#include <jansson.h>

#include "../core/date.h"
#include "../core/err.h"
#include "protocol.h"

#include <stdbool.h>

/* Derive; `today` decides which visits are overdue.  Caller
** json_decref()s the result. */
json_t *casebook_derive(const struct protocol *p, const json_t *records,
                        date_t today);

/* Whether the enrolment record `enrolment` (its data object, valid for
** its form) may be saved for a patient with `records` (the store's
** [{"id","kind","data"}]).  The screening record's eligibility, as
** casebook_derive derives it, must be "eligible".  Otherwise (not
** eligible, incomplete, or no screening) the save is refused unless the
** protocol allows an override (enrolment.eligibility_override_allowed), the
** record says eligibility_override: true with an override_reason, and
** may_override (the saver has ACCESS_ENROL_OVERRIDE: the store decides
** by role).  The edit check enrolment_eligibility then raises a query on
** the enrolment.  Each problem is appended to problems (may be NULL) as
** {"field": "ctx.name", "message"}; e gets the first, naming its field.
** Returns APP_OK or APP_EINVAL. */
int casebook_enrolment_check(const struct protocol *p, const json_t *records,
                             const json_t *enrolment, bool may_override,
                             const char *ctx, json_t *problems,
                             struct err *e);

/* Whether a patient is in the protocol's analysis population
** (enrolment.analysis_population): enrolled (status "enrolled" or
** "off_study") and, by default, eligible at screening (derived is
** casebook_derive's output). */
bool casebook_in_population(const struct protocol *p, const char *status,
                            const json_t *derived);

/* How far ahead, in days, the dashboard's "due this week" looks. */
#define CASEBOOK_DUE_DAYS 7

/* The open visits of a derived schedule (casebook_derive's "schedule")
** on `today`, read from the window dates, not from the stored statuses
** (those are as of the last change): *overdue counts the visits whose
** window ended before today with no record answering them (done_date
** null), *due_soon those still unanswered whose window is open today or
** opens within CASEBOOK_DUE_DAYS.  Both kinds of visit count; a schedule
** that is not an array counts nothing.  Allocates nothing. */
void casebook_open_visits(const json_t *schedule, date_t today,
                          json_int_t *overdue, json_int_t *due_soon);

/* The endpoints/mrecist input document built from the records (start_date,
** baseline, assessments, death_date, new_therapy_date, last_known_alive),
** or NULL when there is no enrolment record yet.  Caller json_decref()s. */
json_t *casebook_endpoint_input(const json_t *records);

#endif
