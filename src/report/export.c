/*
** export.c: datasets written as CSV, SAS XPORT v5, Stata and SPSS files,
** and the export of a whole study in one format (see export.h and
** docs/exports.md).
**
** Why: a statistician's first request of an EDC is the data in the
** format of their tool, a sponsor's is CDISC.  The binary formats are
** written by ReadStat, which knows their layouts (IBM floating point and
** 80-byte records of XPORT, Stata's and SPSS's headers); this module only
** describes the variables, from each dataset's column table, and feeds
** the values.  Invariants: the CSV and every binary file hold the same
** values (numbers as the same doubles; XPORT stores IBM doubles, exact to
** about 1e-15 relative); a missing number is the format's missing value,
** a missing string is empty; a file appears under its final name only
** when it is complete (written to NAME.tmp, then renamed); nothing in a
** file depends on the moment of writing but src's time, so a freeze
** exported twice gives the same bytes.  Workload: a study of a few
** thousand patients, one pass over each dataset per file.
*/
#include "export.h"

#include "adam.h"
#include "define.h"
#include "odm.h"
#include "sdtm.h"

#include "../core/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <readstat.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const ex_names[EXPORT_N_FORMATS] = {
    "csv", "xpt", "dta", "sav", "sdtm", "adam", "odm", "define"};

const char *export_format_name(enum export_format fmt) {
  return (int)fmt >= 0 && fmt < EXPORT_N_FORMATS ? ex_names[fmt] : "";
}

int export_format_parse(const char *s, enum export_format *out,
                        struct err *e) {
  int i;
  for (i = 0; s != NULL && i < EXPORT_N_FORMATS; i++) {
    if (strcmp(s, ex_names[i]) == 0) {
      *out = (enum export_format)i;
      return APP_OK;
    }
  }
  return ERR_FIELD(e, APP_EINVAL, "--format",
                   "--format: expected csv, xpt, dta, sav, sdtm, adam, odm "
                   "or define, not '%s'",
                   s ? s : "");
}

bool export_format_is_file(enum export_format fmt) {
  return fmt == EXPORT_ODM || fmt == EXPORT_DEFINE;
}

void ds_set_free(struct ds_set *s) {
  int i;
  for (i = 0; i < s->n; i++) {
    ds_free(&s->d[i]);
  }
  memset(s, 0, sizeof(*s));
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

int export_ds_csv(const struct ds *d, struct buf *out) {
  const struct ds_def *def = d->def;
  int c, i;
  int rc = APP_OK;
  for (c = 0; rc == APP_OK && c < def->ncols; c++) {
    rc = buf_puts(out, c ? "," : "");
    if (rc == APP_OK) {
      rc = ex_csv_field(out, def->cols[c].name);
    }
  }
  if (rc == APP_OK) {
    rc = buf_puts(out, "\r\n");
  }
  for (i = 0; rc == APP_OK && i < d->n; i++) {
    for (c = 0; rc == APP_OK && c < def->ncols; c++) {
      rc = buf_puts(out, c ? "," : "");
      if (rc != APP_OK) {
        break;
      }
      if (def->cols[c].type == DS_NUM) {
        double x = ds_get_num(d, i, c);
        rc = isfinite(x) ? ex_csv_number(out, x) : APP_OK;
      } else {
        rc = ex_csv_field(out, ds_get_str(d, i, c));
      }
    }
    if (rc == APP_OK) {
      rc = buf_puts(out, "\r\n");
    }
  }
  return rc;
}

int export_ds_dictionary_csv(const struct ds *d, struct buf *out) {
  const struct ds_def *def = d->def;
  int c;
  int rc = buf_puts(out, "name,label,type,width,source\r\n");
  for (c = 0; rc == APP_OK && c < def->ncols; c++) {
    const struct ds_col *k = &def->cols[c];
    rc = ex_csv_field(out, k->name);
    if (rc == APP_OK) {
      rc = buf_putc(out, ',');
    }
    if (rc == APP_OK) {
      rc = ex_csv_field(out, k->label);
    }
    if (rc == APP_OK) {
      rc = buf_appendf(out, ",%s,%d,",
                       k->type == DS_NUM ? "numeric" : "string",
                       k->type == DS_NUM ? 8 : k->width);
    }
    if (rc == APP_OK) {
      rc = ex_csv_field(out, k->source ? k->source : "");
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
static void ex_sas_format(const struct ds_col *k, char *out, size_t n) {
  if (k->decimals == DS_DATE9) {
    snprintf(out, n, "DATE9.");
  } else if (k->decimals < 0) {
    snprintf(out, n, "BEST%d.", k->width);
  } else if (k->decimals == 0) {
    snprintf(out, n, "%d.", k->width);
  } else {
    snprintf(out, n, "%d.%d", k->width, k->decimals);
  }
}

/* The file label of a binary file: the dataset's label, and the freeze
** and the start of the chain hash when they fit (XPORT allows 40
** characters, SPSS 64, Stata 80); the notes (Stata, SPSS) carry both in
** full, one fact a note. */
static void ex_file_label(const struct ds *d, enum export_format fmt,
                          const struct frame_source *src, char *out,
                          size_t n) {
  size_t max = fmt == EXPORT_XPT ? 40 : (fmt == EXPORT_SAV ? 64 : 80);
  char t[128];
  if (src != NULL && src->freeze_id != 0) {
    snprintf(t, sizeof(t), "%s F%" PRId64 " %.16s", d->def->name,
             src->freeze_id, src->chain_hash);
  } else if (src != NULL) {
    snprintf(t, sizeof(t), "%s A%" PRId64 " %.16s", d->def->name,
             src->audit_seq, src->chain_hash);
  } else {
    snprintf(t, sizeof(t), "%s", d->def->label);
  }
  if (strlen(t) > max) {
    t[max] = '\0';
  }
  snprintf(out, n, "%s", t);
}

/* Describe the variables of d and write its rows through ReadStat in fmt
** (XPT, DTA or SAV).  Returns a ReadStat error code. */
static readstat_error_t ex_readstat(const struct ds *d, enum export_format fmt,
                                    const struct frame_source *src,
                                    struct ex_sink *sink) {
  const struct ds_def *def = d->def;
  readstat_writer_t *w = readstat_writer_init();
  readstat_variable_t **v = xcalloc((size_t)def->ncols + 1, sizeof(*v));
  readstat_error_t rs = READSTAT_OK;
  char label[96], note[256];
  int c, i;
  readstat_set_data_writer(w, ex_sink_write);
  ex_file_label(d, fmt, src, label, sizeof(label));
  readstat_writer_set_file_label(w, label);
  if (src != NULL) {
    readstat_writer_set_file_timestamp(w, src->created);
    if (fmt != EXPORT_XPT) {
      /* SPSS document lines hold 80 bytes: one fact a note. */
      snprintf(note, sizeof(note), "%s %s, %s", src->study_id, def->name,
               src->created_utc);
      readstat_add_note(w, note);
      snprintf(note, sizeof(note), "freeze %" PRId64 ", audit seq %" PRId64,
               src->freeze_id, src->audit_seq);
      readstat_add_note(w, note);
      snprintf(note, sizeof(note), "chain hash %s", src->chain_hash);
      readstat_add_note(w, note);
    }
  }
  for (c = 0; c < def->ncols; c++) {
    const struct ds_col *k = &def->cols[c];
    bool is_num = k->type == DS_NUM;
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
      rs = readstat_writer_set_table_name(w, def->name);
    }
    if (rs == READSTAT_OK) {
      rs = readstat_begin_writing_xport(w, sink, d->n);
    }
  } else if (fmt == EXPORT_DTA) {
    rs = readstat_begin_writing_dta(w, sink, d->n);
  } else {
    rs = readstat_begin_writing_sav(w, sink, d->n);
  }
  if (rs == READSTAT_OK) {
    rs = readstat_validate_metadata(w);
  }
  for (c = 0; rs == READSTAT_OK && c < def->ncols; c++) {
    rs = readstat_validate_variable(w, v[c]);
  }
  for (i = 0; rs == READSTAT_OK && i < d->n; i++) {
    rs = readstat_begin_row(w);
    for (c = 0; rs == READSTAT_OK && c < def->ncols; c++) {
      if (def->cols[c].type == DS_STR) {
        rs = readstat_insert_string_value(w, v[c], ds_get_str(d, i, c));
      } else if (isfinite(ds_get_num(d, i, c))) {
        rs = readstat_insert_double_value(w, v[c], ds_get_num(d, i, c));
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
  xfree(v);
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

static int ex_write_file(const char *out, const struct buf *b,
                         struct buf *written, struct err *e);

/* Write the bytes of b to dir/name (through name.tmp). */
static int ex_write_buf(const char *dir, const char *name,
                        const struct buf *b, struct buf *written,
                        struct err *e) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  return ex_write_file(path, b, written, e);
}

/* NAME: the lower-case dataset name. */
static void ex_stem(const struct ds *d, char *out, size_t n) {
  size_t i;
  snprintf(out, n, "%s", d->def->name);
  for (i = 0; out[i]; i++) {
    if (out[i] >= 'A' && out[i] <= 'Z') {
      out[i] = (char)(out[i] - 'A' + 'a');
    }
  }
}

int export_ds_write(const struct ds *d, enum export_format fmt,
                    const char *dir, const struct frame_source *src,
                    struct buf *written, struct err *e) {
  static const char *const ext[] = {"csv", "xpt", "dta", "sav"};
  struct ex_sink sink;
  char stem[16], name[64], path[4096], tmp[4200];
  readstat_error_t rs;
  int rc;
  ex_stem(d, stem, sizeof(stem));
  if (fmt == EXPORT_CSV) {
    struct buf b;
    buf_init(&b, 0);
    rc = export_ds_csv(d, &b);
    snprintf(name, sizeof(name), "%s.csv", stem);
    if (rc == APP_OK) {
      rc = ex_write_buf(dir, name, &b, written, e);
    }
    buf_reset(&b);
    if (rc == APP_OK) {
      rc = export_ds_dictionary_csv(d, &b);
    }
    snprintf(name, sizeof(name), "%s_dictionary.csv", stem);
    if (rc == APP_OK) {
      rc = ex_write_buf(dir, name, &b, written, e);
    }
    buf_reset(&b);
    return rc;
  }
  if ((int)fmt < 0 || fmt > EXPORT_SAV) {
    return ERR_SET(e, APP_EINTERNAL, "export_ds_write: not a file format");
  }
  snprintf(name, sizeof(name), "%s.%s", stem, ext[fmt]);
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  rc = ex_open(tmp, &sink, e);
  if (rc != APP_OK) {
    return rc;
  }
  rs = ex_readstat(d, fmt, src, &sink);
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

/* The SHA-256 (hex) of the file at path; "" when it cannot be read. */
static void ex_file_sha256(const char *path, char out[65]) {
  crypto_hash_sha256_state h;
  unsigned char d[crypto_hash_sha256_BYTES], chunk[65536];
  size_t got;
  FILE *fp = fopen(path, "rb");
  out[0] = '\0';
  if (fp == NULL) {
    return;
  }
  crypto_hash_sha256_init(&h);
  while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    crypto_hash_sha256_update(&h, chunk, got);
  }
  fclose(fp);
  crypto_hash_sha256_final(&h, d);
  sodium_bin2hex(out, 65, d, sizeof(d));
}

/* manifest.json of a directory export: what it is, from which data, and
** each file's name, rows and SHA-256 (written holds the paths, one a
** line, and rows the datasets' row counts in the same order, or -1). */
static int ex_manifest(const struct frame_source *src, enum export_format fmt,
                       const char *dir, const struct buf *written,
                       const int *rows, struct buf *out_written,
                       struct err *e) {
  json_t *doc = json_object(), *files = json_array();
  const char *p = buf_str(written);
  char *text;
  struct buf b;
  int i = 0, rc;
  json_object_set_new(doc, "format", json_string(export_format_name(fmt)));
  json_object_set_new(doc, "study_id", json_string(src->study_id));
  json_object_set_new(doc, "freeze_id",
                      src->freeze_id ? json_integer(src->freeze_id)
                                     : json_null());
  json_object_set_new(doc, "audit_seq", json_integer(src->audit_seq));
  json_object_set_new(doc, "chain_hash", json_string(src->chain_hash));
  json_object_set_new(doc, "created_utc", json_string(src->created_utc));
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char path[4096], sha[65];
    const char *base;
    snprintf(path, sizeof(path), "%.*s", (int)len, p);
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    ex_file_sha256(path, sha);
    json_array_append_new(files,
                          json_pack("{s:s,s:s}", "name", base, "sha256", sha));
    if (rows != NULL && rows[i] >= 0) {
      json_object_set_new(json_array_get(files, json_array_size(files) - 1),
                          "rows", json_integer(rows[i]));
    }
    i++;
    p += len + (nl != NULL);
  }
  json_object_set_new(doc, "files", files);
  text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(doc);
  buf_init(&b, 0);
  rc = buf_puts(&b, text ? text : "{}");
  if (rc == APP_OK) {
    rc = buf_putc(&b, '\n');
  }
  free(text);
  if (rc == APP_OK) {
    rc = ex_write_buf(dir, "manifest.json", &b, out_written, e);
  }
  buf_reset(&b);
  return rc;
}

/* Write every dataset of set in fmt into dir; rows[] gets each file's rows
** (the dictionary CSVs -1). */
static int ex_write_set(const struct ds_set *set, enum export_format fmt,
                        const char *dir, const struct frame_source *src,
                        struct buf *written, int *rows, int *nrows,
                        struct err *e) {
  int i, rc = APP_OK;
  for (i = 0; rc == APP_OK && i < set->n; i++) {
    rc = export_ds_write(&set->d[i], fmt, dir, src, written, e);
    if (*nrows < 4 * DS_SET_MAX) {
      rows[(*nrows)++] = set->d[i].n;
    }
    if (fmt == EXPORT_CSV && *nrows < 4 * DS_SET_MAX) {
      rows[(*nrows)++] = -1;
    }
  }
  return rc;
}

/* Write the bytes of b to the file out (through out.tmp). */
static int ex_write_file(const char *out, const struct buf *b,
                         struct buf *written, struct err *e) {
  struct ex_sink sink;
  char tmp[4200];
  int rc;
  snprintf(tmp, sizeof(tmp), "%s.tmp", out);
  rc = ex_open(tmp, &sink, e);
  if (rc != APP_OK) {
    return rc;
  }
  if (b->len > 0 && ex_sink_write(b->data, b->len, &sink) < 0) {
    rc = ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp,
                 strerror(sink.saved_errno));
  }
  rc = ex_close(&sink, tmp, out, rc, e);
  if (rc == APP_OK && written != NULL) {
    buf_appendf(written, "%s\n", out);
  }
  return rc;
}

/* ODM, streamed to out.tmp and renamed when complete. */
static int ex_odm(const struct frame_source *src, const char *out,
                  struct buf *written, struct err *e) {
  struct ex_sink sink;
  char tmp[4200];
  int rc;
  snprintf(tmp, sizeof(tmp), "%s.tmp", out);
  rc = ex_open(tmp, &sink, e);
  if (rc != APP_OK) {
    return rc;
  }
  rc = odm_export(src, sink.fp, e);
  if (rc == APP_OK && ferror(sink.fp)) {
    rc = ERR_SET(e, APP_EIO, "cannot write %s: %s", tmp, strerror(errno));
  }
  rc = ex_close(&sink, tmp, out, rc, e);
  if (rc == APP_OK && written != NULL) {
    buf_appendf(written, "%s\n", out);
  }
  return rc;
}

/* Write the datasets fmt holds (sdtm: the SDTM set, adam: the ADaM set,
** the others both; sdtm and adam as XPORT) into directory dir, with its
** manifest.json. */
static int ex_write_dir(const struct frame_source *src, enum export_format fmt,
                        const struct ds_set *sdtm, const struct ds_set *adam,
                        const char *dir, struct buf *written, struct err *e) {
  enum export_format ff =
      fmt == EXPORT_SDTM || fmt == EXPORT_ADAM ? EXPORT_XPT : fmt;
  int rows[4 * DS_SET_MAX], nrows = 0;
  struct buf files;
  int rc = APP_OK;
  buf_init(&files, 0);
  if (fmt != EXPORT_ADAM) {
    rc = ex_write_set(sdtm, ff, dir, src, &files, rows, &nrows, e);
  }
  if (rc == APP_OK && fmt != EXPORT_SDTM) {
    rc = ex_write_set(adam, ff, dir, src, &files, rows, &nrows, e);
  }
  if (rc == APP_OK) {
    rc = ex_manifest(src, fmt, dir, &files, rows, &files, e);
  }
  if (written != NULL) {
    buf_puts(written, buf_str(&files));
  }
  buf_reset(&files);
  return rc;
}

int export_run(const struct frame_source *src, enum export_format fmt,
               const char *out, struct buf *written, struct err *e) {
  struct ds_set *sdtm = xcalloc(1, sizeof(*sdtm));
  struct ds_set *adam = xcalloc(1, sizeof(*adam));
  int rc = APP_OK;
  if (fmt == EXPORT_ODM) {
    xfree(sdtm);
    xfree(adam);
    return ex_odm(src, out, written, e);
  }
  if (fmt != EXPORT_ADAM) {
    rc = sdtm_build(src, sdtm, e);
  }
  if (rc == APP_OK && fmt != EXPORT_SDTM) {
    rc = adam_build(src, adam, e);
  }
  if (rc == APP_OK && fmt == EXPORT_DEFINE) {
    struct buf b;
    buf_init(&b, 0);
    rc = define_xml(src, sdtm, adam, &b, e);
    if (rc == APP_OK) {
      rc = ex_write_file(out, &b, written, e);
    }
    buf_reset(&b);
  } else if (rc == APP_OK) {
    rc = ex_write_dir(src, fmt, sdtm, adam, out, written, e);
  }
  ds_set_free(sdtm);
  ds_set_free(adam);
  xfree(sdtm);
  xfree(adam);
  return rc;
}

/* Make directory path (one level) unless it exists as one. */
static int ex_mkdir(const char *path, struct err *e) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    return APP_OK;
  }
  if (mkdir(path, 0777) != 0) {
    return ERR_SET(e, APP_EIO, "cannot create %s: %s", path,
                   strerror(errno));
  }
  return APP_OK;
}

int export_run_all(const struct frame_source *src, const char *out,
                   struct buf *written, struct err *e) {
  static const enum export_format dirs[] = {EXPORT_SDTM, EXPORT_ADAM,
                                            EXPORT_CSV,  EXPORT_XPT,
                                            EXPORT_DTA,  EXPORT_SAV};
  struct ds_set *sdtm = xcalloc(1, sizeof(*sdtm));
  struct ds_set *adam = xcalloc(1, sizeof(*adam));
  char path[4200];
  size_t k;
  int rc = sdtm_build(src, sdtm, e);
  if (rc == APP_OK) {
    rc = adam_build(src, adam, e);
  }
  for (k = 0; rc == APP_OK && k < sizeof(dirs) / sizeof(dirs[0]); k++) {
    snprintf(path, sizeof(path), "%s/%s", out, export_format_name(dirs[k]));
    rc = ex_mkdir(path, e);
    if (rc == APP_OK) {
      rc = ex_write_dir(src, dirs[k], sdtm, adam, path, written, e);
    }
  }
  if (rc == APP_OK) {
    struct buf b;
    buf_init(&b, 0);
    rc = define_xml(src, sdtm, adam, &b, e);
    snprintf(path, sizeof(path), "%s/define.xml", out);
    if (rc == APP_OK) {
      rc = ex_write_file(path, &b, written, e);
    }
    buf_reset(&b);
  }
  ds_set_free(sdtm);
  ds_set_free(adam);
  xfree(sdtm);
  xfree(adam);
  if (rc == APP_OK) {
    snprintf(path, sizeof(path), "%s/odm.xml", out);
    rc = ex_odm(src, path, written, e);
  }
  return rc;
}
