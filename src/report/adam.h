/*
** adam.h: the ADaM datasets of a study (ADaM IG 1.3): ADSL (one row a
** subject), ADRS (mRECIST overall response by visit and best overall
** response), ADTTE (PFS and OS with CNSR, EVNTDESC and CNSDTDSC from the
** censoring rule that applied).  Built from the patient-level frame and
** the casebooks (frame.h), so every value equals the analysis routes'.
*/
#ifndef HCC_ADAM_H
#define HCC_ADAM_H

#include "../core/err.h"
#include "export.h"
#include "frame.h"

/* The datasets adam_build makes, in order. */
#define ADAM_N_DATASETS 3

/* Their metadata (ADSL, ADRS, ADTTE): the column tables define.xml and
** tests/validation/cdisc/adam.tsv describe. */
extern const struct ds_def *const adam_defs[ADAM_N_DATASETS];

/* Build ADSL, ADRS and ADTTE of src into out (empty on entry).  Returns
** APP_OK or a store error (out is then freed). */
int adam_build(const struct frame_source *src, struct ds_set *out,
               struct err *e);

#endif
