/*
** fuzz_http.c: the HTTP request path: method, URL with query, headers and
** body into the route table (web_dispatch, src/web/routes.c) and every
** handler it reaches, on a study database.
**
** Input (text):  METHOD SP URL LF  { HEADER-NAME ":" SP VALUE LF }  LF  BODY
** A header line "@dm" adds the Cookie and X-CSRF-Token of a logged-in data
** manager, "@coord" those of a coordinator at site SA (so the fuzzer reaches
** the authenticated routes); "@bearer" an Authorization header with a live
** API token.  The query is split on '&' and '=' and percent-decoded, as
** libmicrohttpd hands arguments to web_arg().
**
** This harness replaces http.c (not linked): it defines web_header,
** web_arg and web_run_write itself and mirrors on_request: the 414 URL
** cap, the UTF-8 check of path, query, headers and body (400), the
** request's language, then web_dispatch.  web_split_path (src/web/request.h)
** is the server's own.  web_run_write runs the handler the way the
** group-commit writer does (a savepoint inside a batch transaction, the
** token's audit entry first, access_flush, after_write) but rolls the batch
** back, so every run starts from the same study: the default protocol,
** sites SA and SB, one patient SA-0001 (the import seed's records).
** FUZZ_VERBOSE=1 in the environment prints each request's status.
*/
#include "fuzz_study.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../unit/db_harness.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/str.h"
#include "store/access.h"
#include "store/import.h"
#include "store/session.h"
#include "store/store.h"
#include "store/token.h"
#include "web/request.h"
#include "web/web.h"

#define FZ_MAX_KV 16

struct fz_kv {
  const char *k, *v;
};

/* The request being dispatched: its headers and query arguments. */
static struct fz_kv fz_hdr[FZ_MAX_KV], fz_arg[FZ_MAX_KV];
static int fz_n_hdr, fz_n_arg;

static struct db *fz_db;
static char fz_url[128];
static char fz_dm_cookie[SESSION_TOKEN_LEN + 16], fz_dm_csrf[SESSION_TOKEN_LEN];
static char fz_co_cookie[SESSION_TOKEN_LEN + 16], fz_co_csrf[SESSION_TOKEN_LEN];
static char fz_bearer[256];

const char *web_header(struct request *rq, const char *name) {
  int i;
  (void)rq;
  for (i = 0; i < fz_n_hdr; i++) {
    if (strcasecmp(fz_hdr[i].k, name) == 0) {
      return fz_hdr[i].v;
    }
  }
  return NULL;
}

const char *web_arg(struct request *rq, const char *name) {
  int i;
  (void)rq;
  for (i = 0; i < fz_n_arg; i++) {
    if (strcmp(fz_arg[i].k, name) == 0) {
      return fz_arg[i].v;
    }
  }
  return NULL;
}

void web_run_write(struct request *rq, struct response *rs,
                   int (*handler)(struct request *rq, struct response *rs)) {
  struct err e;
  err_clear(&e);
  if (db_begin_write(rq->db, &e) != APP_OK ||
      db_begin_write(rq->db, &e) != APP_OK) {
    fprintf(stderr, "fuzz_http: begin: %s\n", e.msg);
    abort();
  }
  if (rq->api_token.id != 0 && !rq->is_token_use_recorded) {
    rq->is_token_use_recorded = true;
    if (token_record_use(rq->db, &rq->api_token, rq->method, rq->path,
                         rq->token_refused, &e) != APP_OK) {
      web_store_error(rs, &e);
      handler = NULL;
    }
  }
  if (handler != NULL) {
    handler(rq, rs);
  }
  if (db_commit(rq->db, &e) != APP_OK) { /* the savepoint */
    abort();
  }
  access_flush(rq->db, &e);
  if (handler != NULL && rq->after_write != NULL) {
    rq->after_write(rq, rs);
  }
  db_rollback(rq->db); /* the batch: nothing stays */
}

static void fz_die(const char *what, const struct err *e) {
  fprintf(stderr, "fuzz_http: %s: %s\n", what, e->msg);
  abort();
}

static void fz_cleanup(void) {
  db_close(fz_db);
  db_remove_sqlite_files(fz_url);
}

/* Log username in and keep its cookie and CSRF token. */
static void fz_session(const char *username, char *cookie, size_t n,
                       char *csrf) {
  struct err e;
  struct actor a;
  char token[SESSION_TOKEN_LEN];
  err_clear(&e);
  if (session_create(fz_db, username, FUZZ_PW, "127.0.0.1", &a, token, csrf,
                     &e) != APP_OK) {
    fz_die(username, &e);
  }
  snprintf(cookie, n, "hcc_session=%s", token);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  struct err e;
  struct actor coord, dm;
  int64_t id = 0;
  (void)argc;
  (void)argv;
  err_clear(&e);
  snprintf(fz_url, sizeof(fz_url), "/tmp/hcc-fuzz-http-%d.db", (int)getpid());
  if (fuzz_study_open(fz_url, &fz_db, &dm, &coord, &e) != APP_OK) {
    fz_die("init", &e);
  }
  atexit(fz_cleanup);
  fz_session("dm", fz_dm_cookie, sizeof(fz_dm_cookie), fz_dm_csrf);
  fz_session("coord.a", fz_co_cookie, sizeof(fz_co_cookie), fz_co_csrf);
  {
    char secret[TOKEN_LEN];
    if (token_create(fz_db, &dm, NULL, "fuzz", "read", 30, secret, &id, &e) !=
        APP_OK) {
      fz_die("token", &e);
    }
    snprintf(fz_bearer, sizeof(fz_bearer), "Bearer %s", secret);
  }
  return 0;
}

/* Decode %XX and '+' in place (as libmicrohttpd does for arguments). */
static void fz_unescape(char *s) {
  char *o = s;
  for (; *s; s++) {
    if (*s == '+') {
      *o++ = ' ';
    } else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
               isxdigit((unsigned char)s[2])) {
      char h[3] = {s[1], s[2], 0};
      *o++ = (char)strtol(h, NULL, 16);
      s += 2;
    } else {
      *o++ = *s;
    }
  }
  *o = '\0';
}

static void fz_add(struct fz_kv *kv, int *n, const char *k, const char *v) {
  if (*n < FZ_MAX_KV) {
    kv[*n].k = k;
    kv[*n].v = v;
    (*n)++;
  }
}

/* The query of url (copied into q, then cut in place) into fz_arg. */
static void fz_query(char *q) {
  char *save = NULL;
  char *item;
  for (item = strtok_r(q, "&", &save); item != NULL;
       item = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(item, '=');
    if (eq != NULL) {
      *eq++ = '\0';
      fz_unescape(eq);
    }
    fz_unescape(item);
    fz_add(fz_arg, &fz_n_arg, item, eq ? eq : "");
  }
}

static bool fz_utf8(const char *s) { return str_is_utf8(s, strlen(s)); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct request *rq;
  struct response rs;
  char *text, *line, *next, *sp, *url, *query = NULL;
  const char *body = NULL;
  size_t body_len = 0;
  bool bad = false;
  int i;
  text = xmalloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';
  fz_n_hdr = 0;
  fz_n_arg = 0;
  /* The request line. */
  next = memchr(text, '\n', size);
  if (next != NULL) {
    *next++ = '\0';
  }
  line = text;
  sp = strchr(line, ' ');
  if (sp == NULL || sp == line) {
    xfree(text);
    return 0;
  }
  *sp = '\0';
  url = sp + 1;
  /* Headers, up to an empty line; the rest is the body (NULs and all). */
  while (next != NULL && (size_t)(next - text) < size) {
    char *end = memchr(next, '\n', size - (size_t)(next - text));
    line = next;
    if (end != NULL) {
      *end = '\0';
      next = end + 1;
    } else {
      next = NULL;
    }
    if (line[0] == '\0') {
      if (next != NULL) {
        body = next;
        body_len = size - (size_t)(next - text);
      }
      break;
    }
    if (strcmp(line, "@dm") == 0) {
      fz_add(fz_hdr, &fz_n_hdr, "Cookie", fz_dm_cookie);
      fz_add(fz_hdr, &fz_n_hdr, "X-CSRF-Token", fz_dm_csrf);
    } else if (strcmp(line, "@coord") == 0) {
      fz_add(fz_hdr, &fz_n_hdr, "Cookie", fz_co_cookie);
      fz_add(fz_hdr, &fz_n_hdr, "X-CSRF-Token", fz_co_csrf);
    } else if (strcmp(line, "@bearer") == 0) {
      fz_add(fz_hdr, &fz_n_hdr, "Authorization", fz_bearer);
    } else if ((sp = strchr(line, ':')) != NULL) {
      *sp++ = '\0';
      while (*sp == ' ') {
        sp++;
      }
      fz_add(fz_hdr, &fz_n_hdr, line, sp);
    }
  }
  rq = xcalloc(1, sizeof(*rq));
  rq->method = text;
  buf_init(&rq->body, WEB_MAX_BODY * 16);
  if (body != NULL && body_len > 0 &&
      buf_append(&rq->body, body, body_len) != APP_OK) {
    rq->body_too_large = true;
  }
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  /* on_request: the URL cap, then the UTF-8 check, then dispatch. */
  if (strlen(url) < WEB_MAX_URL) {
    web_split_path(rq, url);
    query = strchr(url, '?');
    if (query != NULL) {
      query = xstrdup(query + 1);
      fz_query(query);
    }
  }
  rs.lang = web_request_lang(rq);
  if (strlen(url) >= WEB_MAX_URL) {
    web_error(&rs, 414, "E_URL_TOO_LONG", "the URL is too long", NULL);
  } else {
    bad = !fz_utf8(url);
    for (i = 0; !bad && i < fz_n_hdr; i++) {
      bad = !fz_utf8(fz_hdr[i].k) || !fz_utf8(fz_hdr[i].v);
    }
    for (i = 0; !bad && i < fz_n_arg; i++) {
      bad = !fz_utf8(fz_arg[i].k) || !fz_utf8(fz_arg[i].v);
    }
    if (!bad && rq->body.len > 0 &&
        !str_is_utf8(buf_str(&rq->body), rq->body.len)) {
      bad = true;
    }
    if (bad) {
      web_error(&rs, 400, "E_ENCODING", "not valid UTF-8", NULL);
    } else {
      rq->db = fz_db;
      web_dispatch(rq, &rs);
    }
  }
  if (rs.status < 100 || rs.status > 599) {
    fprintf(stderr, "fuzz_http: no HTTP status (%d)\n", rs.status);
    abort();
  }
  if (getenv("FUZZ_VERBOSE") != NULL) { /* to check what seeds reach */
    fprintf(stderr, "%s %.60s -> %d %.160s\n", rq->method, url, rs.status,
            rs.has_file ? "(file)" : buf_str(&rs.body));
  }
  if (rs.has_file) {
    close(rs.file_fd);
  }
  if (db_in_transaction(fz_db)) {
    fprintf(stderr, "fuzz_http: a transaction was left open\n");
    abort();
  }
  buf_reset(&rs.body);
  buf_reset(&rq->body);
  json_decref(rq->json);
  xfree(rq);
  xfree(query);
  xfree(text);
  return 0;
}
