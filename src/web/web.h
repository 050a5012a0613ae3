/*
** web.h: the HTTP front end's request and response, independent of
** libmicrohttpd (only http.c includes microhttpd.h).
**
** Everything allocated for a request hangs off struct request and is freed
** when the request completes, so no handler frees request state itself.
*/
#ifndef HCC_WEB_H
#define HCC_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/i18n.h"
#include "../db/db.h"
#include "../store/session.h"
#include "../store/store.h"
#include "../store/token.h"

/* Longest URL accepted (bytes): ids and filters fit easily; longer URLs are
** attacks or mistakes (414). */
#define WEB_MAX_URL 2048
/* Default body cap for JSON requests (1 MiB): a casebook import is larger
** and has its own cap in the route table. */
#define WEB_MAX_BODY (1u << 20)
/* Most path segments a route has. */
#define WEB_MAX_SEGMENTS 8

struct response;

/* One HTTP request. */
struct request {
  const char *method;                 /* "GET", "POST", ... (borrowed) */
  char path[WEB_MAX_URL];             /* URL path without the query */
  char *seg[WEB_MAX_SEGMENTS];        /* path segments (point into segbuf) */
  int n_seg;                          /* number of segments */
  char segbuf[WEB_MAX_URL];           /* storage for seg[] */
  struct buf body;                    /* request body (capped) */
  bool body_too_large;                /* the body passed its cap */
  void *conn;                         /* the MHD connection (http.c only) */
  struct db *db;                      /* this thread's connection */
  bool has_actor;                     /* a valid session was presented */
  struct actor actor;                 /* the session's user */
  char csrf[SESSION_TOKEN_LEN];       /* the session's CSRF token */
  char token[SESSION_TOKEN_LEN];      /* the session cookie, if any */
  struct token_use api_token;         /* the Bearer API token presented,
                                         if any (api_token.id != 0); the
                                         cookie is then ignored */
  const char *token_refused;          /* why its use is refused (static
                                         text), or NULL */
  bool is_token_use_recorded;         /* its use is audited */
  json_t *json;                       /* parsed JSON body, or NULL */
  bool is_tls;                        /* served over TLS */
  char client[48];                    /* the client's address (login
                                         throttle), "" when unknown */
  /* Set by a write handler that wants to answer with data read after its
  ** batch committed (on this thread's connection, off the writer). */
  void (*after_write)(struct request *rq, struct response *rs);
  int64_t saved_id;                   /* the id the write produced */
  int64_t saved_version;              /* the record version it produced */
};

/* One HTTP response. */
struct response {
  int status;                 /* HTTP status */
  const char *content_type;   /* static string */
  struct buf body;            /* response body */
  char set_cookie[256];       /* Set-Cookie value, or "" */
  enum i18n_lang lang;        /* the reader's language (web_request_lang):
                                 messages of the error shape and plot text
                                 are written in it; 0 (English) unless
                                 set */
  bool has_file;              /* the body is file_fd instead of body */
  int file_fd;                /* an open file (unlinked), sent from its
                                 start and closed by http.c */
  uint64_t file_size;         /* its size in bytes */
  char disposition[192];      /* Content-Disposition value, or "" */
};

/* Answer with the open file fd (status 200; size bytes; the response owns
** fd from here on): a download, named filename in Content-Disposition. */
void web_file(struct response *rs, const char *content_type, int fd,
              uint64_t size, const char *filename);

/* A header of the request (NULL when absent); http.c. */
const char *web_header(struct request *rq, const char *name);
/* A query-string argument (NULL when absent); http.c. */
const char *web_arg(struct request *rq, const char *name);

/* Run a state-changing handler on the group-commit writer (http.c): the
** handler runs on the writer's connection inside a batch transaction, and
** this returns once the batch is durable. */
void web_run_write(struct request *rq, struct response *rs,
                   int (*handler)(struct request *rq, struct response *rs));

/* Check and normalize an API token's scope (token.h): "read" stays
** "read"; otherwise a comma-separated list of "[METHOD ]ROUTE" items,
** ROUTE as in the route table with or without its leading "/api/v1/"
** (e.g. "patients/:code"), a missing METHOD meaning every method of that
** route.  out receives "METHOD api/v1/route,..." (the form token.c
** matches).  Routes that a token may never use (sessions, tokens) are
** refused.  APP_OK or APP_EINVAL naming the item; routes.c. */
int web_token_scope(const char *in, struct buf *out, struct err *e);

/* The route table as JSON (routes.c): an array, in table order, of
** {"method", "pattern" ("api/v1/patients/:code"), "flags" (an array of
** "R_AUTH", "R_CSRF", "R_JSON", "R_NO_TOKEN"), "max_body" (bytes, 0: no
** body)}.  The caller owns the result; `hccstudy routes --json` prints it
** and tests/http/matrix.sh reads it. */
json_t *web_routes_json(void);

/* Dispatch a complete request through the route table (routes.c). */
void web_dispatch(struct request *rq, struct response *rs);

/* Set a JSON body (consumes v). */
void web_json(struct response *rs, int status, json_t *v);

/* The one error shape: {"error": {"code", "status", "message", "field"}}.
** message is English; it is written in rs->lang (i18n_message: the
** catalog's translation, or the English text when none matches).  code and
** field are never translated. */
void web_error(struct response *rs, int status, const char *code,
               const char *message, const char *field);

/* The language a request asks for (docs/api.md, "Language"): its `lang`
** query argument when present, else its Accept-Language header, else
** English; routes.c. */
enum i18n_lang web_request_lang(struct request *rq);

/* A copy of a 422 `problems` array ([{"field", "message"}, ...]) with each
** message in rs->lang (fields unchanged); a new reference, or NULL when
** problems is NULL. */
json_t *web_problems_localized(const struct response *rs,
                               const json_t *problems);

/* The same for any array of objects: a copy in which the string member
** `member` of each object is in rs->lang. */
json_t *web_members_localized(const struct response *rs, const json_t *arr,
                              const char *member);

/* Map a store error (struct err) to status and error shape. */
void web_store_error(struct response *rs, const struct err *e);

/* Options of the server. */
struct web_options {
  const char *db_url;     /* --db */
  const char *listen;     /* "127.0.0.1:8080" */
  int threads;            /* worker threads */
  const char *tls_cert;   /* PEM file, or NULL */
  const char *tls_key;    /* PEM file, or NULL */
  bool is_behind_tls_proxy; /* reached only through a TLS-terminating proxy:
                               cookies and HSTS as if served over TLS */
  /* Signed audit checkpoints (store/anchor.h): with checkpoint_sk set, one
  ** every checkpoint_every seconds and one at shutdown, written to
  ** checkpoint_out and/or appended to checkpoint_log (NULL: not). */
  const unsigned char *checkpoint_sk;
  const char *checkpoint_out;
  const char *checkpoint_log;
  bool checkpoint_syslog;
  int checkpoint_every;
};

/* Run the server until SIGINT/SIGTERM.  Returns APP_OK or an error. */
int web_serve(const struct web_options *o, struct err *e);

#endif
