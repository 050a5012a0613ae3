/*
** plots.c: the analysis plots (see plots.h).
**
** Why: the analysis page shows the curves of the study as data arrive,
** drawn on the server so that the browser needs no chart library and the
** page keeps a strict Content-Security-Policy (presentation attributes,
** no style attributes).
** Invariants: every text passes through svg.h's escaping; every document
** has a <title>; values outside an axis are clipped to it, never drawn
** outside the plot area.
*/
#include "plots.h"

#include "../core/mem.h"
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days in a month (365.25 / 12) for the time axes. */
#define DAYS_PER_MONTH 30.4375

/* The words of the plots in one language. */
struct plot_words {
  const char *km_title[2][2]; /* [endpoint][iptw] */
  const char *km_desc;        /* KM description for screen readers */
  const char *months;         /* the time axis */
  const char *at_risk;        /* the heading of the numbers at risk */
  const char *wf_title;       /* waterfall title (before "(n = N)") */
  const char *wf_desc;        /* waterfall description */
  const char *wf_axis;        /* waterfall y axis */
  const char *sw_title;       /* swimmer title (before "(n = N)") */
  const char *sw_desc;        /* swimmer description */
  const char *sw_key;         /* swimmer key of the markers */
  const char *fo_title;       /* forest title */
  const char *fo_desc;        /* forest description */
  const char *fo_analysis;    /* forest heading of the row labels */
  const char *fo_hr;          /* forest heading of the estimates */
  const char *fo_favours;     /* forest footnote under the axis */
  const char *fo_events;      /* "events" in a row's counts */
  const char *fo_none;        /* a model that cannot be fitted */
  const char *fo_row[8];      /* the study's forest rows */
  const char *lparen;         /* "(" or a full-width one */
  const char *rparen;         /* ")" or a full-width one */
  const char *comma;          /* ", " or a full-width one */
};

/* English and Simplified Chinese, indexed by enum i18n_lang. */
static const struct plot_words plot_words[I18N_N_LANGS] = {
  {
    {{"Progression-free survival (crude)",
      "Progression-free survival (IPTW)"},
     {"Overall survival (crude)", "Overall survival (IPTW)"}},
    "Kaplan-Meier curves by cohort with 95% confidence bands "
    "(log transform) and the numbers at risk",
    "Months from treatment start",
    "At risk",
    "Best change in viable tumour size",
    "Best (smallest) % change from baseline of the sum of viable "
    "target diameters per patient (mRECIST), by cohort; values "
    "above +100% are drawn at +100%",
    "% change",
    "Time on study and responses",
    "One bar per patient: time from treatment start to death or "
    "last contact, coloured by cohort; circles mark CR or PR "
    "timepoints (black) and PD timepoints (grey); a cross marks "
    "death",
    "black dot: CR/PR   grey dot: PD   x: death",
    "Hazard ratios, HAIC vs TACE",
    "Hazard ratios of HAIC against TACE with 95% confidence "
    "intervals on a log scale; below 1 favours HAIC",
    "Analysis",
    "HR (95% CI)",
    "favours HAIC    |    favours TACE",
    "events",
    "not estimable",
    {"PFS (crude)", "PFS (IPTW, robust SE)", "OS (crude)",
     "OS (IPTW, robust SE)", "PFS, BCLC B (crude)", "PFS, BCLC C (crude)",
     "PFS, portal vein invasion (crude)",
     "PFS, no portal vein invasion (crude)"},
    " (",
    ")",
    ", ",
  },
  {
    {{"无进展生存（未校正）", "无进展生存（IPTW 校正）"},
     {"总生存（未校正）", "总生存（IPTW 校正）"}},
    "各队列 Kaplan-Meier 曲线，含 95% 置信带（对数变换）"
    "及风险人数",
    "自治疗开始的时间（月）",
    "风险人数",
    "存活肿瘤大小的最佳变化",
    "每位患者靶病灶存活直径之和相对基线的最佳（最小）"
    "变化百分比（mRECIST），按队列着色；超过 +100% 的"
    "数值画在 +100% 处",
    "变化 %",
    "研究时间与疗效",
    "每位患者一条：自治疗开始至死亡或末次随访的时间，"
    "按队列着色；圆点标记 CR 或 PR 时间点（黑色）和 PD "
    "时间点（灰色）；叉号标记死亡",
    "黑点：CR/PR   灰点：PD   x：死亡",
    "风险比：HAIC 对比 TACE",
    "HAIC 对比 TACE 的风险比及 95% 置信区间（对数刻度）；"
    "小于 1 表示 HAIC 更优",
    "分析",
    "HR（95% CI）",
    "HAIC 更优    |    TACE 更优",
    "事件",
    "无法估计",
    {"PFS（未校正）",
     "PFS（IPTW，稳健标准误）",
     "OS（未校正）",
     "OS（IPTW，稳健标准误）", "PFS，BCLC B 期（未校正）",
     "PFS，BCLC C 期（未校正）", "PFS，门静脉侵犯（未校正）",
     "PFS，无门静脉侵犯（未校正）"},
    "（",
    "）",
    "，",
  },
};

/* The words of language l (English for an unknown value). */
static const struct plot_words *plot_words_of(enum i18n_lang l) {
  return &plot_words[(int)l >= 0 && (int)l < I18N_N_LANGS ? (int)l : 0];
}

const char *plot_km_title(enum an_endpoint ep, bool iptw,
                          enum i18n_lang lang) {
  return plot_words_of(lang)->km_title[ep == AN_OS][iptw ? 1 : 0];
}

/* Cohort colours (colour-blind safe Okabe-Ito vermilion and blue). */
static const char *const plot_colour[AN_N_COHORTS] = {"#d55e00", "#0072b2"};

/* A tick step in months for an axis of length span months (about 6-10
** ticks). */
static double plot_month_step(double span) {
  static const double steps[] = {1, 2, 3, 6, 12, 24, 48};
  int i;
  for (i = 0; i < 7; i++) {
    if (span / steps[i] <= 10) {
      return steps[i];
    }
  }
  return 96;
}

/* The legend: a colour swatch and the cohort name per present cohort. */
static void plot_legend(struct buf *b, double x, double y,
                        const bool *present) {
  int c;
  for (c = 0; c < AN_N_COHORTS; c++) {
    if (present != NULL && !present[c]) {
      continue;
    }
    svg_rect(b, x, y - 9, 12, 10, plot_colour[c], NULL);
    svg_text(b, x + 16, y, "start", 12, "#222222", an_cohort_name[c]);
    x += 80;
  }
}

/* The value v of a curve array at index k, or the last finite one before
** it (fallback when none). */
static double plot_finite(const double *v, int64_t k, double fallback) {
  for (; k >= 0; k--) {
    if (isfinite(v[k])) {
      return v[k];
    }
  }
  return fallback;
}

void plot_km_svg(const struct an_km *k, const char *title,
                 enum i18n_lang lang, struct buf *b) {
  const struct plot_words *w = plot_words_of(lang);
  const double left = 70, right = 700, top = 50, bottom = 340;
  const double width = 740, height = 440;
  double tmax = k->tau > 0 ? k->tau / DAYS_PER_MONTH : 1;
  double step = plot_month_step(tmax);
  double xmax = ceil(tmax / step) * step;
  double t;
  char lab[64];
  int c, row = 0;
  svg_begin(b, width, height, title, w->km_desc);
  svg_text(b, width / 2, 24, "middle", 15, "#222222", title);
#define KX(tt) (left + (right - left) * ((tt) / DAYS_PER_MONTH) / xmax)
#define KY(s) (bottom - (bottom - top) * (s))
  /* Axes and grid. */
  for (c = 0; c <= 4; c++) {
    double s = c / 4.0;
    svg_line(b, left, KY(s), right, KY(s), "#e0e0e0", 1);
    snprintf(lab, sizeof(lab), "%.2f", s);
    svg_text(b, left - 6, KY(s) + 4, "end", 11, "#444444", lab);
  }
  svg_line(b, left, bottom, right, bottom, "#444444", 1);
  svg_line(b, left, top, left, bottom, "#444444", 1);
  for (t = 0; t <= xmax + 1e-9; t += step) {
    double x = left + (right - left) * t / xmax;
    svg_line(b, x, bottom, x, bottom + 5, "#444444", 1);
    snprintf(lab, sizeof(lab), "%g", t);
    svg_text(b, x, bottom + 18, "middle", 11, "#444444", lab);
  }
  svg_text(b, (left + right) / 2, bottom + 34, "middle", 12, "#222222",
           w->months);
  svg_text(b, 14, (top + bottom) / 2, "start", 12, "#222222", "S(t)");
  svg_text(b, 8, bottom + 58, "start", 11, "#222222", w->at_risk);
  for (c = 0; c < AN_N_COHORTS; c++) {
    const struct km_curve *cv = &k->curve[c];
    int64_t i, np = 0;
    double *xs, *ys, *bx, *by;
    int64_t nb = 0;
    double prev_s = 1, prev_lo = 1, prev_hi = 1;
    if (!k->present[c]) {
      continue;
    }
    xs = xmallocarray((size_t)(2 * cv->n_times + 2), sizeof(double));
    ys = xmallocarray((size_t)(2 * cv->n_times + 2), sizeof(double));
    bx = xmallocarray((size_t)(4 * cv->n_times + 4), sizeof(double));
    by = xmallocarray((size_t)(4 * cv->n_times + 4), sizeof(double));
    xs[np] = KX(0);
    ys[np++] = KY(1);
    /* Upper band forward. */
    bx[nb] = KX(0);
    by[nb++] = KY(1);
    for (i = 0; i < cv->n_times; i++) {
      double x = KX(cv->time[i]);
      double hi = plot_finite(cv->upper, i, prev_hi);
      xs[np] = x;
      ys[np++] = KY(prev_s);
      xs[np] = x;
      ys[np++] = KY(cv->surv[i]);
      prev_s = cv->surv[i];
      bx[nb] = x;
      by[nb++] = KY(prev_hi);
      bx[nb] = x;
      by[nb++] = KY(hi);
      prev_hi = hi;
    }
    /* Lower band backward. */
    {
      double *lo = xmallocarray((size_t)cv->n_times + 1, sizeof(double));
      for (i = 0; i < cv->n_times; i++) {
        lo[i] = plot_finite(cv->lower, i, prev_lo);
        prev_lo = lo[i];
      }
      bx[nb] = KX(cv->time[cv->n_times - 1]);
      by[nb++] = KY(lo[cv->n_times - 1]);
      for (i = cv->n_times - 1; i >= 0; i--) {
        double before = i > 0 ? lo[i - 1] : 1;
        bx[nb] = KX(cv->time[i]);
        by[nb++] = KY(before);
        if (i > 0) {
          bx[nb] = KX(cv->time[i - 1]);
          by[nb++] = KY(before);
        }
      }
      bx[nb] = KX(0);
      by[nb++] = KY(1);
      xfree(lo);
    }
    svg_polygon(b, bx, by, (int)nb, plot_colour[c], 0.15);
    svg_polyline(b, xs, ys, (int)np, plot_colour[c], 2, NULL);
    for (i = 0; i < cv->n_times; i++) {
      if (cv->n_censor[i] > 0) {
        double x = KX(cv->time[i]), y = KY(cv->surv[i]);
        svg_line(b, x, y - 4, x, y + 4, plot_colour[c], 1);
      }
    }
    /* Numbers at risk at each tick. */
    svg_text(b, 8, bottom + 76 + 16 * row, "start", 11, plot_colour[c],
             an_cohort_name[c]);
    for (t = 0; t <= xmax + 1e-9; t += step) {
      double nr, s, se, l, u;
      km_at(cv, t * DAYS_PER_MONTH, &nr, &s, &se, &l, &u);
      snprintf(lab, sizeof(lab), "%.0f", nr);
      svg_text(b, left + (right - left) * t / xmax, bottom + 76 + 16 * row,
               "middle", 11, "#222222", lab);
    }
    row++;
    xfree(xs);
    xfree(ys);
    xfree(bx);
    xfree(by);
  }
#undef KX
#undef KY
  plot_legend(b, right - 160, top + 14, k->present);
  svg_end(b);
}

/* Sort helper: patients by a key descending. */
struct plot_key {
  double key; /* the sort key */
  int idx;    /* the patient index */
};

/* qsort comparator: key descending, then index ascending. */
static int plot_key_desc(const void *a, const void *b) {
  const struct plot_key *x = a, *y = b;
  if (x->key != y->key) {
    return x->key < y->key ? 1 : -1;
  }
  return x->idx - y->idx;
}

void plot_waterfall_svg(const struct frame *d, enum i18n_lang lang,
                        struct buf *b) {
  const struct plot_words *w = plot_words_of(lang);
  const double left = 70, right = 700, top = 50, bottom = 390;
  const double width = 740, height = 430;
  struct plot_key *k = xcalloc((size_t)d->n + 1, sizeof(*k));
  double ymax = 100, ymin = -100, bw;
  int n = 0, i;
  char lab[64];
  for (i = 0; i < d->n; i++) {
    if (d->p[i].has_best_pct) {
      k[n].key = d->p[i].best_pct;
      k[n].idx = i;
      n++;
    }
  }
  qsort(k, (size_t)n, sizeof(*k), plot_key_desc);
  snprintf(lab, sizeof(lab), "%s%sn = %d%s", w->wf_title, w->lparen, n,
           w->rparen);
  svg_begin(b, width, height, lab, w->wf_desc);
  svg_text(b, width / 2, 24, "middle", 15, "#222222", lab);
#define WY(v) (top + (bottom - top) * (ymax - (v)) / (ymax - ymin))
  for (i = -100; i <= 100; i += 50) {
    svg_line(b, left, WY(i), right, WY(i), "#e0e0e0", 1);
    snprintf(lab, sizeof(lab), "%d%%", i);
    svg_text(b, left - 6, WY(i) + 4, "end", 11, "#444444", lab);
  }
  bw = n > 0 ? (right - left) / n : 1;
  for (i = 0; i < n; i++) {
    double v = k[i].key;
    const struct frame_row *p = &d->p[k[i].idx];
    double y0 = WY(0);
    double y1;
    v = v > ymax ? ymax : v < ymin ? ymin : v;
    y1 = WY(v);
    svg_rect(b, left + i * bw + bw * 0.1, y1 < y0 ? y1 : y0, bw * 0.8,
             fabs(y1 - y0), plot_colour[p->cohort], NULL);
  }
  /* Reference lines over the bars, labelled outside the plot area. */
  svg_line(b, left, WY(0), right, WY(0), "#444444", 1);
  svg_line(b, left, WY(20), right, WY(20), "#555555", 1);
  svg_line(b, left, WY(-30), right, WY(-30), "#555555", 1);
  svg_text(b, right + 3, WY(20) + 4, "start", 10, "#444444", "PD");
  svg_text(b, right + 3, WY(-30) + 4, "start", 10, "#444444", "PR");
#undef WY
  svg_text(b, 14, top - 10, "start", 12, "#222222", w->wf_axis);
  plot_legend(b, right - 160, top + 14, NULL);
  svg_end(b);
  xfree(k);
}

void plot_swimmer_svg(const struct frame *d, enum i18n_lang lang,
                      struct buf *b) {
  const struct plot_words *w = plot_words_of(lang);
  const double left = 40, right = 700, top = 60;
  struct plot_key *k = xcalloc((size_t)d->n + 1, sizeof(*k));
  double rowh, height, bottom, xmax = 1, step, t;
  int n = 0, i, j;
  char lab[160];
  for (i = 0; i < d->n; i++) {
    if (d->p[i].has_os) {
      k[n].key = d->p[i].os_days / DAYS_PER_MONTH;
      k[n].idx = i;
      xmax = k[n].key > xmax ? k[n].key : xmax;
      n++;
    }
  }
  qsort(k, (size_t)n, sizeof(*k), plot_key_desc);
  rowh = n > 0 ? 700.0 / n : 10;
  rowh = rowh > 12 ? 12 : rowh < 2 ? 2 : rowh;
  bottom = top + rowh * n;
  height = bottom + 60;
  step = plot_month_step(xmax);
  xmax = ceil(xmax / step) * step;
  snprintf(lab, sizeof(lab), "%s%sn = %d%s", w->sw_title, w->lparen, n,
           w->rparen);
  svg_begin(b, 740, height, lab, w->sw_desc);
  svg_text(b, 370, 24, "middle", 15, "#222222", lab);
  svg_text(b, left, 44, "start", 11, "#222222", w->sw_key);
#define SX(m) (left + (right - left) * (m) / xmax)
  for (t = 0; t <= xmax + 1e-9; t += step) {
    svg_line(b, SX(t), top, SX(t), bottom, "#eeeeee", 1);
    snprintf(lab, sizeof(lab), "%g", t);
    svg_text(b, SX(t), bottom + 16, "middle", 11, "#444444", lab);
  }
  svg_text(b, (left + right) / 2, bottom + 34, "middle", 12, "#222222",
           w->months);
  for (i = 0; i < n; i++) {
    const struct frame_row *p = &d->p[k[i].idx];
    double y = top + i * rowh;
    double r = rowh * 0.35 < 1 ? 1 : rowh * 0.35;
    svg_rect(b, SX(0), y + rowh * 0.1, SX(k[i].key) - SX(0), rowh * 0.8,
             plot_colour[p->cohort], NULL);
    for (j = 0; j < p->n_tp; j++) {
      const char *o = p->tp[j].overall;
      double m = p->tp[j].day / DAYS_PER_MONTH;
      if (m < 0 || m > xmax) {
        continue;
      }
      if (strcmp(o, "CR") == 0 || strcmp(o, "PR") == 0) {
        svg_circle(b, SX(m), y + rowh / 2, r, "#000000");
      } else if (strcmp(o, "PD") == 0) {
        svg_circle(b, SX(m), y + rowh / 2, r, "#999999");
      }
    }
    if (p->os_event) {
      double x = SX(k[i].key);
      svg_line(b, x - r, y + rowh / 2 - r, x + r, y + rowh / 2 + r,
               "#000000", 1);
      svg_line(b, x - r, y + rowh / 2 + r, x + r, y + rowh / 2 - r,
               "#000000", 1);
    }
  }
#undef SX
  plot_legend(b, right - 160, 44, NULL);
  svg_end(b);
  xfree(k);
}

void plot_forest_svg(const struct plot_forest_row *rows, int n,
                     const char *title, enum i18n_lang lang, struct buf *b) {
  const struct plot_words *w = plot_words_of(lang);
  const double left = 330, right = 620, top = 60, rowh = 26;
  const double lmin = log(0.1), lmax = log(10);
  double bottom = top + rowh * n;
  double height = bottom + 60;
  static const double ticks[] = {0.1, 0.25, 0.5, 1, 2, 4, 10};
  char lab[192];
  int i;
  svg_begin(b, 760, height, title, w->fo_desc);
  svg_text(b, 380, 24, "middle", 15, "#222222", title);
  svg_text(b, 10, top - 12, "start", 12, "#222222", w->fo_analysis);
  svg_text(b, 750, top - 12, "end", 12, "#222222", w->fo_hr);
#define FX(v) (left + (right - left) * \
               ((log(v) < lmin ? lmin : log(v) > lmax ? lmax : log(v)) - \
                lmin) / (lmax - lmin))
  for (i = 0; i < 7; i++) {
    svg_line(b, FX(ticks[i]), bottom, FX(ticks[i]), bottom + 5, "#444444",
             1);
    snprintf(lab, sizeof(lab), "%g", ticks[i]);
    svg_text(b, FX(ticks[i]), bottom + 18, "middle", 11, "#444444", lab);
  }
  svg_line(b, left, bottom, right, bottom, "#444444", 1);
  svg_line(b, FX(1.0), top - 4, FX(1.0), bottom, "#888888", 1);
  svg_text(b, (left + right) / 2, bottom + 36, "middle", 11, "#222222",
           w->fo_favours);
  for (i = 0; i < n; i++) {
    double y = top + rowh * i + rowh / 2;
    snprintf(lab, sizeof(lab), "%s%sn=%d%s%s=%d%s",
             rows[i].label ? rows[i].label : "", w->lparen, rows[i].n,
             w->comma, w->fo_events, rows[i].events, w->rparen);
    svg_text(b, 10, y + 4, "start", 12, "#222222", lab);
    if (!isfinite(rows[i].hr) || !isfinite(rows[i].lower) ||
        !isfinite(rows[i].upper) || rows[i].hr <= 0 || rows[i].lower <= 0) {
      svg_text(b, 750, y + 4, "end", 12, "#666666", w->fo_none);
      continue;
    }
    svg_line(b, FX(rows[i].lower), y, FX(rows[i].upper), y, "#222222", 1.5);
    svg_rect(b, FX(rows[i].hr) - 4, y - 4, 8, 8, "#222222", NULL);
    snprintf(lab, sizeof(lab), "%.2f (%.2f-%.2f)", rows[i].hr,
             rows[i].lower, rows[i].upper);
    svg_text(b, 750, y + 4, "end", 12, "#222222", lab);
  }
#undef FX
  svg_end(b);
}

/* Fill a forest row from a Cox result. */
static void plot_row_from(struct plot_forest_row *r, const char *label,
                          const struct an_cox *c) {
  r->label = label;
  r->hr = c->ok ? c->hr : NAN;
  r->lower = c->ok ? c->lower : NAN;
  r->upper = c->ok ? c->upper : NAN;
  r->n = (int)c->n;
  r->events = (int)c->events;
}

void plot_forest_study(const struct frame *d, enum i18n_lang lang,
                       struct buf *b) {
  const struct plot_words *words = plot_words_of(lang);
  const char *const *label = words->fo_row;
  struct plot_forest_row rows[8];
  struct an_cox c;
  struct err e;
  double *w = xmallocarray((size_t)d->n + 1, sizeof(double));
  int *inc = xmallocarray((size_t)d->n + 1, sizeof(int));
  bool have_w;
  int n = 0, s, i;
  err_clear(&e);
  have_w = an_iptw(d, w, &e) == APP_OK;
  an_cox_fit(d, AN_PFS, NULL, NULL, &c);
  plot_row_from(&rows[n++], label[0], &c);
  memset(&c, 0, sizeof(c));
  if (have_w) {
    an_cox_fit(d, AN_PFS, w, NULL, &c);
  }
  plot_row_from(&rows[n++], label[1], &c);
  an_cox_fit(d, AN_OS, NULL, NULL, &c);
  plot_row_from(&rows[n++], label[2], &c);
  memset(&c, 0, sizeof(c));
  if (have_w) {
    an_cox_fit(d, AN_OS, w, NULL, &c);
  }
  plot_row_from(&rows[n++], label[3], &c);
  for (s = 0; s < 4; s++) {
    for (i = 0; i < d->n; i++) {
      const struct frame_row *p = &d->p[i];
      inc[i] = p->has_cov &&
               (s == 0   ? p->cov[8] == 1
                : s == 1 ? p->cov[9] == 1
                : s == 2 ? p->cov[7] == 1
                         : p->cov[7] == 0);
    }
    an_cox_fit(d, AN_PFS, NULL, inc, &c);
    plot_row_from(&rows[n++], label[4 + s], &c);
  }
  plot_forest_svg(rows, n, words->fo_title, lang, b);
  xfree(w);
  xfree(inc);
}
