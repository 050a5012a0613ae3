/*
** ps_frame.h: from a CSV file or a study's patient-level frame to the
** arrays of a logistic / propensity model (a 0/1 response, covariates,
** factors, optional case weights), through the shared column loader
** (colframe.h).
**
** stats_frame.h requires a time and an event column; a logistic model has
** neither, so this loader does the same job for a binary response.  Rows
** with a missing value (empty, NA, NaN) in the response, a covariate or a
** factor are dropped and counted; a missing or negative weight is an error.
** The response may be numeric (only 0 and 1) or text with exactly two
** values: the levels are sorted by byte order and the SECOND is coded 1
** ("treated"/"event").  Factor levels are sorted numerically when all
** numeric, otherwise by byte order; the first is the reference and each
** other level becomes a dummy column named "col=level".
*/
#ifndef HCC_PS_FRAME_H
#define HCC_PS_FRAME_H

#include <stdint.h>

#include "../core/err.h"

struct frame;

/* What to load.  Comma-separated lists may be NULL. */
struct ps_frame_spec {
  const char *data_path;     /* CSV file, "-" for standard input */
  const struct frame *study; /* or a study's patient-level frame (frame.h;
                             ** column names: frame_cols) */
  const char *study_what;    /* the study in messages ("the study X") */
  const char *response;      /* the 0/1 (or two-level text) column */
  const char *response_opt;  /* its option, for messages: "--outcome" */
  const char *covariates;    /* numeric covariates "a,b" */
  const char *factors;       /* factor covariates "c,d" */
  const char *weights;       /* case-weight column (>= 0), or NULL */
};

/* The loaded data; arrays have n rows in file order.  Owned; free with
** ps_frame_free(). */
struct ps_frame {
  int64_t n;         /* rows kept */
  int64_t n_read;    /* data rows read */
  int64_t n_dropped; /* rows dropped for a missing value */
  double *y;         /* n responses 0/1 */
  char *y_levels[2]; /* texts coded 0 and 1 (owned) */
  int p;             /* design columns */
  double *x;         /* n*p column-major x[j*n + i]; NULL when p == 0 */
  char **x_names;    /* p names ("age", "differ=2") */
  int n_terms;       /* covariates + factors */
  char **term_names; /* n_terms input column names */
  int *term_of_col;  /* p: term of each design column */
  double *weight;    /* n case weights, or NULL */
  int64_t *row;      /* n: 1-based data row of each kept row */
  int n_header;      /* fields in the header (for --out) */
};

/* Load spec into *f.  Returns APP_OK, APP_EINVAL (bad input: the message
** names the column and the data row), or APP_EIO.  A constant covariate,
** a factor with one level and a response with one value are APP_EINVAL.
** On failure *f is empty.  Caller frees with ps_frame_free(). */
int ps_frame_load(const struct ps_frame_spec *spec, struct ps_frame *f,
                  struct err *e);

/* Free everything f owns and zero it. */
void ps_frame_free(struct ps_frame *f);

#endif
