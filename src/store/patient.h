/*
** patient.h: patients, their records and casebooks, with site-scoped access.
**
** Who may do what (enforced here):
**   read a patient       pi, monitor, data_manager, statistician: all sites;
**                        investigator, coordinator: their own site only;
**                        admin: none (accounts, not clinical data).
**   create, write        investigator, coordinator (own site), data_manager.
** A site-scoped user asking for another site's patient gets the same "not
** found" as for a patient that does not exist, and the refusal is audited.
**
** Records are versioned: an update names the version it was based on and is
** refused (APP_ECONFLICT) when the record has changed since, so no update is
** lost.  Changing saved data needs a reason.  Each changed field is one audit
** entry with its old and new value.  After every write the patient's derived
** values (src/study/casebook.h) are recomputed in the same transaction.
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

/* Write the refusals (access_denied audit entries) that were noted while
** a transaction was open; the transaction's owner calls this after it
** rolled back, so that a refused request that fails is still audited.
** Called by the store's own failure paths and by the group-commit writer. */
int store_flush_denials(struct db *db, struct err *e);

/* The protocol the study was created with (parsed once per thread and
** reused while the stored text is unchanged). */
int store_protocol(struct db *db, struct protocol *p, struct err *e);

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

/* Save one record of `kind` for patient `code`.  record_id 0 creates one;
** otherwise `version` must be the record's current version and `reason`
** is required.  Validation problems are appended to problems (each
** {"field", "message"}, fields prefixed by `ctx`) and give APP_EINVAL.
** *out_id receives the record id. */
int store_record_save(struct db *db, const struct actor *a,
                      const char *code, const char *kind, int64_t record_id,
                      int64_t version, const json_t *data,
                      const char *reason, const char *ctx, json_t *problems,
                      int64_t *out_id, struct err *e);

/* The whole casebook: {"patient": {...}, "records": [{"id", "kind",
** "version", "data"}], "derived": {...}}.  Caller json_decref()s *out. */
int store_casebook(struct db *db, const struct actor *a, const char *code,
                   json_t **out, struct err *e);

/* The casebook as compact JSON text appended to out, exactly what
** jx_dump(store_casebook(...)) gives, built by splicing the stored JSON
** of the records and derived values instead of parsing and re-writing
** them (the API's hottest read). */
int store_casebook_text(struct db *db, const struct actor *a,
                        const char *code, struct buf *out, struct err *e);

/* Import a document {"patients": [{"code"?, "site"?, "records": [{"kind",
** "data", "id"?, "version"?, "reason"?}]}]} all or nothing: every problem
** is appended to problems and nothing is written unless there are none.
** *n_records receives the number of records written. */
int store_import(struct db *db, const struct actor *a, const json_t *doc,
                 json_t *problems, int64_t *n_records, struct err *e);

#endif
