/*
** test_endpoints.c: unit tests of study/endpoints.c, one per censoring row.
**
** Patients are JSON documents (the command's input) with one target of
** 100 mm at baseline; a scan of 90 mm is SD, 130 mm is PD (+44 % over a
** nadir of 90), null is NE.  Dates are written as days after the start
** (2026-02-01), so every expected date and day count is plain arithmetic on
** the rules: pfs_max_gap_days = 115 (2 x 56 + 3) from the protocol.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "harness.h"
#include "study/endpoints.h"
#include "study/protocol.h"

/* Treatment start: 2026-02-01. */
static date_t day0(void) { return date_from_ymd(2026, 2, 1); }

/* "YYYY-MM-DD" of start + day, in one of 8 rotating buffers. */
static const char *dstr(int day) {
  static char ring[8][DATE_STR_LEN];
  static int next;
  char *s = ring[next];
  next = (next + 1) % 8;
  date_format(day0() + day, s);
  return s;
}

/* The protocol in force (CHALLENGE-06). */
static struct protocol proto(void) {
  struct protocol p;
  struct err e;
  err_clear(&e);
  if (protocol_default(&p, &e) != APP_OK) {
    fprintf(stderr, "protocol_default: %s\n", e.msg);
    exit(1);
  }
  return p;
}

/* Build the patient (scans at days[] with mm[], NAN = not evaluated) plus
** extra top-level JSON members (may be ""), derive; returns the code. */
static int run(const int *days, const double *mm, int n, const char *extra,
               struct ep_result *r, struct err *e) {
  struct protocol p = proto();
  struct mr_options o;
  struct ep_input in;
  struct buf b;
  json_error_t je;
  json_t *doc;
  int rc;
  int k;
  buf_init(&b, 0);
  buf_appendf(&b, "{\"start_date\":\"%s\",\"baseline\":{\"date\":\"%s\","
              "\"target\":[{\"id\":\"T1\",\"organ\":\"liver\","
              "\"viable_mm\":100}],\"nontarget\":[]},\"assessments\":[",
              dstr(0), dstr(-7));
  for (k = 0; k < n; k++) {
    if (isnan(mm[k])) {
      buf_appendf(&b, "%s{\"date\":\"%s\",\"target\":[{\"id\":\"T1\","
                  "\"viable_mm\":null}]}", k ? "," : "", dstr(days[k]));
    } else {
      buf_appendf(&b, "%s{\"date\":\"%s\",\"target\":[{\"id\":\"T1\","
                  "\"viable_mm\":%g}]}", k ? "," : "", dstr(days[k]), mm[k]);
    }
  }
  buf_appendf(&b, "]%s%s}", extra[0] ? "," : "", extra);
  doc = json_loads(buf_str(&b), 0, &je);
  buf_reset(&b);
  if (doc == NULL) {
    fprintf(stderr, "    bad test JSON: %s\n", je.text);
    return -1;
  }
  err_clear(e);
  mr_options_from_protocol(&p.response, &o);
  rc = endpoints_input_from_json(doc, &in, e);
  if (rc == APP_OK) {
    rc = endpoints_derive(&in, &o, p.endpoints.pfs_max_gap_days, r, e);
  }
  endpoints_input_free(&in);
  json_decref(doc);
  return rc;
}

/* Check one endpoint. */
#define CHECK_EP(t, ev, day, why)                                             \
  do {                                                                        \
    CHECK_INT_EQ((t).is_event, (ev));                                         \
    CHECK_INT_EQ((t).date, day0() + (day));                                   \
    CHECK_INT_EQ((t).days, (day));                                            \
    CHECK_STR_EQ((t).reason, (why));                                          \
  } while (0)

static void test_protocol_gap(void) {
  struct protocol p = proto();
  CHECK_INT_EQ(p.endpoints.pfs_max_gap_days, 2 * 56 + 3);
}

/* No baseline, or a baseline without lesions: censored at start. */
static void test_no_baseline(void) {
  struct ep_result r;
  struct err e;
  json_error_t je;
  struct ep_input in;
  struct mr_options o;
  struct protocol p = proto();
  json_t *doc = json_loads(
      "{\"start_date\":\"2026-02-01\",\"assessments\":[{\"date\":"
      "\"2026-03-28\",\"target\":[{\"id\":\"T1\",\"viable_mm\":130}]}],"
      "\"death_date\":\"2026-06-01\"}", 0, &je);
  mr_options_from_protocol(&p.response, &o);
  err_clear(&e);
  CHECK(doc != NULL);
  CHECK_INT_EQ(endpoints_input_from_json(doc, &in, &e), APP_OK);
  CHECK_INT_EQ(endpoints_derive(&in, &o, 115, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 0, EP_REASON_NO_BASELINE);
  CHECK_EP(r.os, 1, 120, EP_REASON_DEATH); /* 2026-06-01 is day 120 */
  CHECK_STR_EQ(mr_resp_name(r.best), "NE");
  endpoints_input_free(&in);
  json_decref(doc);
  doc = json_loads(
      "{\"start_date\":\"2026-02-01\",\"baseline\":{\"date\":\"2026-01-25\","
      "\"target\":[],\"nontarget\":[]},\"assessments\":[{\"date\":"
      "\"2026-03-28\"}]}", 0, &je);
  CHECK(doc != NULL);
  CHECK_INT_EQ(endpoints_input_from_json(doc, &in, &e), APP_OK);
  CHECK_INT_EQ(endpoints_derive(&in, &o, 115, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 0, EP_REASON_NO_BASELINE);
  CHECK_EP(r.os, 0, 55, EP_REASON_ALIVE); /* last assessment, day 55 */
  endpoints_input_free(&in);
  json_decref(doc);
}

/* Progression is the event; the gap boundary 115 vs 116 days. */
static void test_progression_and_gap(void) {
  struct ep_result r;
  struct err e;
  {
    int d[2] = {55, 111};
    double m[2] = {90.0, 130.0};
    CHECK_INT_EQ(run(d, m, 2, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 1, 111, EP_REASON_PROGRESSION);
    CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  }
  {
    int d[2] = {55, 55 + 115};
    double m[2] = {90.0, 130.0};
    CHECK_INT_EQ(run(d, m, 2, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 1, 170, EP_REASON_PROGRESSION);
  }
  {
    int d[2] = {55, 55 + 116};
    double m[2] = {90.0, 130.0};
    CHECK_INT_EQ(run(d, m, 2, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 55, EP_REASON_MISSED);
  }
  {
    /* An NE scan is not adequate: the gap runs from day 55. */
    int d[3] = {55, 111, 171};
    double m[3] = {90.0, NAN, 130.0};
    CHECK_INT_EQ(run(d, m, 3, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 55, EP_REASON_MISSED);
  }
  {
    /* No adequate assessment: the gap runs from the start. */
    CHECK_INT_EQ(run(NULL, NULL, 0,
                     "\"death_date\":\"2026-05-27\"", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 1, 115, EP_REASON_DEATH); /* 2026-05-27 is day 115 */
    CHECK_INT_EQ(run(NULL, NULL, 0,
                     "\"death_date\":\"2026-05-28\"", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 0, EP_REASON_MISSED);
    CHECK_EP(r.os, 1, 116, EP_REASON_DEATH);
  }
}

/* Death is the event (PFS and OS); progression first wins. */
static void test_death(void) {
  struct ep_result r;
  struct err e;
  char extra[128];
  int d[2] = {55, 111};
  double sd[2] = {90.0, 90.0};
  double pd[2] = {90.0, 130.0};
  snprintf(extra, sizeof(extra), "\"death_date\":\"%s\"", dstr(150));
  CHECK_INT_EQ(run(d, sd, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 150, EP_REASON_DEATH);
  CHECK_EP(r.os, 1, 150, EP_REASON_DEATH);
  CHECK_INT_EQ(run(d, pd, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 111, EP_REASON_PROGRESSION);
  CHECK_EP(r.os, 1, 150, EP_REASON_DEATH);
  snprintf(extra, sizeof(extra), "\"death_date\":\"%s\"", dstr(111));
  CHECK_INT_EQ(run(d, pd, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 111, EP_REASON_PROGRESSION); /* same day: PD */
  /* Death before the start is an error naming the field. */
  snprintf(extra, sizeof(extra), "\"death_date\":\"%s\"", dstr(-1));
  CHECK_INT_EQ(run(NULL, NULL, 0, extra, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "death_date") != NULL);
  snprintf(extra, sizeof(extra), "\"death_date\":\"%s\"", dstr(100));
  CHECK_INT_EQ(run(d, sd, 2, extra, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "death_date: before assessments[1].date") != NULL);
  CHECK_INT_EQ(run(d, sd, 2, "\"death_date\":\"2026-13-01\"", &r, &e),
               APP_EINVAL);
  CHECK(strstr(e.msg, "death_date") != NULL);
}

/* New therapy before progression: censored at the last adequate scan on or
** before it. */
static void test_new_therapy(void) {
  struct ep_result r;
  struct err e;
  char extra[128];
  int d[3] = {55, 111, 167};
  double m[3] = {90.0, 90.0, 130.0};
  snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"", dstr(130));
  CHECK_INT_EQ(run(d, m, 3, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 111, EP_REASON_NEW_THERAPY);
  snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"", dstr(111));
  CHECK_INT_EQ(run(d, m, 3, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 111, EP_REASON_NEW_THERAPY); /* scan that day counts */
  snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"", dstr(110));
  CHECK_INT_EQ(run(d, m, 3, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 55, EP_REASON_NEW_THERAPY);
  snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"", dstr(20));
  CHECK_INT_EQ(run(d, m, 3, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 0, EP_REASON_NEW_THERAPY);
  /* Therapy on the day of (or after) progression does not censor. */
  snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"", dstr(167));
  CHECK_INT_EQ(run(d, m, 3, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 167, EP_REASON_PROGRESSION);
  /* No event at all: still censored at the scan before the therapy. */
  {
    double sd[3] = {90.0, 90.0, 90.0};
    snprintf(extra, sizeof(extra), "\"new_therapy_date\":\"%s\"",
             dstr(130));
    CHECK_INT_EQ(run(d, sd, 3, extra, &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 111, EP_REASON_NEW_THERAPY);
    CHECK_INT_EQ(run(d, sd, 3, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 167, EP_REASON_NO_EVENT);
    CHECK_EP(r.os, 0, 167, EP_REASON_ALIVE);
  }
}

/* No event: censored at the last adequate assessment (start when none). */
static void test_no_event(void) {
  struct ep_result r;
  struct err e;
  int d[3] = {55, 111, 167};
  double m[3] = {90.0, 90.0, NAN};
  CHECK_INT_EQ(run(d, m, 3, "", &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 111, EP_REASON_NO_EVENT);
  CHECK_EP(r.os, 0, 167, EP_REASON_ALIVE); /* the NE scan was a contact */
  {
    double ne[1] = {NAN};
    CHECK_INT_EQ(run(d, ne, 1, "", &r, &e), APP_OK);
    CHECK_EP(r.pfs, 0, 0, EP_REASON_NO_EVENT);
    CHECK_STR_EQ(mr_resp_name(r.best), "NE");
  }
}

/* Nothing after the cut-off counts. */
static void test_cutoff(void) {
  struct ep_result r;
  struct err e;
  char extra[160];
  int d[2] = {55, 111};
  double m[2] = {90.0, 130.0};
  snprintf(extra, sizeof(extra), "\"cutoff\":\"%s\",\"last_known_alive\":"
           "\"%s\"", dstr(100), dstr(200));
  CHECK_INT_EQ(run(d, m, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 55, EP_REASON_NO_EVENT);
  CHECK_EP(r.os, 0, 100, EP_REASON_ALIVE_CUTOFF);
  CHECK_STR_EQ(mr_resp_name(r.best), "SD");
  /* Death after the cut-off: alive at the cut-off. */
  snprintf(extra, sizeof(extra), "\"cutoff\":\"%s\",\"death_date\":\"%s\"",
           dstr(120), dstr(150));
  CHECK_INT_EQ(run(d, m, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 111, EP_REASON_PROGRESSION);
  CHECK_EP(r.os, 0, 120, EP_REASON_ALIVE_CUTOFF);
  /* New therapy after the cut-off is ignored; death on the cut-off counts. */
  snprintf(extra, sizeof(extra), "\"cutoff\":\"%s\",\"death_date\":\"%s\","
           "\"new_therapy_date\":\"%s\"", dstr(150), dstr(150), dstr(151));
  {
    double sd[2] = {90.0, 90.0};
    CHECK_INT_EQ(run(d, sd, 2, extra, &r, &e), APP_OK);
    CHECK_EP(r.pfs, 1, 150, EP_REASON_DEATH);
    CHECK_EP(r.os, 1, 150, EP_REASON_DEATH);
  }
  /* Last contact before the cut-off: censored at that contact. */
  snprintf(extra, sizeof(extra), "\"cutoff\":\"%s\",\"last_known_alive\":"
           "\"%s\"", dstr(400), dstr(300));
  CHECK_INT_EQ(run(d, m, 2, extra, &r, &e), APP_OK);
  CHECK_EP(r.os, 0, 300, EP_REASON_ALIVE);
  /* Cut-off before the start is an error. */
  snprintf(extra, sizeof(extra), "\"cutoff\":\"%s\"", dstr(-3));
  CHECK_INT_EQ(run(d, m, 2, extra, &r, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "cutoff") != NULL);
}

/* A back-dated progression needs its confirmation within the cut-off. */
static void test_backdated_cutoff(void) {
  struct ep_result r;
  struct err e;
  struct ep_input in;
  struct mr_options o;
  struct protocol p = proto();
  json_error_t je;
  const char *text =
      "{\"start_date\":\"2026-02-01\",\"baseline\":{\"date\":\"2026-01-25\","
      "\"target\":[{\"id\":\"T1\",\"viable_mm\":100}]},\"assessments\":["
      "{\"date\":\"2026-03-28\",\"target\":[{\"id\":\"T1\",\"viable_mm\":90}]"
      "},{\"date\":\"2026-05-23\",\"target\":[{\"id\":\"T1\",\"viable_mm\":90"
      "}],\"new_lesions\":[{\"id\":\"L1\",\"site\":\"liver\",\"diameter_mm\":"
      "8,\"typical\":false}]},{\"date\":\"2026-07-18\",\"target\":[{\"id\":"
      "\"T1\",\"viable_mm\":90}],\"new_lesions\":[{\"id\":\"L1\",\"site\":"
      "\"liver\",\"diameter_mm\":13,\"typical\":true}]}]";
  char doc_text[1024];
  json_t *doc;
  mr_options_from_protocol(&p.response, &o);
  err_clear(&e);
  snprintf(doc_text, sizeof(doc_text), "%s}", text);
  doc = json_loads(doc_text, 0, &je);
  CHECK(doc != NULL);
  CHECK_INT_EQ(endpoints_input_from_json(doc, &in, &e), APP_OK);
  CHECK_INT_EQ(endpoints_derive(&in, &o, 115, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 1, 111, EP_REASON_PROGRESSION); /* 2026-05-23 */
  endpoints_input_free(&in);
  json_decref(doc);
  snprintf(doc_text, sizeof(doc_text), "%s,\"cutoff\":\"2026-07-01\"}",
           text);
  doc = json_loads(doc_text, 0, &je);
  CHECK(doc != NULL);
  CHECK_INT_EQ(endpoints_input_from_json(doc, &in, &e), APP_OK);
  CHECK_INT_EQ(endpoints_derive(&in, &o, 115, &r, &e), APP_OK);
  CHECK_EP(r.pfs, 0, 111, EP_REASON_NO_EVENT);
  CHECK_EP(r.os, 0, 111, EP_REASON_ALIVE);
  endpoints_input_free(&in);
  json_decref(doc);
}

int main(void) {
  test_protocol_gap();
  test_no_baseline();
  test_progression_and_gap();
  test_death();
  test_new_therapy();
  test_no_event();
  test_cutoff();
  test_backdated_cutoff();
  return harness_report();
}
