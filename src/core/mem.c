/*
** mem.c: allocation wrappers that abort on out-of-memory (see mem.h).
*/
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem_oom(size_t n) {
  fprintf(stderr, "hccstudy: out of memory allocating %zu bytes\n", n);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) {
    mem_oom(n);
  }
  return p;
}

void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (p == NULL) {
    mem_oom(count * size);
  }
  return p;
}

void *xmallocarray(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    mem_oom(SIZE_MAX);
  }
  return xmalloc(count * size);
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (q == NULL) {
    mem_oom(n);
  }
  return q;
}

void *xreallocarray(void *p, size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    mem_oom(SIZE_MAX);
  }
  return xrealloc(p, count * size);
}

char *xstrdup(const char *s) {
  return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void xfree(void *p) {
  free(p);
}
