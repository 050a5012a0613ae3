/*
** test_svg.c: the SVG writer (escaping, number format) and the structure
** of tiny plots: well-formed XML (checked by a small tag-matching parser
** below), one <title>, escaped labels, and bar heights and numbers at risk
** that follow from the axis formulas in plots.c (closed forms).
*/
#include "harness.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "report/plots.h"
#include "report/svg.h"
#include "stats/km.h"

#include <math.h>
#include <string.h>

/* Occurrences of needle in hay. */
static int count_of(const char *hay, const char *needle) {
  int n = 0;
  size_t len = strlen(needle);
  const char *p = hay;
  while ((p = strstr(p, needle)) != NULL) {
    n++;
    p += len;
  }
  return n;
}

/* A minimal XML well-formedness check: tags nest and match, attribute
** values are quoted, '&' starts an entity, no raw '<' in text.  Returns 1
** when well-formed. */
static int xml_ok(const char *s) {
  char stack[64][32];
  int depth = 0, roots = 0;
  const char *p = s;
  if (strncmp(p, "<?xml", 5) == 0) {
    p = strstr(p, "?>");
    if (p == NULL) {
      return 0;
    }
    p += 2;
  }
  while (*p) {
    if (*p == '&') {
      const char *semi = strchr(p, ';');
      if (semi == NULL || semi - p > 6) {
        return 0;
      }
      p = semi + 1;
    } else if (*p == '<') {
      int closing = p[1] == '/';
      char name[32];
      size_t n = 0;
      p += closing ? 2 : 1;
      while (*p && *p != ' ' && *p != '>' && *p != '/' && *p != '\n') {
        if (n + 1 >= sizeof(name)) {
          return 0;
        }
        name[n++] = *p++;
      }
      name[n] = '\0';
      if (n == 0) {
        return 0;
      }
      /* Attributes: name="value" with no '<' inside. */
      while (*p && *p != '>' && !(*p == '/' && p[1] == '>')) {
        if (*p == '"') {
          p++;
          while (*p && *p != '"') {
            if (*p == '<') {
              return 0;
            }
            p++;
          }
          if (*p != '"') {
            return 0;
          }
        }
        p++;
      }
      if (*p == '/') {
        if (closing) {
          return 0;
        }
        p += 2;
        roots += depth == 0;
        continue;
      }
      if (*p != '>') {
        return 0;
      }
      p++;
      if (closing) {
        if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
          return 0;
        }
        depth--;
      } else {
        if (depth == 64) {
          return 0;
        }
        roots += depth == 0;
        memcpy(stack[depth++], name, n + 1);
      }
    } else if (*p == '>') {
      return 0;
    } else {
      p++;
    }
  }
  return depth == 0 && roots == 1;
}

static void test_escape(void) {
  struct buf b;
  buf_init(&b, 0);
  svg_escape(&b, "<a href=\"x\">Tom & Jerry's</a>\x01ok");
  CHECK_STR_EQ(buf_str(&b), "&lt;a href=&quot;x&quot;&gt;Tom &amp; "
                            "Jerry&#39;s&lt;/a&gt;ok");
  buf_reset(&b);
  svg_escape(&b, NULL);
  CHECK_STR_EQ(buf_str(&b), "");
  svg_escape(&b, "\xe8\x82\x9d tab\tnl\n");
  CHECK_STR_EQ(buf_str(&b), "\xe8\x82\x9d tab\tnl\n");
  buf_reset(&b);
}

static void test_num(void) {
  char t[32];
  svg_fmt_num(2, t);
  CHECK_STR_EQ(t, "2");
  svg_fmt_num(1.5, t);
  CHECK_STR_EQ(t, "1.5");
  svg_fmt_num(3.14159, t);
  CHECK_STR_EQ(t, "3.14");
  svg_fmt_num(-12.25, t);
  CHECK_STR_EQ(t, "-12.25");
  svg_fmt_num(-0.001, t);
  CHECK_STR_EQ(t, "0");
  svg_fmt_num(NAN, t);
  CHECK_STR_EQ(t, "0");
  svg_fmt_num(INFINITY, t);
  CHECK_STR_EQ(t, "0");
  svg_fmt_num(1e300, t);
  CHECK_STR_EQ(t, "0");
  svg_fmt_num(123456.789, t);
  CHECK_STR_EQ(t, "123456.79");
  svg_fmt_num(100, t);
  CHECK_STR_EQ(t, "100");
}

static void test_document(void) {
  struct buf b;
  const double xs[3] = {0, 1.5, 2};
  const double ys[3] = {1, 0.5, 0};
  buf_init(&b, 0);
  svg_begin(&b, 100, 50, "A & B <plot>", "desc \"quoted\"");
  svg_polyline(&b, xs, ys, 3, "#000", 1, "4 2");
  svg_text(&b, 1, 2, "start", 10, "#000", "x < y");
  svg_end(&b);
  CHECK(xml_ok(buf_str(&b)));
  CHECK(strstr(buf_str(&b), "<title>A &amp; B &lt;plot&gt;</title>") != NULL);
  CHECK(strstr(buf_str(&b), "points=\"0,1 1.5,0.5 2,0\"") != NULL);
  CHECK(strstr(buf_str(&b), ">x &lt; y</text>") != NULL);
  CHECK(strstr(buf_str(&b), "viewBox=\"0 0 100 50\"") != NULL);
  /* The checker itself rejects broken documents. */
  CHECK(!xml_ok("<svg><title>a</svg></title>"));
  CHECK(!xml_ok("<svg>a < b</svg>"));
  CHECK(!xml_ok("<svg>a & b</svg>"));
  CHECK(!xml_ok("<svg><g></svg>"));
  buf_reset(&b);
}

/* A forest plot with an escaped label and a row that is not estimable. */
static void test_forest(void) {
  struct plot_forest_row rows[2];
  struct buf b;
  buf_init(&b, 0);
  memset(rows, 0, sizeof(rows));
  rows[0].label = "<script>alert(1)</script> & co";
  rows[0].hr = 0.5;
  rows[0].lower = 0.25;
  rows[0].upper = 1;
  rows[0].n = 10;
  rows[0].events = 4;
  rows[1].label = "empty";
  rows[1].hr = NAN;
  plot_forest_svg(rows, 2, "Forest \"test\"", I18N_EN, &b);
  CHECK(xml_ok(buf_str(&b)));
  CHECK_INT_EQ(count_of(buf_str(&b), "<title>"), 1);
  CHECK(strstr(buf_str(&b), "<script") == NULL);
  CHECK(strstr(buf_str(&b), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co "
                            "(n=10, events=4)") != NULL);
  CHECK(strstr(buf_str(&b), ">0.50 (0.25-1.00)</text>") != NULL);
  CHECK(strstr(buf_str(&b), ">not estimable</text>") != NULL);
  /* The HR square is centred on x(0.5): left 330, right 620 over
  ** log(0.1)..log(10): 330 + 290 * (log 0.5 - log 0.1) / log 100 =
  ** 431.35, so the 8-pixel square starts at 427.35. */
  CHECK(strstr(buf_str(&b), "<rect x=\"427.35\"") != NULL);
  buf_reset(&b);
}

/* A waterfall of two patients: -50% and +150% (clipped to +100%). */
static void test_waterfall(void) {
  struct frame_row p[2];
  struct frame d;
  struct buf b;
  memset(p, 0, sizeof(p));
  p[0].cohort = 0;
  p[0].has_best_pct = true;
  p[0].best_pct = -50;
  p[1].cohort = 1;
  p[1].has_best_pct = true;
  p[1].best_pct = 150;
  d.n = 2;
  d.p = p;
  buf_init(&b, 0);
  plot_waterfall_svg(&d, I18N_EN, &b);
  CHECK(xml_ok(buf_str(&b)));
  CHECK(strstr(buf_str(&b), "<title>Best change in viable tumour size "
                            "(n = 2)</title>") != NULL);
  /* y(v) = 50 + 340 (100 - v) / 200: the bars are 85 and 170 high. */
  CHECK(strstr(buf_str(&b), "height=\"85\" fill=\"#d55e00\"") != NULL);
  CHECK(strstr(buf_str(&b), "height=\"170\" fill=\"#0072b2\"") != NULL);
  buf_reset(&b);
}

/* A KM plot of 3 deaths at days 1, 2, 3 in one cohort: 3 at risk at 0
** months and 0 at 1 month; the curve steps 1, 2/3, 1/3, 0. */
static void test_km(void) {
  const double t[3] = {1, 2, 3};
  const int s[3] = {1, 1, 1};
  struct an_km k;
  struct err e;
  struct buf b;
  err_clear(&e);
  memset(&k, 0, sizeof(k));
  k.curve = xcalloc(AN_N_COHORTS, sizeof(*k.curve));
  CHECK_INT_EQ(km_fit(t, s, NULL, 3, KM_CONF_LOG, 0.95, &k.curve[0], &e),
               APP_OK);
  k.present[0] = true;
  k.tau = 3;
  buf_init(&b, 0);
  plot_km_svg(&k, "PFS & <crude>", I18N_EN, &b);
  CHECK(xml_ok(buf_str(&b)));
  CHECK(strstr(buf_str(&b), "<title>PFS &amp; &lt;crude&gt;</title>") != NULL);
  CHECK_INT_EQ(count_of(buf_str(&b), "<polyline"), 1);
  CHECK_INT_EQ(count_of(buf_str(&b), "<polygon"), 1);
  /* At risk: "3" under x = 70 (0 months) and "0" under x = 700 (1). */
  CHECK(strstr(buf_str(&b), "<text x=\"70\" y=\"416\" text-anchor=\"middle\" "
                            "font-size=\"11\" fill=\"#222222\">3</text>") !=
        NULL);
  CHECK(strstr(buf_str(&b), "<text x=\"700\" y=\"416\" text-anchor=\"middle\" "
                            "font-size=\"11\" fill=\"#222222\">0</text>") !=
        NULL);
  /* y(S) = 340 - 290 S: S = 2/3 at 146.67. */
  CHECK(strstr(buf_str(&b), ",146.67") != NULL);
  buf_reset(&b);
  an_km_free(&k);
}

int main(void) {
  test_escape();
  test_num();
  test_document();
  test_forest();
  test_waterfall();
  test_km();
  return harness_report();
}
