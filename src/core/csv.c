/*
** csv.c: streaming RFC 4180 reader (see csv.h).
**
** Why: the stats commands read registry extracts of 10^6-10^7 rows, so the
** reader must not dominate a model fit.  It reads 1 MiB blocks with fread,
** finds each record end with memchr (a quote-aware scan only for records
** that hold a '"'), splits fields in place and unescapes "" in place (the
** unescaped text is never longer), so there is no allocation per field.
**
** Invariants: buf[pos..len) holds the unread input; a record handed out is
** wholly inside buf; a record longer than the buffer grows the buffer
** (up to CSV_MAX_RECORD).  Blank lines are skipped and not counted.
*/
#include "csv.h"

#include "mem.h"
#include "str.h"

#include <errno.h>
#include <string.h>

/* Block size for fread and the initial buffer size. */
#define CSV_BLOCK ((size_t)1 << 20)

/* Largest single record accepted: protects against a file that is one
** unterminated quoted field. */
#define CSV_MAX_RECORD ((size_t)256 << 20)

int csv_open(struct csv_reader *r, const char *path, struct err *e) {
  memset(r, 0, sizeof(*r));
  r->what = path;
  if (strcmp(path, "-") == 0) {
    r->fp = stdin;
    r->what = "standard input";
  } else {
    r->fp = fopen(path, "rb");
    if (r->fp == NULL) {
      return ERR_SET(e, APP_EIO, "cannot open %s: %s", path, strerror(errno));
    }
    r->owns_fp = 1;
  }
  r->cap = CSV_BLOCK;
  r->buf = xmalloc(r->cap);
  r->at_start = 1;
  r->row = -1; /* the header becomes record 0 */
  return APP_OK;
}

void csv_close(struct csv_reader *r) {
  if (r->owns_fp && r->fp != NULL) {
    fclose(r->fp);
  }
  xfree(r->buf);
  xfree(r->fields);
  memset(r, 0, sizeof(*r));
}

/* Move the unread bytes to the front, grow the buffer when it is full, and
** read one more block.  Returns APP_OK or an error. */
static int csv_fill(struct csv_reader *r, struct err *e) {
  size_t got;
  size_t want;
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->len == r->cap) {
    if (r->cap >= CSV_MAX_RECORD) {
      return ERR_SET(e, APP_EINVAL, "%s: data row %lld is longer than %zu "
                     "bytes (unbalanced quote?)", r->what,
                     (long long)r->row + 1, CSV_MAX_RECORD);
    }
    r->cap *= 2;
    r->buf = xrealloc(r->buf, r->cap);
  }
  want = r->cap - r->len;
  got = fread(r->buf + r->len, 1, want, r->fp);
  r->len += got;
  if (got < want) {
    if (ferror(r->fp)) {
      return ERR_SET(e, APP_EIO, "read error on %s", r->what);
    }
    if (feof(r->fp)) {
      r->at_eof = 1;
    }
  }
  return APP_OK;
}

/* Append one field to the current record. */
static void csv_push(struct csv_reader *r, const char *p, size_t len,
                     int is_quoted) {
  if (r->n_fields == r->cap_fields) {
    r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
    r->fields = xreallocarray(r->fields, r->cap_fields, sizeof(*r->fields));
  }
  r->fields[r->n_fields].p = p;
  r->fields[r->n_fields].len = len;
  r->fields[r->n_fields].is_quoted = is_quoted;
  r->n_fields++;
}

/* Split the record [s, end) into fields, unescaping quoted ones in place. */
static void csv_split(struct csv_reader *r, char *s, char *end) {
  char *p = s;
  r->n_fields = 0;
  for (;;) {
    if (p < end && *p == '"') {
      char *out = p;
      char *start = p;
      p++;
      while (p < end) {
        if (*p == '"') {
          if (p + 1 < end && p[1] == '"') {
            *out++ = '"';
            p += 2;
          } else {
            p++;
            break;
          }
        } else {
          *out++ = *p++;
        }
      }
      /* Text after the closing quote (not RFC 4180) is kept verbatim. */
      while (p < end && *p != ',') {
        *out++ = *p++;
      }
      csv_push(r, start, (size_t)(out - start), 1);
    } else {
      char *q = memchr(p, ',', (size_t)(end - p));
      if (q == NULL) {
        q = end;
      }
      csv_push(r, p, (size_t)(q - p), 0);
      p = q;
    }
    if (p >= end) {
      break;
    }
    p++; /* the comma */
    if (p == end) {
      csv_push(r, p, 0, 0);
      break;
    }
  }
}

/* Find the end of the record starting at r->pos: the index of its
** terminating '\n', or r->len when none is in the buffer.  *in_quote is set
** when the scan ended inside a quoted field. */
static size_t csv_find_end(const struct csv_reader *r, int *in_quote) {
  const char *s = r->buf + r->pos;
  size_t n = r->len - r->pos;
  const char *nl = memchr(s, '\n', n);
  size_t i;
  int q = 0;
  *in_quote = 0;
  if (nl != NULL && memchr(s, '"', (size_t)(nl - s)) == NULL) {
    return r->pos + (size_t)(nl - s);
  }
  if (nl == NULL && memchr(s, '"', n) == NULL) {
    return r->len;
  }
  for (i = 0; i < n; i++) {
    if (s[i] == '"') {
      q = !q;
    } else if (s[i] == '\n' && !q) {
      return r->pos + i;
    }
  }
  *in_quote = q;
  return r->len;
}

/* Fast path for the common record: one pass over the bytes that splits at
** commas and stops at the newline; a quoted field without "" escapes is
** taken as the text between its quotes.  Returns 1 (record in r->fields,
** r->pos advanced), 2 (blank line skipped), 0 (record not complete in the
** buffer: more input needed), or -1 (an escape or a stray quote: use the
** general path, which handles every case). */
static int csv_fast(struct csv_reader *r) {
  char *s = r->buf + r->pos;
  char *end = r->buf + r->len;
  char *p = s;
  char *f = s;
  char *qend = NULL; /* closing quote of the current field, if quoted */
  char *stop;
  size_t nf = 0;
  for (; p < end; p++) {
    unsigned char c = (unsigned char)*p;
    if (c > ',') {
      continue; /* digits, '-', '.', letters: the bulk of the bytes */
    }
    if (c == ',') {
      if (nf + 1 >= r->cap_fields) {
        r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
        r->fields = xreallocarray(r->fields, r->cap_fields,
                                  sizeof(*r->fields));
      }
      if (qend != NULL) {
        if (p != qend + 1) {
          return -1;
        }
        r->fields[nf].p = f + 1;
        r->fields[nf].len = (size_t)(qend - f - 1);
        r->fields[nf].is_quoted = 1;
      } else {
        r->fields[nf].p = f;
        r->fields[nf].len = (size_t)(p - f);
        r->fields[nf].is_quoted = 0;
      }
      nf++;
      f = p + 1;
      qend = NULL;
      if (nf == r->max_fields) {
        /* The rest of the record is not needed: find its end and count its
        ** fields with fast scans; a quote there needs the general path. */
        char *nl = memchr(f, '\n', (size_t)(end - f));
        char *q;
        size_t extra = 1;
        if (nl == NULL) {
          return 0;
        }
        if (memchr(f, '"', (size_t)(nl - f)) != NULL) {
          return -1;
        }
        for (q = f; q < nl; q++) {
          extra += *q == ',';
        }
        r->pos = (size_t)(nl - r->buf) + 1;
        r->n_fields = nf + extra;
        return 1;
      }
    } else if (c == '\n') {
      break;
    } else if (c == '"') {
      char *q;
      if (p != f) {
        return -1;
      }
      q = memchr(p + 1, '"', (size_t)(end - p - 1));
      if (q == NULL || q + 1 == end) {
        return 0;
      }
      if (q[1] == '"') {
        return -1;
      }
      qend = q;
      p = q;
    }
  }
  if (p == end) {
    return 0;
  }
  stop = p;
  if (stop > f && stop[-1] == '\r') {
    stop--;
  }
  if (qend != NULL && stop != qend + 1) {
    return -1;
  }
  r->pos = (size_t)(p - r->buf) + 1;
  if (nf == 0 && stop == s) {
    return 2;
  }
  if (nf + 1 > r->cap_fields) {
    r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
    r->fields = xreallocarray(r->fields, r->cap_fields, sizeof(*r->fields));
  }
  if (qend != NULL) {
    r->fields[nf].p = f + 1;
    r->fields[nf].len = (size_t)(qend - f - 1);
    r->fields[nf].is_quoted = 1;
  } else {
    r->fields[nf].p = f;
    r->fields[nf].len = (size_t)(stop - f);
    r->fields[nf].is_quoted = 0;
  }
  r->n_fields = nf + 1;
  return 1;
}

int csv_next(struct csv_reader *r, struct err *e) {
  for (;;) {
    size_t end;
    int in_quote;
    char *s;
    char *stop;
    int fast;
    if (r->at_start) {
      while (!r->at_eof && r->len - r->pos < 3) {
        if (csv_fill(r, e) != APP_OK) {
          return -1;
        }
      }
      if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3)
          == 0) {
        r->pos += 3;
      }
      r->at_start = 0;
    }
    fast = csv_fast(r);
    if (fast == 1) {
      r->row++;
      return 1;
    }
    if (fast == 2) {
      continue;
    }
    if (fast == 0 && !r->at_eof) {
      if (csv_fill(r, e) != APP_OK) {
        return -1;
      }
      continue;
    }
    end = csv_find_end(r, &in_quote);
    if (end == r->len && !r->at_eof) {
      if (csv_fill(r, e) != APP_OK) {
        return -1;
      }
      continue;
    }
    if (end == r->len && r->pos == r->len) {
      return 0;
    }
    if (in_quote) {
      return ERR_SET(e, APP_EINVAL, "%s: data row %lld: quoted field not "
                     "closed before the end of the file", r->what,
                     (long long)r->row + 1), -1;
    }
    s = r->buf + r->pos;
    stop = r->buf + end;
    r->pos = end < r->len ? end + 1 : end;
    if (stop > s && stop[-1] == '\r') {
      stop--;
    }
    if (stop == s) {
      continue; /* blank line */
    }
    csv_split(r, s, stop);
    r->row++;
    return 1;
  }
}

/* Trim spaces and tabs from both ends of [*p, *p + *len). */
static void csv_trim(const char **p, size_t *len) {
  while (*len > 0 && (**p == ' ' || **p == '\t')) {
    (*p)++;
    (*len)--;
  }
  while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t')) {
    (*len)--;
  }
}

int csv_is_missing(const struct csv_field *f) {
  const char *p = f->p;
  size_t len = f->len;
  /* Common case first: a field starting with a digit or sign. */
  if (len > 0 && ((p[0] >= '0' && p[0] <= '9') || p[0] == '-')) {
    return 0;
  }
  csv_trim(&p, &len);
  return len == 0 || (len == 2 && memcmp(p, "NA", 2) == 0) ||
         (len == 3 && memcmp(p, "NaN", 3) == 0);
}

/* Exact powers of ten up to 10^22 (all representable in a double). */
static const double csv_pow10[23] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

int csv_parse_double(const char *p, size_t len, double *out) {
  const char *s;
  const char *e;
  const char *d0;
  uint64_t m = 0;
  size_t n_int;
  size_t n_frac = 0;
  int neg = 0;
  csv_trim(&p, &len);
  if (len == 0) {
    return -1;
  }
  s = p;
  e = p + len;
  if (*s == '-' || *s == '+') {
    neg = *s == '-';
    s++;
  }
  /* Exact fast path: at most 19 digits (no uint64 overflow), a mantissa
  ** <= 2^53 (exact as a double) and at most 22 decimals (10^k exact), so
  ** m / 10^k is one correctly rounded division. */
  d0 = s;
  while (s < e && (unsigned)(*s - '0') < 10u) {
    m = m * 10 + (uint64_t)(*s - '0');
    s++;
  }
  n_int = (size_t)(s - d0);
  if (s < e && *s == '.') {
    const char *f0 = ++s;
    while (s < e && (unsigned)(*s - '0') < 10u) {
      m = m * 10 + (uint64_t)(*s - '0');
      s++;
    }
    n_frac = (size_t)(s - f0);
  }
  if (s == e && n_int + n_frac > 0 && n_int + n_frac <= 19 &&
      m <= ((uint64_t)1 << 53) && n_frac <= 22) {
    double v = (double)m / csv_pow10[n_frac];
    *out = neg ? -v : v;
    return 0;
  }
  /* Exponents, long mantissas, junk: the strict strtod-based parser. */
  if (len < 64) {
    return str_to_double_n(p, len, out);
  } else {
    char *tmp = xstrndup(p, len);
    int rc = str_to_double(tmp, out);
    xfree(tmp);
    return rc;
  }
}
