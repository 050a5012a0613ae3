/*
** cmd_terms.c: `hccstudy terms import|search`: load an adverse-event
** terminology from a CSV file (CTCAE v5.0 layout: meddra_code, soc, term,
** grade1..grade5, definition) and look terms up.
*/
#include "commands.h"

#include "../core/csv.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/terms.h"
#include "cli_study.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Largest terminology file accepted (16 MiB; CTCAE v5.0 is 0.4 MiB). */
#define TERMS_MAX_FILE (16u << 20)

static const char *const terms_cols[] = {
  "meddra_code", "soc",    "term",   "grade1",     "grade2",
  "grade3",      "grade4", "grade5", "definition", NULL};

static int terms_load(const char *path, struct term_row **rows_out,
                      char ***strings_out, int64_t *n_out, struct err *e) {
  struct csv_reader r;
  int col[9];
  int64_t n = 0, cap = 1024, n_str = 0;
  struct term_row *rows;
  char **strings;
  int i, rc;
  size_t k;
  if (csv_open(&r, path, e) != APP_OK) {
    return APP_EINVAL;
  }
  if (csv_next(&r, e) != 1) {
    csv_close(&r);
    return e->code ? e->code : ERR_SET(e, APP_EINVAL, "%s: empty file", path);
  }
  for (i = 0; terms_cols[i] != NULL; i++) {
    col[i] = -1;
    for (k = 0; k < r.n_fields; k++) {
      if (r.fields[k].len == strlen(terms_cols[i]) &&
          memcmp(r.fields[k].p, terms_cols[i], r.fields[k].len) == 0) {
        col[i] = (int)k;
      }
    }
    if (col[i] < 0 && i < 3) {
      csv_close(&r);
      return ERR_SET(e, APP_EINVAL, "%s: the header has no column %s", path,
                     terms_cols[i]);
    }
  }
  rows = xcalloc((size_t)cap, sizeof(*rows));
  strings = xcalloc((size_t)cap * 9, sizeof(*strings));
  while ((rc = csv_next(&r, e)) == 1) {
    if (n == cap) {
      rows = xreallocarray(rows, (size_t)cap * 2, sizeof(*rows));
      strings = xreallocarray(strings, (size_t)cap * 18, sizeof(*strings));
      cap *= 2;
    }
    memset(&rows[n], 0, sizeof(rows[n]));
    for (i = 0; i < 9; i++) {
      char *s = NULL;
      if (col[i] >= 0 && (size_t)col[i] < r.n_fields) {
        if (!str_is_utf8(r.fields[col[i]].p, r.fields[col[i]].len)) {
          ERR_SET(e, APP_EINVAL, "%s: row %" PRId64 ", column %s: not "
                  "valid UTF-8", path, n + 1, terms_cols[i]);
          rc = -1;
          break;
        }
        s = xstrndup(r.fields[col[i]].p, r.fields[col[i]].len);
        strings[n_str++] = s;
      }
      if (i == 0) {
        rows[n].code = s;
      } else if (i == 1) {
        rows[n].soc = s;
      } else if (i == 2) {
        rows[n].term = s;
      } else if (i < 8) {
        rows[n].grade[i - 3] = s;
      } else {
        rows[n].definition = s;
      }
    }
    n++;
    if (rc < 0) {
      break;
    }
  }
  csv_close(&r);
  *rows_out = rows;
  *strings_out = strings;
  *n_out = n;
  if (rc < 0) {
    return e->code;
  }
  (void)n_str;
  return APP_OK;
}

static void terms_free(struct term_row *rows, char **strings, int64_t n) {
  int64_t i;
  for (i = 0; i < n * 9; i++) {
    xfree(strings[i]);
  }
  xfree(strings);
  xfree(rows);
}

static int file_sha256(const char *path, char out[65], struct err *e) {
  struct buf b;
  unsigned char h[crypto_hash_sha256_BYTES];
  int rc;
  buf_init(&b, TERMS_MAX_FILE);
  rc = cli_read_file(path, &b, TERMS_MAX_FILE, e);
  if (rc == APP_OK) {
    crypto_hash_sha256(h, (const unsigned char *)buf_str(&b), b.len);
    sodium_bin2hex(out, 65, h, sizeof(h));
  }
  buf_reset(&b);
  return rc;
}

int cmd_terms(struct cli *c) {
  struct err e;
  struct db *db = NULL;
  struct actor a;
  const char *input = cli_opt(c, "--input");
  const char *name = cli_opt(c, "--name");
  const char *text = cli_opt(c, "--text");
  bool json = cli_flag(c, "--json");
  int rc;
  err_clear(&e);
  if (c->argc >= 1 && strcmp(c->argv[0], "import") == 0) {
    struct term_row *rows = NULL;
    char **strings = NULL;
    char sha[65];
    int64_t n = 0;
    c->used[0] = true;
    if (input == NULL) {
      ERR_SET(&e, APP_EINVAL, "terms import: --input FILE.csv is required");
      return cli_fail(&e);
    }
    if (file_sha256(input, sha, &e) != APP_OK ||
        terms_load(input, &rows, &strings, &n, &e) != APP_OK ||
        cli_open_study(c, &db, &a, &e) != APP_OK) {
      if (rows) {
        terms_free(rows, strings, n);
      }
      return cli_fail(&e);
    }
    rc = store_terms_import(db, &a, name ? name : "CTCAE v5.0", sha, rows, n,
                            &e);
    db_close(db);
    terms_free(rows, strings, n);
    if (rc != APP_OK) {
      return cli_fail(&e);
    }
    printf("imported %" PRId64 " terms (%s, sha256 %s)\n", n,
           name ? name : "CTCAE v5.0", sha);
    return 0;
  }
  if (c->argc >= 1 && strcmp(c->argv[0], "search") == 0) {
    json_t *list = NULL;
    c->used[0] = true;
    if (text == NULL) {
      ERR_SET(&e, APP_EINVAL, "terms search: --text WORDS is required");
      return cli_fail(&e);
    }
    if (cli_open_study(c, &db, &a, &e) != APP_OK) {
      return cli_fail(&e);
    }
    rc = store_terms_search(db, text, 20, &list, &e);
    db_close(db);
    if (rc != APP_OK) {
      return cli_fail(&e);
    }
    if (json) {
      json_t *o = json_pack("{s:o}", "terms", list);
      cli_print_json(o);
      json_decref(o);
    } else {
      size_t i;
      for (i = 0; i < json_array_size(list); i++) {
        json_t *t = json_array_get(list, i);
        printf("%-10s %s  (%s)\n",
               json_string_value(json_object_get(t, "code")),
               json_string_value(json_object_get(t, "term")),
               json_string_value(json_object_get(t, "soc")));
      }
      json_decref(list);
    }
    return 0;
  }
  ERR_SET(&e, APP_EINVAL, "terms: expected 'terms import --input FILE' or "
          "'terms search --text WORDS'");
  return cli_fail(&e);
}
