/*
** export.c: the patient-level frame written as CSV, SAS XPORT v5, Stata
** and SPSS files (see export.h and docs/exports.md).
**
** Why: a statistician's first request of an EDC is the data in the
** format of their tool.  The binary formats are written by ReadStat, which
** knows their layouts (IBM floating point and 80-byte records of XPORT,
** Stata's and SPSS's headers); this module only describes the variables,
** from the one column table frame_cols, and feeds the values.
** Invariants: the CSV and every binary file hold the same values (numbers
** as the same doubles; XPORT stores IBM doubles, exact to about 1e-15
** relative); a missing number is the format's missing value, a missing
** string is empty; a file appears under its final name only when it is
** complete (written to NAME.tmp, then renamed).  Workload: a study of a
** few thousand patients, one pass over the frame per file.
*/
#include "export.h"

#include "../core/mem.h"

#include <errno.h>
#include <math.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest string value of any column, plus its NUL. */
#define EXPORT_TEXT_MAX 256

/* The file label of the binary formats (<= 40 characters). */
#define EXPORT_LABEL "Patient-level analysis frame"

int export_format_parse(const char *s, enum export_format *out,
                        struct err *e) {
  static const char *const names[] = {"csv", "xpt", "dta", "sav"};
  int i;
  for (i = 0; s != NULL && i < 4; i++) {
    if (strcmp(s, names[i]) == 0) {
      *out = (enum export_format)i;
      return APP_OK;
    }
  }
  return ERR_FIELD(e, APP_EINVAL, "--format",
                   "--format: expected csv, xpt, dta or sav, not '%s'",
                   s ? s : "");
}

/* Append one CSV field, quoted when it holds a comma, quote, CR or LF
** (quotes doubled, RFC 4180). */
static int ex_csv_field(struct buf *out, const char *s) {
  const char *p;
  int rc;
  if (strpbrk(s, ",\"\r\n") == NULL) {
    return buf_puts(out, s);
  }
  rc = buf_putc(out, '"');
  for (p = s; rc == APP_OK && *p; p++) {
    rc = *p == '"' ? buf_puts(out, "\"\"") : buf_putc(out, *p);
  }
  return rc == APP_OK ? buf_putc(out, '"') : rc;
}

/* Append x in the shortest %g form that reads back as the same double. */
static int ex_csv_number(struct buf *out, double x) {
  char t[40];
  int prec;
  for (prec = 15; prec < 17; prec++) {
    snprintf(t, sizeof(t), "%.*g", prec, x);
    if (strtod(t, NULL) == x) {
      break;
    }
  }
  snprintf(t, sizeof(t), "%.*g", prec, x);
  return buf_puts(out, t);
}

int export_csv(const struct frame *f, struct buf *out) {
  char text[EXPORT_TEXT_MAX];
  double x;
  int c, i;
  int rc = APP_OK;
  for (c = 0; rc == APP_OK && c < FRAME_N_COLS; c++) {
    rc = buf_puts(out, c ? "," : "");
    if (rc == APP_OK) {
      rc = ex_csv_field(out, frame_cols[c].name);
    }
  }
  if (rc == APP_OK) {
    rc = buf_puts(out, "\r\n");
  }
  for (i = 0; rc == APP_OK && i < f->n; i++) {
    for (c = 0; rc == APP_OK && c < FRAME_N_COLS; c++) {
      bool has = frame_value(f, &f->p[i], c, &x, text, sizeof(text));
      rc = buf_puts(out, c ? "," : "");
      if (rc != APP_OK || !has) {
        continue;
      }
      rc = frame_cols[c].type == FRAME_NUM ? ex_csv_number(out, x)
                                           : ex_csv_field(out, text);
    }
    if (rc == APP_OK) {
      rc = buf_puts(out, "\r\n");
    }
  }
  return rc;
}

int export_dictionary_csv(struct buf *out) {
  int c;
  int rc = buf_puts(out, "name,label,type,width,source\r\n");
  for (c = 0; rc == APP_OK && c < FRAME_N_COLS; c++) {
    const struct frame_col *k = &frame_cols[c];
    rc = ex_csv_field(out, k->name);
    if (rc == APP_OK) {
      rc = buf_putc(out, ',');
    }
    if (rc == APP_OK) {
      rc = ex_csv_field(out, k->label);
    }
    if (rc == APP_OK) {
      rc = buf_appendf(out, ",%s,%d,",
                       k->type == FRAME_NUM ? "numeric" : "string",
                       k->type == FRAME_NUM ? 8 : k->width);
    }
    if (rc == APP_OK) {
      rc = ex_csv_field(out, k->source);
    }
    if (rc == APP_OK) {
      rc = buf_puts(out, "\r\n");
    }
  }
  return rc;
}

/* Where ReadStat's bytes go: the open file and whether a write failed. */
struct ex_sink {
  FILE *fp;       /* the temporary file */
  int saved_errno; /* errno of the first failed write, 0 when none */
};

/* ReadStat's data writer: append len bytes to the sink's file. */
static ssize_t ex_sink_write(const void *data, size_t len, void *ctx) {
  struct ex_sink *s = ctx;
  if (fwrite(data, 1, len, s->fp) != len) {
    if (s->saved_errno == 0) {
      s->saved_errno = errno ? errno : EIO;
    }
    return -1;
  }
  return (ssize_t)len;
}

/* The SAS format of a numeric column: "w." or "w.d", or BESTw. */
static void ex_sas_format(const struct frame_col *k, char *out, size_t n) {
  if (k->decimals < 0) {
    snprintf(out, n, "BEST%d.", k->width);
  } else if (k->decimals == 0) {
    snprintf(out, n, "%d.", k->width);
  } else {
    snprintf(out, n, "%d.%d", k->width, k->decimals);
  }
}

/* Describe the variables and write the rows of f through ReadStat in fmt
** (XPT, DTA or SAV).  Returns a ReadStat error code. */
static readstat_error_t ex_readstat(const struct frame *f,
                                    enum export_format fmt,
                                    struct ex_sink *sink) {
  readstat_writer_t *w = readstat_writer_init();
  readstat_variable_t *v[FRAME_N_COLS];
  readstat_error_t rs = READSTAT_OK;
  char text[EXPORT_TEXT_MAX];
  double x;
  int c, i;
  readstat_set_data_writer(w, ex_sink_write);
  readstat_writer_set_file_label(w, EXPORT_LABEL);
  for (c = 0; c < FRAME_N_COLS; c++) {
    const struct frame_col *k = &frame_cols[c];
    bool is_num = k->type == FRAME_NUM;
    v[c] = readstat_add_variable(w, k->name,
                                 is_num ? READSTAT_TYPE_DOUBLE
                                        : READSTAT_TYPE_STRING,
                                 is_num ? 8 : (size_t)k->width);
    readstat_variable_set_label(v[c], k->label);
    if (fmt == EXPORT_XPT) {
      char sf[24];
      if (is_num) {
        ex_sas_format(k, sf, sizeof(sf));
      } else {
        snprintf(sf, sizeof(sf), "$%d.", k->width);
      }
      readstat_variable_set_format(v[c], sf);
    }
  }
  if (fmt == EXPORT_XPT) {
    rs = readstat_writer_set_file_format_version(w, 5);
    if (rs == READSTAT_OK) {
      rs = readstat_writer_set_table_name(w, EXPORT_DATASET);
    }
    if (rs == READSTAT_OK) {
      rs = readstat_begin_writing_xport(w, sink, f->n);
    }
  } else if (fmt == EXPORT_DTA) {
    rs = readstat_begin_writing_dta(w, sink, f->n);
  } else {
    rs = readstat_begin_writing_sav(w, sink, f->n);
  }
  if (rs == READSTAT_OK) {
    rs = readstat_validate_metadata(w);
  }
  for (c = 0; rs == READSTAT_OK && c < FRAME_N_COLS; c++) {
    rs = readstat_validate_variable(w, v[c]);
  }
  for (i = 0; rs == READSTAT_OK && i < f->n; i++) {
    rs = readstat_begin_row(w);
    for (c = 0; rs == READSTAT_OK && c < FRAME_N_COLS; c++) {
      bool has = frame_value(f, &f->p[i], c, &x, text, sizeof(text));
      if (frame_cols[c].type == FRAME_STR) {
        rs = readstat_insert_string_value(w, v[c], text);
      } else if (has) {
        rs = readstat_insert_double_value(w, v[c], x);
      } else {
        rs = readstat_insert_missing_value(w, v[c]);
      }
    }
    if (rs == READSTAT_OK) {
      rs = readstat_end_row(w);
    }
  }
  if (rs == READSTAT_OK) {
    rs = readstat_end_writing(w);
  }
  readstat_writer_free(w);
  return rs;
}

/* Open path.tmp for writing into sink.  Returns APP_OK or APP_EIO. */
static int ex_open(const char *tmp, struct ex_sink *sink, struct err *e) {
  memset(sink, 0, sizeof(*sink));
  sink->fp = fopen(tmp, "wb");
  if (sink->fp == NULL) {
    return ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp, strerror(errno));
  }
  return APP_OK;
}

/* Close the sink and rename tmp to path when ok (APP_OK so far); remove
** tmp otherwise.  Returns rc, or APP_EIO when closing or renaming fails. */
static int ex_close(struct ex_sink *sink, const char *tmp, const char *path,
                    int rc, struct err *e) {
  if (fclose(sink->fp) != 0 && rc == APP_OK) {
    rc = ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp, strerror(errno));
  }
  if (rc == APP_OK && rename(tmp, path) != 0) {
    rc = ERR_SET(e, APP_EIO, "cannot rename %s to %s: %s", tmp, path,
                 strerror(errno));
  }
  if (rc != APP_OK) {
    remove(tmp);
  }
  return rc;
}

/* Write the bytes of b to dir/name (through name.tmp). */
static int ex_write_buf(const char *dir, const char *name,
                        const struct buf *b, struct buf *written,
                        struct err *e) {
  struct ex_sink sink;
  char path[4096], tmp[4200];
  int rc;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  rc = ex_open(tmp, &sink, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (b->len > 0 && ex_sink_write(b->data, b->len, &sink) < 0) {
    rc = ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp,
                 strerror(sink.saved_errno));
  }
  rc = ex_close(&sink, tmp, path, rc, e);
  if (rc == APP_OK && written != NULL) {
    buf_appendf(written, "%s\n", path);
  }
  return rc;
}

int export_write(const struct frame *f, enum export_format fmt,
                 const char *dir, struct buf *written, struct err *e) {
  static const char *const ext[] = {"csv", "xpt", "dta", "sav"};
  struct ex_sink sink;
  char name[64], path[4096], tmp[4200];
  readstat_error_t rs;
  int rc;
  if (fmt == EXPORT_CSV) {
    struct buf b;
    buf_init(&b, 0);
    rc = export_csv(f, &b);
    if (rc == APP_OK) {
      rc = ex_write_buf(dir, EXPORT_STEM ".csv", &b, written, e);
    }
    buf_reset(&b);
    if (rc == APP_OK) {
      rc = export_dictionary_csv(&b);
    }
    if (rc == APP_OK) {
      rc = ex_write_buf(dir, EXPORT_STEM "_dictionary.csv", &b, written, e);
    }
    buf_reset(&b);
    return rc;
  }
  snprintf(name, sizeof(name), "%s.%s", EXPORT_STEM, ext[fmt]);
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  rc = ex_open(tmp, &sink, e);
  if (rc != APP_OK) {
    return rc;
  }
  rs = ex_readstat(f, fmt, &sink);
  if (rs != READSTAT_OK && sink.saved_errno != 0) {
    rc = ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp,
                 strerror(sink.saved_errno));
  } else if (rs != READSTAT_OK) {
    rc = ERR_SET(e, APP_EINTERNAL, "ReadStat cannot write %s: %s", name,
                 readstat_error_message(rs));
  }
  rc = ex_close(&sink, tmp, path, rc, e);
  if (rc == APP_OK && written != NULL) {
    buf_appendf(written, "%s\n", path);
  }
  return rc;
}
