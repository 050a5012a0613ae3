/*
** endpoints.h: progression-free and overall survival for one patient.
**
** PFS follows the FDA censoring table (Guidance for Industry, Clinical Trial
** Endpoints, 2007 Appendix 3 / 2018): no baseline -> censored at the index
** date; new anticancer therapy before progression -> censored at the last
** adequate assessment before it; progression or death after two or more
** missed assessments (more than pfs_max_gap_days after the last adequate
** assessment) -> censored there; otherwise progression or death is the
** event.  OS: death is the event, otherwise censored at the last date known
** alive.  Nothing after the data cut-off counts.  The progression date comes
** from mrecist_evaluate (with back-dating).  docs/response-and-endpoints.md
** states every decision.
**
** Pure: no I/O.
*/
#ifndef HCC_ENDPOINTS_H
#define HCC_ENDPOINTS_H

#include <jansson.h>
#include <stdbool.h>

#include "../core/date.h"
#include "../core/err.h"
#include "mrecist.h"

/* Reason strings (stable; documented for users). */
#define EP_REASON_NO_BASELINE "no baseline assessment"
#define EP_REASON_NEW_THERAPY "new antitumor therapy"
#define EP_REASON_MISSED "event after two or more missed assessments"
#define EP_REASON_PROGRESSION "progression"
#define EP_REASON_DEATH "death"
#define EP_REASON_NO_EVENT "no progression or death"
#define EP_REASON_ALIVE "alive at last contact"
#define EP_REASON_ALIVE_CUTOFF "alive at data cut-off"

/* One patient's data for the endpoints. */
struct ep_input {
  struct mr_input mr;        /* tumour assessments (owned arrays) */
  bool has_death;            /* death_date given */
  date_t death_date;         /* date of death, any cause */
  bool has_new_therapy;      /* new_therapy_date given */
  date_t new_therapy_date;   /* start of new antitumor therapy */
  bool has_last_alive;       /* last_known_alive given */
  date_t last_known_alive;   /* last date the patient was known alive */
  bool has_cutoff;           /* cutoff given */
  date_t cutoff;             /* data cut-off: later data is ignored */
};

/* One time-to-event endpoint. */
struct ep_time {
  bool is_event;       /* true: event; false: censored */
  date_t date;         /* event or censoring date */
  int days;            /* date - start_date */
  const char *reason;  /* one of EP_REASON_* (static) */
};

/* Result of endpoints_derive. */
struct ep_result {
  struct ep_time pfs;  /* progression-free survival */
  struct ep_time os;   /* overall survival */
  enum mr_resp best;   /* best overall response within the cut-off (NE
                          without a baseline) */
};

/* Read the mrecist input (baseline may be absent or null) plus death_date,
** new_therapy_date, last_known_alive and cutoff (each nullable) from root.
** The caller frees with endpoints_input_free() whatever the result. */
int endpoints_input_from_json(const json_t *root, struct ep_input *in,
                              struct err *e);

/* Free the arrays of in->mr. */
void endpoints_input_free(struct ep_input *in);

/* Validate and derive PFS, OS and the BOR.  o gives the response rules,
** pfs_max_gap_days the missed-assessment limit (protocol: 115).  Returns
** APP_OK or APP_EINVAL naming the field. */
int endpoints_derive(const struct ep_input *in, const struct mr_options *o,
                     int pfs_max_gap_days, struct ep_result *out,
                     struct err *e);

/* The result as the JSON object of the endpoints command: pfs, os (each
** {event, date, days, reason}) and best_overall_response.  Caller
** json_decref()s it. */
json_t *endpoints_result_to_json(const struct ep_result *r);

#endif
