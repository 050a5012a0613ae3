/*
** ps_frame.c: a binary response, covariates, factors and weights for
** `stats logistic` and `stats ps`, from a CSV file or a study's frame (see
** ps_frame.h).
**
** Why: stats_frame.c serves survival models (time and event required); the
** logistic and propensity commands need a 0/1 column instead, plus the
** data row of each kept row so that `ps --out` can write the scores next
** to the input rows.  This is a thin spec over the shared column loader
** (colframe.c) with this command family's own wording of bad input.
**
** Invariants: every role array has one entry per kept row; a dropped row
** contributes nothing (not even a factor level); the response stops at a
** third value, a factor at PF_MAX_LEVELS levels.
*/
#include "ps_frame.h"

#include "../core/csv.h"
#include "../core/mem.h"
#include "colframe.h"

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

/* The column specs being built, and the loaded columns. */
struct pf_load {
  struct colframe_colspec *spec; /* n_cols specs (names owned) */
  enum pf_role *role;            /* n_cols roles */
  int n_cols;
  struct colframe cf; /* the loaded columns */
  int64_t n;          /* rows kept */
};

/* Add one column. */
static void pf_add(struct pf_load *L, const char *name, size_t len,
                   enum pf_role role, const char *opt) {
  struct colframe_colspec *c;
  L->spec = xreallocarray(L->spec, (size_t)L->n_cols + 1, sizeof(*L->spec));
  L->role = xreallocarray(L->role, (size_t)L->n_cols + 1, sizeof(*L->role));
  c = &L->spec[L->n_cols];
  memset(c, 0, sizeof(*c));
  L->role[L->n_cols++] = role;
  c->name = xstrndup(name, len);
  c->opt = opt;
  switch (role) {
  case PF_RESPONSE:
    c->type = COLFRAME_TEXT;
    c->trim = true;
    c->max_levels = 2;
    break;
  case PF_FACTOR:
    c->type = COLFRAME_TEXT;
    c->trim = true;
    c->sort_levels = true;
    c->max_levels = PF_MAX_LEVELS;
    break;
  case PF_WEIGHT:
    c->bound = COLFRAME_GE0;
    c->noun = "weight";
    c->required = true;
    break;
  case PF_NUMERIC:
    break;
  }
}

/* Add each name of a comma-separated list. */
static int pf_add_list(struct pf_load *L, const char *list, enum pf_role role,
                       const char *opt, struct err *e) {
  const char *p = list;
  while (1) {
    const char *q = strchr(p, ',');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    if (len == 0) {
      return ERR_SET(e, APP_EINVAL, "%s: empty column name in '%s'", opt, list);
    }
    pf_add(L, p, len, role, opt);
    if (q == NULL) {
      break;
    }
    p = q + 1;
  }
  return APP_OK;
}

/* Free the specs and what the loaded columns still own. */
static void pf_load_free(struct pf_load *L) {
  int i;
  for (i = 0; i < L->n_cols; i++) {
    xfree((char *)(uintptr_t)L->spec[i].name);
  }
  xfree(L->spec);
  xfree(L->role);
  colframe_free(&L->cf);
  memset(L, 0, sizeof(*L));
}

/* This family's wording of bad input (ctx: the --data path, or NULL for a
** study). */
static int pf_fault(const struct colframe_fault_info *fi, struct err *e) {
  const struct colframe_colspec *c = fi->col;
  const char *path = fi->ctx;
  const char *opt = path != NULL ? "--data" : "--db";
  long long row = (long long)fi->row;
  int len = (int)(fi->len > 40 ? 40 : fi->len);
  switch (fi->kind) {
  case COLFRAME_F_UNKNOWN_COLUMN:
    return ERR_SET(e, APP_EINVAL, "%s: no column '%s' in %s", c->opt, c->name,
                   path != NULL ? path : fi->what);
  case COLFRAME_F_NOT_NUMBER:
    return ERR_SET(e, APP_EINVAL,
                   "%s '%s': row %lld: '%.*s' is not a "
                   "number",
                   c->opt, c->name, row, len, fi->text);
  case COLFRAME_F_BOUND:
    return ERR_SET(e, APP_EINVAL, "%s '%s': row %lld: negative weight %g",
                   c->opt, c->name, row, fi->value);
  case COLFRAME_F_MISSING:
    return ERR_SET(e, APP_EINVAL, "%s '%s': missing weight in row %lld", c->opt,
                   c->name, row);
  case COLFRAME_F_LEVELS:
    if (c->max_levels == 2) {
      return ERR_SET(e, APP_EINVAL,
                     "%s '%s': row %lld: a third value "
                     "'%.*s' (expected two values, 0/1 or two texts)",
                     c->opt, c->name, row, len, fi->text);
    }
    return ERR_SET(e, APP_EINVAL, "%s '%s': more than %d levels", c->opt,
                   c->name, c->max_levels);
  case COLFRAME_F_FIELDS:
    return ERR_SET(e, APP_EINVAL,
                   "%s: row %lld has %zu fields, the header "
                   "%d",
                   opt, row, fi->n_fields, (int)fi->n_header);
  case COLFRAME_F_EMPTY:
    return ERR_SET(e, APP_EINVAL, "%s: %s is empty", opt,
                   path != NULL ? path : fi->what);
  case COLFRAME_F_NO_ROWS:
  case COLFRAME_F_ALL_MISSING:
    return ERR_SET(e, APP_EINVAL,
                   "%s: no complete rows (%lld read, %lld "
                   "with a missing value)",
                   opt, (long long)fi->n_read, (long long)fi->n_dropped);
  default:
    return colframe_fault_default(fi, e);
  }
}

/* Build the frame's response from the response column (levels in the
** order first seen). */
static int pf_build_response(const struct colframe_colspec *s,
                             const struct colframe_col *c, struct ps_frame *f,
                             struct err *e) {
  double v[2] = {0.0, 0.0};
  int k, all_num = 1, one = -1;
  int64_t i;
  if (c->n_levels < 2) {
    return ERR_SET(e, APP_EINVAL,
                   "%s '%s': only one value ('%s') in the %lld rows used; "
                   "two groups are needed",
                   s->opt, s->name, c->n_levels ? c->levels[0] : "",
                   (long long)f->n);
  }
  for (k = 0; k < 2; k++) {
    if (csv_parse_double(c->levels[k], strlen(c->levels[k]), &v[k])) {
      all_num = 0;
    }
  }
  if (all_num) {
    if (v[0] == v[1]) {
      return ERR_SET(e, APP_EINVAL,
                     "%s '%s': only one value (%g); two "
                     "groups are needed",
                     s->opt, s->name, v[0]);
    }
    for (k = 0; k < 2; k++) {
      if (!(v[k] == 0.0 || v[k] == 1.0)) {
        return ERR_SET(e, APP_EINVAL,
                       "%s '%s': value '%s' is not 0 or 1 (a numeric "
                       "column must be coded 0/1)",
                       s->opt, s->name, c->levels[k]);
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

/* Build the design matrix from the covariate and factor columns (factor
** levels already sorted by the column loader). */
static int pf_build_design(struct pf_load *L, struct ps_frame *f,
                           struct err *e) {
  int i, p = 0, t = 0;
  int64_t r;
  for (i = 0; i < L->n_cols; i++) {
    const struct colframe_colspec *s = &L->spec[i];
    const struct colframe_col *c = &L->cf.cols[i];
    if (L->role[i] == PF_NUMERIC) {
      p++;
      f->n_terms++;
    } else if (L->role[i] == PF_FACTOR) {
      if (c->n_levels < 2) {
        return ERR_SET(e, APP_EINVAL,
                       "%s '%s': constant (one level '%s' in the rows "
                       "used); drop it from the model",
                       s->opt, s->name, c->n_levels ? c->levels[0] : "");
      }
      p += c->n_levels - 1;
      f->n_terms++;
    }
  }
  f->p = p;
  f->x = p ? xmallocarray((size_t)p * (size_t)(L->n ? L->n : 1), sizeof(double))
           : NULL;
  f->x_names = xcalloc((size_t)p + 1, sizeof(char *));
  f->term_of_col = xcalloc((size_t)p + 1, sizeof(int));
  f->term_names = xcalloc((size_t)f->n_terms + 1, sizeof(char *));
  p = 0;
  for (i = 0; i < L->n_cols; i++) {
    const struct colframe_colspec *s = &L->spec[i];
    const struct colframe_col *c = &L->cf.cols[i];
    if (L->role[i] == PF_NUMERIC) {
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
                       "from the model",
                       s->opt, s->name, x[0]);
      }
      f->x_names[p] = xstrdup(s->name);
      f->term_of_col[p] = t;
      p++;
      f->term_names[t++] = xstrdup(s->name);
    } else if (L->role[i] == PF_FACTOR) {
      int k;
      size_t nl = strlen(s->name);
      for (k = 1; k < c->n_levels; k++) {
        double *x = f->x + (int64_t)p * L->n;
        size_t ll = strlen(c->levels[k]);
        char *nm = xmalloc(nl + ll + 2);
        memcpy(nm, s->name, nl);
        nm[nl] = '=';
        memcpy(nm + nl + 1, c->levels[k], ll + 1);
        for (r = 0; r < L->n; r++) {
          x[r] = c->code[r] == k ? 1.0 : 0.0;
        }
        f->x_names[p] = nm;
        f->term_of_col[p] = t;
        p++;
      }
      f->term_names[t++] = xstrdup(s->name);
    }
  }
  return APP_OK;
}

int ps_frame_load(const struct ps_frame_spec *spec, struct ps_frame *f,
                  struct err *e) {
  struct pf_load L;
  struct colframe_spec cs;
  int rc, i;
  memset(&L, 0, sizeof(L));
  memset(f, 0, sizeof(*f));
  if (spec->data_path == NULL && spec->study == NULL) {
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
  memset(&cs, 0, sizeof(cs));
  cs.cols = L.spec;
  cs.n_cols = (size_t)L.n_cols;
  cs.path = spec->study ? NULL : spec->data_path;
  cs.frame = spec->study;
  cs.frame_what = spec->study_what;
  cs.keep_rows = true;
  cs.fault = pf_fault;
  cs.fault_ctx = cs.path;
  rc = colframe_load(&cs, &L.cf, e);
  if (rc != APP_OK) {
    goto out;
  }
  f->n_header = (int)L.cf.n_header;
  f->n_read = L.cf.n_read;
  f->n_dropped = L.cf.n_dropped;
  f->n = L.n = L.cf.n;
  f->y = xmallocarray((size_t)f->n, sizeof(double));
  rc = pf_build_response(&L.spec[0], &L.cf.cols[0], f, e);
  if (rc == APP_OK) {
    rc = pf_build_design(&L, f, e);
  }
  if (rc != APP_OK) {
    goto out;
  }
  for (i = 0; i < L.n_cols; i++) {
    if (L.role[i] == PF_WEIGHT) {
      f->weight = L.cf.cols[i].num;
      L.cf.cols[i].num = NULL;
    }
  }
  f->row = L.cf.row;
  L.cf.row = NULL;
out:
  pf_load_free(&L);
  if (rc != APP_OK) {
    ps_frame_free(f);
  }
  return rc;
}

void ps_frame_free(struct ps_frame *f) {
  xfree(f->y);
  xfree(f->y_levels[0]);
  xfree(f->y_levels[1]);
  xfree(f->x);
  colframe_free_strings(f->x_names, f->p);
  colframe_free_strings(f->term_names, f->n_terms);
  xfree(f->term_of_col);
  xfree(f->weight);
  xfree(f->row);
  memset(f, 0, sizeof(*f));
}
