/*
** patient.h: patients: their headers, creation, codes and lists, with
** site-scoped access (src/store/access.h: ACCESS_READ to see one,
** ACCESS_WRITE to create one; a site-scoped user asking for another site's
** patient gets the same "not found" as for a patient that does not exist,
** and the refusal is audited).  Records and casebooks are in record.h,
** import in import.h.
*/
#ifndef HCC_PATIENT_H
#define HCC_PATIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "store.h"

/* A patient's header. */
struct patient {
  int64_t id;          /* patient.id */
  int64_t site_id;     /* site */
  char site_code[16];  /* site code */
  char code[32];       /* study id, "TJH-0001" */
  char status[16];     /* screening, screen_failed, enrolled, off_study */
  char cohort[8];      /* "TACE", "HAIC" or "" */
  bool is_locked;      /* locked casebook: no writes */
  int64_t version;     /* row version */
};

/* Create a patient at site_code (NULL: the actor's own site). */
int store_patient_create(struct db *db, const struct actor *a,
                         const char *site_code, struct patient *out,
                         struct err *e);

/* Look up a patient the actor may read. */
int store_patient_get(struct db *db, const struct actor *a, const char *code,
                      struct patient *out, struct err *e);

/* The codes of every patient the actor may read, in code order, as a JSON
** array of strings.  Caller json_decref()s *out. */
int store_patient_codes(struct db *db, const struct actor *a, json_t **out,
                        struct err *e);

/* Most patients one list answers (the API's cap). */
#define STORE_LIST_MAX 10000

/* Filters of a patient list; NULL members (and limit 0) do not filter. */
struct patient_filter {
  const char *status;  /* "enrolled", ... */
  const char *cohort;  /* "TACE", "HAIC" */
  const char *site;    /* site code */
  int64_t limit;       /* at most this many (0: STORE_LIST_MAX) */
  bool by_creation;    /* in the order they were created, not by code */
};

/* The patients the actor may read that pass f (NULL: all), in code order
** (or creation order):
** [{"code", "site", "status", "cohort" (absent when none), "locked",
** "version", "open_queries"}].  A read that fails part way fails whole.
** Caller json_decref()s *out. */
int store_patient_list(struct db *db, const struct actor *a,
                       const struct patient_filter *f, json_t **out,
                       struct err *e);

#endif
