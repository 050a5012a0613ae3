/*
** svg.h: a small SVG writer into a struct buf.  Text and attribute values
** are always escaped for XML; numbers are written with at most two
** decimals (enough for pixels), never in exponent form, and a non-finite
** number is written as 0 so that the document stays well-formed.
*/
#ifndef HCC_SVG_H
#define HCC_SVG_H

#include "../core/buf.h"

/* Append s with XML escaping of & < > " ' (valid in text and in
** attribute values alike).  Bytes below 0x20 other than tab and newline
** are dropped: XML 1.0 forbids them. */
void svg_escape(struct buf *b, const char *s);

/* Format x with at most two decimals, trailing zeros removed, "-0"
** written as "0", non-finite as "0", into out (32 bytes). */
void svg_fmt_num(double x, char out[32]);

/* Append svg_fmt_num(x). */
void svg_num(struct buf *b, double x);

/* Open the document: the <svg> element of width w and height h (pixels,
** also the viewBox), its <title> (escaped) and a <desc> (escaped; NULL for
** none). */
void svg_begin(struct buf *b, double w, double h, const char *title,
               const char *desc);

/* Close the document. */
void svg_end(struct buf *b);

/* A line from (x1, y1) to (x2, y2) with a stroke colour and width. */
void svg_line(struct buf *b, double x1, double y1, double x2, double y2,
              const char *stroke, double width);

/* A filled rectangle (fill colour; stroke NULL for none). */
void svg_rect(struct buf *b, double x, double y, double w, double h,
              const char *fill, const char *stroke);

/* A circle of radius r. */
void svg_circle(struct buf *b, double cx, double cy, double r,
                const char *fill);

/* Text at (x, y); anchor "start", "middle" or "end"; size in pixels;
** text is escaped. */
void svg_text(struct buf *b, double x, double y, const char *anchor,
              double size, const char *fill, const char *text);

/* A polyline through n points (xs, ys) (stroke colour and width, no
** fill); dash NULL for a solid line, else a stroke-dasharray value. */
void svg_polyline(struct buf *b, const double *xs, const double *ys, int n,
                  const char *stroke, double width, const char *dash);

/* A closed filled polygon through n points with a fill opacity. */
void svg_polygon(struct buf *b, const double *xs, const double *ys, int n,
                 const char *fill, double opacity);

#endif
