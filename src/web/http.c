/*
** http.c: libmicrohttpd glue.  The only file that includes microhttpd.h
** (Debian 12: 0.9.75, so responses are made with
** MHD_create_response_from_buffer and MHD_RESPMEM_MUST_COPY).
**
** A thread pool serves requests.  Each worker thread opens its own database
** connection on first use and keeps it; all of them are closed at shutdown.
** A request's state (struct request) is allocated on the first callback,
** filled with the body in later ones, dispatched once complete, and freed
** in the completion callback.  Nothing a request can send makes the
** process exit: every failure is an HTTP status.
*/
#include "web.h"
#include "request.h"

#include "../core/mem.h"
#include "../core/str.h"
#include "../store/anchor.h"
#include "../store/writer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Connections at once (beyond: refused by MHD).  Per-connection memory for
** headers is MHD's; bodies are ours (capped per route). */
#define WEB_MAX_CONNECTIONS 1024
/* Idle connections are closed after this many seconds. */
#define WEB_CONNECTION_TIMEOUT 30

static const char *web_db_url;                 /* --db, for worker threads */
static pthread_mutex_t web_dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db **web_dbs;                    /* every thread's connection */
static int web_n_dbs;
static _Thread_local struct db *web_tl_db;     /* this thread's connection */
static struct writer *web_writer;              /* group commit for writes */
static bool web_is_tls;                        /* served over TLS */
static bool web_is_proxied_tls;                /* --behind-tls-proxy */

/* A handler call carried to the writer thread. */
struct web_write_call {
  struct request *rq;
  struct response *rs;
  int (*handler)(struct request *rq, struct response *rs);
};

/* Runs on the writer: first the audit entry of the request's API token
** (once per request; a refused use is recorded too), then the handler
** (none: only that entry). */
static int web_write_job(struct db *db, void *arg, struct err *e) {
  struct web_write_call *call = arg;
  struct request *rq = call->rq;
  struct db *own = rq->db;
  (void)e;
  rq->db = db;
  if (rq->api_token.id != 0 && !rq->is_token_use_recorded) {
    struct err te;
    err_clear(&te);
    rq->is_token_use_recorded = true;
    if (token_record_use(db, &rq->api_token, rq->method, rq->path,
                         rq->token_refused, &te) != APP_OK) {
      web_store_error(call->rs, &te); /* not audited: not served */
      rq->db = own;
      return APP_OK;
    }
  }
  if (call->handler != NULL) {
    call->handler(rq, call->rs);
  }
  rq->db = own;
  return APP_OK; /* store functions undo their own failed work */
}

void web_run_write(struct request *rq, struct response *rs,
                   int (*handler)(struct request *rq, struct response *rs)) {
  struct web_write_call call = {rq, rs, handler};
  struct write_job job;
  memset(&job, 0, sizeof(job));
  job.fn = web_write_job;
  job.arg = &call;
  if (writer_submit(web_writer, &job) != APP_OK) {
    struct err e;
    err_clear(&e);
    ERR_SET(&e, APP_EDB, "writer: the batch was not committed");
    web_store_error(rs, &e);
  } else if (rq->after_write != NULL) {
    rq->after_write(rq, rs); /* reads on this thread, after the commit */
  }
}

const char *web_header(struct request *rq, const char *name) {
  if (rq->conn == NULL) { /* a request made in a test, not by MHD */
    return NULL;
  }
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *web_arg(struct request *rq, const char *name) {
  if (rq->conn == NULL) { /* a request made in a test, not by MHD */
    return NULL;
  }
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static struct db *thread_db(struct err *e) {
  if (web_tl_db == NULL) {
    struct db *db = NULL;
    if (db_open(web_db_url, &db, e) != APP_OK) {
      return NULL;
    }
    pthread_mutex_lock(&web_dbs_lock);
    web_dbs = xreallocarray(web_dbs, (size_t)web_n_dbs + 1, sizeof(*web_dbs));
    web_dbs[web_n_dbs++] = db;
    pthread_mutex_unlock(&web_dbs_lock);
    web_tl_db = db;
  }
  return web_tl_db;
}

/* Does any key or value of one kind of request value (headers, query
** arguments) fail to be UTF-8?  *cls is set to true on the first that does. */
static enum MHD_Result find_bad_utf8(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value) {
  bool *bad = cls;
  (void)kind;
  if ((key != NULL && !str_is_utf8(key, strlen(key))) ||
      (value != NULL && !str_is_utf8(value, strlen(value)))) {
    *bad = true;
    return MHD_NO;
  }
  return MHD_YES;
}

/* Where a request holds text that is not UTF-8 ("path", "query", "header",
** "body"), or NULL when all of it is.  Checked once, before routing, so no
** handler, message or log line ever sees such bytes. */
static const char *bad_encoding(const struct request *rq, const char *url) {
  static const struct {
    enum MHD_ValueKind kind;
    const char *where;
  } kinds[] = {{MHD_GET_ARGUMENT_KIND, "query"},
               {MHD_HEADER_KIND, "header"},
               {MHD_COOKIE_KIND, "header"}};
  size_t i;
  if (!str_is_utf8(url, strlen(url))) {
    return "path";
  }
  for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
    bool bad = false;
    MHD_get_connection_values(rq->conn, kinds[i].kind, find_bad_utf8, &bad);
    if (bad) {
      return kinds[i].where;
    }
  }
  if (rq->body.len > 0 && !str_is_utf8(buf_str(&rq->body), rq->body.len)) {
    return "body";
  }
  return NULL;
}

/* Make a checkpoint of the audit trail on a connection of its own and
** write it where o says; a failure is logged, never fatal. */
static void web_checkpoint(const struct web_options *o) {
  struct anchor_checkpoint cp;
  struct db *db = NULL;
  struct err e;
  err_clear(&e);
  if (db_open(o->db_url, &db, &e) == APP_OK &&
      anchor_make(db, o->checkpoint_sk, &cp, &e) == APP_OK &&
      anchor_write(&cp, o->checkpoint_out, o->checkpoint_log,
                   o->checkpoint_syslog, &e) == APP_OK) {
    fprintf(stderr, "hccstudy: checkpoint of audit entry %" PRId64 " (%.16s"
            ") signed\n", cp.seq, cp.chain_hash);
  } else {
    fprintf(stderr, "hccstudy: checkpoint failed: %s\n", e.msg);
  }
  db_close(db);
}

/* The client's address, for the login throttle: the peer's IP, or behind
** a TLS-terminating proxy the last address of X-Forwarded-For (the one
** the proxy added; earlier ones are the client's own claims). */
static void client_address(struct MHD_Connection *conn, char *out,
                           size_t n) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  out[0] = '\0';
  if (web_is_proxied_tls) {
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                  "X-Forwarded-For");
    const char *last = xff ? strrchr(xff, ',') : NULL;
    if (xff != NULL) {
      last = last ? last + 1 : xff;
      while (*last == ' ') {
        last++;
      }
      snprintf(out, n, "%.45s", last);
      return;
    }
  }
  if (ci != NULL && ci->client_addr != NULL &&
      ci->client_addr->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const void *)ci->client_addr;
    inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)n);
  } else if (ci != NULL && ci->client_addr != NULL &&
             ci->client_addr->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const void *)ci->client_addr;
    inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)n);
  }
}

static enum MHD_Result send_response(struct MHD_Connection *conn,
                                     struct response *rs,
                                     const struct request *rq) {
  struct MHD_Response *r;
  enum MHD_Result ret;
  if (rs->has_file) {
    /* libmicrohttpd sends the file as the client reads it and closes it
    ** with the response: memory does not grow with the file. */
    r = MHD_create_response_from_fd64(rs->file_size, rs->file_fd);
    if (r == NULL) {
      close(rs->file_fd);
    }
    rs->has_file = false;
  } else {
    r = MHD_create_response_from_buffer(
        rs->body.len, rs->body.data ? rs->body.data : (void *)(uintptr_t)"",
        MHD_RESPMEM_MUST_COPY);
  }
  if (r == NULL) {
    return MHD_NO;
  }
  if (rs->disposition[0]) {
    MHD_add_response_header(r, "Content-Disposition", rs->disposition);
  }
  MHD_add_response_header(r, "Content-Type", rs->content_type
                                                 ? rs->content_type
                                                 : "application/json");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; "
                          "style-src 'self'; img-src 'self' data:; "
                          "frame-ancestors 'none'; base-uri 'none'; "
                          "form-action 'self'");
  if (rq != NULL && rq->is_tls) {
    MHD_add_response_header(r, "Strict-Transport-Security",
                            "max-age=31536000");
  }
  if (rq != NULL && strncmp(rq->path, "/api/", 5) == 0) {
    /* API answers (messages, plot text) follow the request's language. */
    MHD_add_response_header(r, "Content-Language", i18n_tag(rs->lang));
    MHD_add_response_header(r, "Vary", "Accept-Language");
  }
  if (rs->set_cookie[0]) {
    MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
  }
  ret = MHD_queue_response(conn, (unsigned int)rs->status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  struct request *rq = *con_cls;
  struct response rs;
  struct err e;
  enum MHD_Result ret;
  const char *bad;
  (void)cls;
  (void)version;
  if (rq == NULL) {
    rq = xcalloc(1, sizeof(*rq));
    rq->method = method;
    rq->conn = conn;
    rq->is_tls = web_is_tls || web_is_proxied_tls;
    client_address(conn, rq->client, sizeof(rq->client));
    buf_init(&rq->body, WEB_MAX_BODY * 16);
    *con_cls = rq;
    if (strlen(url) >= WEB_MAX_URL) {
      rq->body_too_large = true; /* reported as 414 below */
      rq->path[0] = '\0';
    } else {
      web_split_path(rq, url);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    if (!rq->body_too_large &&
        buf_append(&rq->body, upload_data, *upload_data_size) != APP_OK) {
      rq->body_too_large = true;
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  err_clear(&e);
  rs.lang = web_request_lang(rq);
  if (strlen(url) >= WEB_MAX_URL) {
    web_error(&rs, 414, "E_URL_TOO_LONG", "the URL is too long", NULL);
  } else if ((bad = bad_encoding(rq, url)) != NULL) {
    char msg[80];
    snprintf(msg, sizeof(msg), "%s: the request's text is not valid UTF-8",
             bad);
    web_error(&rs, 400, "E_ENCODING", msg, bad);
  } else if ((rq->db = thread_db(&e)) == NULL) {
    e.code = APP_EDB; /* whatever failed, the database is not available */
    web_store_error(&rs, &e);
  } else {
    web_dispatch(rq, &rs);
  }
  ret = send_response(conn, &rs, rq);
  buf_reset(&rs.body);
  return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct request *rq = *con_cls;
  (void)cls;
  (void)conn;
  (void)toe;
  if (rq != NULL) {
    buf_reset(&rq->body);
    json_decref(rq->json);
    xfree(rq);
    *con_cls = NULL;
  }
}

/* Read a PEM file (key or certificate) into b. */
static int read_pem(const char *path, const char *opt, struct buf *b,
                    struct err *e) {
  FILE *f = fopen(path, "rb");
  char chunk[4096];
  size_t n;
  if (f == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: cannot open %s", opt, path);
  }
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    buf_append(b, chunk, n);
  }
  fclose(f);
  if (strstr(buf_str(b), "-----BEGIN") == NULL) {
    return ERR_SET(e, APP_EINVAL, "%s: %s is not a PEM file", opt, path);
  }
  return APP_OK;
}

static int parse_listen(const char *s, struct sockaddr_in *sa,
                        struct err *e) {
  char host[64];
  const char *colon = strrchr(s, ':');
  long port;
  char *end;
  memset(sa, 0, sizeof(*sa));
  if (colon == NULL || (size_t)(colon - s) >= sizeof(host)) {
    return ERR_SET(e, APP_EINVAL, "--listen: expected HOST:PORT, e.g. "
                   "127.0.0.1:8080");
  }
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = '\0';
  port = strtol(colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) {
    return ERR_SET(e, APP_EINVAL, "--listen: bad port in %s", s);
  }
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
    return ERR_SET(e, APP_EINVAL, "--listen: %s is not an IPv4 address",
                   host);
  }
  return APP_OK;
}

int web_serve(const struct web_options *o, struct err *e) {
  struct sockaddr_in sa;
  struct MHD_Daemon *d;
  sigset_t sigs;
  int sig;
  int i;
  const union MHD_DaemonInfo *info;
  struct db *probe = NULL;
  struct buf cert, key;
  buf_init(&cert, 0);
  buf_init(&key, 0);
  if (parse_listen(o->listen, &sa, e) != APP_OK) {
    return APP_EINVAL;
  }
  if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
    return ERR_SET(e, APP_EINVAL, "--tls-cert and --tls-key go together");
  }
  if (o->tls_cert != NULL) {
    if (read_pem(o->tls_cert, "--tls-cert", &cert, e) != APP_OK ||
        read_pem(o->tls_key, "--tls-key", &key, e) != APP_OK) {
      buf_reset(&cert);
      buf_reset(&key);
      return APP_EINVAL;
    }
    web_is_tls = true;
  }
  /* Open and migrate once up front, so a bad --db fails at start. */
  web_db_url = o->db_url;
  web_is_proxied_tls = o->is_behind_tls_proxy;
  if (db_open(o->db_url, &probe, e) != APP_OK || db_migrate(probe, e) !=
                                                      APP_OK) {
    db_close(probe);
    return APP_EDB;
  }
  db_close(probe);
  if (writer_start(o->db_url, &web_writer, e) != APP_OK) {
    return APP_EDB;
  }
  /* Worker threads inherit this mask; the main thread waits for them. */
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);
  {
    /* TLS options only when TLS is on (MHD logs them as misplaced
    ** otherwise). */
    struct MHD_OptionItem tls[] = {
      {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)buf_str(&key)},
      {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)buf_str(&cert)},
      {MHD_OPTION_END, 0, NULL}};
    struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
    d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            (web_is_tls ? MHD_USE_TLS : 0),
        0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_ARRAY, web_is_tls ? tls : none,
        MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)(o->threads > 0 ? o->threads : 4),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_CONNECTION_TIMEOUT,
        MHD_OPTION_END);
  }
  if (d == NULL) {
    writer_stop(web_writer);
    web_writer = NULL;
    buf_reset(&cert);
    buf_reset(&key);
    return ERR_SET(e, APP_EIO, "--listen: cannot listen on %s%s", o->listen,
                   web_is_tls ? " (or the TLS key/certificate is unusable)"
                              : "");
  }
  info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  {
    char *shown = db_url_redacted(o->db_url);
    printf("hccstudy serving %s on %s://%s:%u/\n", shown,
           web_is_tls ? "https" : "http", inet_ntoa(sa.sin_addr),
           info ? (unsigned)info->port : 0u);
    xfree(shown);
  }
  fflush(stdout);
  if (o->checkpoint_sk != NULL) {
    struct timespec every = {o->checkpoint_every > 0 ? o->checkpoint_every
                                                     : 600, 0};
    while ((sig = sigtimedwait(&sigs, NULL, &every)) < 0) {
      if (errno == EAGAIN) {
        web_checkpoint(o);
      }
    }
  } else {
    sigwait(&sigs, &sig);
  }
  MHD_stop_daemon(d);
  writer_stop(web_writer);
  web_writer = NULL;
  if (o->checkpoint_sk != NULL) {
    web_checkpoint(o); /* every write is committed: the final one */
  }
  pthread_mutex_lock(&web_dbs_lock);
  for (i = 0; i < web_n_dbs; i++) {
    db_close(web_dbs[i]);
  }
  xfree(web_dbs);
  web_dbs = NULL;
  web_n_dbs = 0;
  pthread_mutex_unlock(&web_dbs_lock);
  buf_reset(&cert);
  buf_reset(&key);
  printf("hccstudy: stopped (signal %d)\n", sig);
  return APP_OK;
}
