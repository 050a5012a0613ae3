/*
** date.c: proleptic Gregorian day numbers (Howard Hinnant's civil-days
** algorithms, valid far beyond any clinical date).
*/
#include "date.h"

#include <string.h>

date_t date_from_ymd(int y, int m, int d) {
  int era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (date_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(date_t t, int *y, int *m, int *d) {
  int z = (int)t + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

static int date_digits(const char *s, int n, int *out) {
  int v = 0;
  int i;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int date_parse(const char *s, date_t *out) {
  int y, m, d, yy, mm, dd;
  date_t t;
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
    return -1;
  }
  if (date_digits(s, 4, &y) || date_digits(s + 5, 2, &m) ||
      date_digits(s + 8, 2, &d)) {
    return -1;
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31) {
    return -1;
  }
  t = date_from_ymd(y, m, d);
  date_to_ymd(t, &yy, &mm, &dd);
  if (yy != y || mm != m || dd != d) {
    return -1;
  }
  *out = t;
  return 0;
}

void date_format(date_t t, char out[DATE_STR_LEN]) {
  int y, m, d;
  date_to_ymd(t, &y, &m, &d);
  if (y < 0 || y > 9999) {
    y = y < 0 ? 0 : 9999; /* outside any clinical date; keep 10 chars */
  }
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = '\0';
}
