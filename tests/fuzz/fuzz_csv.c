/*
** fuzz_csv.c: the streaming CSV reader (src/core/csv.h).
**
** Input: the bytes of a CSV file.  The reader is opened the normal way
** (csv_open on /dev/null), then its stream is swapped for an fmemopen()
** stream over the input, so csv_next() runs exactly as on a file.  The
** input's length modulo 8 picks max_fields (0 = store every field, else
** 1..7), as colframe.c sets it to skip unused columns.  Every field is checked
*to
** lie inside the reader's buffer and fed to csv_is_missing and
** csv_parse_double.  Seeds: CSV files of the study's stats commands.
** Note: blocks are 1 MiB (CSV_BLOCK), so inputs (libFuzzer's -max_len)
** never cross a block boundary; the refill path is not exercised here.
*/
#include "fuzz.h"

#include <string.h>

#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct csv_reader r;
  struct err e;
  FILE *fp;
  int got;
  size_t i;
  double x;
  if (size < 1) {
    return 0;
  }
  err_clear(&e);
  if (csv_open(&r, "/dev/null", &e) != APP_OK) {
    abort();
  }
  fclose(r.fp);
  r.fp = NULL;
  fp = fmemopen((void *)(uintptr_t)data, size, "rb");
  if (fp == NULL) {
    csv_close(&r);
    return 0;
  }
  r.fp = fp;
  r.what = "fuzz.csv";
  r.max_fields = size & 7;
  while ((got = csv_next(&r, &e)) == 1) {
    size_t n =
        r.max_fields && r.n_fields > r.max_fields ? r.max_fields : r.n_fields;
    for (i = 0; i < n; i++) {
      const struct csv_field *f = &r.fields[i];
      if (f->len > 0 && (f->p < r.buf || f->p + f->len > r.buf + r.len)) {
        abort(); /* a field outside the reader's buffer */
      }
      (void)csv_is_missing(f);
      (void)csv_parse_double(f->p, f->len, &x);
    }
  }
  if (got < 0 && e.msg[0] == '\0') {
    abort(); /* an error must carry its message */
  }
  csv_close(&r);
  return 0;
}
