/*
** mem.h: allocation that never returns NULL.
**
** hccstudy is an application, not a library: running out of memory prints a
** message and aborts, which keeps every other error path simple (Fossil's
** fossil_malloc, Redis' zmalloc).  Outside src/core/ use these, never bare
** malloc/realloc/free.
*/
#ifndef HCC_MEM_H
#define HCC_MEM_H

#include <stddef.h>

/* Allocate n bytes (n may be 0).  Never returns NULL; caller frees with
** xfree(). */
void *xmalloc(size_t n);

/* Allocate and zero count*size bytes, checking the product for overflow. */
void *xcalloc(size_t count, size_t size);

/* Allocate count*size bytes, checking the product for overflow. */
void *xmallocarray(size_t count, size_t size);

/* Resize p to n bytes; p may be NULL.  Never returns NULL. */
void *xrealloc(void *p, size_t n);

/* Resize p to count*size bytes, checking the product for overflow. */
void *xreallocarray(void *p, size_t count, size_t size);

/* Copy a NUL-terminated string; caller frees with xfree(). */
char *xstrdup(const char *s);

/* Copy n bytes of s and add a NUL; caller frees with xfree(). */
char *xstrndup(const char *s, size_t n);

/* Free memory from the functions above; NULL is allowed. */
void xfree(void *p);

#endif
