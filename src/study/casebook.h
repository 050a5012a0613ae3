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
#include "protocol.h"

/* Derive; `today` decides which visits are overdue.  Caller
** json_decref()s the result. */
json_t *casebook_derive(const struct protocol *p, const json_t *records,
                        date_t today);

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
