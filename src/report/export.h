/*
** export.h: the study's data out (issue 13).  Datasets (dataset.h) are
** written as CSV (RFC 4180, UTF-8, header row) with a data-dictionary CSV
** beside each, SAS XPORT v5, Stata .dta and SPSS .sav; the three binary
** formats are written by ReadStat (libreadstat), never by hand.  The SDTM
** domains (sdtm.h) and ADaM datasets (adam.h) are built from one source
** of casebooks (frame.h: the live data or a freeze), with define.xml
** (define.h) describing them; ODM 1.3.2 (odm.h) holds the casebooks with
** their audit trail.  See docs/exports.md.
*/
#ifndef HCC_EXPORT_H
#define HCC_EXPORT_H

#include "../core/buf.h"
#include "../core/err.h"
#include "dataset.h"
#include "frame.h"

/* Export formats (hccstudy export --format, GET /api/v1/exports/FMT). */
enum export_format {
  EXPORT_CSV = 0,  /* DIR: every dataset as NAME.csv + NAME_dictionary.csv */
  EXPORT_XPT = 1,  /* DIR: every dataset as NAME.xpt (SAS XPORT v5) */
  EXPORT_DTA = 2,  /* DIR: every dataset as NAME.dta (Stata) */
  EXPORT_SAV = 3,  /* DIR: every dataset as NAME.sav (SPSS) */
  EXPORT_SDTM = 4, /* DIR: the SDTM domains as XPORT v5 */
  EXPORT_ADAM = 5, /* DIR: the ADaM datasets as XPORT v5 */
  EXPORT_ODM = 6,  /* FILE: CDISC ODM 1.3.2 XML */
  EXPORT_DEFINE = 7, /* FILE: define.xml 2.0 of the SDTM and ADaM sets */
  EXPORT_N_FORMATS
};

/* The name of a format ("csv" ... "define"). */
const char *export_format_name(enum export_format fmt);

/* Parse a --format value.  Returns APP_OK, or APP_EINVAL naming the field
** "--format". */
int export_format_parse(const char *s, enum export_format *out,
                        struct err *e);

/* Does fmt write one file (odm, define) rather than a directory? */
bool export_format_is_file(enum export_format fmt);

/* Most datasets a set holds. */
#define DS_SET_MAX 32

/* Several datasets, in file order. */
struct ds_set {
  int n;
  struct ds d[DS_SET_MAX];
};

/* Free every dataset of s and zero it. */
void ds_set_free(struct ds_set *s);

/* Dataset d as CSV: a header row of the column names, then one row a
** record; fields quoted when they hold a comma, quote or line break; CRLF
** line ends (RFC 4180); numbers in the shortest form that reads back to
** the same double; missing values as empty fields.  Appends to out. */
int export_ds_csv(const struct ds *d, struct buf *out);

/* The data dictionary of d as CSV: name,label,type,width,source, one row
** a column.  Appends to out. */
int export_ds_dictionary_csv(const struct ds *d, struct buf *out);

/* Write d in fmt (CSV, XPT, DTA or SAV) into directory dir (which must
** exist) as NAME.EXT (NAME the lower-case dataset name), through NAME.EXT.tmp
** renamed when complete.  The files carry src's freeze id and chain hash
** (binary formats: file label and notes) and its time as their timestamp.
** The paths written are appended to written, one a line (may be NULL).
** Returns APP_OK, APP_EIO (a file could not be written) or APP_EINTERNAL
** (ReadStat refused the metadata: a bug in a column table). */
int export_ds_write(const struct ds *d, enum export_format fmt,
                    const char *dir, const struct frame_source *src,
                    struct buf *written, struct err *e);

/* Export everything fmt holds from src to out (a directory that must
** exist, or a file for export_format_is_file formats).  A directory also
** gets manifest.json: the format, study, freeze id, audit position, chain
** hash, time, and each file's name, rows and SHA-256.  Returns APP_OK, a
** store error, or APP_EIO. */
int export_run(const struct frame_source *src, enum export_format fmt,
               const char *out, struct buf *written, struct err *e);

/* Every format at once into directory out (which must exist), the SDTM
** and ADaM datasets built once: out/sdtm, out/adam, out/csv, out/xpt,
** out/dta, out/sav (each with its manifest.json), out/define.xml and
** out/odm.xml.  `hccstudy export --format all`. */
int export_run_all(const struct frame_source *src, const char *out,
                   struct buf *written, struct err *e);

#endif
