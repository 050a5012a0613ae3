/*
** request.h: filling a struct request from the request line, shared by
** http.c and the HTTP fuzz harness (tests/fuzz/fuzz_http.c), which builds
** requests without libmicrohttpd.
*/
#ifndef HCC_WEB_REQUEST_H
#define HCC_WEB_REQUEST_H

#include "web.h"

/* Set rq->path (the URL up to any '?', cut at WEB_MAX_URL - 1 bytes) and
** split it into rq->seg / rq->n_seg (empty leading segments skipped; more
** than WEB_MAX_SEGMENTS: n_seg = WEB_MAX_SEGMENTS + 1, matching no
** route). */
void web_split_path(struct request *rq, const char *url);

#endif
