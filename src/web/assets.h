/*
** assets.h: the browser interface's static files (src/web/assets/), built
** into the binary and served as they are (no build step).
*/
#ifndef HCC_ASSETS_H
#define HCC_ASSETS_H

#include <stddef.h>

/* One embedded file. */
struct asset {
  const char *path;          /* URL path, e.g. "/app.js" */
  const char *content_type;  /* MIME type with charset */
  const char *data;          /* the bytes (NUL-terminated) */
  const char *end;           /* one past the last byte */
};

/* The asset served at path ("/" is "/index.html"), or NULL. */
const struct asset *asset_find(const char *path);

#endif
