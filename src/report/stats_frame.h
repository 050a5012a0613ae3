/*
** stats_frame.h: from a CSV file or a study's patient-level frame to the
** arrays the survival engine takes.
**
** The stats commands name columns (--time, --event or --censor,
** --covariates, --factor, --strata, --weights, --cluster, --group).
** stats_frame_load() reads them through the shared column loader
** (colframe.h): only those columns are kept, rows with a missing value
** (empty, NA, NaN) in any used column are dropped and counted, every value
** is checked (message names the column and the 1-based data row), text
** columns are coded as factors (levels sorted numerically when all
** numeric, otherwise by byte order; the first level is the reference), and
** each --factor column is expanded into level-1 dummy columns named
** "col=level".
*/
#ifndef HCC_STATS_FRAME_H
#define HCC_STATS_FRAME_H

#include <stdint.h>

#include "../core/err.h"

struct frame;

/* What to load.  Comma-separated lists may be NULL. */
struct stats_frame_spec {
  const char *data_path;     /* CSV file, "-" for standard input */
  const struct frame *study; /* or a study's patient-level frame (frame.h;
                             ** column names: frame_cols) */
  const char *study_what;    /* the study in messages ("the study X") */
  const char *time;          /* time column (required, >= 0) */
  const char *event;         /* event column: 1/0, or R's 2/1 coding */
  const char *censor;        /* or an ADaM CNSR column: 1 censored, 0 event */
  const char *covariates;    /* numeric covariates, "a,b" */
  const char *factors;       /* factor covariates, "c,d" */
  const char *strata;        /* strata column */
  const char *weights;       /* case-weight column (> 0) */
  const char *cluster;       /* cluster column */
  const char *group;         /* group column (km, logrank) */
};

/* The loaded analysis data.  All arrays have n rows, in file order. */
struct stats_frame {
  int64_t n;            /* rows kept */
  int64_t n_read;       /* data rows read */
  int64_t n_dropped;    /* rows dropped for a missing value */
  double *time;         /* n times */
  int *status;          /* n event indicators, 0/1 */
  int p;                /* design columns (covariates + factor dummies) */
  double *x;            /* n*p, column-major: x[j*n + i]; NULL when p=0 */
  char **x_names;       /* p names: "age", "ph.ecog=2" */
  int n_terms;          /* model terms: one per covariate or factor */
  int *term_of_col;     /* p: term index of each design column */
  char **term_names;    /* n_terms: the input column names */
  double *weight;       /* n case weights, or NULL */
  int32_t *strata;      /* n codes 0..n_strata-1, or NULL */
  int n_strata;         /* number of strata levels */
  char **strata_levels; /* n_strata level texts */
  int32_t *cluster;     /* n codes, or NULL */
  int n_clusters;       /* number of clusters */
  int32_t *group;       /* n codes 0..n_groups-1, or NULL */
  int n_groups;         /* number of groups */
  char **group_levels;  /* n_groups level texts */
};

/* Load spec into *f.  Returns APP_OK, APP_EINVAL (bad input: message names
** column and row), or APP_EIO.  On failure *f is left empty.  Caller frees
** with stats_frame_free(). */
int stats_frame_load(const struct stats_frame_spec *spec, struct stats_frame *f,
                     struct err *e);

/* Free everything a loaded frame owns and zero it. */
void stats_frame_free(struct stats_frame *f);

#endif
