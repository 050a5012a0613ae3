/*
** buf.c: growable NUL-terminated byte buffer (see buf.h).
*/
#include "buf.h"

#include "err.h"
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void buf_init(struct buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void buf_reset(struct buf *b) {
  xfree(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

/* Make room for n more bytes plus the NUL. */
static int buf_grow(struct buf *b, size_t n) {
  size_t need;
  if (b->max != 0 && (n > b->max || b->len > b->max - n)) {
    return APP_EINVAL;
  }
  need = b->len + n + 1;
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
      cap *= 2;
    }
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
  }
  return APP_OK;
}

int buf_append(struct buf *b, const void *p, size_t n) {
  if (buf_grow(b, n) != APP_OK) {
    return APP_EINVAL;
  }
  if (n > 0) {
    memcpy(b->data + b->len, p, n);
  }
  b->len += n;
  b->data[b->len] = '\0';
  return APP_OK;
}

int buf_puts(struct buf *b, const char *s) {
  return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, int c) {
  char ch = (char)c;
  return buf_append(b, &ch, 1);
}

int buf_appendf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  char small[256];
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if (n < 0) {
    return APP_EINTERNAL;
  }
  if ((size_t)n < sizeof(small)) {
    return buf_append(b, small, (size_t)n);
  }
  if (buf_grow(b, (size_t)n) != APP_OK) {
    return APP_EINVAL;
  }
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return APP_OK;
}

const char *buf_str(const struct buf *b) {
  return b->data ? b->data : "";
}

char *buf_detach(struct buf *b) {
  char *p = b->data;
  if (p == NULL) {
    p = xstrdup("");
  }
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}
