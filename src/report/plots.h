/*
** plots.h: the analysis plots as SVG documents (svg.h) appended to a
** struct buf: Kaplan-Meier curves by cohort with 95% bands and numbers at
** risk, the waterfall plot of best % change, the swimmer plot of time on
** study with responses, and the forest plot of hazard ratios.
**
** Every word a plot shows (titles, axes, legends, footnotes, the
** description for screen readers) is in the language passed (a table per
** language in plots.c); numbers, cohort names (TACE, HAIC) and mRECIST
** abbreviations (CR, PR, PD) are the same in every language.
*/
#ifndef HCC_PLOTS_H
#define HCC_PLOTS_H

#include <stdbool.h>

#include "../core/buf.h"
#include "../core/i18n.h"
#include "analysis.h"

/* Kaplan-Meier curves of k (one per present cohort) with their confidence
** bands, censoring ticks, axes in months and the numbers at risk (weighted
** when the curves are) under the axis; title names the endpoint and the
** adjustment. */
void plot_km_svg(const struct an_km *k, const char *title,
                 enum i18n_lang lang, struct buf *b);

/* The title of the KM plot of endpoint ep, crude or IPTW-weighted, in
** language lang (static text). */
const char *plot_km_title(enum an_endpoint ep, bool iptw,
                          enum i18n_lang lang);

/* Waterfall plot: one bar per patient with a best % change from baseline,
** sorted from the largest increase to the largest decrease, coloured by
** cohort, with the mRECIST lines at +20% and -30%. */
void plot_waterfall_svg(const struct frame *d, enum i18n_lang lang,
                        struct buf *b);

/* Swimmer plot: one bar per patient of the time on study (OS time), sorted
** by length, coloured by cohort, with markers for CR/PR and PD timepoints
** and for death. */
void plot_swimmer_svg(const struct frame *d, enum i18n_lang lang,
                      struct buf *b);

/* One row of a forest plot. */
struct plot_forest_row {
  const char *label;  /* row label (escaped on output) */
  double hr;          /* hazard ratio (NAN: row shown as "not estimable") */
  double lower;       /* lower 95% limit */
  double upper;       /* upper 95% limit */
  int n;              /* patients */
  int events;         /* events */
};

/* Forest plot of n rows on a log scale from 0.1 to 10 with the line of no
** effect at 1. */
void plot_forest_svg(const struct plot_forest_row *rows, int n,
                     const char *title, enum i18n_lang lang, struct buf *b);

/* The study's forest plot: PFS and OS, crude and IPTW-weighted, then the
** crude PFS HR within BCLC stage B and C and with and without portal vein
** invasion.  A model that cannot be fitted is shown as "not estimable". */
void plot_forest_study(const struct frame *d, enum i18n_lang lang,
                       struct buf *b);

#endif
