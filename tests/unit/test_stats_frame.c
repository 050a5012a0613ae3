/*
** test_stats_frame.c: loading analysis columns from CSV (stats_frame.c):
** missing-value dropping, 2/1 event coding, factor levels and dummies,
** and every bad-input rule (message names the column and the data row).
*/
#include "report/stats_frame.h"
#include "core/mem.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Write text to a new temporary file; caller unlinks and xfree()s it. */
static char *write_tmp(const char *text) {
  char *path = xstrdup("/tmp/hcc_test_frame_XXXXXX");
  int fd = mkstemp(path);
  FILE *fp = fdopen(fd, "wb");
  fputs(text, fp);
  fclose(fp);
  return path;
}

/* Load text with the given spec fields; returns the code, err in *e. */
static int load(const char *text, struct stats_frame_spec *spec,
                struct stats_frame *f, struct err *e) {
  char *path = write_tmp(text);
  int rc;
  spec->data_path = path;
  err_clear(e);
  rc = stats_frame_load(spec, f, e);
  unlink(path);
  xfree(path);
  spec->data_path = NULL;
  return rc;
}

static void test_basic(void) {
  static const char text[] =
      "time,status,age,arm,site\n"
      "5,2,60,b,10\n"
      "3,1,NA,a,9\n"
      "7,1,55,c,10\n"
      "2,2,,a,9\n"
      "\"9\",1,70.5,a,100\n";
  struct stats_frame_spec spec = {0};
  struct stats_frame f;
  struct err e;
  spec.time = "time";
  spec.event = "status";
  spec.covariates = "age";
  spec.factors = "arm";
  spec.strata = "site";
  CHECK_INT_EQ(load(text, &spec, &f, &e), APP_OK);
  CHECK_INT_EQ(f.n, 3);
  CHECK_INT_EQ(f.n_read, 5);
  CHECK_INT_EQ(f.n_dropped, 2);
  CHECK(f.time[0] == 5 && f.time[1] == 7 && f.time[2] == 9);
  /* 2/1 coding: 2 = event. */
  CHECK(f.status[0] == 1 && f.status[1] == 0 && f.status[2] == 0);
  CHECK_INT_EQ(f.p, 3);
  CHECK_STR_EQ(f.x_names[0], "age");
  CHECK_STR_EQ(f.x_names[1], "arm=b");
  CHECK_STR_EQ(f.x_names[2], "arm=c");
  CHECK_INT_EQ(f.n_terms, 2);
  CHECK_STR_EQ(f.term_names[1], "arm");
  CHECK(f.term_of_col[0] == 0 && f.term_of_col[1] == 1 &&
        f.term_of_col[2] == 1);
  CHECK(f.x[0] == 60 && f.x[1] == 55 && f.x[2] == 70.5);
  CHECK(f.x[3] == 1 && f.x[4] == 0 && f.x[5] == 0);
  CHECK(f.x[6] == 0 && f.x[7] == 1 && f.x[8] == 0);
  /* Strata levels sorted numerically: 10 < 100 (bytes would agree here,
  ** so check a case where they do not: 9 was dropped; 10, 100). */
  CHECK_INT_EQ(f.n_strata, 2);
  CHECK_STR_EQ(f.strata_levels[0], "10");
  CHECK_STR_EQ(f.strata_levels[1], "100");
  CHECK(f.strata[0] == 0 && f.strata[2] == 1);
  stats_frame_free(&f);
}

static void test_levels(void) {
  static const char text[] =
      "t,d,g\n1,1,10\n2,0,9\n3,1,100\n4,1,9\n";
  static const char text2[] = "t, d , g\n1,1,b\n2,0,B\n3,1,a\n";
  struct stats_frame_spec spec = {0};
  struct stats_frame f;
  struct err e;
  spec.time = "t";
  spec.event = "d";
  spec.group = "g";
  CHECK_INT_EQ(load(text, &spec, &f, &e), APP_OK);
  CHECK_INT_EQ(f.n_groups, 3);
  CHECK_STR_EQ(f.group_levels[0], "9");
  CHECK_STR_EQ(f.group_levels[1], "10");
  CHECK_STR_EQ(f.group_levels[2], "100");
  CHECK(f.group[0] == 1 && f.group[1] == 0 && f.group[2] == 2);
  /* 0/1 coding kept as is. */
  CHECK(f.status[0] == 1 && f.status[1] == 0);
  stats_frame_free(&f);
  CHECK_INT_EQ(load(text2, &spec, &f, &e), APP_OK);
  CHECK_STR_EQ(f.group_levels[0], "B"); /* byte order: 'B' < 'a' < 'b' */
  CHECK_STR_EQ(f.group_levels[1], "a");
  CHECK_STR_EQ(f.group_levels[2], "b");
  stats_frame_free(&f);
}

/* One bad input: exit class EINVAL and a message containing want1, want2. */
static void bad(const char *text, const char *covs, const char *want1,
                const char *want2) {
  struct stats_frame_spec spec = {0};
  struct stats_frame f;
  struct err e;
  spec.time = "time";
  spec.event = "status";
  spec.covariates = covs;
  CHECK_INT_EQ(load(text, &spec, &f, &e), APP_EINVAL);
  if (!CHECK(strstr(e.msg, want1) != NULL && strstr(e.msg, want2) != NULL)) {
    fprintf(stderr, "    message: %s\n", e.msg);
  }
  CHECK(f.n == 0 && f.time == NULL && f.x == NULL);
}

static void test_bad_input(void) {
  bad("time,status,x\n1,1,2\n-3,0,1\n", NULL, "'time'", "row 2");
  bad("time,status,x\n1,1,2\n3,3,1\n", NULL, "'status'", "row 2");
  bad("time,status,x\n1,1,2\n3,0,1\n4,2,1\n", NULL, "'status'", "row 3");
  bad("time,status,x\n1,1,2\n", "y", "unknown column 'y'", "--covariates");
  bad("time,status,x\n1,1,2\n3,0,abc\n", "x", "'x'", "row 2");
  bad("time,status,x\n1,1,2\n3,zero,1\n", NULL, "'status'", "row 2");
  bad("", NULL, "empty file", "");
  bad("time,status\n", NULL, "no data rows", "");
  bad("time,status\n1,1\n2\n", NULL, "row 2", "fields");
  bad("time,status,x\n1,1,2\n2,1,3,4\n", NULL, "row 2 has 4 fields",
      "header has 3");
  bad("time,status\nNA,1\n2,\n", NULL, "all 2 data rows", "missing");
}

static void test_cluster_weights(void) {
  static const char text[] =
      "\"t\",\"d\",\"id\",\"w\"\r\n1,1,p7,0.5\r\n2,0,p3,2\r\n3,1,p7,1\r\n";
  static const char bad_w[] = "t,d,id,w\n1,1,a,1\n2,0,b,0\n";
  struct stats_frame_spec spec = {0};
  struct stats_frame f;
  struct err e;
  spec.time = "t";
  spec.event = "d";
  spec.cluster = "id";
  spec.weights = "w";
  spec.group = "id"; /* one column in two roles */
  CHECK_INT_EQ(load(text, &spec, &f, &e), APP_OK);
  CHECK_INT_EQ(f.n_clusters, 2);
  CHECK(f.cluster[0] == f.cluster[2] && f.cluster[0] != f.cluster[1]);
  CHECK(f.weight[0] == 0.5 && f.weight[1] == 2 && f.weight[2] == 1);
  CHECK_INT_EQ(f.n_groups, 2);
  CHECK_STR_EQ(f.group_levels[0], "p3");
  CHECK(f.group[0] == 1 && f.group[1] == 0);
  CHECK(f.p == 0 && f.x == NULL);
  stats_frame_free(&f);
  CHECK_INT_EQ(load(bad_w, &spec, &f, &e), APP_EINVAL);
  CHECK(strstr(e.msg, "'w', data row 2") != NULL);
}

int main(void) {
  test_cluster_weights();
  test_basic();
  test_levels();
  test_bad_input();
  return harness_report();
}
