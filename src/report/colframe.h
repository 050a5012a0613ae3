/*
** colframe.h: the shared column loader of the analysis-dataset layer.
**
** A caller names the columns it uses and what each holds (a number, a 0/1
** event with R's 2/1 coding, an ADaM censoring flag, a text factor) and
** colframe_load() fills one typed array per column, one entry per kept
** row.  A row with a missing value (empty, NA, NaN; NAN or "" in a study
** frame) in a used column is dropped and counted, unless the column says
** a missing value is an error.  Bad values are reported naming the column
** and the 1-based data row.  Text columns are coded 0..n_levels-1: levels
** sorted numerically when all are numbers, otherwise by bytes (the first
** level is the reference), or in first-seen order.
**
** The input is a CSV file (src/core/csv.h) or the patient-level frame of a
** study (frame.h; its column names are frame_cols' names, taken at run
** time).  Both sit behind struct colframe_input_ops, so another reader
** (issue 17: a one-pass numeric CSV reader over mmap) can replace the
** input side without changing the loaders built on this module
** (stats_frame.h, ps_frame.h).
*/
#ifndef HCC_COLFRAME_H
#define HCC_COLFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

struct frame;

/* What a column holds. */
enum colframe_type {
  COLFRAME_NUM = 0, /* a finite number */
  COLFRAME_EVENT,   /* 1/0 event, or R's 2/1 when only 1 and 2 occur */
  COLFRAME_CNSR,    /* ADaM CNSR: 1 censored, 0 event; stored as event */
  COLFRAME_TEXT     /* text, coded as levels */
};

/* A bound on a number. */
enum colframe_bound {
  COLFRAME_ANY = 0, /* any finite number */
  COLFRAME_GE0,     /* >= 0 (a time, a weight that may be 0) */
  COLFRAME_GT0      /* > 0 (a case weight) */
};

/* One used column. */
struct colframe_colspec {
  const char *name;          /* column name (borrowed) */
  const char *opt;           /* the option that named it, for messages */
  enum colframe_type type;   /* what it holds */
  enum colframe_bound bound; /* COLFRAME_NUM: the allowed range */
  const char *noun;          /* what a value is in messages ("time",
                             ** "weight"); NULL: "value" */
  bool required;             /* a missing value is an error, not a drop */
  bool trim;                 /* text: levels without surrounding spaces */
  bool sort_levels;          /* text: sorted levels; else first seen */
  int max_levels;            /* text: most levels (0: no limit) */
  bool codes_only;           /* text: distinct codes, no level texts (a
                             ** cluster id column of 10^6 values) */
};

/* What went wrong, for a caller that words its own messages. */
enum colframe_fault {
  COLFRAME_F_UNKNOWN_COLUMN, /* col not in the header */
  COLFRAME_F_NOT_NUMBER,     /* text, len: not a number */
  COLFRAME_F_BOUND,          /* value outside col->bound */
  COLFRAME_F_EVENT,          /* value not 0/1/2 */
  COLFRAME_F_CNSR,           /* value not 0/1 */
  COLFRAME_F_MISSING,        /* missing value in a required column */
  COLFRAME_F_LEVELS,         /* text: one level more than max_levels */
  COLFRAME_F_EVENT_2_AND_0,  /* event column holds both 2 and 0 */
  COLFRAME_F_FIELDS,         /* row has n_fields fields, header n_header */
  COLFRAME_F_EMPTY,          /* no header row */
  COLFRAME_F_NO_ROWS,        /* no data rows */
  COLFRAME_F_ALL_MISSING     /* every row has a missing value */
};

/* One fault.  Members not relevant to kind are 0 or NULL; text is valid
** during the fault call only. */
struct colframe_fault_info {
  enum colframe_fault kind;
  const struct colframe_colspec *col; /* the column, or NULL */
  const char *what;                   /* the input ("x.csv", "standard
                                      ** input", "the study CHALLENGE-06") */
  int64_t row;                        /* 1-based data row, or 0 */
  const char *text;                   /* the bad value's bytes */
  size_t len;                         /* their length */
  double value;                       /* the bad number */
  size_t n_fields;                    /* COLFRAME_F_FIELDS */
  size_t n_header;                    /* fields in the header */
  int64_t n_read;                     /* data rows read so far */
  int64_t n_dropped;                  /* rows dropped so far */
  const void *ctx;                    /* colframe_spec.fault_ctx */
  const char *row_label;              /* what the input calls the row
                                      ** (a patient code), or NULL */
};

/* Word a fault into e and return its code (APP_EINVAL).  NULL in the spec
** means colframe_fault_default. */
typedef int (*colframe_fault_fn)(const struct colframe_fault_info *fi,
                                 struct err *e);

/* The default wording: "column 'x', data row 3: ..." (the stats loader's). */
int colframe_fault_default(const struct colframe_fault_info *fi, struct err *e);

/* What to load, from where.  Exactly one of path and frame is set. */
struct colframe_spec {
  const struct colframe_colspec *cols; /* n_cols used columns */
  size_t n_cols;
  const char *path;          /* CSV file, "-" for standard input */
  const struct frame *frame; /* or a study's patient-level frame */
  const char *frame_what;    /* the frame for messages ("the study X") */
  bool trim_header;          /* compare header names without spaces */
  bool keep_rows;            /* fill colframe.row */
  colframe_fault_fn fault;   /* wording of faults (NULL: default) */
  const void *fault_ctx;     /* handed to fault in fi->ctx */
};

/* One loaded column; the arrays have colframe.n entries.  A caller may
** take an array (set the member to NULL) before colframe_free(). */
struct colframe_col {
  double *num;   /* COLFRAME_NUM values */
  int *ival;     /* COLFRAME_EVENT / COLFRAME_CNSR: 0/1 events */
  int32_t *code; /* COLFRAME_TEXT: level codes */
  char **levels; /* COLFRAME_TEXT: n_levels texts */
  int32_t n_levels;
};

/* The loaded columns, in spec order. */
struct colframe {
  int64_t n;         /* rows kept */
  int64_t n_read;    /* data rows read */
  int64_t n_dropped; /* rows dropped for a missing value */
  size_t n_header;   /* fields in the header */
  int64_t *row;      /* n 1-based data rows (keep_rows), or NULL */
  size_t n_cols;
  struct colframe_col *cols; /* n_cols columns */
};

/* Load spec into *cf.  Returns APP_OK, APP_EINVAL (a fault, worded by
** spec->fault) or APP_EIO (the file).  On failure *cf is empty.  Free with
** colframe_free(). */
int colframe_load(const struct colframe_spec *spec, struct colframe *cf,
                  struct err *e);

/* Free what cf still owns and zero it. */
void colframe_free(struct colframe *cf);

/* Free an array of n strings (NULL allowed). */
void colframe_free_strings(char **s, int64_t n);

/* One cell of the current row, as an input hands it over. */
struct colframe_cell {
  const char *p; /* the value's text (valid until the next row) */
  size_t len;    /* its length */
  bool missing;  /* counts as missing */
  bool has_num;  /* num holds the value already (no parsing) */
  double num;    /* the number, when has_num */
};

/* An input: a header of named fields, then rows of cells.  Each function
** gets the input's own state. */
struct colframe_input_ops {
  /* Read the header: 1 with *n_fields, 0 when there is none, -1 (*e). */
  int (*header)(void *self, size_t *n_fields, struct err *e);
  /* The index of the field called name (trim: ignore surrounding spaces
  ** in the header), or -1. */
  long (*find)(void *self, const char *name, bool trim);
  /* Only fields below max are read from now on (a hint). */
  void (*limit)(void *self, size_t max);
  /* Next row: 1 with *row (1-based) and *n_fields, 0 at the end, -1 (*e).*/
  int (*next)(void *self, int64_t *row, size_t *n_fields, struct err *e);
  /* Field k of the current row. */
  void (*cell)(void *self, size_t k, struct colframe_cell *out);
  /* What the input calls the current row (a patient code), for messages;
  ** NULL (the function, or its answer) when rows have no name. */
  const char *(*label)(void *self);
  /* Release the input. */
  void (*close)(void *self);
};

#endif
