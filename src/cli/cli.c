/*
** cli.c: option parsing, input reading and output shared by all commands.
*/
#include "cli.h"

#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../core/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cli_command *cli_find(const char *name, bool *ambiguous) {
  const struct cli_command *hit = NULL;
  size_t n = strlen(name);
  int i;
  *ambiguous = false;
  for (i = 0; i < cli_n_commands; i++) {
    if (strcmp(cli_commands[i].name, name) == 0) {
      return &cli_commands[i];
    }
  }
  for (i = 0; i < cli_n_commands; i++) {
    if (n > 0 && strncmp(cli_commands[i].name, name, n) == 0) {
      if (hit != NULL) {
        *ambiguous = true;
        return NULL;
      }
      hit = &cli_commands[i];
    }
  }
  return hit;
}

const char *cli_opt(struct cli *c, const char *name) {
  size_t n = strlen(name);
  int i;
  for (i = 0; i < c->argc; i++) {
    const char *a = c->argv[i];
    if (c->used[i] || strncmp(a, name, n) != 0) {
      continue;
    }
    if (a[n] == '=') {
      c->used[i] = true;
      return a + n + 1;
    }
    if (a[n] == '\0' && i + 1 < c->argc) {
      c->used[i] = true;
      c->used[i + 1] = true;
      return c->argv[i + 1];
    }
  }
  return NULL;
}

bool cli_flag(struct cli *c, const char *name) {
  int i;
  for (i = 0; i < c->argc; i++) {
    if (!c->used[i] && strcmp(c->argv[i], name) == 0) {
      c->used[i] = true;
      return true;
    }
  }
  return false;
}

int cli_done(struct cli *c, struct err *e) {
  int i;
  for (i = 0; i < c->argc; i++) {
    if (!c->used[i]) {
      if (strncmp(c->argv[i], "--", 2) == 0) {
        return ERR_SET(e, APP_EINVAL,
                       "%s: unknown option or missing value: %s (see "
                       "'hccstudy help %s')",
                       c->name, c->argv[i], c->name);
      }
      return ERR_SET(e, APP_EINVAL, "%s: unexpected argument: %s", c->name,
                     c->argv[i]);
    }
  }
  return APP_OK;
}

int cli_read_file(const char *path, struct buf *b, size_t max,
                  struct err *e) {
  FILE *f;
  char chunk[65536];
  size_t n;
  int rc = APP_OK;
  int is_stdin = strcmp(path, "-") == 0;
  f = is_stdin ? stdin : fopen(path, "rb");
  if (f == NULL) {
    return ERR_SET(e, APP_EINVAL, "cannot open %s: %s", path,
                   strerror(errno));
  }
  b->max = max;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    if (buf_append(b, chunk, n) != APP_OK) {
      rc = ERR_SET(e, APP_EINVAL, "%s: larger than %zu bytes",
                   is_stdin ? "standard input" : path, max);
      break;
    }
  }
  if (rc == APP_OK && ferror(f)) {
    rc = ERR_SET(e, APP_EIO, "error reading %s", path);
  }
  if (!is_stdin) {
    fclose(f);
  }
  return rc;
}

int cli_read_json(const char *input_path, json_t **out, struct err *e) {
  struct buf b;
  int rc;
  const char *what = input_path ? input_path : "standard input";
  buf_init(&b, JX_MAX_INPUT);
  rc = cli_read_file(input_path ? input_path : "-", &b, JX_MAX_INPUT, e);
  if (rc == APP_OK) {
    if (b.len == 0) {
      rc = ERR_SET(e, APP_EINVAL, "%s: empty input, expected a JSON object",
                   what);
    } else {
      *out = jx_parse(buf_str(&b), b.len, what, e);
      if (*out == NULL) {
        rc = APP_EINVAL;
      } else if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        rc = ERR_SET(e, APP_EINVAL, "%s: expected a JSON object", what);
      }
    }
  }
  buf_reset(&b);
  return rc;
}

void cli_print_json(const json_t *v) {
  struct buf b;
  buf_init(&b, 0);
  jx_dump(v, &b, true);
  buf_putc(&b, '\n');
  fwrite(b.data, 1, b.len, stdout);
  buf_reset(&b);
}

int cli_fail(const struct err *e) {
  fprintf(stderr, "hccstudy: %s\n", e->msg[0] ? e->msg : "failed");
  return err_exit_status(e->code);
}

int cli_parse_double(const char *opt, const char *text, double *out,
                     struct err *e) {
  if (str_to_double(text, out) != 0) {
    return ERR_SET(e, APP_EINVAL, "%s: \"%.40s\" is not a number", opt, text);
  }
  return APP_OK;
}

int cli_parse_long(const char *opt, const char *text, long lo, long hi,
                   long *out, struct err *e) {
  int64_t v;
  if (str_to_i64(text, &v) != 0 || v < lo || v > hi) {
    return ERR_SET(e, APP_EINVAL, "%s: \"%.40s\" is not a whole number "
                   "from %ld to %ld", opt, text, lo, hi);
  }
  *out = (long)v;
  return APP_OK;
}

int cli_parse_date(const char *opt, const char *text, date_t *out,
                   struct err *e) {
  if (date_parse(text, out) != 0) {
    return ERR_SET(e, APP_EINVAL, "%s: \"%.40s\" is not a date (YYYY-MM-DD)",
                   opt, text);
  }
  return APP_OK;
}

void cli_warn_unknown_keys(const json_t *obj, const char *const *known,
                           const char *ctx) {
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
    int i;
    int found = 0;
    (void)v;
    for (i = 0; known[i] != NULL; i++) {
      if (strcmp(known[i], key) == 0) {
        found = 1;
        break;
      }
    }
    if (!found) {
      fprintf(stderr, "hccstudy: warning: unknown key %s%s%s ignored\n",
              ctx, ctx[0] ? "." : "", key);
    }
  }
}

int cli_parse_freeze(const char *s, int64_t *id, struct err *e) {
  char *end = NULL;
  long long v;
  *id = 0;
  if (s == NULL) {
    return APP_OK;
  }
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < 1) {
    return ERR_FIELD(e, APP_EINVAL, "--freeze",
                     "--freeze: expected a freeze id (1, 2, ...), not '%s'",
                     s);
  }
  *id = v;
  return APP_OK;
}
