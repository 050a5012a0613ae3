/*
** clock.h: the current time in UTC, as audit records and sessions store it.
** Tests may fix the clock with HCCSTUDY_FAKE_NOW=YYYY-MM-DDTHH:MM:SSZ so
** that outputs are reproducible.
*/
#ifndef HCC_CLOCK_H
#define HCC_CLOCK_H

#include "date.h"

/* Length of "YYYY-MM-DDTHH:MM:SSZ" plus the NUL. */
#define CLOCK_STR_LEN 21

/* Now, as "YYYY-MM-DDTHH:MM:SSZ". */
void clock_now_utc(char out[CLOCK_STR_LEN]);

/* Today's date (UTC). */
date_t clock_today(void);

#endif
