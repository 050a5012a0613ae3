/*
** api_analysis.c: the analysis routes (GET /api/v1/analysis/...): KM
** curves by cohort as JSON and SVG, the summary (log-rank, Cox HR crude
** and IPTW, ORR/DCR, AEs by grade), and the waterfall, swimmer and forest
** plots.
**
** Why: the principal investigator and the statistician watch the curves
** of the study as data arrive; the numbers are report/analysis.c's, the
** same as `hccstudy stats` on the exported casebooks.
** Plot text is in the request's language (rs->lang: ?lang= or
** Accept-Language), the numbers the same in every language.
** Invariants: only pi and statistician (403 E_FORBIDDEN for the others);
** every request reads the casebooks afresh (other servers may have changed
** them); everything built here is freed before returning.
*/
#include "api.h"

#include "../core/mem.h"
#include "../report/analysis.h"
#include "../report/plots.h"

#include <string.h>

/* SVG media type. */
static const char svg_type[] = "image/svg+xml; charset=utf-8";

/* Refuse roles without ACCESS_ANALYSIS (audited); returns 1 when
** refused. */
static int analysis_refused(struct request *rq, struct response *rs) {
  struct err e;
  err_clear(&e);
  if (access_require(rq->db, &rq->actor, ACCESS_ANALYSIS, "analysis", &e) ==
      APP_OK) {
    return 0;
  }
  web_store_error(rs, &e);
  return 1;
}

/* Parse ?endpoint=pfs|os&adjust=crude|iptw (defaults pfs, crude);
** returns 0, or 1 after writing a 400 naming the argument. */
static int analysis_args(struct request *rq, struct response *rs,
                         enum an_endpoint *ep, bool *iptw) {
  const char *e = web_arg(rq, "endpoint");
  const char *a = web_arg(rq, "adjust");
  *ep = AN_PFS;
  *iptw = false;
  if (e != NULL && strcmp(e, "os") == 0) {
    *ep = AN_OS;
  } else if (e != NULL && strcmp(e, "pfs") != 0) {
    web_error(rs, 400, "E_INVALID", "endpoint: must be pfs or os",
              "endpoint");
    return 1;
  }
  if (a != NULL && strcmp(a, "iptw") == 0) {
    *iptw = true;
  } else if (a != NULL && strcmp(a, "crude") != 0) {
    web_error(rs, 400, "E_INVALID", "adjust: must be crude or iptw",
              "adjust");
    return 1;
  }
  return 0;
}

/* Load the data set, of the live data or of ?freeze=ID (a data freeze:
** the same answer whenever it is asked); returns 0, or 1 after writing
** the error. */
static int analysis_load(struct request *rq, struct response *rs,
                         struct frame *d) {
  struct err e;
  int64_t freeze = 0;
  err_clear(&e);
  memset(d, 0, sizeof(*d));
  if (web_freeze_arg(rq, rs, &freeze)) {
    return 1;
  }
  if (an_data_load_from(rq->db, &rq->actor, freeze, d, &e) != APP_OK) {
    web_store_error(rs, &e);
    return 1;
  }
  return 0;
}

int api_analysis_km(struct request *rq, struct response *rs) {
  struct frame d;
  enum an_endpoint ep;
  bool iptw;
  json_t *out = NULL;
  struct err e;
  err_clear(&e);
  if (analysis_refused(rq, rs) || analysis_args(rq, rs, &ep, &iptw) ||
      analysis_load(rq, rs, &d)) {
    return 0;
  }
  if (an_km_json(&d, ep, iptw, &out, &e) != APP_OK) {
    web_store_error(rs, &e);
  } else {
    web_json(rs, 200, out);
  }
  an_data_free(&d);
  return 0;
}

int api_analysis_km_svg(struct request *rq, struct response *rs) {
  struct frame d;
  enum an_endpoint ep;
  bool iptw;
  double *w = NULL;
  struct an_km k;
  struct err e;
  int rc = APP_OK;
  err_clear(&e);
  if (analysis_refused(rq, rs) || analysis_args(rq, rs, &ep, &iptw) ||
      analysis_load(rq, rs, &d)) {
    return 0;
  }
  if (iptw) {
    w = xmallocarray((size_t)d.n + 1, sizeof(double));
    rc = an_iptw(&d, w, &e);
  }
  if (rc == APP_OK) {
    rc = an_km_fit(&d, ep, w, &k, &e);
  }
  if (rc != APP_OK) {
    web_store_error(rs, &e);
  } else {
    rs->status = 200;
    rs->content_type = svg_type;
    plot_km_svg(&k, plot_km_title(ep, iptw, rs->lang), rs->lang, &rs->body);
    an_km_free(&k);
  }
  xfree(w);
  an_data_free(&d);
  return 0;
}

int api_analysis_summary(struct request *rq, struct response *rs) {
  struct frame d;
  json_t *out = NULL;
  struct err e;
  err_clear(&e);
  if (analysis_refused(rq, rs) || analysis_load(rq, rs, &d)) {
    return 0;
  }
  if (an_summary_json(&d, &out, &e) != APP_OK) {
    web_store_error(rs, &e);
  } else {
    /* The IPTW note is text for the reader: in the request's language. */
    const char *note = json_string_value(json_object_get(out, "iptw_note"));
    if (note != NULL && rs->lang != I18N_EN) {
      struct buf tr;
      buf_init(&tr, 0);
      i18n_message(rs->lang, note, &tr);
      json_object_set_new(out, "iptw_note", json_string(buf_str(&tr)));
      buf_reset(&tr);
    }
    web_json(rs, 200, out);
  }
  an_data_free(&d);
  return 0;
}

/* Shared body of the plots that take the whole data set. */
static int analysis_plot(struct request *rq, struct response *rs,
                         void (*draw)(const struct frame *d,
                                      enum i18n_lang lang, struct buf *b)) {
  struct frame d;
  if (analysis_refused(rq, rs) || analysis_load(rq, rs, &d)) {
    return 0;
  }
  rs->status = 200;
  rs->content_type = svg_type;
  draw(&d, rs->lang, &rs->body);
  an_data_free(&d);
  return 0;
}

int api_analysis_waterfall_svg(struct request *rq, struct response *rs) {
  return analysis_plot(rq, rs, plot_waterfall_svg);
}

int api_analysis_swimmer_svg(struct request *rq, struct response *rs) {
  return analysis_plot(rq, rs, plot_swimmer_svg);
}

int api_analysis_forest_svg(struct request *rq, struct response *rs) {
  return analysis_plot(rq, rs, plot_forest_study);
}
