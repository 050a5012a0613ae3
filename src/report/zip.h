/*
** zip.h: a ZIP archive of files, stored without compression (the CSV and
** XPORT files of an export are what the reader wants; a download of them
** all is one file).  Entries carry a fixed time, so the same files give
** the same bytes: a freeze's archive is byte-identical whenever it is
** made.  No ZIP64: an entry or archive of 4 GiB or more is refused.
*/
#ifndef HCC_ZIP_H
#define HCC_ZIP_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "../core/err.h"

/* The CRC-32 (ISO 3309, as ZIP and gzip use it) of n bytes, continuing
** from crc (0 to start). */
uint32_t zip_crc32(uint32_t crc, const void *p, size_t n);

/* Write to out a ZIP archive of the n files dir/names[i], named names[i]
** in it, each dated mtime (UTC).  Returns APP_OK, APP_EIO (a file could
** not be read or out written) or APP_EINVAL (a file too large). */
int zip_write(FILE *out, const char *dir, const char *const *names, int n,
              time_t mtime, struct err *e);

#endif
