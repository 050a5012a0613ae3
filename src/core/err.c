/*
** err.c: recording errors in a struct err (see err.h).
*/
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The marker of ERR_AT (compared by address). */
const char ERR_FIELD_IS_HEAD[] = "";

int err_set(struct err *e, int code, const char *field, const char *file,
            int line, const char *fmt, ...) {
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
  if (field == ERR_FIELD_IS_HEAD) {
    const char *colon = strstr(e->msg, ": ");
    size_t n = colon != NULL ? (size_t)(colon - e->msg) : 0;
    if (n >= sizeof(e->field)) {
      n = 0;
    }
    memcpy(e->field, e->msg, n);
    e->field[n] = '\0';
  } else {
    snprintf(e->field, sizeof(e->field), "%s", field != NULL ? field : "");
  }
  return code;
}

void err_clear(struct err *e) {
  memset(e, 0, sizeof(*e));
}

static const struct err_class err_classes[] = {
  {APP_OK, 0, 200, "OK"},
  {APP_EINVAL, 2, 422, "E_INVALID"},
  {APP_ENOTFOUND, 2, 404, "E_NOT_FOUND"},
  {APP_ECONFLICT, 2, 409, "E_CONFLICT"},
  {APP_EDB, 1, 503, "E_DATABASE"},
  {APP_EIO, 1, 500, "E_INTERNAL"},
  {APP_EINTERNAL, 1, 500, "E_INTERNAL"},
  {APP_EPERM, 2, 403, "E_FORBIDDEN"},
  {APP_ETHROTTLED, 2, 429, "E_THROTTLED"},
};

const struct err_class *err_class(int code) {
  size_t i;
  for (i = 0; i < sizeof(err_classes) / sizeof(err_classes[0]); i++) {
    if (err_classes[i].code == code) {
      return &err_classes[i];
    }
  }
  return err_class(APP_EINTERNAL);
}

int err_exit_status(int code) {
  return err_class(code)->exit_status;
}
