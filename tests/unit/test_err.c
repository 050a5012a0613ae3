/*
** test_err.c: the error idiom (src/core/err.c) and its one mapping to exit
** status and HTTP (err_class, web_store_error); the field carried in
** struct err (ERR_FIELD, ERR_AT), never parsed back out of the message;
** the UTF-8 checks that keep every request and argument valid
** (str_is_utf8, str_utf8_clean) at each boundary of RFC 3629.
*/
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "harness.h"
#include "web/web.h"

#include <fcntl.h>
#include <jansson.h>
#include <unistd.h>

/* The server logs environment failures on stderr: silence fd 2 around
** the calls that do (the harness's own FAIL lines stay visible). */
static int quiet_fd = -1;
static void quiet(bool on) {
  fflush(stderr);
  if (on) {
    int null = open("/dev/null", O_WRONLY);
    quiet_fd = dup(2);
    dup2(null, 2);
    close(null);
  } else {
    dup2(quiet_fd, 2);
    close(quiet_fd);
  }
}

static bool utf8(const char *s) { return str_is_utf8(s, strlen(s)); }

static void test_utf8(void) {
  struct buf b;
  CHECK(utf8(""));
  CHECK(utf8("plain ASCII ~\x7f"));
  CHECK(utf8("\xc2\x80"));                 /* U+0080, smallest 2-byte */
  CHECK(utf8("\xdf\xbf"));                 /* U+07FF */
  CHECK(utf8("\xe0\xa0\x80"));             /* U+0800, smallest 3-byte */
  CHECK(utf8("\xed\x9f\xbf"));             /* U+D7FF, below surrogates */
  CHECK(utf8("\xee\x80\x80"));             /* U+E000, above surrogates */
  CHECK(utf8("\xef\xbf\xbf"));             /* U+FFFF */
  CHECK(utf8("\xf0\x90\x80\x80"));         /* U+10000, smallest 4-byte */
  CHECK(utf8("\xf4\x8f\xbf\xbf"));         /* U+10FFFF, the largest */
  CHECK(utf8("同济医院 ✓"));
  CHECK(!utf8("\x80"));                    /* lone continuation */
  CHECK(!utf8("\xc0\xaf"));                /* overlong '/' */
  CHECK(!utf8("\xc1\xbf"));                /* overlong */
  CHECK(!utf8("\xe0\x9f\xbf"));            /* overlong 3-byte */
  CHECK(!utf8("\xed\xa0\x80"));            /* U+D800 surrogate */
  CHECK(!utf8("\xed\xbf\xbf"));            /* U+DFFF surrogate */
  CHECK(!utf8("\xf0\x8f\xbf\xbf"));        /* overlong 4-byte */
  CHECK(!utf8("\xf4\x90\x80\x80"));        /* U+110000 */
  CHECK(!utf8("\xf5\x80\x80\x80"));        /* no such lead byte */
  CHECK(!utf8("\xff\xfe\xfd"));            /* the crash of issue 12 */
  CHECK(!utf8("\xe4\xb8"));                /* truncated at the end */
  CHECK(!utf8("\xe4\xb8x"));               /* truncated in the middle */
  CHECK(str_is_utf8("a\0b", 3));           /* NUL is a valid code point */
  buf_init(&b, 0);
  str_utf8_clean(&b, "ok \xff\xfe end \xe4\xb8");
  CHECK_STR_EQ(buf_str(&b),
               "ok \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd");
  CHECK(utf8(buf_str(&b)));
  buf_reset(&b);
  buf_init(&b, 0);
  str_utf8_clean(&b, "同济 valid");
  CHECK_STR_EQ(buf_str(&b), "同济 valid");
  buf_reset(&b);
}

static void test_fields(void) {
  struct err e;
  char path[40];
  err_clear(&e);
  CHECK_INT_EQ(ERR_SET(&e, APP_EINVAL, "reason: required"), APP_EINVAL);
  CHECK_STR_EQ(e.field, ""); /* ERR_SET names no field, whatever the text */
  err_clear(&e);
  ERR_FIELD(&e, APP_EINVAL, "data.value", "value: \"%s\" is not a number",
            "high");
  CHECK_STR_EQ(e.field, "data.value");
  CHECK_STR_EQ(e.msg, "value: \"high\" is not a number");
  /* The first error wins, field and all. */
  ERR_FIELD(&e, APP_ECONFLICT, "version", "later");
  CHECK_INT_EQ(e.code, APP_EINVAL);
  CHECK_STR_EQ(e.field, "data.value");
  err_clear(&e);
  snprintf(path, sizeof(path), "assessments[%d]", 3);
  ERR_AT(&e, APP_EINVAL, "%s.target[%d].viable_mm: must be >= 0", path, 1);
  CHECK_STR_EQ(e.field, "assessments[3].target[1].viable_mm");
  err_clear(&e);
  ERR_AT(&e, APP_EINVAL, "no colon and space here");
  CHECK_STR_EQ(e.field, "");
  err_clear(&e);
  CHECK(ERR_SET(NULL, APP_EDB, "no err to fill") == APP_EDB);
}

/* The body web_store_error writes for e, parsed. */
static json_t *http_error(const struct err *e, int *status) {
  struct response rs;
  json_t *v;
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  quiet(true);
  web_store_error(&rs, e);
  quiet(false);
  *status = rs.status;
  v = json_loadb(buf_str(&rs.body), rs.body.len, 0, NULL);
  buf_reset(&rs.body);
  return v;
}

static void test_mapping(void) {
  static const struct {
    int code, exit_status, http;
    const char *http_code;
  } want[] = {
      {APP_EINVAL, 2, 422, "E_INVALID"},   {APP_ENOTFOUND, 2, 404, "E_NOT_FOUND"},
      {APP_ECONFLICT, 2, 409, "E_CONFLICT"}, {APP_EPERM, 2, 403, "E_FORBIDDEN"},
      {APP_EDB, 1, 503, "E_DATABASE"},     {APP_EIO, 1, 500, "E_INTERNAL"},
      {APP_EINTERNAL, 1, 500, "E_INTERNAL"}};
  size_t i;
  CHECK_INT_EQ(err_exit_status(APP_OK), 0);
  CHECK_INT_EQ(err_class(99)->code, APP_EINTERNAL);
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    struct err e;
    int status = 0;
    json_t *v;
    err_clear(&e);
    ERR_FIELD(&e, want[i].code, "kind", "kind: secret detail %zu", i);
    CHECK_INT_EQ(err_exit_status(want[i].code), want[i].exit_status);
    CHECK_INT_EQ(err_class(want[i].code)->http_status, want[i].http);
    v = http_error(&e, &status);
    CHECK_INT_EQ(status, want[i].http);
    CHECK(v != NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(
                     json_object_get(v, "error"), "code")),
                 want[i].http_code);
    CHECK_INT_EQ(json_integer_value(json_object_get(
                     json_object_get(v, "error"), "status")),
                 want[i].http);
    if (want[i].exit_status == 2) { /* the user's message and field */
      CHECK_STR_EQ(json_string_value(json_object_get(
                       json_object_get(v, "error"), "field")),
                   "kind");
    } else { /* an environment failure: no detail leaks to the client */
      CHECK(json_is_null(
          json_object_get(json_object_get(v, "error"), "field")));
      CHECK(strstr(json_string_value(json_object_get(
                       json_object_get(v, "error"), "message")),
                   "secret") == NULL);
    }
    json_decref(v);
  }
}

static void test_bad_text_in_errors(void) {
  struct err e;
  struct response rs;
  json_t *v;
  int status;
  err_clear(&e);
  ERR_SET(&e, APP_ENOTFOUND, "patient \xff\xfe\xfd: no such patient");
  v = http_error(&e, &status);
  CHECK_INT_EQ(status, 404);
  CHECK(v != NULL); /* built, with U+FFFD for the bad bytes */
  json_decref(v);
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  quiet(true);
  web_json(&rs, 200, json_string("\xff")); /* NULL: refused by jansson */
  quiet(false);
  CHECK_INT_EQ(rs.status, 500);
  buf_reset(&rs.body);
}

int main(void) {
  test_utf8();
  test_fields();
  test_mapping();
  test_bad_text_in_errors();
  return harness_report();
}
