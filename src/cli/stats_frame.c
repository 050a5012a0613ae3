/*
** stats_frame.c: load the columns a stats command uses from a CSV file
** (see stats_frame.h).
**
** Why: R's survival functions take a data frame; hccstudy's take arrays.
** This is the one place that turns a registry extract into those arrays and
** rejects bad input with a message naming the column and the 1-based data
** row (exit 2), never a crash.
**
** Design for 10^6-10^7 rows: the CSV is streamed (src/core/csv.h); only the
** used columns are kept; numeric columns are parsed straight into growable
** double arrays and text columns are interned (one copy of each level, an
** int32 code per row), so peak memory is about 8 bytes per used numeric
** cell plus 4 per text cell, plus the final design matrix.
**
** Invariants: all role arrays have the same length (rows kept so far); a
** row with a missing value (empty, NA, NaN) in any used column is counted
** in n_dropped and contributes nothing, not even a factor level.
*/
#include "stats_frame.h"

#include "../core/buf.h"
#include "../core/csv.h"
#include "../core/mem.h"

#include <stdlib.h>
#include <string.h>

/* Interned text levels of one column: an open-addressing hash table over
** an arena of NUL-terminated texts (one allocation for all levels, which
** matters for a --cluster id column with 10^6 distinct values). */
struct frame_intern {
  struct buf text;    /* the level texts, each followed by a NUL */
  size_t *off;        /* n_levels offsets of the texts in text */
  size_t *lens;       /* n_levels byte lengths */
  int32_t n_levels;   /* distinct texts seen */
  int32_t cap_levels; /* slots allocated in off/lens */
  int32_t *slots;     /* n_slots entries: level index + 1, 0 = empty */
  size_t n_slots;     /* table size, a power of two (0 before first use) */
  char **levels;      /* n_levels sorted texts (owned), after sorting */
};

/* The role a column plays; decides checks and where the result goes. */
enum frame_role {
  FRAME_TIME,      /* --time: numeric, >= 0 */
  FRAME_EVENT,     /* --event: numeric 0/1 (or 1/2) */
  FRAME_COVARIATE, /* --covariates: numeric */
  FRAME_FACTOR,    /* --factor: text, expanded into dummies */
  FRAME_STRATA,    /* --strata: text codes */
  FRAME_WEIGHT,    /* --weights: numeric, > 0 */
  FRAME_CLUSTER,   /* --cluster: text codes */
  FRAME_GROUP      /* --group: text codes */
};

/* One used column of the CSV, in one role. */
struct frame_col {
  char *name;               /* column name (owned) */
  enum frame_role role;     /* what it is used for */
  const char *opt;          /* option that named it, for messages */
  size_t csv_index;         /* field index in each record */
  int is_text;              /* 1: interned codes; 0: doubles */
  double *num;              /* numeric values (owned), when !is_text */
  int32_t *code;            /* level codes (owned), when is_text */
  int *ival;                /* event values 0/1/2 (owned), for the event
                               column: 4 bytes a row instead of 8 */
  struct frame_intern tab;  /* levels, when is_text */
  double cur;               /* this row's parsed number */
};

/* The loader's state (file-local). */
struct frame_load {
  struct frame_col *cols;   /* used columns */
  size_t n_cols;            /* entries in cols */
  int64_t n;                /* rows kept */
  int64_t cap;              /* rows allocated in every column array */
};

/* 64-bit FNV-1a of n bytes. */
static uint64_t frame_hash(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* Rebuild the slot table with n_slots entries. */
static void frame_intern_rehash(struct frame_intern *t, size_t n_slots) {
  int32_t i;
  xfree(t->slots);
  t->slots = xcalloc(n_slots, sizeof(*t->slots));
  t->n_slots = n_slots;
  for (i = 0; i < t->n_levels; i++) {
    size_t s = (size_t)frame_hash(t->text.data + t->off[i], t->lens[i]) &
               (n_slots - 1);
    while (t->slots[s] != 0) {
      s = (s + 1) & (n_slots - 1);
    }
    t->slots[s] = i + 1;
  }
}

/* The code of text p[0..n) in t, adding it as a new level if unseen. */
static int32_t frame_intern_get(struct frame_intern *t, const char *p,
                                size_t n) {
  size_t s;
  if (t->n_slots == 0 || (size_t)t->n_levels * 2 >= t->n_slots) {
    frame_intern_rehash(t, t->n_slots ? t->n_slots * 2 : 64);
  }
  s = (size_t)frame_hash(p, n) & (t->n_slots - 1);
  while (t->slots[s] != 0) {
    int32_t k = t->slots[s] - 1;
    if (t->lens[k] == n && memcmp(t->text.data + t->off[k], p, n) == 0) {
      return k;
    }
    s = (s + 1) & (t->n_slots - 1);
  }
  if (t->n_levels == t->cap_levels) {
    t->cap_levels = t->cap_levels ? 2 * t->cap_levels : 16;
    t->off = xreallocarray(t->off, (size_t)t->cap_levels, sizeof(*t->off));
    t->lens = xreallocarray(t->lens, (size_t)t->cap_levels,
                            sizeof(*t->lens));
  }
  t->off[t->n_levels] = t->text.len;
  t->lens[t->n_levels] = n;
  buf_append(&t->text, p, n);
  buf_putc(&t->text, '\0');
  t->slots[s] = t->n_levels + 1;
  return t->n_levels++;
}

/* Free an intern table, including its sorted levels unless they were
** handed over (set to NULL). */
static void frame_intern_free(struct frame_intern *t) {
  int32_t i;
  if (t->levels != NULL) {
    for (i = 0; i < t->n_levels; i++) {
      xfree(t->levels[i]);
    }
    xfree(t->levels);
  }
  buf_reset(&t->text);
  xfree(t->off);
  xfree(t->lens);
  xfree(t->slots);
  memset(t, 0, sizeof(*t));
}

/* Sort key of one level while ordering levels. */
struct frame_level_key {
  const char *text;  /* level text (borrowed from the arena) */
  double value;      /* numeric value, when all levels are numeric */
  int32_t old;       /* code before sorting */
};

/* qsort comparator: numeric value, then bytes. */
static int frame_cmp_num(const void *a, const void *b) {
  const struct frame_level_key *x = a;
  const struct frame_level_key *y = b;
  if (x->value < y->value) {
    return -1;
  }
  if (x->value > y->value) {
    return 1;
  }
  return strcmp(x->text, y->text);
}

/* qsort comparator: byte order (strcmp compares unsigned bytes). */
static int frame_cmp_text(const void *a, const void *b) {
  const struct frame_level_key *x = a;
  const struct frame_level_key *y = b;
  return strcmp(x->text, y->text);
}

/* Sort the levels of c (numerically when all are numbers, else by bytes),
** recode its n rows so that code 0 is the first level, and copy the sorted
** texts into c->tab.levels. */
static void frame_sort_levels(struct frame_col *c, int64_t n) {
  struct frame_intern *t = &c->tab;
  struct frame_level_key *k;
  int32_t *remap;
  int32_t i;
  int64_t r;
  int all_num = 1;
  if (t->n_levels == 0) {
    return;
  }
  k = xmallocarray((size_t)t->n_levels, sizeof(*k));
  for (i = 0; i < t->n_levels; i++) {
    k[i].text = t->text.data + t->off[i];
    k[i].old = i;
    k[i].value = 0;
    if (all_num && csv_parse_double(k[i].text, t->lens[i], &k[i].value)
        != 0) {
      all_num = 0;
    }
  }
  qsort(k, (size_t)t->n_levels, sizeof(*k),
        all_num ? frame_cmp_num : frame_cmp_text);
  remap = xmallocarray((size_t)t->n_levels, sizeof(*remap));
  t->levels = xmallocarray((size_t)t->n_levels, sizeof(*t->levels));
  for (i = 0; i < t->n_levels; i++) {
    remap[k[i].old] = i;
    t->levels[i] = xstrdup(k[i].text);
  }
  for (r = 0; r < n; r++) {
    c->code[r] = remap[c->code[r]];
  }
  xfree(remap);
  xfree(k);
}

/* Add a column in a role; name is copied. */
static void frame_add_col(struct frame_load *L, const char *name, size_t len,
                          enum frame_role role, const char *opt) {
  struct frame_col *c;
  L->cols = xreallocarray(L->cols, L->n_cols + 1, sizeof(*L->cols));
  c = &L->cols[L->n_cols++];
  memset(c, 0, sizeof(*c));
  c->name = xstrndup(name, len);
  c->role = role;
  c->opt = opt;
  c->is_text = role == FRAME_FACTOR || role == FRAME_STRATA ||
               role == FRAME_CLUSTER || role == FRAME_GROUP;
}

/* Add every name of a comma-separated list (spaces around names ignored).
** Returns APP_OK, or APP_EINVAL for an empty name. */
static int frame_add_list(struct frame_load *L, const char *list,
                          enum frame_role role, const char *opt,
                          struct err *e) {
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
    frame_add_col(L, a, (size_t)(end - a), role, opt);
    if (q == NULL) {
      break;
    }
    p = q + 1;
  }
  return APP_OK;
}

/* Free the loader's columns (and whatever arrays they still own). */
static void frame_load_free(struct frame_load *L) {
  size_t j;
  for (j = 0; j < L->n_cols; j++) {
    xfree(L->cols[j].name);
    xfree(L->cols[j].num);
    xfree(L->cols[j].code);
    xfree(L->cols[j].ival);
    frame_intern_free(&L->cols[j].tab);
  }
  xfree(L->cols);
  memset(L, 0, sizeof(*L));
}

/* Make room for one more row in every column array. */
static void frame_grow(struct frame_load *L) {
  size_t j;
  if (L->n < L->cap) {
    return;
  }
  L->cap = L->cap ? 2 * L->cap : 4096;
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    if (c->is_text) {
      c->code = xreallocarray(c->code, (size_t)L->cap, sizeof(*c->code));
    } else if (c->role == FRAME_EVENT) {
      c->ival = xreallocarray(c->ival, (size_t)L->cap, sizeof(*c->ival));
    } else {
      c->num = xreallocarray(c->num, (size_t)L->cap, sizeof(*c->num));
    }
  }
}

/* Find every column's field index in the header record. */
static int frame_bind_header(struct frame_load *L, const struct csv_reader *r,
                             struct err *e) {
  size_t j;
  size_t k;
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    size_t len = strlen(c->name);
    int found = 0;
    for (k = 0; k < r->n_fields; k++) {
      /* Header names are compared without surrounding spaces. */
      const char *h = r->fields[k].p;
      size_t hl = r->fields[k].len;
      while (hl > 0 && (*h == ' ' || *h == '\t')) {
        h++;
        hl--;
      }
      while (hl > 0 && (h[hl - 1] == ' ' || h[hl - 1] == '\t')) {
        hl--;
      }
      if (hl == len && memcmp(h, c->name, len) == 0) {
        c->csv_index = k;
        found = 1;
        break;
      }
    }
    if (!found) {
      return ERR_SET(e, APP_EINVAL, "%s: unknown column '%s' (not in the "
                     "header of %s)", c->opt, c->name, r->what);
    }
  }
  return APP_OK;
}

/* Event-coding bookkeeping over the kept rows. */
struct frame_event_seen {
  int has0;        /* some kept event is 0 */
  int has2;        /* some kept event is 2 */
  int64_t row2;    /* first data row holding 2 */
};

/* Check and stage one data record.  Returns APP_OK with *is_missing set, or
** APP_EINVAL naming the column and row. */
static int frame_parse_row(struct frame_load *L, const struct csv_reader *r,
                           int *is_missing, struct err *e) {
  size_t j;
  long long row = (long long)r->row;
  *is_missing = 0;
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    const struct csv_field *f = &r->fields[c->csv_index];
    double v;
    if (csv_is_missing(f)) {
      *is_missing = 1;
      continue;
    }
    if (c->is_text) {
      continue;
    }
    if (csv_parse_double(f->p, f->len, &v) != 0) {
      return ERR_SET(e, APP_EINVAL, "column '%s', data row %lld: \"%.*s\" is "
                     "not a number", c->name, row,
                     (int)(f->len > 40 ? 40 : f->len), f->p);
    }
    if (c->role == FRAME_TIME && v < 0) {
      return ERR_SET(e, APP_EINVAL, "column '%s', data row %lld: negative "
                     "time %g", c->name, row, v);
    }
    if (c->role == FRAME_EVENT && v != 0 && v != 1 && v != 2) {
      return ERR_SET(e, APP_EINVAL, "column '%s', data row %lld: event value "
                     "%g is not 0/1 (or 2/1 coding)", c->name, row, v);
    }
    if (c->role == FRAME_WEIGHT && !(v > 0)) {
      return ERR_SET(e, APP_EINVAL, "column '%s', data row %lld: weight %g "
                     "is not > 0", c->name, row, v);
    }
    c->cur = v;
  }
  return APP_OK;
}

/* Append the staged record as row L->n. */
static void frame_append_row(struct frame_load *L, const struct csv_reader *r,
                             struct frame_event_seen *ev) {
  size_t j;
  frame_grow(L);
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    if (c->is_text) {
      const struct csv_field *f = &r->fields[c->csv_index];
      c->code[L->n] = frame_intern_get(&c->tab, f->p, f->len);
    } else if (c->role == FRAME_EVENT) {
      c->ival[L->n] = (int)c->cur;
      if (c->cur == 0) {
        ev->has0 = 1;
      } else if (c->cur == 2 && !ev->has2) {
        ev->has2 = 1;
        ev->row2 = r->row;
      }
    } else {
      c->num[L->n] = c->cur;
    }
  }
  L->n++;
}

/* Move the loaded columns into f (taking ownership of their arrays). */
static int frame_build(struct frame_load *L, const struct frame_event_seen *ev,
                       struct stats_frame *f, struct err *e) {
  int64_t n = L->n;
  int64_t i;
  size_t j;
  int p = 0;
  int col = 0;
  int term = 0;
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    /* Cluster codes need only be distinct: no sorting, no texts. */
    if (c->is_text && c->role != FRAME_CLUSTER) {
      frame_sort_levels(c, n);
    }
    if (c->role == FRAME_COVARIATE) {
      p++;
      f->n_terms++;
    } else if (c->role == FRAME_FACTOR) {
      p += c->tab.n_levels > 1 ? c->tab.n_levels - 1 : 0;
      f->n_terms++;
    }
  }
  f->p = p;
  f->x = p > 0 ? xmallocarray((size_t)n * (size_t)p, sizeof(double)) : NULL;
  f->x_names = xcalloc((size_t)p + 1, sizeof(char *));
  f->term_of_col = xcalloc((size_t)p + 1, sizeof(int));
  f->term_names = xcalloc((size_t)f->n_terms + 1, sizeof(char *));
  /* Covariates first, then factors, each in the order given. */
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    if (c->role != FRAME_COVARIATE) {
      continue;
    }
    memcpy(f->x + (size_t)col * (size_t)n, c->num, (size_t)n * sizeof(double));
    xfree(c->num);
    c->num = NULL;
    f->x_names[col] = xstrdup(c->name);
    f->term_of_col[col] = term;
    f->term_names[term] = xstrdup(c->name);
    col++;
    term++;
  }
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    int32_t k;
    if (c->role != FRAME_FACTOR) {
      continue;
    }
    for (k = 1; k < c->tab.n_levels; k++) {
      double *xc = f->x + (size_t)col * (size_t)n;
      struct buf b;
      for (i = 0; i < n; i++) {
        xc[i] = c->code[i] == k ? 1.0 : 0.0;
      }
      buf_init(&b, 0);
      buf_appendf(&b, "%s=%s", c->name, c->tab.levels[k]);
      f->x_names[col] = buf_detach(&b);
      f->term_of_col[col] = term;
      col++;
    }
    f->term_names[term] = xstrdup(c->name);
    term++;
  }
  for (j = 0; j < L->n_cols; j++) {
    struct frame_col *c = &L->cols[j];
    switch (c->role) {
    case FRAME_TIME:
      if (f->time == NULL) {
        f->time = c->num;
        c->num = NULL;
      }
      break;
    case FRAME_EVENT:
      if (f->status == NULL) {
        int shift = ev->has2 && !ev->has0;
        if (ev->has2 && ev->has0) {
          return ERR_SET(e, APP_EINVAL, "column '%s', data row %lld: event "
                         "value 2 in a column that also holds 0 (expected "
                         "1/0, or 2/1 when only 1 and 2 occur)", c->name,
                         (long long)ev->row2);
        }
        f->status = c->ival;
        c->ival = NULL;
        if (shift) {
          for (i = 0; i < n; i++) {
            f->status[i] -= 1;
          }
        }
      }
      break;
    case FRAME_WEIGHT:
      if (f->weight == NULL) {
        f->weight = c->num;
        c->num = NULL;
      }
      break;
    case FRAME_STRATA:
      if (f->strata == NULL) {
        f->strata = c->code;
        c->code = NULL;
        f->n_strata = c->tab.n_levels;
        f->strata_levels = c->tab.levels;
        c->tab.levels = NULL;
      }
      break;
    case FRAME_GROUP:
      if (f->group == NULL) {
        f->group = c->code;
        c->code = NULL;
        f->n_groups = c->tab.n_levels;
        f->group_levels = c->tab.levels;
        c->tab.levels = NULL;
      }
      break;
    case FRAME_CLUSTER:
      if (f->cluster == NULL) {
        f->cluster = c->code;
        c->code = NULL;
        f->n_clusters = c->tab.n_levels;
      }
      break;
    default:
      break;
    }
  }
  return APP_OK;
}

int stats_frame_load(const struct stats_frame_spec *spec,
                     struct stats_frame *f, struct err *e) {
  struct frame_load L;
  struct csv_reader r;
  struct frame_event_seen ev;
  int rc;
  int got;
  size_t n_header;
  memset(f, 0, sizeof(*f));
  memset(&L, 0, sizeof(L));
  memset(&ev, 0, sizeof(ev));
  memset(&r, 0, sizeof(r));
  if (spec->data_path == NULL) {
    return ERR_SET(e, APP_EINVAL, "--data: missing (a CSV file, or - for "
                   "standard input)");
  }
  if (spec->time == NULL) {
    return ERR_SET(e, APP_EINVAL, "--time: missing (the time column)");
  }
  if (spec->event == NULL) {
    return ERR_SET(e, APP_EINVAL, "--event: missing (the event column)");
  }
  frame_add_col(&L, spec->time, strlen(spec->time), FRAME_TIME, "--time");
  frame_add_col(&L, spec->event, strlen(spec->event), FRAME_EVENT, "--event");
  rc = frame_add_list(&L, spec->covariates, FRAME_COVARIATE, "--covariates",
                      e);
  if (rc == APP_OK) {
    rc = frame_add_list(&L, spec->factors, FRAME_FACTOR, "--factor", e);
  }
  if (rc != APP_OK) {
    goto out;
  }
  if (spec->strata != NULL) {
    frame_add_col(&L, spec->strata, strlen(spec->strata), FRAME_STRATA,
                  "--strata");
  }
  if (spec->weights != NULL) {
    frame_add_col(&L, spec->weights, strlen(spec->weights), FRAME_WEIGHT,
                  "--weights");
  }
  if (spec->cluster != NULL) {
    frame_add_col(&L, spec->cluster, strlen(spec->cluster), FRAME_CLUSTER,
                  "--cluster");
  }
  if (spec->group != NULL) {
    frame_add_col(&L, spec->group, strlen(spec->group), FRAME_GROUP,
                  "--group");
  }
  rc = csv_open(&r, spec->data_path, e);
  if (rc != APP_OK) {
    goto out;
  }
  got = csv_next(&r, e);
  if (got < 0) {
    rc = e->code;
    goto out;
  }
  if (got == 0) {
    rc = ERR_SET(e, APP_EINVAL, "%s: empty file (no header row)", r.what);
    goto out;
  }
  n_header = r.n_fields;
  rc = frame_bind_header(&L, &r, e);
  if (rc != APP_OK) {
    goto out;
  }
  /* Only fields up to the last used column need splitting. */
  {
    size_t j;
    for (j = 0; j < L.n_cols; j++) {
      if (L.cols[j].csv_index + 1 > r.max_fields) {
        r.max_fields = L.cols[j].csv_index + 1;
      }
    }
  }
  for (;;) {
    int is_missing;
    got = csv_next(&r, e);
    if (got < 0) {
      rc = e->code;
      goto out;
    }
    if (got == 0) {
      break;
    }
    f->n_read++;
    if (r.n_fields != n_header) {
      rc = ERR_SET(e, APP_EINVAL, "%s: data row %lld has %zu fields, the "
                   "header has %zu", r.what, (long long)r.row, r.n_fields,
                   n_header);
      goto out;
    }
    rc = frame_parse_row(&L, &r, &is_missing, e);
    if (rc != APP_OK) {
      goto out;
    }
    if (is_missing) {
      f->n_dropped++;
      continue;
    }
    frame_append_row(&L, &r, &ev);
  }
  if (f->n_read == 0) {
    rc = ERR_SET(e, APP_EINVAL, "%s: no data rows after the header", r.what);
    goto out;
  }
  if (L.n == 0) {
    rc = ERR_SET(e, APP_EINVAL, "%s: all %lld data rows have a missing value "
                 "in a used column", r.what, (long long)f->n_read);
    goto out;
  }
  f->n = L.n;
  rc = frame_build(&L, &ev, f, e);
out:
  csv_close(&r);
  frame_load_free(&L);
  if (rc != APP_OK) {
    stats_frame_free(f);
  }
  return rc;
}

/* Free a NULL-terminated-or-counted array of strings. */
static void frame_free_strings(char **s, int n) {
  int i;
  if (s == NULL) {
    return;
  }
  for (i = 0; i < n; i++) {
    xfree(s[i]);
  }
  xfree(s);
}

void stats_frame_free(struct stats_frame *f) {
  xfree(f->time);
  xfree(f->status);
  xfree(f->x);
  frame_free_strings(f->x_names, f->p);
  xfree(f->term_of_col);
  frame_free_strings(f->term_names, f->n_terms);
  xfree(f->weight);
  xfree(f->strata);
  frame_free_strings(f->strata_levels, f->n_strata);
  xfree(f->cluster);
  xfree(f->group);
  frame_free_strings(f->group_levels, f->n_groups);
  memset(f, 0, sizeof(*f));
}
