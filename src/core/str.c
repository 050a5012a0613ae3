/*
** str.c: strict text-to-number conversions (see str.h).
*/
#include "str.h"

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
