/*
** ps_frame.c: load a binary response, covariates, factors and weights from
** a CSV file for `stats logistic` and `stats ps` (see ps_frame.h).
**
** Why: stats_frame.c serves survival models (time and event required); the
** logistic and propensity commands need a 0/1 column instead, plus the CSV
** row of each kept row so that `ps --out` can write the scores next to the
** input rows.
**
** Invariants: every role array has one entry per kept row; a dropped row
** contributes nothing (not even a factor level); text columns are coded
** with a small level table (the response stops at a third value, factors
** at PF_MAX_LEVELS levels), numeric columns parsed with csv_parse_double.
**
** Workload: streams the file once; memory is 8 bytes per used numeric cell
** and 4 per text cell, plus the design matrix.
*/
#include "ps_frame.h"

#include "../core/csv.h"
#include "../core/mem.h"

#include <stdlib.h>
#include <string.h>

/* Most levels a factor may have (an ID column by mistake stops here). */
#define PF_MAX_LEVELS 1000

/* Roles of the used columns. */
enum pf_role {
  PF_RESPONSE, /* the 0/1 column, coded as text first */
  PF_NUMERIC,  /* a numeric covariate */
  PF_FACTOR,   /* a factor covariate */
  PF_WEIGHT    /* case weights */
};

/* One used column. */
struct pf_col {
  char *name;          /* column name (owned) */
  enum pf_role role;   /* what it is */
  const char *opt;     /* option naming it, for messages */
  size_t idx;          /* field index in a record */
  double *num;         /* numeric values per kept row (owned) */
  int32_t *code;       /* level codes per kept row (owned), text roles */
  char **levels;       /* level texts (owned) */
  int n_levels;        /* entries in levels */
  double cur;          /* this row's number */
  int32_t cur_code;    /* this row's code */
};

/* Loader state. */
struct pf_load {
  struct pf_col *cols; /* used columns */
  int n_cols;          /* entries in cols */
  int64_t n;           /* rows kept */
  int64_t cap;         /* rows allocated */
  int64_t *row;        /* CSV data row per kept row */
};

/* Add one column. */
static void pf_add(struct pf_load *L, const char *name, size_t len,
                   enum pf_role role, const char *opt) {
  struct pf_col *c;
  L->cols = xreallocarray(L->cols, (size_t)L->n_cols + 1, sizeof(*L->cols));
  c = &L->cols[L->n_cols++];
  memset(c, 0, sizeof(*c));
  c->name = xstrndup(name, len);
  c->role = role;
  c->opt = opt;
}

/* Add each name of a comma-separated list. */
static int pf_add_list(struct pf_load *L, const char *list, enum pf_role role,
                       const char *opt, struct err *e) {
  const char *p = list;
  while (1) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    if (len == 0) {
      return ERR_SET(e, APP_EINVAL, "%s: empty column name in '%s'", opt,
                     list);
    }
    pf_add(L, p, len, role, opt);
    if (q == NULL) {
      break;
    }
    p = q + 1;
  }
  return APP_OK;
}

/* Free the loader's columns (what was not moved into the frame). */
static void pf_load_free(struct pf_load *L) {
  int i, k;
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    xfree(c->name);
    xfree(c->num);
    xfree(c->code);
    for (k = 0; k < c->n_levels; k++) {
      xfree(c->levels[k]);
    }
    xfree(c->levels);
  }
  xfree(L->cols);
  xfree(L->row);
  memset(L, 0, sizeof(*L));
}

/* Code of text p[0..n) in column c, adding a level; -1 when the column
** has too many levels. */
static int32_t pf_level(struct pf_col *c, const char *p, size_t n,
                        int max_levels) {
  int k;
  for (k = 0; k < c->n_levels; k++) {
    if (strlen(c->levels[k]) == n && memcmp(c->levels[k], p, n) == 0) {
      return k;
    }
  }
  if (c->n_levels >= max_levels) {
    return -1;
  }
  c->levels = xreallocarray(c->levels, (size_t)c->n_levels + 1,
                            sizeof(*c->levels));
  c->levels[c->n_levels] = xstrndup(p, n);
  return c->n_levels++;
}

/* Trimmed field bytes. */
static void pf_trim(const struct csv_field *fl, const char **p, size_t *n) {
  const char *s = fl->p;
  size_t len = fl->len;
  while (len > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
    len--;
  }
  *p = s;
  *n = len;
}

/* Parse the used fields of the current record into cur/cur_code.  Returns
** 1 to keep, 0 to drop (a missing value), or -1 with *e set. */
static int pf_parse_row(struct pf_load *L, const struct csv_reader *r,
                        struct err *e) {
  int i, keep = 1;
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    const struct csv_field *fl = &r->fields[c->idx];
    if (csv_is_missing(fl)) {
      if (c->role == PF_WEIGHT) {
        ERR_SET(e, APP_EINVAL, "%s '%s': missing weight in row %lld",
                c->opt, c->name, (long long)r->row);
        return -1;
      }
      keep = 0;
      continue;
    }
    if (c->role == PF_NUMERIC || c->role == PF_WEIGHT) {
      if (csv_parse_double(fl->p, fl->len, &c->cur) != 0) {
        ERR_SET(e, APP_EINVAL, "%s '%s': row %lld: '%.*s' is not a number",
                c->opt, c->name, (long long)r->row,
                (int)(fl->len > 40 ? 40 : fl->len), fl->p);
        return -1;
      }
      if (c->role == PF_WEIGHT && c->cur < 0.0) {
        ERR_SET(e, APP_EINVAL, "%s '%s': row %lld: negative weight %g",
                c->opt, c->name, (long long)r->row, c->cur);
        return -1;
      }
    }
  }
  if (!keep) {
    return 0;
  }
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    const char *p;
    size_t n;
    if (c->role != PF_RESPONSE && c->role != PF_FACTOR) {
      continue;
    }
    pf_trim(&r->fields[c->idx], &p, &n);
    c->cur_code = pf_level(c, p, n, c->role == PF_RESPONSE ? 2
                                                           : PF_MAX_LEVELS);
    if (c->cur_code < 0) {
      if (c->role == PF_RESPONSE) {
        ERR_SET(e, APP_EINVAL,
                "%s '%s': row %lld: a third value '%.*s' (expected two "
                "values, 0/1 or two texts)", c->opt, c->name,
                (long long)r->row, (int)(n > 40 ? 40 : n), p);
      } else {
        ERR_SET(e, APP_EINVAL, "%s '%s': more than %d levels", c->opt,
                c->name, PF_MAX_LEVELS);
      }
      return -1;
    }
  }
  return 1;
}

/* Append the current row. */
static void pf_append(struct pf_load *L, int64_t csv_row) {
  int i;
  if (L->n == L->cap) {
    int64_t cap = L->cap ? 2 * L->cap : 1024;
    for (i = 0; i < L->n_cols; i++) {
      struct pf_col *c = &L->cols[i];
      if (c->role == PF_NUMERIC || c->role == PF_WEIGHT) {
        c->num = xreallocarray(c->num, (size_t)cap, sizeof(double));
      } else {
        c->code = xreallocarray(c->code, (size_t)cap, sizeof(int32_t));
      }
    }
    L->row = xreallocarray(L->row, (size_t)cap, sizeof(int64_t));
    L->cap = cap;
  }
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    if (c->role == PF_NUMERIC || c->role == PF_WEIGHT) {
      c->num[L->n] = c->cur;
    } else {
      c->code[L->n] = c->cur_code;
    }
  }
  L->row[L->n] = csv_row;
  L->n++;
}

/* Sort key for factor levels. */
struct pf_lev {
  const char *text; /* level text (borrowed) */
  double num;       /* its value when all levels are numeric */
  int old;          /* code before sorting */
};

/* Numeric order. */
static int pf_cmp_num(const void *a, const void *b) {
  const struct pf_lev *x = a, *y = b;
  return (x->num > y->num) - (x->num < y->num);
}

/* Byte order. */
static int pf_cmp_text(const void *a, const void *b) {
  const struct pf_lev *x = a, *y = b;
  return strcmp(x->text, y->text);
}

/* Sort c's levels (numerically when all numeric) and recode rows.  Returns
** 1 when all levels were numeric. */
static int pf_sort_levels(struct pf_col *c, int64_t n) {
  struct pf_lev *v = xcalloc((size_t)c->n_levels + 1, sizeof(*v));
  int *map = xcalloc((size_t)c->n_levels + 1, sizeof(int));
  char **lv = xcalloc((size_t)c->n_levels + 1, sizeof(char *));
  int k, all_num = 1;
  int64_t i;
  for (k = 0; k < c->n_levels; k++) {
    v[k].text = c->levels[k];
    v[k].old = k;
    if (csv_parse_double(c->levels[k], strlen(c->levels[k]), &v[k].num)) {
      all_num = 0;
    }
  }
  qsort(v, (size_t)c->n_levels, sizeof(*v), all_num ? pf_cmp_num
                                                    : pf_cmp_text);
  for (k = 0; k < c->n_levels; k++) {
    map[v[k].old] = k;
    lv[k] = c->levels[v[k].old];
  }
  for (i = 0; i < n; i++) {
    c->code[i] = map[c->code[i]];
  }
  xfree(c->levels);
  c->levels = lv;
  xfree(v);
  xfree(map);
  return all_num;
}

/* Find each used column in the header. */
static int pf_bind(struct pf_load *L, const struct csv_reader *r,
                   const char *path, struct err *e) {
  int i;
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    size_t k, len = strlen(c->name);
    int found = 0;
    for (k = 0; k < r->n_fields; k++) {
      const struct csv_field *fl = &r->fields[k];
      if (fl->len == len && memcmp(fl->p, c->name, len) == 0) {
        c->idx = k;
        found = 1;
        break;
      }
    }
    if (!found) {
      return ERR_SET(e, APP_EINVAL, "%s: no column '%s' in %s", c->opt,
                     c->name, path);
    }
  }
  return APP_OK;
}

/* Build the frame's response from the response column. */
static int pf_build_response(struct pf_col *c, struct ps_frame *f,
                             struct err *e) {
  double v[2] = {0.0, 0.0};
  int k, all_num = 1, one = -1;
  int64_t i;
  if (c->n_levels < 2) {
    return ERR_SET(e, APP_EINVAL,
                   "%s '%s': only one value ('%s') in the %lld rows used; "
                   "two groups are needed", c->opt, c->name,
                   c->n_levels ? c->levels[0] : "", (long long)f->n);
  }
  for (k = 0; k < 2; k++) {
    if (csv_parse_double(c->levels[k], strlen(c->levels[k]), &v[k])) {
      all_num = 0;
    }
  }
  if (all_num) {
    if (v[0] == v[1]) {
      return ERR_SET(e, APP_EINVAL, "%s '%s': only one value (%g); two "
                     "groups are needed", c->opt, c->name, v[0]);
    }
    for (k = 0; k < 2; k++) {
      if (!(v[k] == 0.0 || v[k] == 1.0)) {
        return ERR_SET(e, APP_EINVAL,
                       "%s '%s': value '%s' is not 0 or 1 (a numeric "
                       "column must be coded 0/1)", c->opt, c->name,
                       c->levels[k]);
      }
    }
    one = v[0] == 1.0 ? 0 : 1;
  } else {
    one = strcmp(c->levels[0], c->levels[1]) > 0 ? 0 : 1;
  }
  f->y_levels[0] = xstrdup(c->levels[1 - one]);
  f->y_levels[1] = xstrdup(c->levels[one]);
  for (i = 0; i < f->n; i++) {
    f->y[i] = c->code[i] == one ? 1.0 : 0.0;
  }
  return APP_OK;
}

/* Build the design matrix from the covariate and factor columns. */
static int pf_build_design(struct pf_load *L, struct ps_frame *f,
                           struct err *e) {
  int i, p = 0, t = 0;
  int64_t r;
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    if (c->role == PF_NUMERIC) {
      p++;
      f->n_terms++;
    } else if (c->role == PF_FACTOR) {
      pf_sort_levels(c, L->n);
      if (c->n_levels < 2) {
        return ERR_SET(e, APP_EINVAL,
                       "%s '%s': constant (one level '%s' in the rows "
                       "used); drop it from the model", c->opt, c->name,
                       c->n_levels ? c->levels[0] : "");
      }
      p += c->n_levels - 1;
      f->n_terms++;
    }
  }
  f->p = p;
  f->x = p ? xmallocarray((size_t)p * (size_t)(L->n ? L->n : 1),
                          sizeof(double)) : NULL;
  f->x_names = xcalloc((size_t)p + 1, sizeof(char *));
  f->term_of_col = xcalloc((size_t)p + 1, sizeof(int));
  f->term_names = xcalloc((size_t)f->n_terms + 1, sizeof(char *));
  p = 0;
  for (i = 0; i < L->n_cols; i++) {
    struct pf_col *c = &L->cols[i];
    if (c->role == PF_NUMERIC) {
      double *x = f->x + (int64_t)p * L->n;
      int is_const = 1;
      for (r = 0; r < L->n; r++) {
        x[r] = c->num[r];
        if (x[r] != x[0]) {
          is_const = 0;
        }
      }
      if (is_const && L->n > 0) {
        return ERR_SET(e, APP_EINVAL,
                       "%s '%s': constant (every row used has %g); drop it "
                       "from the model", c->opt, c->name, x[0]);
      }
      f->x_names[p] = xstrdup(c->name);
      f->term_of_col[p] = t;
      p++;
      f->term_names[t++] = xstrdup(c->name);
    } else if (c->role == PF_FACTOR) {
      int k;
      size_t nl = strlen(c->name);
      for (k = 1; k < c->n_levels; k++) {
        double *x = f->x + (int64_t)p * L->n;
        size_t ll = strlen(c->levels[k]);
        char *nm = xmalloc(nl + ll + 2);
        memcpy(nm, c->name, nl);
        nm[nl] = '=';
        memcpy(nm + nl + 1, c->levels[k], ll + 1);
        for (r = 0; r < L->n; r++) {
          x[r] = c->code[r] == k ? 1.0 : 0.0;
        }
        f->x_names[p] = nm;
        f->term_of_col[p] = t;
        p++;
      }
      f->term_names[t++] = xstrdup(c->name);
    }
  }
  return APP_OK;
}

int ps_frame_load(const struct ps_frame_spec *spec, struct ps_frame *f,
                  struct err *e) {
  struct pf_load L;
  struct csv_reader r;
  int rc, got, i, is_open = 0;
  memset(&L, 0, sizeof(L));
  memset(f, 0, sizeof(*f));
  if (spec->data_path == NULL) {
    return ERR_SET(e, APP_EINVAL, "--data: missing (the CSV file)");
  }
  if (spec->response == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: missing (the 0/1 column)",
                   spec->response_opt);
  }
  pf_add(&L, spec->response, strlen(spec->response), PF_RESPONSE,
         spec->response_opt);
  rc = APP_OK;
  if (spec->covariates) {
    rc = pf_add_list(&L, spec->covariates, PF_NUMERIC, "--covariates", e);
  }
  if (rc == APP_OK && spec->factors) {
    rc = pf_add_list(&L, spec->factors, PF_FACTOR, "--factor", e);
  }
  if (rc == APP_OK && spec->weights) {
    pf_add(&L, spec->weights, strlen(spec->weights), PF_WEIGHT, "--weights");
  }
  if (rc != APP_OK) {
    goto out;
  }
  if (L.n_cols == 1 + (spec->weights != NULL)) {
    rc = ERR_SET(e, APP_EINVAL,
                 "--covariates: missing (at least one covariate or "
                 "--factor)");
    goto out;
  }
  rc = csv_open(&r, spec->data_path, e);
  if (rc != APP_OK) {
    goto out;
  }
  is_open = 1;
  got = csv_next(&r, e);
  if (got <= 0) {
    rc = got < 0 ? e->code : ERR_SET(e, APP_EINVAL, "--data: %s is empty",
                                     spec->data_path);
    goto out;
  }
  f->n_header = (int)r.n_fields;
  rc = pf_bind(&L, &r, spec->data_path, e);
  if (rc != APP_OK) {
    goto out;
  }
  while ((got = csv_next(&r, e)) > 0) {
    int keep;
    f->n_read++;
    if ((int)r.n_fields != f->n_header) {
      rc = ERR_SET(e, APP_EINVAL, "--data: row %lld has %zu fields, the "
                   "header %d", (long long)r.row, r.n_fields, f->n_header);
      goto out;
    }
    keep = pf_parse_row(&L, &r, e);
    if (keep < 0) {
      rc = e->code;
      goto out;
    }
    if (keep == 0) {
      f->n_dropped++;
      continue;
    }
    pf_append(&L, r.row);
  }
  if (got < 0) {
    rc = e->code;
    goto out;
  }
  f->n = L.n;
  if (f->n == 0) {
    rc = ERR_SET(e, APP_EINVAL, "--data: no complete rows (%lld read, "
                 "%lld with a missing value)", (long long)f->n_read,
                 (long long)f->n_dropped);
    goto out;
  }
  f->y = xmallocarray((size_t)f->n, sizeof(double));
  rc = pf_build_response(&L.cols[0], f, e);
  if (rc == APP_OK) {
    rc = pf_build_design(&L, f, e);
  }
  if (rc != APP_OK) {
    goto out;
  }
  for (i = 0; i < L.n_cols; i++) {
    if (L.cols[i].role == PF_WEIGHT) {
      f->weight = L.cols[i].num;
      L.cols[i].num = NULL;
    }
  }
  f->row = L.row;
  L.row = NULL;
out:
  if (is_open) {
    csv_close(&r);
  }
  pf_load_free(&L);
  if (rc != APP_OK) {
    ps_frame_free(f);
  }
  return rc;
}

/* Free an array of n strings. */
static void pf_free_strings(char **s, int n) {
  int i;
  if (s == NULL) {
    return;
  }
  for (i = 0; i < n; i++) {
    xfree(s[i]);
  }
  xfree(s);
}

void ps_frame_free(struct ps_frame *f) {
  xfree(f->y);
  xfree(f->y_levels[0]);
  xfree(f->y_levels[1]);
  xfree(f->x);
  pf_free_strings(f->x_names, f->p);
  pf_free_strings(f->term_names, f->n_terms);
  xfree(f->term_of_col);
  xfree(f->weight);
  xfree(f->row);
  memset(f, 0, sizeof(*f));
}
