/*
** str.h: strict conversions from text to numbers.
**
** Unlike atoi/strtod used bare, these reject empty text, trailing garbage,
** overflow, and (for doubles) NaN/Inf spellings, so a bad value is reported
** instead of silently becoming 0.
*/
#ifndef HCC_STR_H
#define HCC_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Parse a whole base-10 integer.  Returns 0, or -1 on any defect. */
int str_to_i64(const char *s, int64_t *out);

/* Parse a whole finite decimal number.  Returns 0, or -1 on any defect. */
int str_to_double(const char *s, double *out);

/* Parse n bytes (not NUL-terminated) as a finite decimal number. */
int str_to_double_n(const char *s, size_t n, double *out);

/* Is s[0..n) well-formed UTF-8 (RFC 3629: no overlong forms, no
** surrogates, nothing above U+10FFFF)?  NUL bytes are allowed here; callers
** that need C strings check for them themselves. */
bool str_is_utf8(const char *s, size_t n);

/* Append the NUL-terminated text s to b, each byte of an ill-formed UTF-8
** sequence replaced by U+FFFD, so that the result is always valid UTF-8
** (for messages that quote input back). */
void str_utf8_clean(struct buf *b, const char *s);

#endif
