/*
** api_export.c: data freezes and exports over HTTP (issue 13).
**   GET  /api/v1/freezes               every freeze, newest first
**   POST /api/v1/freezes {"label"}     freeze the study now (data_manager)
**   GET  /api/v1/freezes/:id           one freeze
**   GET  /api/v1/exports               the formats
**   GET  /api/v1/exports/:format[?freeze=ID][&file=NAME]
**        a download: odm and define as one XML file; the other formats
**        as a ZIP archive of their files and manifest.json, or with
**        ?file=NAME just that file of the archive
**
** Why: a statistician's script pulls a freeze's XPORT files nightly with
** an API token; a data manager downloads the SDTM package from the UI.
** Invariants: the files are those `hccstudy export` writes (export_run,
** into a private temporary directory that is emptied and removed before
** the answer is sent: the answer is the open, unlinked file, streamed by
** http.c, so memory does not grow with the study); export permission
** and site scoping are the store's (a site-scoped role gets its site
** only); the same freeze gives the same bytes, archive included.
*/
#include "api.h"

#include "../core/mem.h"
#include "../report/export.h"
#include "../report/zip.h"
#include "../store/freeze.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int web_freeze_arg(struct request *rq, struct response *rs, int64_t *id) {
  const char *s = web_arg(rq, "freeze");
  const char *p;
  *id = 0;
  if (s == NULL) {
    return 0;
  }
  for (p = s; *p >= '0' && *p <= '9'; p++) {
  }
  if (p == s || *p != '\0' || p - s > 9 || s[0] == '0') {
    web_error(rs, 400, "E_INVALID",
              "freeze: expected a freeze id (1, 2, ...)", "freeze");
    return 1;
  }
  *id = strtoll(s, NULL, 10);
  return 0;
}

int api_freeze_list(struct request *rq, struct response *rs) {
  struct err e;
  json_t *list = NULL;
  err_clear(&e);
  if (store_freeze_list(rq->db, &rq->actor, &list, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, json_pack("{s:o}", "freezes", list));
  return 0;
}

/* Parse the :id segment (seg[3]); 0 when it is not an id. */
static int64_t freeze_seg(struct request *rq) {
  const char *s = rq->seg[3];
  const char *p;
  for (p = s; *p >= '0' && *p <= '9'; p++) {
  }
  return p == s || *p != '\0' || p - s > 9 || s[0] == '0'
             ? 0
             : strtoll(s, NULL, 10);
}

int api_freeze_get(struct request *rq, struct response *rs) {
  struct freeze_info f;
  struct err e;
  int64_t id = freeze_seg(rq);
  err_clear(&e);
  if (id == 0) {
    web_error(rs, 404, "E_NOT_FOUND", "freeze: no such freeze", "freeze");
    return 0;
  }
  if (store_freeze_get(rq->db, &rq->actor, id, &f, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 200, store_freeze_json(&f));
  return 0;
}

int api_freeze_create(struct request *rq, struct response *rs) {
  json_t *label = json_object_get(rq->json, "label");
  struct freeze_info f;
  struct err e;
  int64_t id = 0;
  err_clear(&e);
  if (!json_is_string(label)) {
    web_error(rs, 422, "E_INVALID", "label: a text of 1 to 200 bytes is "
              "required", "label");
    return 0;
  }
  if (store_freeze_create(rq->db, &rq->actor, json_string_value(label), &id,
                          &e) != APP_OK ||
      store_freeze_get(rq->db, &rq->actor, id, &f, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  web_json(rs, 201, store_freeze_json(&f));
  return 0;
}

/* What each format is, for the download page. */
static const char *const fmt_text[EXPORT_N_FORMATS] = {
    "every SDTM and ADaM dataset as CSV (RFC 4180, UTF-8) with a data "
    "dictionary CSV beside each",
    "every SDTM and ADaM dataset as SAS transport v5 (.xpt)",
    "every SDTM and ADaM dataset as Stata (.dta)",
    "every SDTM and ADaM dataset as SPSS (.sav)",
    "the SDTM domains as SAS transport v5 (.xpt)",
    "the ADaM datasets ADSL, ADRS and ADTTE as SAS transport v5 (.xpt)",
    "CDISC ODM 1.3.2: metadata, every record, the audit trail and the "
    "signatures",
    "define.xml 2.0 of the SDTM and ADaM datasets",
};

int api_export_formats(struct request *rq, struct response *rs) {
  json_t *list = json_array();
  struct err e;
  int i;
  err_clear(&e);
  if (access_require(rq->db, &rq->actor, ACCESS_EXPORT, "export", &e) !=
      APP_OK) {
    json_decref(list);
    web_store_error(rs, &e);
    return 0;
  }
  for (i = 0; i < EXPORT_N_FORMATS; i++) {
    enum export_format f = (enum export_format)i;
    json_array_append_new(
        list, json_pack("{s:s,s:s,s:s}", "format", export_format_name(f),
                        "kind", export_format_is_file(f) ? "file" : "archive",
                        "description", fmt_text[i]));
  }
  web_json(rs, 200, json_pack("{s:o}", "formats", list));
  return 0;
}

/* The media type of an exported file, by its name's ending. */
static const char *media_type(const char *name) {
  static const struct {
    const char *ext, *type;
  } t[] = {{".zip", "application/zip"},
           {".xml", "application/xml"},
           {".csv", "text/csv; charset=utf-8"},
           {".json", "application/json"},
           {".dta", "application/x-stata-dta"},
           {".sav", "application/x-spss-sav"}};
  size_t n = strlen(name), i;
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    size_t k = strlen(t[i].ext);
    if (n >= k && strcmp(name + n - k, t[i].ext) == 0) {
      return t[i].type;
    }
  }
  return "application/octet-stream";
}

/* Remove every file of dir (flat: exports make no subdirectories) and
** dir itself. */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char path[4400];
  if (d != NULL) {
    while ((de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        unlink(path);
      }
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Open path for the answer: fd and size, or -1. */
static int open_answer(const char *path, uint64_t *size) {
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && fstat(fd, &st) != 0) {
    close(fd);
    return -1;
  }
  if (fd >= 0) {
    *size = (uint64_t)st.st_size;
  }
  return fd;
}

/* The base names of the paths in written (one a line) into names[], at
** most max; returns how many. */
static int written_names(const char *written, char **names, int max) {
  int n = 0;
  while (*written && n < max) {
    const char *nl = strchr(written, '\n');
    size_t len = nl ? (size_t)(nl - written) : strlen(written);
    const char *slash = written + len;
    while (slash > written && slash[-1] != '/') {
      slash--;
    }
    names[n] = xmalloc(len - (size_t)(slash - written) + 1);
    memcpy(names[n], slash, len - (size_t)(slash - written));
    names[n][len - (size_t)(slash - written)] = '\0';
    n++;
    written += len + (nl != NULL);
  }
  return n;
}

/* Archive the files names[0..n) of dir into dir/archive.zip (timestamped
** with the data's time) and answer with it, or with the one file of
** ?file=NAME. */
static void answer_files(struct response *rs, const char *dir,
                         char **names, int n, const char *want,
                         const struct frame_source *src, const char *stem) {
  char path[4200], fname[160];
  uint64_t size = 0;
  struct err e;
  int i, fd, rc = APP_OK;
  err_clear(&e);
  if (want != NULL) {
    for (i = 0; i < n && strcmp(names[i], want) != 0; i++) {
    }
    if (i == n) {
      web_error(rs, 404, "E_NOT_FOUND",
                "file: this export has no such file (see its "
                "manifest.json)", "file");
      return;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, want);
    snprintf(fname, sizeof(fname), "%s", want);
  } else {
    FILE *fp;
    snprintf(path, sizeof(path), "%s/archive.zip", dir);
    fp = fopen(path, "wb");
    if (fp == NULL) {
      rc = ERR_SET(&e, APP_EIO, "cannot write the archive: %s",
                   strerror(errno));
    } else {
      rc = zip_write(fp, dir, (const char *const *)names, n, src->created,
                     &e);
      if (fclose(fp) != 0 && rc == APP_OK) {
        rc = ERR_SET(&e, APP_EIO, "cannot write the archive: %s",
                     strerror(errno));
      }
    }
    snprintf(fname, sizeof(fname), "%s.zip", stem);
  }
  if (rc != APP_OK) {
    web_store_error(rs, &e);
    return;
  }
  fd = open_answer(path, &size);
  if (fd < 0) {
    ERR_SET(&e, APP_EIO, "cannot read the export: %s", strerror(errno));
    web_store_error(rs, &e);
    return;
  }
  web_file(rs, media_type(fname), fd, size, fname);
}

int api_export(struct request *rq, struct response *rs) {
  const char *want = web_arg(rq, "file");
  struct frame_source src;
  struct freeze_info fi;
  enum export_format fmt;
  struct buf written;
  struct err e;
  const char *tmp = getenv("TMPDIR");
  char dir[4096], out[4200], stem[160];
  char *names[4 * DS_SET_MAX + 2];
  int64_t freeze = 0;
  int n = 0, i, rc;
  err_clear(&e);
  if (access_require(rq->db, &rq->actor, ACCESS_EXPORT, "export", &e) !=
      APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  if (export_format_parse(rq->seg[3], &fmt, &e) != APP_OK) {
    web_error(rs, 404, "E_NOT_FOUND",
              "format: expected csv, xpt, dta, sav, sdtm, adam, odm or "
              "define", "format");
    return 0;
  }
  if (web_freeze_arg(rq, rs, &freeze)) {
    return 0;
  }
  if (want != NULL && export_format_is_file(fmt)) {
    web_error(rs, 400, "E_INVALID",
              "file: this format is one file; ask without ?file=", "file");
    return 0;
  }
  if (freeze != 0 &&
      store_freeze_get(rq->db, &rq->actor, freeze, &fi, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  if (frame_source_open(rq->db, &rq->actor, freeze, &src, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 0;
  }
  snprintf(stem, sizeof(stem), "%s_%s", src.study_id,
           export_format_name(fmt));
  if (freeze != 0) {
    snprintf(stem + strlen(stem), sizeof(stem) - strlen(stem),
             "_freeze%" PRId64, freeze);
  }
  snprintf(dir, sizeof(dir), "%s/hccstudy-export-XXXXXX",
           tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) {
    ERR_SET(&e, APP_EIO, "cannot make a temporary directory: %s",
            strerror(errno));
    web_store_error(rs, &e);
    return 0;
  }
  if (export_format_is_file(fmt)) {
    snprintf(out, sizeof(out), "%s/%s.xml", dir, stem);
  } else {
    snprintf(out, sizeof(out), "%s", dir);
  }
  buf_init(&written, 0);
  rc = export_run(&src, fmt, out, &written, &e);
  if (rc != APP_OK) {
    web_store_error(rs, &e);
  } else if (export_format_is_file(fmt)) {
    uint64_t size = 0;
    int fd = open_answer(out, &size);
    char fname[170];
    snprintf(fname, sizeof(fname), "%s.xml", stem);
    if (fd < 0) {
      ERR_SET(&e, APP_EIO, "cannot read the export: %s", strerror(errno));
      web_store_error(rs, &e);
    } else {
      web_file(rs, "application/xml", fd, size, fname);
    }
  } else {
    n = written_names(buf_str(&written), names,
                      (int)(sizeof(names) / sizeof(names[0])));
    answer_files(rs, dir, names, n, want, &src, stem);
  }
  for (i = 0; i < n; i++) {
    xfree(names[i]);
  }
  buf_reset(&written);
  remove_tree(dir); /* the answer holds its file open */
  return 0;
}
