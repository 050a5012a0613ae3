/*
** api_analysis.c: analysis routes (stubs until written).
*/
#include "api.h"

static int not_yet(struct response *rs) {
  web_error(rs, 501, "E_NOT_IMPLEMENTED", "analysis is not built yet", NULL);
  return 0;
}

int api_analysis_km(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}

int api_analysis_km_svg(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}

int api_analysis_summary(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}

int api_analysis_waterfall_svg(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}

int api_analysis_swimmer_svg(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}

int api_analysis_forest_svg(struct request *rq, struct response *rs) {
  (void)rq;
  return not_yet(rs);
}
