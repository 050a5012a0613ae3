/*
** zip.c: ZIP archives, stored (see zip.h; the format is PKWARE's
** APPNOTE.TXT, sections 4.3.7 local file header, 4.3.12 central
** directory header, 4.3.16 end of central directory record).
*/
#include "zip.h"

#include <errno.h>
#include <string.h>

#include "../core/mem.h"

uint32_t zip_crc32(uint32_t crc, const void *p, size_t n) {
  /* The table is made on each call (2,048 steps, against the 64 KiB a
  ** call usually covers): no shared state between server threads. */
  uint32_t table[256];
  const unsigned char *b = p;
  uint32_t k;
  size_t i;
  int j;
  for (k = 0; k < 256; k++) {
    uint32_t c = k;
    for (j = 0; j < 8; j++) {
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    table[k] = c;
  }
  crc = ~crc;
  for (i = 0; i < n; i++) {
    crc = table[(crc ^ b[i]) & 0xFF] ^ (crc >> 8);
  }
  return ~crc;
}

/* Little-endian fields. */
static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v & 0xFF);
  p[1] = (unsigned char)((v >> 8) & 0xFF);
}

static void put32(unsigned char *p, uint32_t v) {
  put16(p, v & 0xFFFF);
  put16(p + 2, (unsigned)(v >> 16));
}

/* One entry, as the central directory needs it. */
struct zip_entry {
  uint32_t crc, size, offset;
};

/* The CRC-32 and size of the file at path. */
static int zip_scan(const char *path, struct zip_entry *z, struct err *e) {
  unsigned char chunk[65536];
  uint64_t total = 0;
  size_t got;
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    return ERR_SET(e, APP_EIO, "cannot read %s: %s", path, strerror(errno));
  }
  z->crc = 0;
  while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    z->crc = zip_crc32(z->crc, chunk, got);
    total += got;
  }
  fclose(fp);
  if (total >= 0xFFFFFFFFu) {
    return ERR_SET(e, APP_EINVAL, "%s: 4 GiB or more does not fit a ZIP "
                   "archive without ZIP64", path);
  }
  z->size = (uint32_t)total;
  return APP_OK;
}

/* Copy the file at path to out. */
static int zip_copy(const char *path, FILE *out, struct err *e) {
  unsigned char chunk[65536];
  size_t got;
  int rc = APP_OK;
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    return ERR_SET(e, APP_EIO, "cannot read %s: %s", path, strerror(errno));
  }
  while (rc == APP_OK && (got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    if (fwrite(chunk, 1, got, out) != got) {
      rc = ERR_SET(e, APP_EIO, "cannot write the archive: %s",
                   strerror(errno));
    }
  }
  fclose(fp);
  return rc;
}

int zip_write(FILE *out, const char *dir, const char *const *names, int n,
              time_t mtime, struct err *e) {
  struct zip_entry *z = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*z));
  unsigned char h[46];
  unsigned dos_time, dos_date;
  uint64_t at = 0, cd_size = 0;
  struct tm tm;
  char path[4096];
  int i, rc = APP_OK;
  gmtime_r(&mtime, &tm);
  if (tm.tm_year < 80) { /* DOS dates start in 1980 */
    tm.tm_year = 80;
    tm.tm_mon = 0;
    tm.tm_mday = 1;
  }
  dos_time = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
  dos_date =
      (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
  for (i = 0; rc == APP_OK && i < n; i++) {
    size_t len = strlen(names[i]);
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    rc = zip_scan(path, &z[i], e);
    if (rc != APP_OK) {
      break;
    }
    if (at + 30 + len + z[i].size >= 0xFFFFFFFFu) {
      rc = ERR_SET(e, APP_EINVAL, "the archive would reach 4 GiB (no "
                   "ZIP64)");
      break;
    }
    z[i].offset = (uint32_t)at;
    memset(h, 0, sizeof(h));
    put32(h, 0x04034b50u);   /* local file header signature */
    put16(h + 4, 20);        /* version needed: 2.0 */
    put16(h + 6, 0x0800);    /* flags: the name is UTF-8 */
    put16(h + 8, 0);         /* method: stored */
    put16(h + 10, dos_time);
    put16(h + 12, dos_date);
    put32(h + 14, z[i].crc);
    put32(h + 18, z[i].size); /* compressed size */
    put32(h + 22, z[i].size); /* uncompressed size */
    put16(h + 26, (unsigned)len);
    put16(h + 28, 0);        /* extra field length */
    if (fwrite(h, 1, 30, out) != 30 || fwrite(names[i], 1, len, out) != len) {
      rc = ERR_SET(e, APP_EIO, "cannot write the archive: %s",
                   strerror(errno));
      break;
    }
    rc = zip_copy(path, out, e);
    at += 30 + len + z[i].size;
  }
  for (i = 0; rc == APP_OK && i < n; i++) {
    size_t len = strlen(names[i]);
    memset(h, 0, sizeof(h));
    put32(h, 0x02014b50u);        /* central directory header signature */
    put16(h + 4, 3u << 8 | 20u);  /* made by: UNIX, 2.0 */
    put16(h + 6, 20);             /* version needed */
    put16(h + 8, 0x0800);
    put16(h + 10, 0);
    put16(h + 12, dos_time);
    put16(h + 14, dos_date);
    put32(h + 16, z[i].crc);
    put32(h + 20, z[i].size);
    put32(h + 24, z[i].size);
    put16(h + 28, (unsigned)len);
    /* extra, comment, disk number, internal attributes: 0 */
    put32(h + 38, (uint32_t)0100644u << 16); /* external: a 0644 file */
    put32(h + 42, z[i].offset);
    if (fwrite(h, 1, 46, out) != 46 || fwrite(names[i], 1, len, out) != len) {
      rc = ERR_SET(e, APP_EIO, "cannot write the archive: %s",
                   strerror(errno));
    }
    cd_size += 46 + len;
  }
  if (rc == APP_OK) {
    memset(h, 0, 22);
    put32(h, 0x06054b50u); /* end of central directory signature */
    put16(h + 8, (unsigned)n);
    put16(h + 10, (unsigned)n);
    put32(h + 12, (uint32_t)cd_size);
    put32(h + 16, (uint32_t)at);
    if (fwrite(h, 1, 22, out) != 22) {
      rc = ERR_SET(e, APP_EIO, "cannot write the archive: %s",
                   strerror(errno));
    }
  }
  xfree(z);
  return rc;
}
