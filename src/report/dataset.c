/*
** dataset.c: an exportable dataset held in memory (see dataset.h).
**
** Why: SDTM domains, ADaM datasets and the patient-level frame share one
** shape (a column table and rows), so the writers of every file format and
** define.xml are written once.  Invariants: cells hold n * ncols values;
** a string cell is NULL (missing) or an owned copy no longer than its
** column's width; the sort is stable, so builders that append rows in
** date order keep that order within equal keys.  Workload: up to about a
** million cells (SDTM of a 3,640-patient study).
*/
#include "dataset.h"

#include "../core/mem.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ds_init(struct ds *d, const struct ds_def *def) {
  memset(d, 0, sizeof(*d));
  d->def = def;
}

void ds_free(struct ds *d) {
  size_t i, n = (size_t)d->n * (size_t)(d->def ? d->def->ncols : 0);
  for (i = 0; i < n; i++) {
    xfree(d->cells[i].str);
  }
  xfree(d->cells);
  memset(d, 0, sizeof(*d));
}

int ds_add_row(struct ds *d) {
  int c, nc = d->def->ncols;
  struct ds_cell *row;
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 64;
    d->cells = xreallocarray(d->cells, (size_t)d->cap * (size_t)nc,
                             sizeof(*d->cells));
  }
  row = &d->cells[(size_t)d->n * (size_t)nc];
  for (c = 0; c < nc; c++) {
    row[c].num = NAN;
    row[c].str = NULL;
  }
  return d->n++;
}

int ds_col_index(const struct ds_def *def, const char *name) {
  int c;
  for (c = 0; c < def->ncols; c++) {
    if (strcmp(def->cols[c].name, name) == 0) {
      return c;
    }
  }
  return -1;
}

static struct ds_cell *ds_cell(const struct ds *d, int row, int col) {
  assert(row >= 0 && row < d->n && col >= 0 && col < d->def->ncols);
  return &d->cells[(size_t)row * (size_t)d->def->ncols + (size_t)col];
}

void ds_set_num(struct ds *d, int row, int col, double x) {
  assert(d->def->cols[col].type == DS_NUM);
  ds_cell(d, row, col)->num = x;
}

/* Length of s cut to at most max bytes at a UTF-8 character boundary. */
static size_t ds_utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max) {
    return len;
  }
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) {
    max--;
  }
  return max;
}

void ds_set_str(struct ds *d, int row, int col, const char *s) {
  struct ds_cell *k = ds_cell(d, row, col);
  size_t len, cut;
  assert(d->def->cols[col].type == DS_STR);
  xfree(k->str);
  k->str = NULL;
  if (s == NULL || s[0] == '\0') {
    return;
  }
  len = strlen(s);
  cut = ds_utf8_cut(s, len, (size_t)d->def->cols[col].width);
  if (cut < len) {
    d->n_truncated++;
  }
  k->str = xstrndup(s, cut);
}

void ds_num(struct ds *d, int row, const char *name, double x) {
  int c = ds_col_index(d->def, name);
  assert(c >= 0 && "ds_num: no such column");
  if (c >= 0) {
    ds_set_num(d, row, c, x);
  }
}

void ds_str(struct ds *d, int row, const char *name, const char *s) {
  int c = ds_col_index(d->def, name);
  assert(c >= 0 && "ds_str: no such column");
  if (c >= 0) {
    ds_set_str(d, row, c, s);
  }
}

double ds_get_num(const struct ds *d, int row, int col) {
  return ds_cell(d, row, col)->num;
}

const char *ds_get_str(const struct ds *d, int row, int col) {
  const char *s = ds_cell(d, row, col)->str;
  return s ? s : "";
}

/* The sort's context: the dataset and the key columns (-1 ended). */
struct ds_sort_ctx {
  const struct ds *d;
  int keys[16];
};

/* Compare rows a and b by the key columns, then by position (stable). */
static int ds_cmp(const struct ds_sort_ctx *x, int a, int b) {
  int i;
  for (i = 0; x->keys[i] >= 0; i++) {
    int c = x->keys[i];
    if (x->d->def->cols[c].type == DS_NUM) {
      double p = ds_get_num(x->d, a, c), q = ds_get_num(x->d, b, c);
      bool pm = isnan(p), qm = isnan(q);
      if (pm != qm) {
        return pm ? -1 : 1;
      }
      if (!pm && p != q) {
        return p < q ? -1 : 1;
      }
    } else {
      int r = strcmp(ds_get_str(x->d, a, c), ds_get_str(x->d, b, c));
      if (r != 0) {
        return r;
      }
    }
  }
  return a < b ? -1 : (a > b);
}

/* Merge sort of the row indices idx[lo, hi) through tmp. */
static void ds_msort(const struct ds_sort_ctx *x, int *idx, int *tmp, int lo,
                     int hi) {
  int mid, i, j, k;
  if (hi - lo < 2) {
    return;
  }
  mid = lo + (hi - lo) / 2;
  ds_msort(x, idx, tmp, lo, mid);
  ds_msort(x, idx, tmp, mid, hi);
  for (i = lo, j = mid, k = lo; k < hi; k++) {
    if (i < mid && (j >= hi || ds_cmp(x, idx[i], idx[j]) <= 0)) {
      tmp[k] = idx[i++];
    } else {
      tmp[k] = idx[j++];
    }
  }
  memcpy(idx + lo, tmp + lo, (size_t)(hi - lo) * sizeof(*idx));
}

void ds_sort(struct ds *d, const char *const *keys) {
  struct ds_sort_ctx x;
  struct ds_cell *cells;
  int *idx, *tmp;
  int i, nk = 0, nc = d->def->ncols;
  x.d = d;
  for (i = 0; keys[i] != NULL && nk < 15; i++) {
    int c = ds_col_index(d->def, keys[i]);
    assert(c >= 0 && "ds_sort: no such column");
    if (c >= 0) {
      x.keys[nk++] = c;
    }
  }
  x.keys[nk] = -1;
  if (d->n < 2) {
    return;
  }
  idx = xmallocarray((size_t)d->n, sizeof(*idx));
  tmp = xmallocarray((size_t)d->n, sizeof(*tmp));
  for (i = 0; i < d->n; i++) {
    idx[i] = i;
  }
  ds_msort(&x, idx, tmp, 0, d->n);
  cells = xmallocarray((size_t)d->cap * (size_t)nc, sizeof(*cells));
  for (i = 0; i < d->n; i++) {
    memcpy(&cells[(size_t)i * (size_t)nc],
           &d->cells[(size_t)idx[i] * (size_t)nc], (size_t)nc * sizeof(*cells));
  }
  xfree(d->cells);
  d->cells = cells;
  xfree(idx);
  xfree(tmp);
}

void ds_number_seq(struct ds *d, const char *seq, const char *by) {
  int s = ds_col_index(d->def, seq), b = ds_col_index(d->def, by);
  int i, n = 0;
  assert(s >= 0 && b >= 0 && "ds_number_seq: no such column");
  if (s < 0 || b < 0) {
    return;
  }
  for (i = 0; i < d->n; i++) {
    if (i == 0 || strcmp(ds_get_str(d, i, b), ds_get_str(d, i - 1, b)) != 0) {
      n = 0;
    }
    ds_set_num(d, i, s, ++n);
  }
}
