/*
** dataset.h: a dataset to export (issue 13): its metadata (name, label,
** class, structure, keys and the column table) and its rows.  SDTM domains
** (sdtm.h), ADaM datasets (adam.h) and the patient-level frame (frame.h)
** are all datasets, and one set of writers (export.h) turns any of them
** into CSV, SAS XPORT v5, Stata or SPSS; define.xml is written from the
** same metadata.  A dataset is built in memory, row by row, by its
** builder; a missing number is NAN, a missing string "" (or NULL).
*/
#ifndef HCC_DATASET_H
#define HCC_DATASET_H

#include <stdbool.h>
#include <stddef.h>

/* Column types. */
enum ds_type {
  DS_NUM = 0, /* a double; missing is NAN */
  DS_STR = 1  /* UTF-8 text; missing is "" */
};

/* ds_col.decimals of a numeric SAS date (days since 1960-01-01): the
** XPORT format is DATE9. (ADaM --DT variables). */
#define DS_DATE9 (-2)

/* One variable. */
struct ds_col {
  const char *name;     /* <= 8 characters, upper case (XPORT v5) */
  const char *label;    /* <= 40 characters */
  enum ds_type type;    /* numeric or string */
  int width;            /* string: bytes (<= 200); numeric: display width */
  int decimals;         /* numeric: decimals of the SAS format, -1 BEST,
                        ** DS_DATE9 a SAS date shown as DATE9. */
  const char *source;   /* where the value comes from (docs, define.xml) */
  const char *codelist; /* controlled terminology (define.xml), or NULL */
  const char *core;     /* SDTM/ADaM core: "Req", "Exp", "Perm", or NULL */
};

/* A dataset's metadata: one static table a dataset. */
struct ds_def {
  const char *name;      /* member name, <= 8 upper case ("DM", "ADTTE") */
  const char *label;     /* <= 40 characters ("Demographics") */
  const char *cls;       /* SDTM/ADaM class ("SPECIAL PURPOSE", "BASIC
                         ** DATA STRUCTURE", ...) */
  const char *structure; /* "One record per subject" ... */
  const char *keys;      /* key variables, comma separated */
  const char *standard;  /* "SDTMIG 3.4", "ADaMIG 1.3", "hccstudy" */
  int ncols;             /* columns */
  const struct ds_col *cols; /* ncols columns, in file order */
};

/* One value: num for DS_NUM columns (NAN missing), str for DS_STR (NULL
** missing, owned by the dataset). */
struct ds_cell {
  double num;
  char *str;
};

/* A dataset: its metadata and its rows. */
struct ds {
  const struct ds_def *def; /* metadata (static) */
  int n;                    /* rows */
  int cap;                  /* rows allocated */
  struct ds_cell *cells;    /* n * def->ncols values, row by row */
  int n_truncated;          /* string values cut to their column's width */
};

/* Start an empty dataset of def. */
void ds_init(struct ds *d, const struct ds_def *def);

/* Free the rows and zero d. */
void ds_free(struct ds *d);

/* Append a row of missing values.  Returns its index. */
int ds_add_row(struct ds *d);

/* The index of column name in def, or -1. */
int ds_col_index(const struct ds_def *def, const char *name);

/* Set a value of row (by column index, or by name: an unknown name is a
** bug and aborts in debug builds, ignored otherwise).  A string longer
** than its column's width is cut at the last whole UTF-8 character that
** fits and counted in n_truncated; NULL or "" is missing. */
void ds_set_num(struct ds *d, int row, int col, double x);
void ds_set_str(struct ds *d, int row, int col, const char *s);
void ds_num(struct ds *d, int row, const char *name, double x);
void ds_str(struct ds *d, int row, const char *name, const char *s);

/* The value of row, col: for DS_NUM the number (NAN missing); for DS_STR
** the string ("" missing, never NULL). */
double ds_get_num(const struct ds *d, int row, int col);
const char *ds_get_str(const struct ds *d, int row, int col);

/* Sort the rows by the given columns (names, NULL-terminated), numbers
** ascending with missing first, strings by bytes; stable. */
void ds_sort(struct ds *d, const char *const *keys);

/* Number --SEQ (column seq) from 1 within each value of column by
** (USUBJID), in the rows' order.  The rows must be sorted by `by`. */
void ds_number_seq(struct ds *d, const char *seq, const char *by);

#endif
