/*
** str.c: strict text-to-number conversions (see str.h).
*/
#include "str.h"

#include "buf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int str_to_i64(const char *s, int64_t *out) {
  char *end;
  long long v;
  if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t') {
    return -1;
  }
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0') {
    return -1;
  }
  *out = (int64_t)v;
  return 0;
}

int str_to_double(const char *s, double *out) {
  char *end;
  double v;
  const char *p;
  if (s == NULL || *s == '\0') {
    return -1;
  }
  /* Only digits, sign, point and exponent: no "nan", "inf", hex, spaces. */
  for (p = s; *p; p++) {
    if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' ||
          *p == 'e' || *p == 'E')) {
      return -1;
    }
  }
  errno = 0;
  v = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(v) ||
      (errno == ERANGE && fabs(v) > 1.0)) {
    return -1;
  }
  *out = v;
  return 0;
}

int str_to_double_n(const char *s, size_t n, double *out) {
  char small[64];
  if (n == 0 || n >= sizeof(small)) {
    return -1;
  }
  memcpy(small, s, n);
  small[n] = '\0';
  return str_to_double(small, out);
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 if ill-formed
** (RFC 3629 table 3-7). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len, i;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c < 0x80) {
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) {
      lo = 0xa0; /* no overlong forms */
    } else if (c == 0xed) {
      hi = 0x9f; /* no surrogates */
    }
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) {
      lo = 0x90;
    } else if (c == 0xf4) {
      hi = 0x8f; /* nothing above U+10FFFF */
    }
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) {
    return 0;
  }
  for (i = 2; i < len; i++) {
    if (s[i] < 0x80 || s[i] > 0xbf) {
      return 0;
    }
  }
  return len;
}

bool str_is_utf8(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t k = utf8_seq(p + i, n - i);
    if (k == 0) {
      return false;
    }
    i += k;
  }
  return true;
}

void str_utf8_clean(struct buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), i = 0, run = 0;
  while (i < n) {
    size_t k = utf8_seq(p + i, n - i);
    if (k == 0) {
      buf_append(b, s + run, i - run);
      buf_lit(b, "\xef\xbf\xbd");
      i++;
      run = i;
    } else {
      i += k;
    }
  }
  buf_append(b, s + run, n - run);
}
