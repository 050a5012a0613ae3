/*
** svg.c: the SVG writer (see svg.h).
**
** Why: the analysis plots are drawn on the server (no JavaScript chart
** library, no inline style under the Content-Security-Policy), so every
** element goes through these few functions, which escape every text and
** attribute and format every number the same way.
** Invariant: every function appends complete elements, so a document that
** was begun with svg_begin and closed with svg_end is well-formed XML.
*/
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void svg_escape(struct buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  for (; *p; p++) {
    switch (*p) {
    case '&':
      buf_lit(b, "&amp;");
      break;
    case '<':
      buf_lit(b, "&lt;");
      break;
    case '>':
      buf_lit(b, "&gt;");
      break;
    case '"':
      buf_lit(b, "&quot;");
      break;
    case '\'':
      buf_lit(b, "&#39;");
      break;
    default:
      if (*p >= 0x20 || *p == '\t' || *p == '\n') {
        buf_putc(b, *p);
      }
    }
  }
}

void svg_fmt_num(double x, char out[32]) {
  size_t n;
  if (!isfinite(x) || fabs(x) > 1e12) {
    x = 0;
  }
  snprintf(out, 32, "%.2f", x);
  n = strlen(out);
  while (n > 0 && out[n - 1] == '0') {
    out[--n] = '\0';
  }
  if (n > 0 && out[n - 1] == '.') {
    out[--n] = '\0';
  }
  if (strcmp(out, "-0") == 0) {
    out[0] = '0';
    out[1] = '\0';
  }
}

void svg_num(struct buf *b, double x) {
  char t[32];
  svg_fmt_num(x, t);
  buf_puts(b, t);
}

void svg_begin(struct buf *b, double w, double h, const char *title,
               const char *desc) {
  buf_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  svg_num(b, w);
  buf_lit(b, "\" height=\"");
  svg_num(b, h);
  buf_lit(b, "\" viewBox=\"0 0 ");
  svg_num(b, w);
  buf_putc(b, ' ');
  svg_num(b, h);
  buf_lit(b, "\" font-family=\"sans-serif\" role=\"img\">\n<title>");
  svg_escape(b, title);
  buf_lit(b, "</title>\n");
  if (desc != NULL) {
    buf_lit(b, "<desc>");
    svg_escape(b, desc);
    buf_lit(b, "</desc>\n");
  }
  buf_lit(b, "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" "
             "fill=\"#ffffff\"/>\n");
}

void svg_end(struct buf *b) { buf_lit(b, "</svg>\n"); }

/* Append ` name="value"` with the value escaped. */
static void svg_attr(struct buf *b, const char *name, const char *value) {
  buf_putc(b, ' ');
  buf_puts(b, name);
  buf_lit(b, "=\"");
  svg_escape(b, value);
  buf_putc(b, '"');
}

/* Append ` name="number"`. */
static void svg_attr_num(struct buf *b, const char *name, double v) {
  buf_putc(b, ' ');
  buf_puts(b, name);
  buf_lit(b, "=\"");
  svg_num(b, v);
  buf_putc(b, '"');
}

void svg_line(struct buf *b, double x1, double y1, double x2, double y2,
              const char *stroke, double width) {
  buf_lit(b, "<line");
  svg_attr_num(b, "x1", x1);
  svg_attr_num(b, "y1", y1);
  svg_attr_num(b, "x2", x2);
  svg_attr_num(b, "y2", y2);
  svg_attr(b, "stroke", stroke);
  svg_attr_num(b, "stroke-width", width);
  buf_lit(b, "/>\n");
}

void svg_rect(struct buf *b, double x, double y, double w, double h,
              const char *fill, const char *stroke) {
  buf_lit(b, "<rect");
  svg_attr_num(b, "x", x);
  svg_attr_num(b, "y", y);
  svg_attr_num(b, "width", w < 0 ? 0 : w);
  svg_attr_num(b, "height", h < 0 ? 0 : h);
  svg_attr(b, "fill", fill);
  if (stroke != NULL) {
    svg_attr(b, "stroke", stroke);
  }
  buf_lit(b, "/>\n");
}

void svg_circle(struct buf *b, double cx, double cy, double r,
                const char *fill) {
  buf_lit(b, "<circle");
  svg_attr_num(b, "cx", cx);
  svg_attr_num(b, "cy", cy);
  svg_attr_num(b, "r", r);
  svg_attr(b, "fill", fill);
  buf_lit(b, "/>\n");
}

void svg_text(struct buf *b, double x, double y, const char *anchor,
              double size, const char *fill, const char *text) {
  buf_lit(b, "<text");
  svg_attr_num(b, "x", x);
  svg_attr_num(b, "y", y);
  svg_attr(b, "text-anchor", anchor);
  svg_attr_num(b, "font-size", size);
  svg_attr(b, "fill", fill);
  buf_putc(b, '>');
  svg_escape(b, text);
  buf_lit(b, "</text>\n");
}

/* Append the points attribute of n points. */
static void svg_points(struct buf *b, const double *xs, const double *ys,
                       int n) {
  int i;
  buf_lit(b, " points=\"");
  for (i = 0; i < n; i++) {
    if (i > 0) {
      buf_putc(b, ' ');
    }
    svg_num(b, xs[i]);
    buf_putc(b, ',');
    svg_num(b, ys[i]);
  }
  buf_putc(b, '"');
}

void svg_polyline(struct buf *b, const double *xs, const double *ys, int n,
                  const char *stroke, double width, const char *dash) {
  buf_lit(b, "<polyline");
  svg_points(b, xs, ys, n);
  buf_lit(b, " fill=\"none\"");
  svg_attr(b, "stroke", stroke);
  svg_attr_num(b, "stroke-width", width);
  if (dash != NULL) {
    svg_attr(b, "stroke-dasharray", dash);
  }
  buf_lit(b, "/>\n");
}

void svg_polygon(struct buf *b, const double *xs, const double *ys, int n,
                 const char *fill, double opacity) {
  buf_lit(b, "<polygon");
  svg_points(b, xs, ys, n);
  svg_attr(b, "fill", fill);
  svg_attr_num(b, "fill-opacity", opacity);
  buf_lit(b, " stroke=\"none\"/>\n");
}
