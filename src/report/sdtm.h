/*
** sdtm.h: the SDTM domains of a study (SDTM IG 3.4), built from its
** casebooks (frame.h) in one pass: DM, SV, EX, AE, LB, DS, TU, TR, RS,
** then the SUPPxx datasets that are needed.  See docs/sdtm.md (mapping)
** and docs/exports.md (formats).
*/
#ifndef HCC_SDTM_H
#define HCC_SDTM_H

#include "../core/err.h"
#include "export.h"
#include "frame.h"

/* Build every domain of src into out (empty on entry).  Returns APP_OK or
** a store error (out is then freed). */
int sdtm_build(const struct frame_source *src, struct ds_set *out,
               struct err *e);

#endif
