/*
** str.h: strict conversions from text to numbers.
**
** Unlike atoi/strtod used bare, these reject empty text, trailing garbage,
** overflow, and (for doubles) NaN/Inf spellings, so a bad value is reported
** instead of silently becoming 0.
*/
#ifndef HCC_STR_H
#define HCC_STR_H

#include <stddef.h>
#include <stdint.h>

/* Parse a whole base-10 integer.  Returns 0, or -1 on any defect. */
int str_to_i64(const char *s, int64_t *out);

/* Parse a whole finite decimal number.  Returns 0, or -1 on any defect. */
int str_to_double(const char *s, double *out);

/* Parse n bytes (not NUL-terminated) as a finite decimal number. */
int str_to_double_n(const char *s, size_t n, double *out);

#endif
