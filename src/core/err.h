/*
** err.h: the one error idiom of hccstudy.
**
** Functions that can fail return an int, 0 (APP_OK) meaning success, and put
** the detail in a caller-supplied struct err.  The message always names the
** offending field, column or option so that a user can fix the input; when
** one input field is at fault its name is also kept apart in e->field (set
** with ERR_FIELD), which the HTTP front end reports as the error's "field".
** How each code ends on each front end is one table, err_class() (err.c):
**
**   code            exit  HTTP  E_ code        meaning
**   APP_EINVAL        2    422  E_INVALID      bad input (a malformed request
**                                              is 400, decided by the router)
**   APP_ENOTFOUND     2    404  E_NOT_FOUND    a named thing does not exist
**   APP_ECONFLICT     2    409  E_CONFLICT     stale version, locked, duplicate
**   APP_EPERM         2    403  E_FORBIDDEN    the role or site may not do this
**   APP_EDB           1    503  E_DATABASE     the database failed: retry
**   APP_EIO           1    500  E_INTERNAL     file or network I/O failed
**   APP_EINTERNAL     1    500  E_INTERNAL     a broken invariant, survived
*/
#ifndef HCC_ERR_H
#define HCC_ERR_H

#include <stddef.h>

/* Result codes.  0 is success; every other value is a failure class. */
enum app_code {
  APP_OK = 0,        /* success */
  APP_EINVAL = 1,    /* bad input: user, client or file */
  APP_ENOTFOUND = 2, /* a named thing does not exist */
  APP_ECONFLICT = 3, /* state conflict (locked record, stale version...) */
  APP_EDB = 4,       /* database failure */
  APP_EIO = 5,       /* file or network I/O failure */
  APP_EINTERNAL = 6, /* broken invariant that was survivable */
  APP_EPERM = 7,     /* the user's role or site may not do this */
  APP_ETHROTTLED = 8 /* too many attempts: try again later */
};

/* Detail of a failure.  msg is NUL-terminated and holds the first error
** recorded (later ERR_SET calls on a set err do not overwrite it). */
struct err {
  int code;          /* an enum app_code; APP_OK when nothing failed */
  char msg[256];     /* human-readable message naming the field */
  char field[96];    /* the input field at fault ("data.value"), or "" */
  const char *file;  /* source file that recorded the error */
  int line;          /* source line that recorded the error */
};

/* How a code ends on the command line and over HTTP (the table above). */
struct err_class {
  int code;               /* enum app_code */
  int exit_status;        /* command line: 0, 2 bad input, 1 environment */
  int http_status;        /* HTTP status */
  const char *http_code;  /* "E_INVALID", ... */
};

/* Record an error in *e (if e is non-NULL and holds no error yet) and
** evaluate to the code.  The format is checked by the compiler. */
#define ERR_SET(e, code, ...) \
  err_set((e), (code), NULL, __FILE__, __LINE__, __VA_ARGS__)

/* The same, naming the input field at fault (kept in e->field). */
#define ERR_FIELD(e, code, field, ...) \
  err_set((e), (code), (field), __FILE__, __LINE__, __VA_ARGS__)

/* The same for a message whose field is itself formatted ("%s.id: ..."):
** the producer declares that the message's text up to its first ": " is
** the field, and err_set copies it into e->field. */
#define ERR_AT(e, code, ...) \
  err_set((e), (code), ERR_FIELD_IS_HEAD, __FILE__, __LINE__, __VA_ARGS__)
extern const char ERR_FIELD_IS_HEAD[];

int err_set(struct err *e, int code, const char *field, const char *file,
            int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reset *e to "no error". */
void err_clear(struct err *e);

/* The row of the table for code (an unknown code is APP_EINTERNAL's). */
const struct err_class *err_class(int code);

/* Exit status for a command-line front end: 0, 2 for bad input, 1 else. */
int err_exit_status(int code);

/* SQLite-style NEVER() and ALWAYS(): conditions that should be impossible
** (NEVER) or certain (ALWAYS) but that the caller survives.  In debug
** builds (HCC_DEBUG; the sanitizer builds) they assert. */
#ifdef HCC_DEBUG
#include <assert.h>
#define NEVER(x) (assert(!(x)), (x))
#define ALWAYS(x) (assert(x), (x))
#else
#define NEVER(x) (x)
#define ALWAYS(x) (x)
#endif

#endif
