/*
** define.h: define.xml 2.0 describing the SDTM and ADaM datasets (their
** variables, types, lengths, labels, code lists and origins), from the
** same column tables the files are written from.
*/
#ifndef HCC_DEFINE_H
#define HCC_DEFINE_H

#include "../core/buf.h"
#include "../core/err.h"
#include "export.h"
#include "frame.h"

/* Append define.xml for the datasets of sdtm and adam (either may be
** empty) to out; src gives the study, freeze and chain hash. */
int define_xml(const struct frame_source *src, const struct ds_set *sdtm,
               const struct ds_set *adam, struct buf *out, struct err *e);

#endif
