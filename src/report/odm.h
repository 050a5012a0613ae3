/*
** odm.h: CDISC ODM 1.3.2 of a study: the metadata from the data
** dictionary (forms, item groups, items, code lists, units), ClinicalData
** with every record, its AuditRecords (who, when, why, old and new value)
** and Signatures.  Written patient by patient (memory independent of the
** study's size).
*/
#ifndef HCC_ODM_H
#define HCC_ODM_H

#include <stdio.h>

#include "../core/err.h"
#include "frame.h"

/* Write the ODM document of src to fp.  Returns APP_OK, a store error or
** APP_EIO. */
int odm_export(const struct frame_source *src, FILE *fp, struct err *e);

#endif
