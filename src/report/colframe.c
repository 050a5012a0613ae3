/*
** colframe.c: the shared column loader (see colframe.h).
**
** Why: the survival loader (stats_frame.c) and the logistic / propensity
** loader (ps_frame.c) read the same kinds of columns from the same
** inputs; this is the one place that checks a value, drops a row with a
** missing value and codes a factor, so both agree and a study frame and
** its CSV export give the same arrays.
**
** Design for 10^6-10^7 rows: the input is streamed one row at a time;
** only the used columns are kept; numbers go straight into growable
** double arrays and texts are interned (one copy of each level in an
** arena, an int32 code a row), so memory is about 8 bytes a used numeric
** cell and 4 a text cell.
**
** Invariants: every column array has n entries (rows kept so far); a row
** with a missing value in a used column is counted in n_dropped and adds
** nothing, not even a factor level.  Each row is checked in two passes:
** first every used cell (missing, number, range), then, for a kept row,
** the texts are coded (where a level limit may stop the load).
*/
#include "colframe.h"

#include "../core/buf.h"
#include "../core/csv.h"
#include "../core/mem.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text levels ------------------------------------------------------ */

/* Interned texts of one column: open addressing over an arena of
** NUL-terminated texts. */
struct cf_intern {
  struct buf text;    /* the level texts, each followed by a NUL */
  size_t *off;        /* n_levels offsets into text */
  size_t *lens;       /* n_levels byte lengths */
  int32_t n_levels;   /* distinct texts seen */
  int32_t cap_levels; /* slots allocated in off/lens */
  int32_t *slots;     /* n_slots entries: level index + 1, 0 empty */
  size_t n_slots;     /* a power of two (0 before first use) */
};

/* 64-bit FNV-1a of n bytes. */
static uint64_t cf_hash(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* Rebuild the slot table with n_slots entries. */
static void cf_rehash(struct cf_intern *t, size_t n_slots) {
  int32_t i;
  xfree(t->slots);
  t->slots = xcalloc(n_slots, sizeof(*t->slots));
  t->n_slots = n_slots;
  for (i = 0; i < t->n_levels; i++) {
    size_t s =
        (size_t)cf_hash(t->text.data + t->off[i], t->lens[i]) & (n_slots - 1);
    while (t->slots[s] != 0) {
      s = (s + 1) & (n_slots - 1);
    }
    t->slots[s] = i + 1;
  }
}

/* The code of p[0..n) in t, adding a level if unseen; -1 when that would
** make more than max levels (max 0: no limit). */
static int32_t cf_intern_get(struct cf_intern *t, const char *p, size_t n,
                             int max) {
  size_t s;
  if (t->n_slots == 0 || (size_t)t->n_levels * 2 >= t->n_slots) {
    cf_rehash(t, t->n_slots ? t->n_slots * 2 : 64);
  }
  s = (size_t)cf_hash(p, n) & (t->n_slots - 1);
  while (t->slots[s] != 0) {
    int32_t k = t->slots[s] - 1;
    if (t->lens[k] == n && memcmp(t->text.data + t->off[k], p, n) == 0) {
      return k;
    }
    s = (s + 1) & (t->n_slots - 1);
  }
  if (max > 0 && t->n_levels >= max) {
    return -1;
  }
  if (t->n_levels == t->cap_levels) {
    t->cap_levels = t->cap_levels ? 2 * t->cap_levels : 16;
    t->off = xreallocarray(t->off, (size_t)t->cap_levels, sizeof(*t->off));
    t->lens = xreallocarray(t->lens, (size_t)t->cap_levels, sizeof(*t->lens));
  }
  t->off[t->n_levels] = t->text.len;
  t->lens[t->n_levels] = n;
  buf_append(&t->text, p, n);
  buf_putc(&t->text, '\0');
  t->slots[s] = t->n_levels + 1;
  return t->n_levels++;
}

static void cf_intern_free(struct cf_intern *t) {
  buf_reset(&t->text);
  xfree(t->off);
  xfree(t->lens);
  xfree(t->slots);
  memset(t, 0, sizeof(*t));
}

/* Sort key of one level. */
struct cf_level_key {
  const char *text; /* level text (in the arena) */
  double value;     /* its number, when all levels are numbers */
  int32_t old;      /* code before sorting */
};

/* Numeric value, then bytes. */
static int cf_cmp_num(const void *a, const void *b) {
  const struct cf_level_key *x = a;
  const struct cf_level_key *y = b;
  if (x->value < y->value) {
    return -1;
  }
  if (x->value > y->value) {
    return 1;
  }
  return strcmp(x->text, y->text);
}

/* Bytes (strcmp compares unsigned bytes). */
static int cf_cmp_text(const void *a, const void *b) {
  const struct cf_level_key *x = a;
  const struct cf_level_key *y = b;
  return strcmp(x->text, y->text);
}

/* Give column c its level texts: sorted (numerically when all are
** numbers, else by bytes) with its n codes recoded, or in first-seen
** order. */
static void cf_levels(struct colframe_col *c, const struct cf_intern *t,
                      bool sort, int64_t n) {
  struct cf_level_key *k;
  int32_t *remap;
  int32_t i;
  int64_t r;
  int all_num = 1;
  c->n_levels = t->n_levels;
  c->levels = xcalloc((size_t)t->n_levels + 1, sizeof(*c->levels));
  if (!sort) {
    for (i = 0; i < t->n_levels; i++) {
      c->levels[i] = xstrdup(t->text.data + t->off[i]);
    }
    return;
  }
  k = xmallocarray((size_t)t->n_levels + 1, sizeof(*k));
  for (i = 0; i < t->n_levels; i++) {
    k[i].text = t->text.data + t->off[i];
    k[i].old = i;
    k[i].value = 0;
    if (all_num && csv_parse_double(k[i].text, t->lens[i], &k[i].value) != 0) {
      all_num = 0;
    }
  }
  qsort(k, (size_t)t->n_levels, sizeof(*k), all_num ? cf_cmp_num : cf_cmp_text);
  remap = xmallocarray((size_t)t->n_levels + 1, sizeof(*remap));
  for (i = 0; i < t->n_levels; i++) {
    remap[k[i].old] = i;
    c->levels[i] = xstrdup(k[i].text);
  }
  for (r = 0; r < n; r++) {
    c->code[r] = remap[c->code[r]];
  }
  xfree(remap);
  xfree(k);
}

/* ---- inputs ------------------------------------------------------------ */

/* A CSV file. */
struct cf_csv {
  struct csv_reader r;
  bool is_open;
};

static int cf_csv_header(void *self, size_t *n_fields, struct err *e) {
  struct cf_csv *c = self;
  int got = csv_next(&c->r, e);
  *n_fields = got > 0 ? c->r.n_fields : 0;
  return got;
}

/* Field bytes without surrounding spaces and tabs. */
static void cf_trim(const char **p, size_t *n) {
  while (*n > 0 && (**p == ' ' || **p == '\t')) {
    (*p)++;
    (*n)--;
  }
  while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t')) {
    (*n)--;
  }
}

static long cf_csv_find(void *self, const char *name, bool trim) {
  struct cf_csv *c = self;
  size_t len = strlen(name);
  size_t k;
  for (k = 0; k < c->r.n_fields; k++) {
    const char *h = c->r.fields[k].p;
    size_t hl = c->r.fields[k].len;
    if (trim) {
      cf_trim(&h, &hl);
    }
    if (hl == len && memcmp(h, name, len) == 0) {
      return (long)k;
    }
  }
  return -1;
}

static void cf_csv_limit(void *self, size_t max) {
  struct cf_csv *c = self;
  c->r.max_fields = max;
}

static int cf_csv_next(void *self, int64_t *row, size_t *n_fields,
                       struct err *e) {
  struct cf_csv *c = self;
  int got = csv_next(&c->r, e);
  *row = c->r.row;
  *n_fields = c->r.n_fields;
  return got;
}

static void cf_csv_cell(void *self, size_t k, struct colframe_cell *out) {
  struct cf_csv *c = self;
  const struct csv_field *f = &c->r.fields[k];
  out->p = f->p;
  out->len = f->len;
  out->missing = csv_is_missing(f) != 0;
  out->has_num = false;
  out->num = 0;
}

static void cf_csv_close(void *self) {
  struct cf_csv *c = self;
  if (c->is_open) {
    csv_close(&c->r);
    c->is_open = false;
  }
}

static const struct colframe_input_ops cf_csv_ops = {
    cf_csv_header, cf_csv_find, cf_csv_limit, cf_csv_next,
    cf_csv_cell,   NULL,        cf_csv_close};

/* A study's patient-level frame: the header is frame_cols' names, a row a
** patient; numbers come as doubles (their text, for a factor, is the
** shortest that reads back as the same double, as the CSV export writes
** them). */
struct cf_frame {
  const struct frame *f;
  int64_t i;                    /* current row, 1-based (0: header) */
  char text[FRAME_N_COLS][256]; /* this row's texts */
};

static int cf_frame_header(void *self, size_t *n_fields, struct err *e) {
  (void)self;
  (void)e;
  *n_fields = FRAME_N_COLS;
  return 1;
}

static long cf_frame_find(void *self, const char *name, bool trim) {
  long k;
  (void)self;
  (void)trim;
  for (k = 0; k < FRAME_N_COLS; k++) {
    if (strcmp(frame_cols[k].name, name) == 0) {
      return k;
    }
  }
  return -1;
}

static void cf_frame_limit(void *self, size_t max) {
  (void)self;
  (void)max;
}

static int cf_frame_next(void *self, int64_t *row, size_t *n_fields,
                         struct err *e) {
  struct cf_frame *c = self;
  (void)e;
  if (c->i >= c->f->n) {
    return 0;
  }
  c->i++;
  *row = c->i;
  *n_fields = FRAME_N_COLS;
  return 1;
}

/* x in the shortest %g form that reads back as the same double. */
static void cf_shortest(double x, char *out, size_t n) {
  int prec;
  for (prec = 1; prec < 17; prec++) {
    snprintf(out, n, "%.*g", prec, x);
    if (strtod(out, NULL) == x) {
      return;
    }
  }
  snprintf(out, n, "%.17g", x);
}

static void cf_frame_cell(void *self, size_t k, struct colframe_cell *out) {
  struct cf_frame *c = self;
  const struct frame_row *r = &c->f->p[c->i - 1];
  char *t = c->text[k];
  double x;
  bool present = frame_value(c->f, r, (int)k, &x, t, sizeof(c->text[k]));
  struct csv_field fl;
  out->has_num = false;
  out->num = 0;
  if (frame_cols[k].type == DS_NUM) {
    t[0] = '\0';
    if (present) {
      cf_shortest(x, t, sizeof(c->text[k]));
      out->has_num = true;
      out->num = x;
    }
  }
  out->p = t;
  out->len = strlen(t);
  fl.p = t;
  fl.len = out->len;
  fl.is_quoted = 0;
  out->missing = !present || csv_is_missing(&fl) != 0;
}

static const char *cf_frame_label(void *self) {
  struct cf_frame *c = self;
  return c->i > 0 ? c->f->p[c->i - 1].code : NULL;
}

static void cf_frame_close(void *self) { (void)self; }

static const struct colframe_input_ops cf_frame_ops = {
    cf_frame_header, cf_frame_find,  cf_frame_limit, cf_frame_next,
    cf_frame_cell,   cf_frame_label, cf_frame_close};

/* ---- faults -------------------------------------------------------------*/

/* The noun of a column's values in messages. */
static const char *cf_noun(const struct colframe_colspec *c) {
  return c != NULL && c->noun != NULL ? c->noun : "value";
}

int colframe_fault_default(const struct colframe_fault_info *fi,
                           struct err *e) {
  const struct colframe_colspec *c = fi->col;
  const char *name = c != NULL ? c->name : "";
  long long row = (long long)fi->row;
  char where[96];
  int len = (int)(fi->len > 40 ? 40 : fi->len);
  if (fi->row_label != NULL) {
    snprintf(where, sizeof(where), "data row %lld (%.60s)", row, fi->row_label);
  } else {
    snprintf(where, sizeof(where), "data row %lld", row);
  }
  switch (fi->kind) {
  case COLFRAME_F_UNKNOWN_COLUMN:
    return ERR_SET(e, APP_EINVAL,
                   "%s: unknown column '%s' (not in the "
                   "header of %s)",
                   c->opt, name, fi->what);
  case COLFRAME_F_NOT_NUMBER:
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: \"%.*s\" is "
                   "not a number",
                   name, where, len, fi->text);
  case COLFRAME_F_BOUND:
    if (c->bound == COLFRAME_GT0) {
      return ERR_SET(e, APP_EINVAL,
                     "column '%s', %s: %s %g is "
                     "not > 0",
                     name, where, cf_noun(c), fi->value);
    }
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: negative %s "
                   "%g",
                   name, where, cf_noun(c), fi->value);
  case COLFRAME_F_EVENT:
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: event value "
                   "%g is not 0/1 (or 2/1 coding)",
                   name, where, fi->value);
  case COLFRAME_F_CNSR:
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: censoring "
                   "value %g is not 1 (censored) or 0 (event)",
                   name, where, fi->value);
  case COLFRAME_F_MISSING:
    return ERR_SET(e, APP_EINVAL, "column '%s', %s: missing %s", name, where,
                   cf_noun(c));
  case COLFRAME_F_LEVELS:
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: more than "
                   "%d levels",
                   name, where, c->max_levels);
  case COLFRAME_F_EVENT_2_AND_0:
    return ERR_SET(e, APP_EINVAL,
                   "column '%s', %s: event value "
                   "2 in a column that also holds 0 (expected 1/0, or 2/1 "
                   "when only 1 and 2 occur)",
                   name, where);
  case COLFRAME_F_FIELDS:
    return ERR_SET(e, APP_EINVAL,
                   "%s: data row %lld has %zu fields, the "
                   "header has %zu",
                   fi->what, row, fi->n_fields, fi->n_header);
  case COLFRAME_F_EMPTY:
    return ERR_SET(e, APP_EINVAL, "%s: empty file (no header row)", fi->what);
  case COLFRAME_F_NO_ROWS:
    return ERR_SET(e, APP_EINVAL, "%s: no data rows after the header",
                   fi->what);
  case COLFRAME_F_ALL_MISSING:
    return ERR_SET(e, APP_EINVAL,
                   "%s: all %lld data rows have a missing "
                   "value in a used column",
                   fi->what, (long long)fi->n_read);
  }
  return ERR_SET(e, APP_EINTERNAL, "colframe: unknown fault %d", (int)fi->kind);
}

/* ---- the loader -------------------------------------------------------- */

/* The state of one used column while loading. */
struct cf_colstate {
  const struct colframe_colspec *s; /* the spec (borrowed) */
  size_t idx;                       /* field index in the input */
  struct cf_intern tab;             /* text levels */
  struct colframe_cell cell;        /* this row's cell */
  double cur;                       /* this row's number */
  bool has0;                        /* an event column holds 0 */
  bool has2;                        /* ... and 2 */
  int64_t row2;                     /* first data row holding 2 */
};

/* The loader. */
struct cf_load {
  const struct colframe_spec *spec;
  const struct colframe_input_ops *ops;
  void *self;             /* the input's state */
  const char *what;       /* the input, for messages */
  struct cf_colstate *st; /* spec->n_cols states */
  struct colframe *cf;    /* the result being filled */
  int64_t cap;            /* rows allocated in every array */
  bool in_row;            /* a row is being read (its faults name it) */
};

/* Report a fault through the spec's wording. */
static int cf_fault(const struct cf_load *L, enum colframe_fault kind,
                    const struct colframe_colspec *col, int64_t row,
                    const struct colframe_cell *cell, double value,
                    size_t n_fields, struct err *e) {
  struct colframe_fault_info fi;
  colframe_fault_fn fn =
      L->spec->fault ? L->spec->fault : colframe_fault_default;
  memset(&fi, 0, sizeof(fi));
  fi.kind = kind;
  fi.col = col;
  fi.what = L->what;
  fi.row = row;
  if (cell != NULL) {
    fi.text = cell->p;
    fi.len = cell->len;
  }
  fi.value = value;
  fi.n_fields = n_fields;
  fi.n_header = L->cf->n_header;
  fi.n_read = L->cf->n_read;
  fi.n_dropped = L->cf->n_dropped;
  fi.ctx = L->spec->fault_ctx;
  if (L->in_row && L->ops->label != NULL) {
    fi.row_label = L->ops->label(L->self);
  }
  return fn(&fi, e);
}

/* Make room for one more row in every array. */
static void cf_grow(struct cf_load *L) {
  struct colframe *cf = L->cf;
  size_t j;
  if (cf->n < L->cap) {
    return;
  }
  L->cap = L->cap ? 2 * L->cap : 4096;
  for (j = 0; j < cf->n_cols; j++) {
    struct colframe_col *c = &cf->cols[j];
    switch (L->st[j].s->type) {
    case COLFRAME_TEXT:
      c->code = xreallocarray(c->code, (size_t)L->cap, sizeof(*c->code));
      break;
    case COLFRAME_EVENT:
    case COLFRAME_CNSR:
      c->ival = xreallocarray(c->ival, (size_t)L->cap, sizeof(*c->ival));
      break;
    case COLFRAME_NUM:
      c->num = xreallocarray(c->num, (size_t)L->cap, sizeof(*c->num));
      break;
    }
  }
  if (L->spec->keep_rows) {
    cf->row = xreallocarray(cf->row, (size_t)L->cap, sizeof(*cf->row));
  }
}

/* Pass 1: read and check every used cell of the current row.  Returns 1
** to keep it, 0 to drop it (a missing value), or -1 with *e set. */
static int cf_check_row(struct cf_load *L, int64_t row, struct err *e) {
  size_t j;
  int keep = 1;
  for (j = 0; j < L->cf->n_cols; j++) {
    struct cf_colstate *s = &L->st[j];
    const struct colframe_colspec *c = s->s;
    double v;
    L->ops->cell(L->self, s->idx, &s->cell);
    if (s->cell.missing) {
      if (c->required) {
        cf_fault(L, COLFRAME_F_MISSING, c, row, &s->cell, 0, 0, e);
        return -1;
      }
      keep = 0;
      continue;
    }
    if (c->type == COLFRAME_TEXT) {
      continue;
    }
    if (s->cell.has_num) {
      v = s->cell.num;
    } else if (csv_parse_double(s->cell.p, s->cell.len, &v) != 0) {
      cf_fault(L, COLFRAME_F_NOT_NUMBER, c, row, &s->cell, 0, 0, e);
      return -1;
    }
    if ((c->type == COLFRAME_EVENT && v != 0 && v != 1 && v != 2) ||
        (c->type == COLFRAME_CNSR && v != 0 && v != 1)) {
      cf_fault(L,
               c->type == COLFRAME_EVENT ? COLFRAME_F_EVENT : COLFRAME_F_CNSR,
               c, row, &s->cell, v, 0, e);
      return -1;
    }
    if ((c->bound == COLFRAME_GE0 && v < 0) ||
        (c->bound == COLFRAME_GT0 && !(v > 0))) {
      cf_fault(L, COLFRAME_F_BOUND, c, row, &s->cell, v, 0, e);
      return -1;
    }
    s->cur = v;
  }
  return keep;
}

/* Pass 2: code the texts of a kept row and append it.  Returns APP_OK or
** a fault (a level limit). */
static int cf_append_row(struct cf_load *L, int64_t row, struct err *e) {
  struct colframe *cf = L->cf;
  size_t j;
  for (j = 0; j < cf->n_cols; j++) {
    struct cf_colstate *s = &L->st[j];
    const char *p = s->cell.p;
    size_t n = s->cell.len;
    int32_t k;
    if (s->s->type != COLFRAME_TEXT) {
      continue;
    }
    if (s->s->trim) {
      cf_trim(&p, &n);
    }
    k = cf_intern_get(&s->tab, p, n, s->s->max_levels);
    if (k < 0) {
      struct colframe_cell t = s->cell;
      t.p = p;
      t.len = n;
      return cf_fault(L, COLFRAME_F_LEVELS, s->s, row, &t, 0, 0, e);
    }
    s->cur = (double)k;
  }
  cf_grow(L);
  for (j = 0; j < cf->n_cols; j++) {
    struct cf_colstate *s = &L->st[j];
    struct colframe_col *c = &cf->cols[j];
    switch (s->s->type) {
    case COLFRAME_TEXT:
      c->code[cf->n] = (int32_t)s->cur;
      break;
    case COLFRAME_EVENT:
      c->ival[cf->n] = (int)s->cur;
      if (s->cur == 0) {
        s->has0 = true;
      } else if (s->cur == 2 && !s->has2) {
        s->has2 = true;
        s->row2 = row;
      }
      break;
    case COLFRAME_CNSR:
      c->ival[cf->n] = s->cur == 0 ? 1 : 0;
      break;
    case COLFRAME_NUM:
      c->num[cf->n] = s->cur;
      break;
    }
  }
  if (L->spec->keep_rows) {
    cf->row[cf->n] = row;
  }
  cf->n++;
  return APP_OK;
}

/* After the last row: event coding, level texts. */
static int cf_finish(struct cf_load *L, struct err *e) {
  struct colframe *cf = L->cf;
  size_t j;
  int64_t i;
  for (j = 0; j < cf->n_cols; j++) {
    struct cf_colstate *s = &L->st[j];
    struct colframe_col *c = &cf->cols[j];
    if (s->s->type == COLFRAME_TEXT) {
      if (s->s->codes_only) {
        c->n_levels = s->tab.n_levels;
      } else {
        cf_levels(c, &s->tab, s->s->sort_levels, cf->n);
      }
    } else if (s->s->type == COLFRAME_EVENT && s->has2) {
      if (s->has0) {
        return cf_fault(L, COLFRAME_F_EVENT_2_AND_0, s->s, s->row2, NULL, 2, 0,
                        e);
      }
      for (i = 0; i < cf->n; i++) {
        c->ival[i] -= 1;
      }
    }
  }
  return APP_OK;
}

/* Bind the columns to the header and read every row. */
static int cf_read(struct cf_load *L, struct err *e) {
  struct colframe *cf = L->cf;
  size_t j;
  size_t max = 0;
  int got = L->ops->header(L->self, &cf->n_header, e);
  if (got < 0) {
    return e->code;
  }
  if (got == 0) {
    return cf_fault(L, COLFRAME_F_EMPTY, NULL, 0, NULL, 0, 0, e);
  }
  for (j = 0; j < cf->n_cols; j++) {
    long k = L->ops->find(L->self, L->st[j].s->name, L->spec->trim_header);
    if (k < 0) {
      return cf_fault(L, COLFRAME_F_UNKNOWN_COLUMN, L->st[j].s, 0, NULL, 0, 0,
                      e);
    }
    L->st[j].idx = (size_t)k;
    if ((size_t)k + 1 > max) {
      max = (size_t)k + 1;
    }
  }
  L->ops->limit(L->self, max);
  for (;;) {
    int64_t row = 0;
    size_t n_fields = 0;
    int keep;
    int rc;
    got = L->ops->next(L->self, &row, &n_fields, e);
    if (got < 0) {
      return e->code;
    }
    if (got == 0) {
      break;
    }
    cf->n_read++;
    if (n_fields != cf->n_header) {
      return cf_fault(L, COLFRAME_F_FIELDS, NULL, row, NULL, 0, n_fields, e);
    }
    L->in_row = true;
    keep = cf_check_row(L, row, e);
    if (keep < 0) {
      return e->code;
    }
    if (keep == 0) {
      L->in_row = false;
      cf->n_dropped++;
      continue;
    }
    rc = cf_append_row(L, row, e);
    if (rc != APP_OK) {
      return rc;
    }
    L->in_row = false;
  }
  if (cf->n_read == 0) {
    return cf_fault(L, COLFRAME_F_NO_ROWS, NULL, 0, NULL, 0, 0, e);
  }
  if (cf->n == 0) {
    return cf_fault(L, COLFRAME_F_ALL_MISSING, NULL, 0, NULL, 0, 0, e);
  }
  return cf_finish(L, e);
}

int colframe_load(const struct colframe_spec *spec, struct colframe *cf,
                  struct err *e) {
  struct cf_load L;
  struct cf_csv csv;
  struct cf_frame *fr = NULL;
  size_t j;
  int rc;
  memset(cf, 0, sizeof(*cf));
  memset(&L, 0, sizeof(L));
  memset(&csv, 0, sizeof(csv));
  L.spec = spec;
  L.cf = cf;
  if (spec->frame != NULL) {
    fr = xcalloc(1, sizeof(*fr));
    fr->f = spec->frame;
    L.ops = &cf_frame_ops;
    L.self = fr;
    L.what = spec->frame_what ? spec->frame_what : "the study";
  } else {
    rc = csv_open(&csv.r, spec->path, e);
    if (rc != APP_OK) {
      return rc;
    }
    csv.is_open = true;
    L.ops = &cf_csv_ops;
    L.self = &csv;
    L.what = csv.r.what;
  }
  cf->n_cols = spec->n_cols;
  cf->cols = xcalloc(spec->n_cols + 1, sizeof(*cf->cols));
  L.st = xcalloc(spec->n_cols + 1, sizeof(*L.st));
  for (j = 0; j < spec->n_cols; j++) {
    L.st[j].s = &spec->cols[j];
  }
  rc = cf_read(&L, e);
  L.ops->close(L.self);
  for (j = 0; j < spec->n_cols; j++) {
    cf_intern_free(&L.st[j].tab);
  }
  xfree(L.st);
  xfree(fr);
  if (rc != APP_OK) {
    colframe_free(cf);
  }
  return rc;
}

void colframe_free_strings(char **s, int64_t n) {
  int64_t i;
  if (s == NULL) {
    return;
  }
  for (i = 0; i < n; i++) {
    xfree(s[i]);
  }
  xfree(s);
}

void colframe_free(struct colframe *cf) {
  size_t j;
  for (j = 0; j < cf->n_cols; j++) {
    struct colframe_col *c = &cf->cols[j];
    xfree(c->num);
    xfree(c->ival);
    xfree(c->code);
    colframe_free_strings(c->levels, c->n_levels);
  }
  xfree(cf->cols);
  xfree(cf->row);
  memset(cf, 0, sizeof(*cf));
}
