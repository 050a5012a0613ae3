/*
** jsonx.h: reading typed fields from jansson objects with messages that name
** the field, and writing JSON with the shortest exact number text.
**
** Every getter returns 1 when the field is present with the right type (the
** value is stored), 0 when it is absent or JSON null (nothing stored), and -1
** when it has the wrong type or range (an APP_EINVAL error naming
** "<ctx>.<key>" is recorded in *e).  ctx may be "" for the top level.
*/
#ifndef HCC_JSONX_H
#define HCC_JSONX_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"
#include "date.h"
#include "err.h"

/* Largest JSON document accepted on input (64 MiB): protects the process
** from an unbounded read of standard input. */
#define JX_MAX_INPUT (64u * 1024u * 1024u)

int jx_num(const json_t *obj, const char *key, const char *ctx, double *out,
           struct err *e);
/* A whole number within [lo, hi]. */
int jx_int(const json_t *obj, const char *key, const char *ctx, long lo,
           long hi, long *out, struct err *e);
int jx_bool(const json_t *obj, const char *key, const char *ctx, bool *out,
            struct err *e);
/* A string; *out points into obj and lives as long as obj. */
int jx_str(const json_t *obj, const char *key, const char *ctx,
           const char **out, struct err *e);
/* A string "YYYY-MM-DD" that is a real calendar date. */
int jx_date(const json_t *obj, const char *key, const char *ctx, date_t *out,
            struct err *e);
/* A string that must be one of the NULL-terminated words[]; *out is its
** index. */
int jx_enum(const json_t *obj, const char *key, const char *ctx,
            const char *const *words, int *out, struct err *e);
/* An array (*out borrowed) or an object. */
int jx_array(const json_t *obj, const char *key, const char *ctx,
             json_t **out, struct err *e);
int jx_object(const json_t *obj, const char *key, const char *ctx,
              json_t **out, struct err *e);

/* Join ctx and key into out ("key" or "ctx.key"). */
void jx_path(char *out, size_t n, const char *ctx, const char *key);

/* Parse text (len bytes) into a JSON value; on failure records APP_EINVAL
** with the line and column, naming what (e.g. "standard input").  Caller
** releases the result with json_decref(). */
json_t *jx_parse(const char *text, size_t len, const char *what,
                 struct err *e);

/* Serialise v into b, indented by two spaces per level when pretty, with
** every real number in the shortest text that reads back to the same double
** (and non-finite reals as null).  Object keys keep insertion order. */
void jx_dump(const json_t *v, struct buf *b, bool pretty);

/* Deep equality where numbers compare by value (15 equals 15.0, which
** jansson's json_equal does not). */
bool jx_equal(const json_t *a, const json_t *b);

/* v as compact JSON text (jx_dump, not pretty).  Caller frees with
** xfree(). */
char *jx_text(const json_t *v);

/* Format a double in the shortest round-trip form ("%.15g" .. "%.17g"). */
void jx_fmt_double(double x, char out[32]);

/* Convenience constructors that map a non-finite double to JSON null. */
json_t *jx_real_or_null(double x);
json_t *jx_date_str(date_t d);

#endif
