/*
** odm.h: CDISC ODM 1.3.2 of a study: the metadata from the data
** dictionary (forms, item groups, items, code lists, units), ClinicalData
** with every record, its AuditRecords (who, when, why, old and new value)
** and Signatures.  Written patient by patient (memory independent of the
** study's size).  Read back by odm_import (odm_read.c).  See docs/odm.md.
*/
#ifndef HCC_ODM_H
#define HCC_ODM_H

#include <stdio.h>

#include "../core/err.h"
#include "../db/db.h"
#include "frame.h"

/* The hccstudy extension namespace of the ODM files. */
#define ODM_NS_HCC "https://github.com/hccstudy/ns/odm/v1"

/* Write the ODM document of src to fp.  The audit trail (entries 1 to
** src->audit_seq) is included when the actor may read it
** (ACCESS_AUDIT_LOG); a site-scoped actor gets its site's patients and
** the entries its site's users made.  Returns APP_OK, a store error,
** APP_EINTERNAL (a record holds a field the data dictionary does not
** declare) or APP_EIO. */
int odm_export(const struct frame_source *src, FILE *fp, struct err *e);

/* What an import did. */
struct odm_import_report {
  int64_t n_patients; /* SubjectData restored */
  int64_t n_records;  /* FormData restored */
  int64_t n_audit;    /* AuditRecords restored */
  int64_t freeze_id;  /* the freeze holding the imported casebooks */
};

/* Import the ODM file at path (as odm_export writes it) into db, which
** must hold no study.  username must be an active admin or data_manager
** account of the file's AdminData; it gets password (at least 12
** characters).  Every other account is restored without a usable
** password.  All or nothing: bad XML, an undeclared OID, a broken audit
** chain are APP_EINVAL with the element and line, and nothing is
** written. */
int odm_import(struct db *db, const char *path, const char *username,
               const char *password, struct odm_import_report *out,
               struct err *e);

#endif
