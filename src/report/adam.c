/*
** adam.c: the ADaM datasets (see adam.h).  For now ADSL only, as the
** patient-level frame's columns (frame_cols).
*/
#include "adam.h"

#include <string.h>

static const struct ds_def adsl_def = {
    "ADSL", "Subject-Level Analysis Dataset",
    "SUBJECT LEVEL ANALYSIS DATASET", "One record per subject",
    "STUDYID, USUBJID", "ADaMIG 1.3", FRAME_N_COLS, frame_cols};

int adam_build(const struct frame_source *src, struct ds_set *out,
               struct err *e) {
  struct frame f;
  struct ds *d = &out->d[0];
  char text[256];
  int i, c;
  int rc = frame_load_from(src, FRAME_ALL, &f, e);
  if (rc != APP_OK) {
    return rc;
  }
  ds_init(d, &adsl_def);
  out->n = 1;
  for (i = 0; i < f.n; i++) {
    int row = ds_add_row(d);
    for (c = 0; c < FRAME_N_COLS; c++) {
      double x;
      frame_value(&f, &f.p[i], c, &x, text, sizeof(text));
      if (frame_cols[c].type == DS_NUM) {
        ds_set_num(d, row, c, x);
      } else {
        ds_set_str(d, row, c, text);
      }
    }
  }
  frame_free(&f);
  return APP_OK;
}
