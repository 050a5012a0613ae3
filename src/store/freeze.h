/*
** freeze.h: data freezes (issue 13).  A freeze is a named, immutable
** snapshot of every casebook at one moment: the last audit entry it
** includes (audit_seq), the audit chain hash there, and each casebook as
** store_casebook_text gave it.  Exports and analyses run on a freeze give
** the same bytes whenever they are run, however the data change later.
** Creating one is ACCESS_FREEZE and audited; reading one is ACCESS_EXPORT
** (or ACCESS_ANALYSIS), with site scoping applied to its casebooks.
*/
#ifndef HCC_STORE_FREEZE_H
#define HCC_STORE_FREEZE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "access.h"

/* A freeze's header. */
struct freeze_info {
  int64_t id;
  char label[201];          /* at most 200 bytes */
  char created_utc[24];     /* "YYYY-MM-DDTHH:MM:SSZ" */
  char created_by[64];      /* username */
  int64_t audit_seq;        /* the last audit entry it includes */
  char chain_hash[65];      /* the chain hash at audit_seq */
  int64_t n_patients;       /* casebooks */
  char content_sha256[65];  /* SHA-256 of the casebooks (see freeze.c) */
};

/* Freeze every casebook now, in one write transaction (nothing is written
** meanwhile), as a data manager: label 1 to 200 bytes (APP_EINVAL naming
** "label").  *id gets the new freeze's id.  The freeze's own audit entry
** follows audit_seq. */
int store_freeze_create(struct db *db, const struct actor *a,
                        const char *label, int64_t *id, struct err *e);

/* The header of freeze id: APP_ENOTFOUND naming "freeze" when absent. */
int store_freeze_get(struct db *db, const struct actor *a, int64_t id,
                     struct freeze_info *out, struct err *e);

/* A freeze's header as JSON: {"id", "label", "created_utc", "created_by",
** "audit_seq", "chain_hash", "n_patients", "content_sha256"} (NULL when
** a text is not UTF-8). */
json_t *store_freeze_json(const struct freeze_info *f);

/* Every freeze, newest first: [{"id", "label", "created_utc",
** "created_by", "audit_seq", "chain_hash", "n_patients",
** "content_sha256"}]. */
int store_freeze_list(struct db *db, const struct actor *a, json_t **out,
                      struct err *e);

/* Write freeze id (no access check, no audit entry: inside the caller's
** write transaction): every casebook read as reader, with its extra rows
** (store_odm_patient_extra) and the study's admin document
** (store_odm_admin), under the header given; *n gets the casebooks and
** content their SHA-256.  Used by store_freeze_create and by the ODM
** import (freeze 1). */
int store_freeze_write(struct db *db, const struct actor *reader, int64_t id,
                       const char *label, const char *created_utc,
                       const char *created_by, int64_t audit_seq,
                       const char *chain_hash, int64_t *n, char content[65],
                       struct err *e);

/* What an ODM file holds beyond the casebooks, as frozen: the study, its
** sites and accounts (store_odm_admin's document), and one patient's
** extra rows (store_odm_patient_extra's; APP_ENOTFOUND naming "patient"
** when the freeze has none the actor may see).  Not checked against the
** content hash here: store_freeze_casebooks() checks everything, so a
** caller that writes only when the walk succeeds never writes from an
** altered snapshot. */
int store_freeze_admin(struct db *db, const struct actor *a, int64_t id,
                       json_t **out, struct err *e);
int store_freeze_extra(struct db *db, const struct actor *a, int64_t id,
                       const char *code, json_t **out, struct err *e);

/* Called with each frozen casebook the actor may see, in patient-code
** order: code and the casebook's JSON text. */
typedef int (*store_freeze_fn)(void *ctx, const char *code,
                               const char *casebook, struct err *e);

/* Walk freeze id's casebooks (site scoping applied).  The whole snapshot
** is hashed on the way and compared with content_sha256: an altered
** snapshot is APP_EDB after the walk ("freeze N: altered"), so a caller
** that writes files only when the walk succeeds never writes from one. */
int store_freeze_casebooks(struct db *db, const struct actor *a, int64_t id,
                           store_freeze_fn fn, void *ctx, struct err *e);

#endif
