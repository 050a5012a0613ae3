/*
** date.h: calendar dates as day numbers.
**
** Clinical dates are whole days (ISO 8601 YYYY-MM-DD, proleptic Gregorian).
** A date is an int32 count of days since 1970-01-01, so differences are
** plain subtraction and "start + 56k days" is plain addition.
*/
#ifndef HCC_DATE_H
#define HCC_DATE_H

#include <stdint.h>

/* Days since 1970-01-01 (negative before). */
typedef int32_t date_t;

/* Length of "YYYY-MM-DD" plus the NUL. */
#define DATE_STR_LEN 11

/* Day number of a valid y-m-d (no checking). */
date_t date_from_ymd(int y, int m, int d);

/* Split a day number into year, month (1-12), day (1-31). */
void date_to_ymd(date_t t, int *y, int *m, int *d);

/* Parse exactly "YYYY-MM-DD" (years 1000-9999) into *out.  Returns 0 on
** success, -1 when the text is not a valid calendar date (2026-02-30). */
int date_parse(const char *s, date_t *out);

/* Format t as "YYYY-MM-DD" into out (DATE_STR_LEN bytes). */
void date_format(date_t t, char out[DATE_STR_LEN]);

#endif
