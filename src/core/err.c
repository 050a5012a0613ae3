/*
** err.c: recording errors in a struct err (see err.h).
*/
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *file, int line,
            const char *fmt, ...) {
  va_list ap;
  if (e == NULL || e->code != APP_OK) {
    return code;
  }
  e->code = code;
  e->file = file;
  e->line = line;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  return code;
}

void err_clear(struct err *e) {
  memset(e, 0, sizeof(*e));
}

int err_exit_status(int code) {
  switch (code) {
  case APP_OK:
    return 0;
  case APP_EINVAL:
  case APP_ENOTFOUND:
  case APP_ECONFLICT:
  case APP_EPERM:
    return 2;
  default:
    return 1;
  }
}
