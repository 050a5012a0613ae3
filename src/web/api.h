/*
** api.h: JSON API handlers (/api/v1/...), one per route in routes.c.  Each
** reads rq (session user, path segments, JSON body), calls one store or
** study function, and writes rs.  docs/api.md documents every route.
*/
#ifndef HCC_API_H
#define HCC_API_H

#include "web.h"

int api_health(struct request *rq, struct response *rs);
int api_login(struct request *rq, struct response *rs);
int api_me(struct request *rq, struct response *rs);
int api_logout(struct request *rq, struct response *rs);
/* API tokens (api_token.c). */
int api_token_create(struct request *rq, struct response *rs);
int api_token_list(struct request *rq, struct response *rs);
int api_token_revoke(struct request *rq, struct response *rs);
int api_status(struct request *rq, struct response *rs);
int api_dictionary(struct request *rq, struct response *rs);
int api_patients(struct request *rq, struct response *rs);
int api_patient_create(struct request *rq, struct response *rs);
int api_casebook(struct request *rq, struct response *rs);
int api_record_create(struct request *rq, struct response *rs);
int api_record_update(struct request *rq, struct response *rs);
int api_query_raise(struct request *rq, struct response *rs);
int api_query_answer(struct request *rq, struct response *rs);
int api_query_close(struct request *rq, struct response *rs);
int api_queries(struct request *rq, struct response *rs);
int api_sign(struct request *rq, struct response *rs);
int api_lock(struct request *rq, struct response *rs);
int api_sdv(struct request *rq, struct response *rs);
int api_import(struct request *rq, struct response *rs);
int api_rules_eligibility(struct request *rq, struct response *rs);
int api_rules_mrecist(struct request *rq, struct response *rs);
int api_record_history(struct request *rq, struct response *rs);
/* Analysis of the study data (api_analysis.c): pi and statistician. */
int api_analysis_km(struct request *rq, struct response *rs);
int api_analysis_km_svg(struct request *rq, struct response *rs);
int api_analysis_summary(struct request *rq, struct response *rs);
int api_analysis_waterfall_svg(struct request *rq, struct response *rs);
int api_analysis_swimmer_svg(struct request *rq, struct response *rs);
int api_analysis_forest_svg(struct request *rq, struct response *rs);
/* Static UI assets for paths outside /api/. */
/* The export and freeze routes (api_export.c). */
int api_freeze_list(struct request *rq, struct response *rs);
int api_freeze_create(struct request *rq, struct response *rs);
int api_freeze_get(struct request *rq, struct response *rs);
int api_export_formats(struct request *rq, struct response *rs);
int api_export(struct request *rq, struct response *rs);

/* Parse the ?freeze=ID argument (absent: 0, the live data); returns 0, or
** 1 after writing a 400 naming "freeze" (api_export.c). */
int web_freeze_arg(struct request *rq, struct response *rs, int64_t *id);

int api_static(struct request *rq, struct response *rs);

#endif
