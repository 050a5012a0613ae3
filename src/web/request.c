/*
** request.c: filling a struct request from the request line (request.h).
*/
#include "request.h"

#include <string.h>

void web_split_path(struct request *rq, const char *url) {
  size_t n = strcspn(url, "?");
  char *p;
  if (n >= sizeof(rq->path)) {
    n = sizeof(rq->path) - 1;
  }
  memcpy(rq->path, url, n);
  rq->path[n] = '\0';
  memcpy(rq->segbuf, rq->path, n + 1);
  rq->n_seg = 0;
  p = rq->segbuf;
  while (*p == '/') {
    p++;
  }
  while (*p && rq->n_seg < WEB_MAX_SEGMENTS) {
    rq->seg[rq->n_seg++] = p;
    p = strchr(p, '/');
    if (p == NULL) {
      break;
    }
    *p++ = '\0';
  }
  if (p != NULL && *p && rq->n_seg == WEB_MAX_SEGMENTS) {
    rq->n_seg = WEB_MAX_SEGMENTS + 1; /* too deep: matches no route */
  }
}
