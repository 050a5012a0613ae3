/*
** jsonx.c: typed, path-naming access to jansson values and an exact writer
** (see jsonx.h).  jansson prints reals with %.17g, which turns 2.1 into
** 2.1000000000000001; the writer here prints the shortest exact text.
*/
#include "jsonx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jx_path(char *out, size_t n, const char *ctx, const char *key) {
  if (ctx == NULL || ctx[0] == '\0') {
    snprintf(out, n, "%s", key);
  } else {
    snprintf(out, n, "%s.%s", ctx, key);
  }
}

/* Look up key; returns NULL for absent or null. */
static json_t *jx_lookup(const json_t *obj, const char *key) {
  json_t *v;
  if (obj == NULL || !json_is_object(obj)) {
    return NULL;
  }
  v = json_object_get(obj, key);
  if (v == NULL || json_is_null(v)) {
    return NULL;
  }
  return v;
}

int jx_num(const json_t *obj, const char *key, const char *ctx, double *out,
           struct err *e) {
  char path[200];
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  if (!json_is_number(v)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected a number", path);
    return -1;
  }
  *out = json_number_value(v);
  return 1;
}

int jx_int(const json_t *obj, const char *key, const char *ctx, long lo,
           long hi, long *out, struct err *e) {
  char path[200];
  double x;
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  jx_path(path, sizeof(path), ctx, key);
  if (!json_is_number(v)) {
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected a whole number", path);
    return -1;
  }
  x = json_number_value(v);
  if (x != floor(x) || x < (double)lo || x > (double)hi) {
    ERR_FIELD(e, APP_EINVAL, path,
              "%s: expected a whole number from %ld to %ld", path, lo, hi);
    return -1;
  }
  *out = (long)x;
  return 1;
}

int jx_bool(const json_t *obj, const char *key, const char *ctx, bool *out,
            struct err *e) {
  char path[200];
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  if (!json_is_boolean(v)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected true or false", path);
    return -1;
  }
  *out = json_is_true(v);
  return 1;
}

int jx_str(const json_t *obj, const char *key, const char *ctx,
           const char **out, struct err *e) {
  char path[200];
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  if (!json_is_string(v)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected a string", path);
    return -1;
  }
  *out = json_string_value(v);
  return 1;
}

int jx_date(const json_t *obj, const char *key, const char *ctx, date_t *out,
            struct err *e) {
  char path[200];
  const char *s;
  int rc = jx_str(obj, key, ctx, &s, e);
  if (rc != 1) {
    return rc;
  }
  if (date_parse(s, out) != 0) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: \"%.40s\" is not a date (YYYY-MM-DD)",
              path, s);
    return -1;
  }
  return 1;
}

int jx_enum(const json_t *obj, const char *key, const char *ctx,
            const char *const *words, int *out, struct err *e) {
  char path[200];
  char list[160];
  size_t used = 0;
  const char *s;
  int i;
  int rc = jx_str(obj, key, ctx, &s, e);
  if (rc != 1) {
    return rc;
  }
  for (i = 0; words[i] != NULL; i++) {
    if (strcmp(s, words[i]) == 0) {
      *out = i;
      return 1;
    }
  }
  list[0] = '\0';
  for (i = 0; words[i] != NULL && used < sizeof(list) - 1; i++) {
    int n = snprintf(list + used, sizeof(list) - used, "%s\"%s\"",
                     i ? ", " : "", words[i]);
    if (n < 0) {
      break;
    }
    used += (size_t)n;
  }
  jx_path(path, sizeof(path), ctx, key);
  ERR_FIELD(e, APP_EINVAL, path, "%s: \"%.30s\" is not one of %s", path, s,
            list);
  return -1;
}

int jx_array(const json_t *obj, const char *key, const char *ctx,
             json_t **out, struct err *e) {
  char path[200];
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  if (!json_is_array(v)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected an array", path);
    return -1;
  }
  *out = v;
  return 1;
}

int jx_object(const json_t *obj, const char *key, const char *ctx,
              json_t **out, struct err *e) {
  char path[200];
  json_t *v = jx_lookup(obj, key);
  if (v == NULL) {
    return 0;
  }
  if (!json_is_object(v)) {
    jx_path(path, sizeof(path), ctx, key);
    ERR_FIELD(e, APP_EINVAL, path, "%s: expected an object", path);
    return -1;
  }
  *out = v;
  return 1;
}

json_t *jx_parse(const char *text, size_t len, const char *what,
                 struct err *e) {
  json_error_t je;
  json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (v == NULL) {
    ERR_FIELD(e, APP_EINVAL, what, "%s: invalid JSON at line %d column %d: %s",
              what, je.line, je.column, je.text);
  }
  return v;
}

void jx_fmt_double(double x, char out[32]) {
  int prec;
  for (prec = 15; prec <= 17; prec++) {
    snprintf(out, 32, "%.*g", prec, x);
    if (strtod(out, NULL) == x) {
      break;
    }
  }
  /* "1e+20" and "3" are valid JSON numbers; nothing else to fix. */
}

static void jx_indent(struct buf *b, int level) {
  int i;
  buf_putc(b, '\n');
  for (i = 0; i < level; i++) {
    buf_lit(b, "  ");
  }
}

static void jx_string(struct buf *b, const char *s, size_t n) {
  size_t i, run = 0;
  buf_putc(b, '"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue; /* part of a run copied at once */
    }
    buf_append(b, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      esc = "\\\"";
      break;
    case '\\':
      esc = "\\\\";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\r':
      esc = "\\r";
      break;
    case '\t':
      esc = "\\t";
      break;
    default:
      break;
    }
    if (esc != NULL) {
      buf_puts(b, esc);
    } else {
      buf_appendf(b, "\\u%04x", c);
    }
  }
  buf_append(b, s + run, n - run);
  buf_putc(b, '"');
}

static void jx_dump_level(const json_t *v, struct buf *b, bool pretty,
                          int level) {
  char num[32];
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    const char *key;
    json_t *item;
    int first = 1;
    if (json_object_size(v) == 0) {
      buf_lit(b, "{}");
      break;
    }
    buf_putc(b, '{');
    json_object_foreach((json_t *)(uintptr_t)v, key, item) {
      if (!first) {
        buf_putc(b, ',');
      }
      first = 0;
      if (pretty) {
        jx_indent(b, level + 1);
      }
      jx_string(b, key, strlen(key));
      buf_puts(b, pretty ? ": " : ":");
      jx_dump_level(item, b, pretty, level + 1);
    }
    if (pretty) {
      jx_indent(b, level);
    }
    buf_putc(b, '}');
    break;
  }
  case JSON_ARRAY: {
    size_t i;
    if (json_array_size(v) == 0) {
      buf_lit(b, "[]");
      break;
    }
    buf_putc(b, '[');
    for (i = 0; i < json_array_size(v); i++) {
      if (i) {
        buf_putc(b, ',');
      }
      if (pretty) {
        jx_indent(b, level + 1);
      }
      jx_dump_level(json_array_get(v, i), b, pretty, level + 1);
    }
    if (pretty) {
      jx_indent(b, level);
    }
    buf_putc(b, ']');
    break;
  }
  case JSON_STRING:
    jx_string(b, json_string_value(v), json_string_length(v));
    break;
  case JSON_INTEGER:
    buf_appendf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    break;
  case JSON_REAL: {
    double x = json_real_value(v);
    if (!isfinite(x)) {
      buf_lit(b, "null");
    } else {
      jx_fmt_double(x, num);
      buf_puts(b, num);
    }
    break;
  }
  case JSON_TRUE:
    buf_lit(b, "true");
    break;
  case JSON_FALSE:
    buf_lit(b, "false");
    break;
  case JSON_NULL:
    buf_lit(b, "null");
    break;
  }
}

void jx_dump(const json_t *v, struct buf *b, bool pretty) {
  if (v == NULL) { /* a constructor failed (e.g. text not UTF-8) */
    buf_lit(b, "null");
    return;
  }
  jx_dump_level(v, b, pretty, 0);
}

bool jx_equal(const json_t *a, const json_t *b) {
  if (a == NULL || b == NULL) {
    return a == b;
  }
  if (json_is_number(a) && json_is_number(b)) {
    return json_number_value(a) == json_number_value(b);
  }
  if (json_typeof(a) != json_typeof(b)) {
    return false;
  }
  if (json_is_object(a)) {
    const char *key;
    json_t *v;
    if (json_object_size(a) != json_object_size(b)) {
      return false;
    }
    json_object_foreach((json_t *)(uintptr_t)a, key, v) {
      if (!jx_equal(v, json_object_get(b, key))) {
        return false;
      }
    }
    return true;
  }
  if (json_is_array(a)) {
    size_t i;
    if (json_array_size(a) != json_array_size(b)) {
      return false;
    }
    for (i = 0; i < json_array_size(a); i++) {
      if (!jx_equal(json_array_get(a, i), json_array_get(b, i))) {
        return false;
      }
    }
    return true;
  }
  return json_equal(a, b);
}

char *jx_text(const json_t *v) {
  struct buf b;
  buf_init(&b, 0);
  jx_dump(v, &b, false);
  return buf_detach(&b);
}

json_t *jx_real_or_null(double x) {
  if (!isfinite(x)) {
    return json_null();
  }
  return json_real(x);
}

json_t *jx_date_str(date_t d) {
  char s[DATE_STR_LEN];
  date_format(d, s);
  return json_string(s);
}
