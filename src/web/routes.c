/*
** routes.c: the route table and the dispatcher (Taler's handlers[], Redis'
** command flags).  The dispatcher enforces, before any handler runs: 404 for
** an unknown path, 405 for a known path with another method,
** authentication (401), the CSRF token on every state-changing request
** (403), the body cap (413), and a JSON body where one is required (400).
**
** Authentication is a session cookie or an API token ("Authorization:
** Bearer hcc_...", token.h).  A request with an Authorization header is
** judged by it alone (any cookie is ignored): an unknown, revoked or
** expired token is 401, a route outside the token's scope 403.  Bearer
** requests need no CSRF token: a browser never attaches an Authorization
** header to a cross-site request by itself, so there is no forgery to
** defend against (docs/api.md).  Every use of a known token is audited,
** through the group-commit writer, before the handler runs.
*/
#include "web.h"

#include "../core/jsonx.h"
#include "../core/str.h"
#include "api.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Route flags. */
#define R_AUTH 1u   /* a valid session is required */
#define R_CSRF 2u   /* X-CSRF-Token must equal the session's token */
#define R_JSON 4u   /* the body must be a JSON object */
#define R_NO_TOKEN 8u /* a session only: never with an API token (a token
                         cannot make tokens or end sessions) */

/* One route: segments of the pattern separated by '/', ":name" matching
** any one segment. */
struct route {
  const char *method;
  const char *pattern;
  int (*handler)(struct request *rq, struct response *rs);
  unsigned flags;
  size_t max_body;  /* bytes; 0 = no body expected */
};

/* Casebook imports may be large (16 MiB). */
#define ROUTE_MAX_IMPORT (16u << 20)

static const struct route routes[] = {
  {"GET", "api/v1/health", api_health, 0, 0},
  /* Every session route is R_NO_TOKEN: "the session and token routes are
  ** never open to a token" (docs/api.md). */
  {"POST", "api/v1/session", api_login, R_JSON | R_NO_TOKEN, 4096},
  {"GET", "api/v1/session", api_me, R_AUTH | R_NO_TOKEN, 0},
  {"DELETE", "api/v1/session", api_logout, R_AUTH | R_CSRF | R_NO_TOKEN, 0},
  {"GET", "api/v1/status", api_status, R_AUTH, 0},
  {"GET", "api/v1/dictionary", api_dictionary, R_AUTH, 0},
  {"GET", "api/v1/patients", api_patients, R_AUTH, 0},
  {"POST", "api/v1/patients", api_patient_create, R_AUTH | R_CSRF | R_JSON,
   4096},
  {"GET", "api/v1/patients/:code", api_casebook, R_AUTH, 0},
  {"POST", "api/v1/patients/:code/records", api_record_create,
   R_AUTH | R_CSRF | R_JSON, WEB_MAX_BODY},
  {"PUT", "api/v1/patients/:code/records/:id", api_record_update,
   R_AUTH | R_CSRF | R_JSON, WEB_MAX_BODY},
  {"GET", "api/v1/patients/:code/records/:id/history", api_record_history,
   R_AUTH, 0},
  {"POST", "api/v1/patients/:code/queries", api_query_raise,
   R_AUTH | R_CSRF | R_JSON, 16384},
  {"POST", "api/v1/patients/:code/signature", api_sign,
   R_AUTH | R_CSRF | R_JSON, 4096},
  {"POST", "api/v1/patients/:code/lock", api_lock, R_AUTH | R_CSRF | R_JSON,
   4096},
  {"GET", "api/v1/queries", api_queries, R_AUTH, 0},
  {"POST", "api/v1/queries/:id/answer", api_query_answer,
   R_AUTH | R_CSRF | R_JSON, 16384},
  {"POST", "api/v1/queries/:id/close", api_query_close,
   R_AUTH | R_CSRF | R_JSON, 16384},
  {"POST", "api/v1/records/:id/sdv", api_sdv, R_AUTH | R_CSRF, 0},
  {"POST", "api/v1/import", api_import, R_AUTH | R_CSRF | R_JSON,
   ROUTE_MAX_IMPORT},
  {"GET", "api/v1/analysis/km", api_analysis_km, R_AUTH, 0},
  {"GET", "api/v1/analysis/km.svg", api_analysis_km_svg, R_AUTH, 0},
  {"GET", "api/v1/analysis/summary", api_analysis_summary, R_AUTH, 0},
  {"GET", "api/v1/analysis/waterfall.svg", api_analysis_waterfall_svg,
   R_AUTH, 0},
  {"GET", "api/v1/analysis/swimmer.svg", api_analysis_swimmer_svg, R_AUTH,
   0},
  {"GET", "api/v1/analysis/forest.svg", api_analysis_forest_svg, R_AUTH, 0},
  {"GET", "api/v1/freezes", api_freeze_list, R_AUTH, 0},
  {"POST", "api/v1/freezes", api_freeze_create, R_AUTH | R_CSRF | R_JSON,
   4096},
  {"GET", "api/v1/freezes/:id", api_freeze_get, R_AUTH, 0},
  {"GET", "api/v1/exports", api_export_formats, R_AUTH, 0},
  {"GET", "api/v1/exports/:format", api_export, R_AUTH, 0},
  {"POST", "api/v1/rules/eligibility", api_rules_eligibility,
   R_AUTH | R_CSRF | R_JSON, 65536},
  {"POST", "api/v1/rules/mrecist", api_rules_mrecist,
   R_AUTH | R_CSRF | R_JSON, WEB_MAX_BODY},
  {"GET", "api/v1/tokens", api_token_list, R_AUTH | R_NO_TOKEN, 0},
  {"POST", "api/v1/tokens", api_token_create,
   R_AUTH | R_CSRF | R_JSON | R_NO_TOKEN, 4096},
  {"DELETE", "api/v1/tokens/:id", api_token_revoke,
   R_AUTH | R_CSRF | R_NO_TOKEN, 0},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* One item of a scope ("[METHOD ]ROUTE", spaces around it trimmed, n
** bytes) into out as "METHOD api/v1/route" items. */
static int scope_item(const char *item, size_t n, struct buf *out,
                      struct err *e) {
  char text[160], *route;
  const char *method = NULL;
  size_t i;
  bool found = false;
  if (n == 0 || n >= sizeof(text)) {
    return ERR_FIELD(e, APP_EINVAL, "scope", "scope: an empty or overlong "
                     "item");
  }
  memcpy(text, item, n);
  text[n] = '\0';
  route = strchr(text, ' ');
  if (route != NULL) {
    *route++ = '\0';
    while (*route == ' ') {
      route++;
    }
    method = text;
  } else {
    route = text;
  }
  while (*route == '/') {
    route++;
  }
  if (strncmp(route, "api/v1/", 7) == 0) {
    route += 7;
  }
  for (i = 0; i < N_ROUTES; i++) {
    const struct route *r = &routes[i];
    if (strcmp(r->pattern + 7, route) != 0 ||
        (method != NULL && strcmp(method, r->method) != 0)) {
      continue;
    }
    if (r->flags & R_NO_TOKEN) {
      return ERR_FIELD(e, APP_EINVAL, "scope", "scope: %s %s cannot be "
                       "used with an API token", r->method, r->pattern);
    }
    if (out->len > 0) {
      buf_putc(out, ',');
    }
    buf_appendf(out, "%s %s", r->method, r->pattern);
    found = true;
  }
  if (!found) {
    return ERR_FIELD(e, APP_EINVAL, "scope", "scope: no route %s%s%s "
                     "(see docs/api.md, e.g. \"GET patients/:code\")",
                     method ? method : "", method ? " " : "", route);
  }
  return APP_OK;
}

int web_token_scope(const char *in, struct buf *out, struct err *e) {
  const char *p = in;
  out->len = 0;
  if (in == NULL || strcmp(in, "read") == 0) {
    buf_puts(out, "read");
    return APP_OK;
  }
  while (*p) {
    size_t n;
    while (*p == ' ') {
      p++;
    }
    n = strcspn(p, ",");
    while (n > 0 && p[n - 1] == ' ') {
      n--;
    }
    if (scope_item(p, n, out, e) != APP_OK) {
      return APP_EINVAL;
    }
    p += strcspn(p, ",");
    if (*p == ',') {
      p++;
    }
  }
  if (out->len == 0) {
    return ERR_FIELD(e, APP_EINVAL, "scope", "scope: expected read or a "
                     "list of routes");
  }
  return APP_OK;
}

json_t *web_routes_json(void) {
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{R_AUTH, "R_AUTH"},
               {R_CSRF, "R_CSRF"},
               {R_JSON, "R_JSON"},
               {R_NO_TOKEN, "R_NO_TOKEN"}};
  json_t *arr = json_array();
  size_t i, k;
  for (i = 0; i < N_ROUTES; i++) {
    json_t *flags = json_array();
    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
      if (routes[i].flags & names[k].bit) {
        json_array_append_new(flags, json_string(names[k].name));
      }
    }
    json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:I}", "method",
                                         routes[i].method, "pattern",
                                         routes[i].pattern, "flags", flags,
                                         "max_body",
                                         (json_int_t)routes[i].max_body));
  }
  return arr;
}

/* Does the path match the pattern? */
static bool route_match(const struct route *r, const struct request *rq) {
  char pat[128];
  char *p, *save = NULL;
  int i = 0;
  snprintf(pat, sizeof(pat), "%s", r->pattern);
  for (p = strtok_r(pat, "/", &save); p != NULL;
       p = strtok_r(NULL, "/", &save)) {
    if (i >= rq->n_seg || i >= WEB_MAX_SEGMENTS) {
      return false;
    }
    if (p[0] != ':' && strcmp(p, rq->seg[i]) != 0) {
      return false;
    }
    if (rq->seg[i][0] == '\0') {
      return false;
    }
    i++;
  }
  return i == rq->n_seg;
}

/* The session cookie's value, if any. */
static void read_cookie(struct request *rq) {
  const char *c = web_header(rq, "Cookie");
  const char *names[] = {"__Host-hcc_session=", "hcc_session="};
  size_t k;
  rq->token[0] = '\0';
  for (k = 0; c != NULL && k < 2; k++) {
    const char *p = strstr(c, names[k]);
    if (p != NULL && (p == c || p[-1] == ' ' || p[-1] == ';')) {
      size_t n;
      p += strlen(names[k]);
      n = strcspn(p, "; ");
      if (n < sizeof(rq->token)) {
        memcpy(rq->token, p, n);
        rq->token[n] = '\0';
      }
      return;
    }
  }
}

/* Record the refused use of a known token (audited through the writer,
** like an accepted one) and answer status with the one error shape. */
static void token_refuse(struct request *rq, struct response *rs,
                         const char *why, int status, const char *code,
                         const char *message) {
  rq->token_refused = why;
  web_run_write(rq, rs, NULL);
  web_error(rs, status, code, message, NULL);
}

/* Authenticate a request by its Authorization header (the route r is
** known).  Returns true when the request may go on as the token's user;
** else rs holds the answer.  The token's text never reaches a message or
** the log. */
static bool bearer_auth(struct request *rq, struct response *rs,
                        const struct route *r, const char *auth) {
  struct err e;
  struct token_use *u = &rq->api_token;
  int rc;
  err_clear(&e);
  if (strncasecmp(auth, "Bearer ", 7) != 0) {
    web_error(rs, 401, "E_UNAUTHENTICATED", "Authorization: only Bearer "
              "API tokens are accepted", NULL);
    return false;
  }
  auth += 7;
  while (*auth == ' ') {
    auth++;
  }
  rc = token_check(rq->db, auth, u, &e);
  if (rc == APP_EDB) {
    u->id = 0;
    web_store_error(rs, &e);
    return false;
  }
  if (rc != APP_OK) {
    u->id = 0; /* unknown: nothing to audit it against */
    web_error(rs, 401, "E_UNAUTHENTICATED", "token: not a valid API token",
              NULL);
    return false;
  }
  if (u->refusal != NULL) {
    char msg[64];
    snprintf(msg, sizeof(msg), "token: %s", u->refusal);
    token_refuse(rq, rs, strcmp(u->refusal, "revoked") == 0
                             ? "refused: revoked"
                         : strcmp(u->refusal, "expired") == 0
                             ? "refused: expired"
                             : "refused: inactive user",
                 401, "E_UNAUTHENTICATED", msg);
    return false;
  }
  if ((r->flags & R_NO_TOKEN) ||
      !token_scope_allows(u->scope, r->method, r->pattern)) {
    char msg[200];
    snprintf(msg, sizeof(msg), "token: %s %s is outside this token's scope",
             r->method, r->pattern);
    token_refuse(rq, rs, "refused: out of scope", 403, "E_FORBIDDEN", msg);
    return false;
  }
  rq->actor = u->actor;
  rq->has_actor = true;
  return true;
}

void web_dispatch(struct request *rq, struct response *rs) {
  const struct route *r = NULL;
  bool path_known = false;
  size_t i;
  struct err e;
  const char *auth;
  err_clear(&e);
  for (i = 0; i < N_ROUTES; i++) {
    if (route_match(&routes[i], rq)) {
      path_known = true;
      if (strcmp(routes[i].method, rq->method) == 0) {
        r = &routes[i];
        break;
      }
    }
  }
  if (r == NULL) {
    if (!path_known && strncmp(rq->path, "/api/", 5) != 0) {
      api_static(rq, rs);
      return;
    }
    web_error(rs, path_known ? 405 : 404,
              path_known ? "E_METHOD" : "E_NOT_FOUND",
              path_known ? "method not allowed here" : "no such resource",
              NULL);
    return;
  }
  auth = web_header(rq, "Authorization");
  if (auth != NULL) {
    if (!bearer_auth(rq, rs, r, auth)) {
      return;
    }
  } else {
    read_cookie(rq);
  }
  if (rq->token[0]) {
    int rc = session_check(rq->db, rq->token, &rq->actor, rq->csrf, &e);
    if (rc == APP_OK) {
      rq->has_actor = true;
    } else if (rc == APP_EDB) {
      /* The database failed, not the session: say so (503), never 401. */
      web_store_error(rs, &e);
      return;
    }
  }
  if ((r->flags & R_AUTH) && !rq->has_actor) {
    web_error(rs, 401, "E_UNAUTHENTICATED",
              e.msg[0] ? e.msg : "log in first", NULL);
    return;
  }
  if ((r->flags & R_CSRF) && rq->api_token.id == 0) {
    const char *t = web_header(rq, "X-CSRF-Token");
    if (t == NULL || strcmp(t, rq->csrf) != 0) {
      web_error(rs, 403, "E_CSRF", "missing or wrong X-CSRF-Token header",
                NULL);
      return;
    }
  }
  if (rq->body_too_large || rq->body.len > r->max_body) {
    web_error(rs, 413, "E_TOO_LARGE", "the request body is too large",
              NULL);
    return;
  }
  if (r->flags & R_JSON) {
    err_clear(&e);
    rq->json = rq->body.len ? jx_parse(buf_str(&rq->body), rq->body.len,
                                       "request body", &e)
                            : NULL;
    if (rq->json == NULL || !json_is_object(rq->json)) {
      web_error(rs, 400, "E_JSON",
                e.msg[0] ? e.msg : "the body must be a JSON object", NULL);
      return;
    }
  }
  if (strcmp(rq->method, "GET") == 0) {
    if (rq->api_token.id != 0) {
      web_run_write(rq, rs, NULL); /* the use's audit entry, durable */
      if (rs->status != 0) {
        return;
      }
    }
    r->handler(rq, rs);
  } else {
    web_run_write(rq, rs, r->handler);
  }
}

void web_json(struct response *rs, int status, json_t *v) {
  if (v == NULL) {
    /* A value could not be built (jansson refuses text that is not UTF-8,
    ** e.g. from a damaged database row): an error, never a crash. */
    fprintf(stderr, "hccstudy: a JSON answer (status %d) could not be "
            "built\n", status);
    web_error(rs, 500, "E_INTERNAL", "internal error; see the server log",
              NULL);
    return;
  }
  rs->status = status;
  rs->content_type = "application/json";
  rs->body.len = 0;
  jx_dump(v, &rs->body, false);
  json_decref(v);
}

void web_file(struct response *rs, const char *content_type, int fd,
              uint64_t size, const char *filename) {
  rs->status = 200;
  rs->content_type = content_type;
  rs->body.len = 0;
  rs->has_file = true;
  rs->file_fd = fd;
  rs->file_size = size;
  snprintf(rs->disposition, sizeof(rs->disposition),
           "attachment; filename=\"%s\"", filename);
}

void web_error(struct response *rs, int status, const char *code,
               const char *message, const char *field) {
  /* message and field may quote input: made valid UTF-8 first, so that
  ** the error shape can always be built. */
  struct buf m, f;
  json_t *v;
  struct buf tr;
  if (rs->has_file) { /* an error after a file was chosen replaces it */
    close(rs->file_fd);
    rs->has_file = false;
    rs->disposition[0] = '\0';
  }
  buf_init(&m, 0);
  buf_init(&f, 0);
  buf_init(&tr, 0);
  str_utf8_clean(&m, message);
  if (field != NULL) {
    str_utf8_clean(&f, field);
  }
  i18n_message(rs->lang, buf_str(&m), &tr);
  v = json_pack("{s:{s:s,s:i,s:s,s:s?}}", "error", "code", code, "status",
                status, "message", buf_str(&tr), "field",
                field != NULL ? buf_str(&f) : NULL);
  buf_reset(&m);
  buf_reset(&f);
  buf_reset(&tr);
  if (v == NULL) { /* out of memory: a fixed body */
    rs->status = status;
    rs->content_type = "application/json";
    rs->body.len = 0;
    buf_lit(&rs->body, "{\"error\":{\"code\":\"E_INTERNAL\"}}");
    return;
  }
  web_json(rs, status, v);
}

void web_store_error(struct response *rs, const struct err *e) {
  const struct err_class *k = err_class(e->code);
  if (k->exit_status == 1) {
    /* Environment failures: the detail goes to the log, not the client. */
    fprintf(stderr, "hccstudy: %s (%s:%d)\n", e->msg, e->file ? e->file : "",
            e->line);
    web_error(rs, k->http_status, k->http_code,
              k->code == APP_EDB ? "the database is not reachable or the "
                                   "change was not confirmed; try again"
                                 : "internal error; see the server log",
              NULL);
    return;
  }
  web_error(rs, k->http_status, k->http_code, e->msg,
            e->field[0] ? e->field : NULL);
}

enum i18n_lang web_request_lang(struct request *rq) {
  const char *arg = web_arg(rq, "lang");
  if (arg != NULL && arg[0] != '\0') {
    return i18n_lang_arg(arg);
  }
  return rq->conn != NULL ? i18n_negotiate(web_header(rq, "Accept-Language"))
                          : I18N_EN;
}

json_t *web_members_localized(const struct response *rs, const json_t *arr,
                              const char *member) {
  json_t *out;
  size_t i;
  if (arr == NULL) {
    return NULL;
  }
  out = json_deep_copy(arr);
  for (i = 0; out != NULL && rs->lang != I18N_EN && i < json_array_size(out);
       i++) {
    json_t *p = json_array_get(out, i);
    const char *msg = json_string_value(json_object_get(p, member));
    struct buf tr;
    if (msg == NULL) {
      continue;
    }
    buf_init(&tr, 0);
    i18n_message(rs->lang, msg, &tr);
    json_object_set_new(p, member, json_string(buf_str(&tr)));
    buf_reset(&tr);
  }
  return out;
}

json_t *web_problems_localized(const struct response *rs,
                               const json_t *problems) {
  return web_members_localized(rs, problems, "message");
}
