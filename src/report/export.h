/*
** export.h: the patient-level frame (frame.h) written for the tools of the
** field: CSV (RFC 4180, UTF-8, header row) with a data-dictionary CSV
** beside it, SAS XPORT v5, Stata .dta and SPSS .sav.  The three binary
** formats are written by ReadStat (libreadstat), never by hand.  Every
** writer takes the names, labels, types and widths from frame_cols.
*/
#ifndef HCC_EXPORT_H
#define HCC_EXPORT_H

#include "../core/buf.h"
#include "../core/err.h"
#include "frame.h"

/* Export formats. */
enum export_format {
  EXPORT_CSV = 0, /* adsl.csv + adsl_dictionary.csv */
  EXPORT_XPT = 1, /* adsl.xpt, SAS transport version 5, member ADSL */
  EXPORT_DTA = 2, /* adsl.dta, Stata (ReadStat's default version) */
  EXPORT_SAV = 3  /* adsl.sav, SPSS */
};

/* The dataset name (XPORT member name, <= 8 characters) and the stem of
** every file name ("adsl"). */
#define EXPORT_DATASET "ADSL"
#define EXPORT_STEM "adsl"

/* Parse a --format value ("csv", "xpt", "dta", "sav").  Returns APP_OK, or
** APP_EINVAL naming the field "--format". */
int export_format_parse(const char *s, enum export_format *out,
                        struct err *e);

/* The frame as CSV: a header row of the column names, then one row a
** patient; fields quoted when they hold a comma, quote or line break;
** CRLF line ends (RFC 4180); numbers in the shortest form that reads back
** to the same double; missing values as empty fields.  Appends to out. */
int export_csv(const struct frame *f, struct buf *out);

/* The data dictionary as CSV: name,label,type,width,source, one row a
** column of frame_cols.  Appends to out. */
int export_dictionary_csv(struct buf *out);

/* Write the frame in fmt into directory dir (which must exist): the files
** listed at enum export_format, each written to a temporary name and
** renamed into place when complete.  Numeric missing values are the
** format's own missing value (SAS ".", Stata ".", SPSS system-missing).
** The paths written are appended to written, one a line (may be NULL).
** Returns APP_OK, APP_EIO (a file could not be written) or APP_EINTERNAL
** (ReadStat refused the metadata: a bug in frame_cols). */
int export_write(const struct frame *f, enum export_format fmt,
                 const char *dir, struct buf *written, struct err *e);

#endif
