/*
** stats_frame.c: the columns a survival command uses, from a CSV file or
** a study's frame (see stats_frame.h).
**
** Why: R's survival functions take a data frame; hccstudy's take arrays.
** This is a thin spec over the shared column loader (colframe.c), which
** reads, checks and codes the columns; here the roles are named (time
** >= 0, event 1/0 or 2/1, weights > 0 ...) and the design matrix is built
** from the covariates and the dummies of each factor.
**
** Invariants: all role arrays have n rows, in input order; the design
** matrix holds the covariates first, then the factors' dummies, each in
** the order given.
*/
#include "stats_frame.h"

#include "../core/buf.h"
#include "../core/mem.h"
#include "colframe.h"

#include <stdlib.h>
#include <string.h>

/* The role of a column; decides where its array goes. */
enum sf_role {
  SF_TIME,
  SF_EVENT,
  SF_COVARIATE,
  SF_FACTOR,
  SF_STRATA,
  SF_WEIGHT,
  SF_CLUSTER,
  SF_GROUP
};

/* The column specs being built. */
struct sf_cols {
  struct colframe_colspec *c; /* n specs (names owned) */
  enum sf_role *role;         /* n roles */
  size_t n;
};

/* Add a column in a role; name[0..len) is copied. */
static struct colframe_colspec *sf_add(struct sf_cols *L, const char *name,
                                       size_t len, enum sf_role role,
                                       const char *opt) {
  struct colframe_colspec *c;
  L->c = xreallocarray(L->c, L->n + 1, sizeof(*L->c));
  L->role = xreallocarray(L->role, L->n + 1, sizeof(*L->role));
  c = &L->c[L->n];
  memset(c, 0, sizeof(*c));
  L->role[L->n++] = role;
  c->name = xstrndup(name, len);
  c->opt = opt;
  switch (role) {
  case SF_TIME:
    c->bound = COLFRAME_GE0;
    c->noun = "time";
    break;
  case SF_WEIGHT:
    c->bound = COLFRAME_GT0;
    c->noun = "weight";
    break;
  case SF_FACTOR:
  case SF_STRATA:
  case SF_GROUP:
    c->type = COLFRAME_TEXT;
    c->sort_levels = true;
    break;
  case SF_CLUSTER:
    /* Cluster codes need only be distinct: no sorting, no texts. */
    c->type = COLFRAME_TEXT;
    c->codes_only = true;
    break;
  default:
    break;
  }
  return c;
}

/* Add every name of a comma-separated list (spaces around names ignored).
** Returns APP_OK, or APP_EINVAL for an empty name. */
static int sf_add_list(struct sf_cols *L, const char *list, enum sf_role role,
                       const char *opt, struct err *e) {
  const char *p = list;
  if (list == NULL) {
    return APP_OK;
  }
  for (;;) {
    const char *q = strchr(p, ',');
    const char *end = q ? q : p + strlen(p);
    const char *a = p;
    while (a < end && (*a == ' ' || *a == '\t')) {
      a++;
    }
    while (end > a && (end[-1] == ' ' || end[-1] == '\t')) {
      end--;
    }
    if (end == a) {
      return ERR_SET(e, APP_EINVAL, "%s: empty column name in \"%s\"", opt,
                     list);
    }
    sf_add(L, a, (size_t)(end - a), role, opt);
    if (q == NULL) {
      break;
    }
    p = q + 1;
  }
  return APP_OK;
}

/* Add a single column when named. */
static void sf_add_one(struct sf_cols *L, const char *name, enum sf_role role,
                       const char *opt) {
  if (name != NULL) {
    sf_add(L, name, strlen(name), role, opt);
  }
}

static void sf_cols_free(struct sf_cols *L) {
  size_t j;
  for (j = 0; j < L->n; j++) {
    xfree((char *)(uintptr_t)L->c[j].name);
  }
  xfree(L->c);
  xfree(L->role);
  memset(L, 0, sizeof(*L));
}

/* Move the loaded columns into f (taking their arrays). */
static void sf_build(const struct sf_cols *L, struct colframe *cf,
                     struct stats_frame *f) {
  int64_t n = cf->n;
  int64_t i;
  size_t j;
  int p = 0;
  int col = 0;
  int term = 0;
  for (j = 0; j < L->n; j++) {
    if (L->role[j] == SF_COVARIATE) {
      p++;
      f->n_terms++;
    } else if (L->role[j] == SF_FACTOR) {
      int nl = cf->cols[j].n_levels;
      p += nl > 1 ? nl - 1 : 0;
      f->n_terms++;
    }
  }
  f->p = p;
  f->x = p > 0 ? xmallocarray((size_t)n * (size_t)p, sizeof(double)) : NULL;
  f->x_names = xcalloc((size_t)p + 1, sizeof(char *));
  f->term_of_col = xcalloc((size_t)p + 1, sizeof(int));
  f->term_names = xcalloc((size_t)f->n_terms + 1, sizeof(char *));
  /* Covariates first, then factors, each in the order given. */
  for (j = 0; j < L->n; j++) {
    struct colframe_col *c = &cf->cols[j];
    if (L->role[j] != SF_COVARIATE) {
      continue;
    }
    memcpy(f->x + (size_t)col * (size_t)n, c->num, (size_t)n * sizeof(double));
    xfree(c->num);
    c->num = NULL;
    f->x_names[col] = xstrdup(L->c[j].name);
    f->term_of_col[col] = term;
    f->term_names[term] = xstrdup(L->c[j].name);
    col++;
    term++;
  }
  for (j = 0; j < L->n; j++) {
    struct colframe_col *c = &cf->cols[j];
    int32_t k;
    if (L->role[j] != SF_FACTOR) {
      continue;
    }
    for (k = 1; k < c->n_levels; k++) {
      double *xc = f->x + (size_t)col * (size_t)n;
      struct buf b;
      for (i = 0; i < n; i++) {
        xc[i] = c->code[i] == k ? 1.0 : 0.0;
      }
      buf_init(&b, 0);
      buf_appendf(&b, "%s=%s", L->c[j].name, c->levels[k]);
      f->x_names[col] = buf_detach(&b);
      f->term_of_col[col] = term;
      col++;
    }
    f->term_names[term] = xstrdup(L->c[j].name);
    term++;
  }
  for (j = 0; j < L->n; j++) {
    struct colframe_col *c = &cf->cols[j];
    switch (L->role[j]) {
    case SF_TIME:
      if (f->time == NULL) {
        f->time = c->num;
        c->num = NULL;
      }
      break;
    case SF_EVENT:
      if (f->status == NULL) {
        f->status = c->ival;
        c->ival = NULL;
      }
      break;
    case SF_WEIGHT:
      if (f->weight == NULL) {
        f->weight = c->num;
        c->num = NULL;
      }
      break;
    case SF_STRATA:
      if (f->strata == NULL) {
        f->strata = c->code;
        c->code = NULL;
        f->n_strata = c->n_levels;
        f->strata_levels = c->levels;
        c->levels = NULL;
      }
      break;
    case SF_GROUP:
      if (f->group == NULL) {
        f->group = c->code;
        c->code = NULL;
        f->n_groups = c->n_levels;
        f->group_levels = c->levels;
        c->levels = NULL;
      }
      break;
    case SF_CLUSTER:
      if (f->cluster == NULL) {
        f->cluster = c->code;
        c->code = NULL;
        f->n_clusters = c->n_levels;
      }
      break;
    default:
      break;
    }
  }
}

int stats_frame_load(const struct stats_frame_spec *spec, struct stats_frame *f,
                     struct err *e) {
  struct sf_cols L;
  struct colframe_spec cs;
  struct colframe cf;
  int rc;
  memset(f, 0, sizeof(*f));
  memset(&L, 0, sizeof(L));
  memset(&cf, 0, sizeof(cf));
  if (spec->data_path == NULL && spec->study == NULL) {
    return ERR_SET(e, APP_EINVAL,
                   "--data: missing (a CSV file, or - for "
                   "standard input)");
  }
  if (spec->time == NULL) {
    return ERR_SET(e, APP_EINVAL, "--time: missing (the time column)");
  }
  if (spec->event != NULL && spec->censor != NULL) {
    return ERR_SET(e, APP_EINVAL,
                   "--censor: not with --event (one of "
                   "them names the event)");
  }
  if (spec->event == NULL && spec->censor == NULL) {
    return ERR_SET(e, APP_EINVAL, "--event: missing (the event column)");
  }
  sf_add_one(&L, spec->time, SF_TIME, "--time");
  if (spec->event != NULL) {
    sf_add(&L, spec->event, strlen(spec->event), SF_EVENT, "--event")->type =
        COLFRAME_EVENT;
  } else {
    sf_add(&L, spec->censor, strlen(spec->censor), SF_EVENT, "--censor")->type =
        COLFRAME_CNSR;
  }
  rc = sf_add_list(&L, spec->covariates, SF_COVARIATE, "--covariates", e);
  if (rc == APP_OK) {
    rc = sf_add_list(&L, spec->factors, SF_FACTOR, "--factor", e);
  }
  if (rc != APP_OK) {
    sf_cols_free(&L);
    return rc;
  }
  sf_add_one(&L, spec->strata, SF_STRATA, "--strata");
  sf_add_one(&L, spec->weights, SF_WEIGHT, "--weights");
  sf_add_one(&L, spec->cluster, SF_CLUSTER, "--cluster");
  sf_add_one(&L, spec->group, SF_GROUP, "--group");
  memset(&cs, 0, sizeof(cs));
  cs.cols = L.c;
  cs.n_cols = L.n;
  cs.path = spec->study ? NULL : spec->data_path;
  cs.frame = spec->study;
  cs.frame_what = spec->study_what;
  cs.trim_header = true;
  rc = colframe_load(&cs, &cf, e);
  if (rc == APP_OK) {
    f->n = cf.n;
    f->n_read = cf.n_read;
    f->n_dropped = cf.n_dropped;
    sf_build(&L, &cf, f);
  }
  colframe_free(&cf);
  sf_cols_free(&L);
  return rc;
}

void stats_frame_free(struct stats_frame *f) {
  xfree(f->time);
  xfree(f->status);
  xfree(f->x);
  colframe_free_strings(f->x_names, f->p);
  xfree(f->term_of_col);
  colframe_free_strings(f->term_names, f->n_terms);
  xfree(f->weight);
  xfree(f->strata);
  colframe_free_strings(f->strata_levels, f->n_strata);
  xfree(f->cluster);
  xfree(f->group);
  colframe_free_strings(f->group_levels, f->n_groups);
  memset(f, 0, sizeof(*f));
}
