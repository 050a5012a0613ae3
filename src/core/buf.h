/*
** buf.h: the one growable byte buffer (Fossil's Blob, curl's dynbuf).
**
** The contents are always NUL-terminated, so buf_str() is a C string.  Every
** buffer has a maximum size; an append past it fails with APP_EINVAL instead
** of growing without bound (a request body, an import file).
*/
#ifndef HCC_BUF_H
#define HCC_BUF_H

#include <stddef.h>

/* A growable buffer.  Invariant: len < cap whenever data != NULL, and
** data[len] == '\0'. */
struct buf {
  char *data;  /* the bytes; NULL until the first append */
  size_t len;  /* bytes used, not counting the NUL */
  size_t cap;  /* bytes allocated */
  size_t max;  /* largest len allowed; 0 means no limit */
};

/* Initialise an empty buffer with a size limit (0 for none). */
void buf_init(struct buf *b, size_t max);

/* Free the contents and make the buffer empty again (max is kept). */
void buf_reset(struct buf *b);

/* Append n bytes.  Returns 0, or APP_EINVAL when max would be passed. */
int buf_append(struct buf *b, const void *p, size_t n);

/* Append a NUL-terminated string. */
int buf_puts(struct buf *b, const char *s);

/* Append one byte. */
int buf_putc(struct buf *b, int c);

/* Append formatted text. */
int buf_appendf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The contents as a C string ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);

/* Take the contents; the buffer becomes empty.  Caller frees with xfree().
** Never returns NULL. */
char *buf_detach(struct buf *b);

/* Append a string literal without strlen. */
#define buf_lit(b, s) buf_append((b), "" s, sizeof(s) - 1)

#endif
