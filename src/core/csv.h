/*
** csv.h: a streaming RFC 4180 CSV reader.
**
** The reader pulls the file in large blocks and hands out one record at a
** time as an array of fields that point into its block buffer (no malloc per
** field or per row).  It understands quoted fields with "" escapes and
** embedded separators or line breaks, CRLF or LF line ends, a UTF-8 byte
** order mark, and skips blank lines.  The first record is the header.
** Fields are valid only until the next csv_next() call.
*/
#ifndef HCC_CSV_H
#define HCC_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* One field of the current record: len bytes at p (not NUL-terminated;
** quotes already removed and "" unescaped). */
struct csv_field {
  const char *p;   /* the bytes, inside the reader's buffer */
  size_t len;      /* number of bytes */
  int is_quoted;   /* 1 when the field was written in quotes */
};

/* A reader over one file or standard input.  Owned by the caller; the
** members are private to csv.c except where noted. */
struct csv_reader {
  FILE *fp;                  /* the input stream */
  int owns_fp;               /* 1 when csv_open opened fp (close it) */
  char *buf;                 /* block buffer */
  size_t cap;                /* bytes allocated in buf */
  size_t len;                /* bytes of buf holding data */
  size_t pos;                /* start of the next unread record */
  int at_eof;                /* 1 once fread reported the end */
  int at_start;              /* 1 until the BOM check has run */
  struct csv_field *fields;  /* fields of the current record */
  size_t n_fields;           /* fields in the current record */
  size_t max_fields;         /* public, optional: when > 0, only the first
                                max_fields fields need be stored in fields
                                (n_fields still counts them all), which
                                lets the reader skip unused columns */
  size_t cap_fields;         /* slots allocated in fields */
  int64_t row;               /* public: number of the current record,
                                0 for the header, 1.. for data rows
                                (blank lines not counted) */
  const char *what;          /* file name for messages (borrowed) */
};

/* Open path ("-" for standard input) for reading.  Returns APP_OK or
** APP_EIO (message names the file).  Release with csv_close(). */
int csv_open(struct csv_reader *r, const char *path, struct err *e);

/* Read the next record.  Returns 1 with r->fields/r->n_fields set, 0 at the
** end of the input, or -1 on error (APP_EIO for a read failure, APP_EINVAL
** for an unterminated quote; the message names the data row). */
int csv_next(struct csv_reader *r, struct err *e);

/* Close the file (unless it is standard input) and free the buffers. */
void csv_close(struct csv_reader *r);

/* 1 when the field counts as missing: empty, "NA" or "NaN" (after
** surrounding spaces are trimmed). */
int csv_is_missing(const struct csv_field *f);

/* Parse a field as a finite decimal number (surrounding spaces allowed).
** Uses an exact fast path for plain decimals with at most 15 significant
** digits and strtod otherwise.  Returns 0, or -1 when it is not a number. */
int csv_parse_double(const char *p, size_t len, double *out);

#endif
