/*
** record.h: a patient's records and casebook.
**
** Records are versioned: an update names the version it was based on and is
** refused (APP_ECONFLICT) when the record has changed since, so no update is
** lost.  Changing saved data needs a reason.  Each changed field is one audit
** entry with its old and new value.  After every write the patient's derived
** values (src/study/casebook.h) are recomputed and the edit checks run, in
** the same transaction.  Writing needs ACCESS_WRITE on the patient (own site
** for site-scoped roles) and an unlocked casebook (src/store/access.h).
** Reading is in casebook.h.
*/
#ifndef HCC_RECORD_H
#define HCC_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "patient.h"

/* One record to save. */
struct record_save {
  const char *code;     /* the patient ("TJH-0001") */
  const char *kind;     /* the form ("screening", "assessment", ...) */
  int64_t record_id;    /* 0 creates a record; else the one to change */
  int64_t version;      /* for a change: the version it was based on */
  const json_t *data;   /* the form's fields */
  const char *reason;   /* for a change: why (required) */
  const char *ctx;      /* prefix of problem fields ("patients[0]"), or
                           NULL/"" */
};

/* Save one record.  Validation problems are appended to problems (each
** {"field", "message"}, fields prefixed by in->ctx; problems may be NULL)
** and give APP_EINVAL.  *out_id (may be NULL) receives the record id. */
int store_record_save(struct db *db, const struct actor *a,
                      const struct record_save *in, json_t *problems,
                      int64_t *out_id, struct err *e);

#endif
