/*
** test_export.c: the column table of the patient-level frame
** (src/report/frame.c) and the CSV writers (src/report/export.c): XPORT v5
** name and label limits, RFC 4180 quoting, missing values as empty fields,
** numbers that read back as the same double, ADaM CNSR, USUBJID, the
** --format parser.  The binary formats are checked by their readers in
** tests/validation/exports.sh.
*/
#include "core/buf.h"
#include "core/mem.h"
#include "report/export.h"
#include "report/frame.h"
#include "harness.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>

/* The frame's rows as a dataset of frame_cols (as adam.c builds ADSL). */
static const struct ds_def t_def = {"ADSL", "Subject-Level", "", "", "",
                                    "", FRAME_N_COLS, frame_cols};

static void t_to_ds(const struct frame *f, struct ds *d) {
  char text[256];
  double x;
  int i, c;
  ds_init(d, &t_def);
  for (i = 0; i < f->n; i++) {
    int row = ds_add_row(d);
    for (c = 0; c < FRAME_N_COLS; c++) {
      frame_value(f, &f->p[i], c, &x, text, sizeof(text));
      if (frame_cols[c].type == DS_NUM) {
        ds_set_num(d, row, c, x);
      } else {
        ds_set_str(d, row, c, text);
      }
    }
  }
}

int main(void) {
  struct frame f;
  struct ds d;
  struct frame_row r[2];
  struct buf b;
  struct err e;
  enum export_format fmt;
  char text[256];
  double x;
  int c;
  for (c = 0; c < FRAME_N_COLS; c++) {
    const char *p;
    int ok = strlen(frame_cols[c].name) <= 8 && frame_cols[c].name[0];
    for (p = frame_cols[c].name; *p; p++) {
      ok = ok && (isupper((unsigned char)*p) || isdigit((unsigned char)*p));
    }
    CHECK(ok);
    CHECK(strlen(frame_cols[c].label) <= 40);
    CHECK(frame_cols[c].width > 0 && frame_cols[c].width <= 200);
  }
  memset(&f, 0, sizeof(f));
  memset(r, 0, sizeof(r));
  snprintf(f.study_id, sizeof(f.study_id), "CHALLENGE-06");
  f.n = 2;
  f.p = r;
  snprintf(r[0].code, sizeof(r[0].code), "TJH-0001");
  snprintf(r[0].site, sizeof(r[0].site), "TJH");
  snprintf(r[0].pvi, sizeof(r[0].pvi), "a,\"b");
  r[0].cohort = 0;
  r[0].in_population = true;
  r[0].age = 0.1;
  r[0].albi = -2.5412573853742293;
  r[0].has_pfs = true;
  r[0].pfs_days = 167;
  r[0].pfs_event = 1;
  snprintf(r[1].code, sizeof(r[1].code), "X7");
  snprintf(r[1].site, sizeof(r[1].site), "SYSU");
  r[1].cohort = -1;
  r[1].age = r[1].albi = r[1].ecog = NAN;
  r[1].cp_score = r[1].tumour_number = r[1].largest_mm = r[1].afp = NAN;
  r[0].ecog = r[0].cp_score = r[0].tumour_number = NAN;
  r[0].largest_mm = r[0].afp = NAN;
  CHECK(frame_value(&f, &r[0], 1, &x, text, sizeof(text)));
  CHECK_STR_EQ(text, "CHALLENGE-06-TJH-0001");
  CHECK(frame_value(&f, &r[1], 1, &x, text, sizeof(text)));
  CHECK_STR_EQ(text, "CHALLENGE-06-SYSU-X7");
  buf_init(&b, 0);
  t_to_ds(&f, &d);
  CHECK_INT_EQ(export_ds_csv(&d, &b), APP_OK);
  CHECK(strncmp(buf_str(&b), "STUDYID,USUBJID,SUBJID,", 23) == 0);
  CHECK_STR_EQ(strchr(buf_str(&b), '\n') + 1,
               "CHALLENGE-06,CHALLENGE-06-TJH-0001,TJH-0001,TJH,HAIC,,Y,"
               "0.1,,,,,,-2.5412573853742293,,,,\"a,\"\"b\",167,0,,,,0\r\n"
               "CHALLENGE-06,CHALLENGE-06-SYSU-X7,X7,SYSU,,,N,"
               ",,,,,,,,,,,,,,,,0\r\n");
  buf_reset(&b);
  CHECK_INT_EQ(export_ds_dictionary_csv(&d, &b), APP_OK);
  ds_free(&d);
  CHECK(strncmp(buf_str(&b), "name,label,type,width,source\r\n", 30) == 0);
  CHECK(strstr(buf_str(&b), "\nPFSCNSR,\"PFS Censoring (1 censored, 0 event)"
                            "\",numeric,8,") != NULL);
  buf_reset(&b);
  err_clear(&e);
  CHECK_INT_EQ(export_format_parse("xpt", &fmt, &e), APP_OK);
  CHECK_INT_EQ(fmt, EXPORT_XPT);
  CHECK_INT_EQ(export_format_parse("XPT", &fmt, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "--format") != NULL);
  return harness_report();
}
