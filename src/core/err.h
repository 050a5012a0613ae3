/*
** err.h: the one error idiom of hccstudy.
**
** Functions that can fail return an int, 0 (APP_OK) meaning success, and put
** the detail in a caller-supplied struct err.  The message always names the
** offending field, column or option so that a user can fix the input.  The
** code decides how a front end ends: APP_EINVAL becomes exit status 2 on the
** command line (a 4xx over HTTP); APP_EIO/APP_EDB become exit status 1.
*/
#ifndef HCC_ERR_H
#define HCC_ERR_H

#include <stddef.h>

/* Result codes.  0 is success; every other value is a failure class. */
enum app_code {
  APP_OK = 0,        /* success */
  APP_EINVAL = 1,    /* bad input: user, client or file; exit 2 / HTTP 400 */
  APP_ENOTFOUND = 2, /* a named thing does not exist; exit 2 / HTTP 404 */
  APP_ECONFLICT = 3, /* state conflict (locked record...); HTTP 409 */
  APP_EDB = 4,       /* database failure; exit 1 / HTTP 500 */
  APP_EIO = 5,       /* file or network I/O failure; exit 1 / HTTP 500 */
  APP_EINTERNAL = 6, /* broken invariant that was survivable; exit 1 */
  APP_EPERM = 7      /* the user's role may not do this; exit 2 / HTTP 403 */
};

/* Detail of a failure.  msg is NUL-terminated and holds the first error
** recorded (later ERR_SET calls on a set err do not overwrite it). */
struct err {
  int code;          /* an enum app_code; APP_OK when nothing failed */
  char msg[256];     /* human-readable message naming the field */
  const char *file;  /* source file that recorded the error */
  int line;          /* source line that recorded the error */
};

/* Record an error in *e (if e is non-NULL and holds no error yet) and
** evaluate to the code.  The format is checked by the compiler. */
#define ERR_SET(e, code, ...) \
  err_set((e), (code), __FILE__, __LINE__, __VA_ARGS__)

int err_set(struct err *e, int code, const char *file, int line,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reset *e to "no error". */
void err_clear(struct err *e);

/* Exit status for a command-line front end: 0, 2 for bad input, 1 else. */
int err_exit_status(int code);

/* SQLite-style NEVER(): a condition that should be impossible but that the
** caller survives.  In debug builds (HCC_DEBUG) it asserts. */
#ifdef HCC_DEBUG
#include <assert.h>
#define NEVER(x) (assert(!(x)), (x))
#else
#define NEVER(x) (x)
#endif

#endif
