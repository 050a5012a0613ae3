/*
** clock.c: UTC time stamps (see clock.h).
*/
#include "clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void clock_now_utc(char out[CLOCK_STR_LEN]) {
  const char *fake = getenv("HCCSTUDY_FAKE_NOW");
  time_t t;
  struct tm tmv;
  if (fake != NULL && strlen(fake) == CLOCK_STR_LEN - 1) {
    memcpy(out, fake, CLOCK_STR_LEN);
    return;
  }
  t = time(NULL);
  gmtime_r(&t, &tmv);
  strftime(out, CLOCK_STR_LEN, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

date_t clock_today(void) {
  char now[CLOCK_STR_LEN];
  date_t d = 0;
  clock_now_utc(now);
  now[10] = '\0';
  date_parse(now, &d);
  return d;
}
