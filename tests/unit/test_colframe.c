/*
** test_colframe.c: the shared column loader (report/colframe.c) on its two
** inputs: a study's patient-level frame (built here by hand) and a CSV
** file holding the same values, written by hand.  Both must give the same
** arrays through stats_frame_load and ps_frame_load; the frame's columns
** are found by frame_cols' names; faults name the column and the row and
** go through a caller's wording.
*/
#include "core/mem.h"
#include "harness.h"
#include "report/colframe.h"
#include "report/frame.h"
#include "report/ps_frame.h"
#include "report/stats_frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Five patients; the third has no PFS (dropped), the fifth no AGE. */
static void make_frame(struct frame *f) {
  static const struct {
    const char *code;
    int cohort;
    double age, ecog, pfs;
    int pfs_event;
    const char *bclc;
  } p[] = {
      {"TJH-0001", 0, 61, 0, 120, 1, "B"},
      {"TJH-0002", 1, 55.5, 1, 300, 0, "C"},
      {"TJH-0003", 1, 70, 2, NAN, 0, "B"},
      {"SYS-0001", 1, 48, 1, 45, 1, "A"},
      {"SYS-0002", 0, NAN, 0, 200, 1, "B"},
  };
  int i;
  memset(f, 0, sizeof(*f));
  snprintf(f->study_id, sizeof(f->study_id), "CHALLENGE-06");
  f->n = 5;
  f->p = xcalloc(5, sizeof(*f->p));
  for (i = 0; i < 5; i++) {
    struct frame_row *r = &f->p[i];
    snprintf(r->code, sizeof(r->code), "%s", p[i].code);
    snprintf(r->site, sizeof(r->site), "%.3s", p[i].code);
    snprintf(r->status, sizeof(r->status), "enrolled");
    snprintf(r->bclc, sizeof(r->bclc), "%s", p[i].bclc);
    r->cohort = p[i].cohort;
    r->in_population = true;
    r->age = p[i].age;
    r->ecog = p[i].ecog;
    r->has_pfs = !isnan(p[i].pfs);
    r->pfs_days = p[i].pfs;
    r->pfs_event = p[i].pfs_event;
    r->cp_score = r->albi = r->tumour_number = NAN;
    r->largest_mm = r->afp = NAN;
  }
}

/* The same values as a CSV file (written by hand: CNSR is 1 - event). */
static const char same_csv[] = "SUBJID,ARMCD,AGE,ECOGBL,BCLCBL,PFSDY,PFSCNSR\n"
                               "TJH-0001,HAIC,61,0,B,120,0\n"
                               "TJH-0002,TACE,55.5,1,C,300,1\n"
                               "TJH-0003,TACE,70,2,B,,\n"
                               "SYS-0001,TACE,48,1,A,45,0\n"
                               "SYS-0002,HAIC,,0,B,200,0\n";

/* Write text to a new temporary file; caller unlinks and xfree()s it. */
static char *write_tmp(const char *text) {
  char *path = xstrdup("/tmp/hcc_test_colframe_XXXXXX");
  int fd = mkstemp(path);
  FILE *fp = fdopen(fd, "wb");
  fputs(text, fp);
  fclose(fp);
  return path;
}

static void test_names_from_frame_cols(void) {
  /* The names this test uses are frame_cols' (they may be renamed: then
  ** this check, not the loader, needs changing). */
  static const char *const used[] = {"ARMCD",  "AGE",   "ECOGBL",
                                     "BCLCBL", "PFSDY", "PFSCNSR"};
  size_t i;
  int k;
  for (i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
    int found = 0;
    for (k = 0; k < FRAME_N_COLS; k++) {
      found |= strcmp(frame_cols[k].name, used[i]) == 0;
    }
    CHECK(found);
  }
}

static void test_stats_study_equals_csv(void) {
  struct frame fr;
  struct stats_frame_spec spec = {0};
  struct stats_frame a, b;
  struct err e;
  char *path = write_tmp(same_csv);
  int64_t i;
  int j;
  make_frame(&fr);
  spec.time = "PFSDY";
  spec.censor = "PFSCNSR";
  spec.covariates = "AGE";
  spec.factors = "ARMCD,ECOGBL";
  spec.strata = "BCLCBL";
  spec.study = &fr;
  spec.study_what = "study CHALLENGE-06";
  err_clear(&e);
  CHECK_INT_EQ(stats_frame_load(&spec, &a, &e), APP_OK);
  CHECK_INT_EQ(a.n, 3);
  CHECK_INT_EQ(a.n_read, 5);
  CHECK_INT_EQ(a.n_dropped, 2);
  CHECK(a.time[0] == 120 && a.time[1] == 300 && a.time[2] == 45);
  CHECK(a.status[0] == 1 && a.status[1] == 0 && a.status[2] == 1);
  CHECK_INT_EQ(a.p, 3); /* AGE, ARMCD=TACE, ECOGBL=1 (ECOGBL 2 only dropped) */
  CHECK_STR_EQ(a.x_names[0], "AGE");
  CHECK_STR_EQ(a.x_names[1], "ARMCD=TACE");
  CHECK_STR_EQ(a.x_names[2], "ECOGBL=1");
  CHECK(a.x[0] == 61 && a.x[1] == 55.5 && a.x[2] == 48);
  CHECK(a.x[3] == 0 && a.x[4] == 1 && a.x[5] == 1);
  CHECK_INT_EQ(a.n_strata, 3);
  CHECK_STR_EQ(a.strata_levels[0], "A");
  spec.study = NULL;
  spec.data_path = path;
  CHECK_INT_EQ(stats_frame_load(&spec, &b, &e), APP_OK);
  CHECK_INT_EQ(b.n, a.n);
  CHECK_INT_EQ(b.p, a.p);
  CHECK_INT_EQ(b.n_dropped, a.n_dropped);
  for (i = 0; i < a.n && b.n == a.n; i++) {
    CHECK(a.time[i] == b.time[i] && a.status[i] == b.status[i] &&
          a.strata[i] == b.strata[i]);
  }
  for (j = 0; j < a.p && b.p == a.p; j++) {
    CHECK_STR_EQ(a.x_names[j], b.x_names[j]);
    for (i = 0; i < a.n; i++) {
      CHECK(a.x[j * a.n + i] == b.x[j * b.n + i]);
    }
  }
  stats_frame_free(&a);
  stats_frame_free(&b);
  unlink(path);
  xfree(path);
  frame_free(&fr);
}

/* One bad spec on the frame: APP_EINVAL, message holds want1 and want2. */
static void bad_study(const char *time, const char *censor, const char *covs,
                      const char *want1, const char *want2) {
  struct frame fr;
  struct stats_frame_spec spec = {0};
  struct stats_frame f;
  struct err e;
  make_frame(&fr);
  spec.study = &fr;
  spec.study_what = "study CHALLENGE-06";
  spec.time = time;
  spec.censor = censor;
  spec.covariates = covs;
  err_clear(&e);
  CHECK_INT_EQ(stats_frame_load(&spec, &f, &e), APP_EINVAL);
  if (!CHECK(strstr(e.msg, want1) != NULL && strstr(e.msg, want2) != NULL)) {
    fprintf(stderr, "    message: %s\n", e.msg);
  }
  CHECK(f.n == 0 && f.time == NULL);
  frame_free(&fr);
}

static void test_study_faults(void) {
  bad_study("PFSTIME", "PFSCNSR", NULL, "unknown column 'PFSTIME'",
            "study CHALLENGE-06");
  bad_study("PFSDY", "PFSCNSR", "ARMCD", "column 'ARMCD', data row 1",
            "\"HAIC\" is not a number");
  bad_study("PFSDY", "ECOGBL", NULL, "column 'ECOGBL', data row 3",
            "censoring value 2");
  bad_study("pfsdy", "PFSCNSR", NULL, "--time", "'pfsdy'");
}

static void test_ps_study(void) {
  struct frame fr;
  struct ps_frame_spec spec = {0};
  struct ps_frame f;
  struct err e;
  make_frame(&fr);
  spec.study = &fr;
  spec.response = "ARMCD";
  spec.response_opt = "--treatment";
  spec.covariates = "ECOGBL";
  err_clear(&e);
  CHECK_INT_EQ(ps_frame_load(&spec, &f, &e), APP_OK);
  CHECK_INT_EQ(f.n, 5);
  CHECK_STR_EQ(f.y_levels[1], "TACE");
  CHECK(f.y[0] == 0 && f.y[1] == 1 && f.y[4] == 0);
  CHECK(f.row[0] == 1 && f.row[4] == 5);
  ps_frame_free(&f);
  spec.covariates = "AGE";
  spec.weights = "AGE"; /* a missing weight is an error in this family */
  CHECK_INT_EQ(ps_frame_load(&spec, &f, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "missing weight in row 5") != NULL);
  frame_free(&fr);
}

/* A caller's wording: records the fault (its text is valid only during
** the call, so it is copied). */
static struct colframe_fault_info last;
static char last_text[64];
static int my_fault(const struct colframe_fault_info *fi, struct err *e) {
  last = *fi;
  snprintf(last_text, sizeof(last_text), "%.*s", (int)fi->len,
           fi->text ? fi->text : "");
  last.text = last_text;
  return ERR_SET(e, APP_EINVAL, "fault %d at row %lld", (int)fi->kind,
                 (long long)fi->row);
}

static void test_direct(void) {
  static const char text[] = "a,b,c\n1,x,0\n2,y,1\n3,z,1\n";
  struct colframe_colspec cols[3];
  struct colframe_spec spec;
  struct colframe cf;
  struct err e;
  char *path = write_tmp(text);
  memset(cols, 0, sizeof(cols));
  memset(&spec, 0, sizeof(spec));
  cols[0].name = "a";
  cols[0].opt = "--a";
  cols[1].name = "b";
  cols[1].opt = "--b";
  cols[1].type = COLFRAME_TEXT;
  cols[2].name = "c";
  cols[2].opt = "--c";
  cols[2].type = COLFRAME_EVENT;
  spec.cols = cols;
  spec.n_cols = 3;
  spec.path = path;
  spec.keep_rows = true;
  spec.fault = my_fault;
  err_clear(&e);
  CHECK_INT_EQ(colframe_load(&spec, &cf, &e), APP_OK);
  CHECK_INT_EQ(cf.n, 3);
  CHECK_INT_EQ(cf.cols[1].n_levels, 3);
  CHECK_STR_EQ(cf.cols[1].levels[2], "z");
  CHECK(cf.cols[2].ival[0] == 0 && cf.cols[2].ival[2] == 1);
  CHECK(cf.row[2] == 3);
  colframe_free(&cf);
  cols[1].max_levels = 2;
  CHECK_INT_EQ(colframe_load(&spec, &cf, &e), APP_EINVAL);
  CHECK_INT_EQ(last.kind, COLFRAME_F_LEVELS);
  CHECK_INT_EQ(last.row, 3);
  CHECK(last.col == &cols[1] && last.len == 1 && last.text[0] == 'z');
  CHECK(cf.n == 0 && cf.cols == NULL);
  cols[1].max_levels = 0;
  cols[0].bound = COLFRAME_GT0;
  cols[0].name = "c";
  CHECK_INT_EQ(colframe_load(&spec, &cf, &e), APP_EINVAL);
  CHECK_INT_EQ(last.kind, COLFRAME_F_BOUND);
  CHECK_INT_EQ(last.row, 1);
  unlink(path);
  xfree(path);
}

int main(void) {
  test_names_from_frame_cols();
  test_stats_study_equals_csv();
  test_study_faults();
  test_ps_study();
  test_direct();
  return harness_report();
}
