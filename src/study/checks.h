/*
** checks.h: edit checks.  They look at one patient's records and say what
** deserves a query; they never refuse data (a value can be unusual and
** right).  The store raises a query for each finding and closes it by itself
** once the data no longer triggers it.  Pure.
**
** Every tolerance comes from the protocol (struct check_rules and the visit
** windows), never from a literal.
**
** Checks (ids are stable; the store keys queries on them):
**   visit_window      a tumour assessment outside its visit window
**   lenvatinib_dose   a lenvatinib dose that does not match the weight and
**                     reduction level (protocol ladder)
**   pd1_interval      PD-1 doses more than checks.pd1_interval_tolerance_days
**                     from dosing.pd1.interval_days apart (21 +/- 7: less
**                     than 14 or more than 28 days)
**   date_before_consent  a treatment, scan or event dated before consent
**   date_in_future    a date after today + checks.future_date_grace_days
**                     (saving refuses those, form_check_future(), except in
**                     the fields of checks.future_dates_warned)
**   grade5_no_death   a grade 5 adverse event without a death record
**   target_count      more target lesions than the protocol allows in all
**                     or per organ (response.max_target_lesions*)
**   enrolment_eligibility  an enrolment while the screening is not
**                     eligible: by an investigator's override (protocol
**                     enrolment.eligibility_override_allowed), or the
**                     screening changed after enrolment
**   cr_then_pr        an overall PR after an overall CR, up to the first
**                     PD (RECIST 1.1 Table 3 note a: the CR was not true,
**                     or the PR is progression); on the PR's assessment,
**                     field "nontarget"
** The store adds one check that needs the database: ae_term, an adverse
** event whose term is not in the imported terminology or whose grade the
** term does not define (src/store/terms.h).
*/
#ifndef HCC_CHECKS_H
#define HCC_CHECKS_H

#include <jansson.h>

#include "../core/date.h"
#include "protocol.h"

/* Run every check over records (the store's [{"id","kind","data"}]) and
** derived (casebook_derive's output).  Returns a new array of findings
** {"check", "record_id", "field", "text"}.  Caller json_decref()s it. */
json_t *checks_run(const struct protocol *p, const json_t *records,
                   const json_t *derived, date_t today);

#endif
