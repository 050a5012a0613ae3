/*
** test_csv.c: the streaming CSV reader (src/core/csv.c): RFC 4180 quoting,
** "" escapes, CRLF, BOM, blank lines, records that straddle the 1 MiB read
** block, missing-value spellings and the exact number fast path (checked
** against strtod, the correctly rounded reference).
*/
#include "core/buf.h"
#include "core/csv.h"
#include "core/mem.h"
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

/* Write text (n bytes) to a new temporary file; caller frees the returned
** path with xfree() and unlinks it. */
static char *write_tmp(const char *text, size_t n) {
  char *path = xstrdup("/tmp/hcc_test_csv_XXXXXX");
  int fd = mkstemp(path);
  FILE *fp = fdopen(fd, "wb");
  fwrite(text, 1, n, fp);
  fclose(fp);
  return path;
}

/* 1 when field k of r equals s. */
static int field_is(const struct csv_reader *r, size_t k, const char *s) {
  return k < r->n_fields && r->fields[k].len == strlen(s) &&
         memcmp(r->fields[k].p, s, r->fields[k].len) == 0;
}

static void test_quoting(void) {
  static const char text[] =
      "\xEF\xBB\xBF" "a,b,c\r\n"
      "1,\"x,y\",\"say \"\"hi\"\"\"\r\n"
      "\r\n"
      "2,\"multi\nline\",\r\n"
      ",NA,NaN";
  char *path = write_tmp(text, sizeof(text) - 1);
  struct csv_reader r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.row, 0);
  CHECK_INT_EQ(r.n_fields, 3);
  CHECK(field_is(&r, 0, "a")); /* the BOM is gone */
  CHECK(field_is(&r, 2, "c")); /* and the CR */
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.row, 1);
  CHECK(field_is(&r, 1, "x,y"));
  CHECK(field_is(&r, 2, "say \"hi\""));
  CHECK_INT_EQ(csv_next(&r, &e), 1); /* blank line skipped */
  CHECK_INT_EQ(r.row, 2);
  CHECK_INT_EQ(r.n_fields, 3);
  CHECK(field_is(&r, 1, "multi\nline"));
  CHECK(field_is(&r, 2, ""));
  CHECK(csv_is_missing(&r.fields[2]));
  CHECK_INT_EQ(csv_next(&r, &e), 1); /* last line without newline */
  CHECK_INT_EQ(r.n_fields, 3);
  CHECK(csv_is_missing(&r.fields[0]));
  CHECK(csv_is_missing(&r.fields[1]));
  CHECK(csv_is_missing(&r.fields[2]));
  CHECK_INT_EQ(csv_next(&r, &e), 0);
  csv_close(&r);
  unlink(path);
  xfree(path);
}

static void test_unterminated(void) {
  static const char text[] = "a,b\n1,\"open\n2,3\n";
  char *path = write_tmp(text, sizeof(text) - 1);
  struct csv_reader r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(csv_next(&r, &e), -1);
  CHECK_INT_EQ(e.code, APP_EINVAL);
  CHECK(strstr(e.msg, "data row 1") != NULL);
  csv_close(&r);
  unlink(path);
  xfree(path);
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, "/nonexistent/x.csv", &e), APP_EIO);
}

/* 300000 records of about 20 bytes: several block refills, every record
** intact, with a quoted field that may straddle a block boundary. */
static void test_many_blocks(void) {
  struct buf b;
  char *path;
  struct csv_reader r;
  struct err e;
  long i;
  long bad = 0;
  long n = 0;
  buf_init(&b, 0);
  buf_puts(&b, "id,v,s\n");
  for (i = 0; i < 300000; i++) {
    buf_appendf(&b, "%ld,%ld.25,\"q%ld\"\"\"\n", i, i, i);
  }
  path = write_tmp(b.data, b.len);
  buf_reset(&b);
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  while (csv_next(&r, &e) == 1) {
    double id;
    double v;
    char want[32];
    snprintf(want, sizeof(want), "q%ld\"", n);
    if (csv_parse_double(r.fields[0].p, r.fields[0].len, &id) != 0 ||
        id != (double)n ||
        csv_parse_double(r.fields[1].p, r.fields[1].len, &v) != 0 ||
        v != (double)n + 0.25 || !field_is(&r, 2, want)) {
      bad++;
    }
    n++;
  }
  CHECK_INT_EQ(n, 300000);
  CHECK_INT_EQ(bad, 0);
  CHECK_INT_EQ(e.code, APP_OK);
  csv_close(&r);
  unlink(path);
  xfree(path);
}

/* Quoted fields without escapes (the fast path), CRLF, a quoted field
** with a line break, mixed with escaped ones (the general path), over many
** blocks so that records straddle refills. */
static void test_fast_path_mix(void) {
  struct buf b;
  char *path;
  struct csv_reader r;
  struct err e;
  long i;
  long bad = 0;
  long n = 0;
  buf_init(&b, 0);
  buf_puts(&b, "\"id\",\"s\",\"t\"\r\n");
  for (i = 0; i < 200000; i++) {
    if (i % 1000 == 7) {
      buf_appendf(&b, "%ld,\"a\"\"b\",\"x\ny\"\r\n", i);
    } else if (i % 1000 == 8) {
      buf_appendf(&b, "%ld,\"\",\r\n", i);
    } else {
      buf_appendf(&b, "%ld,\"grp%ld\",\"t,%ld\"\r\n", i, i % 3, i);
    }
  }
  path = write_tmp(b.data, b.len);
  buf_reset(&b);
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK(field_is(&r, 0, "id") && field_is(&r, 2, "t") && r.n_fields == 3);
  while (csv_next(&r, &e) == 1) {
    double id;
    char s1[32];
    char s2[32];
    if (n % 1000 == 7) {
      snprintf(s1, sizeof(s1), "a\"b");
      snprintf(s2, sizeof(s2), "x\ny");
    } else if (n % 1000 == 8) {
      s1[0] = '\0';
      s2[0] = '\0';
    } else {
      snprintf(s1, sizeof(s1), "grp%ld", n % 3);
      snprintf(s2, sizeof(s2), "t,%ld", n);
    }
    if (r.n_fields != 3 ||
        csv_parse_double(r.fields[0].p, r.fields[0].len, &id) != 0 ||
        id != (double)n || !field_is(&r, 1, s1) || !field_is(&r, 2, s2)) {
      bad++;
    }
    n++;
  }
  CHECK_INT_EQ(n, 200000);
  CHECK_INT_EQ(bad, 0);
  CHECK_INT_EQ(e.code, APP_OK);
  csv_close(&r);
  unlink(path);
  xfree(path);
}

/* Odd but accepted: text after a closing quote is kept. */
static void test_odd_quotes(void) {
  static const char text[] = "a,b\n\"x\"y,zw\n\"q\"\r\n";
  char *path = write_tmp(text, sizeof(text) - 1);
  struct csv_reader r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK(field_is(&r, 0, "xy"));
  CHECK(field_is(&r, 1, "zw"));
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 1);
  CHECK(field_is(&r, 0, "q"));
  CHECK_INT_EQ(csv_next(&r, &e), 0);
  csv_close(&r);
  unlink(path);
  xfree(path);
}

/* max_fields: the fields after it are counted, not stored; a quote in the
** skipped part falls back to the full split. */
static void test_max_fields(void) {
  static const char text[] =
      "a,b,c,d\n1,2,3,4\n5,6,\"x,y\",8\r\n9,10\n11,12,13,14,15\n";
  char *path = write_tmp(text, sizeof(text) - 1);
  struct csv_reader r;
  struct err e;
  err_clear(&e);
  CHECK_INT_EQ(csv_open(&r, path, &e), APP_OK);
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 4);
  r.max_fields = 2;
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 4);
  CHECK(field_is(&r, 0, "1") && field_is(&r, 1, "2"));
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 4);
  CHECK(field_is(&r, 1, "6") && field_is(&r, 2, "x,y"));
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 2);
  CHECK(field_is(&r, 0, "9") && field_is(&r, 1, "10"));
  CHECK_INT_EQ(csv_next(&r, &e), 1);
  CHECK_INT_EQ(r.n_fields, 5);
  CHECK(field_is(&r, 0, "11") && field_is(&r, 1, "12"));
  CHECK_INT_EQ(r.row, 4);
  CHECK_INT_EQ(csv_next(&r, &e), 0);
  csv_close(&r);
  unlink(path);
  xfree(path);
}

/* The fast path must give strtod's correctly rounded result. */
static void test_numbers(void) {
  static const char *const good[] = {
    "0", "-0", "1", "3.14159", "0.1", "123456789012345", "1.5e3", "-2.5E-7",
    "  42 ", "+7", ".5", "5.", "0.000000000000000000001", "9007199254740993",
    "1234567.891011121314", "-306.123456789012"
  };
  static const char *const bad[] = {"", "abc", "1,5", "1.2.3", "inf", "nan",
                                    "0x10", "1e", "-", "."};
  size_t i;
  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    double v = -1;
    int rc = csv_parse_double(good[i], strlen(good[i]), &v);
    CHECK_INT_EQ(rc, 0);
    CHECK(v == strtod(good[i], NULL));
  }
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    double v;
    CHECK_INT_EQ(csv_parse_double(bad[i], strlen(bad[i]), &v), -1);
  }
  /* Random decimals with up to 15 digits: bit-identical to strtod. */
  {
    unsigned long long s = 88172645463325252ULL;
    long mismatches = 0;
    for (i = 0; i < 200000; i++) {
      char t[48];
      double v;
      int nd;
      s ^= s << 13;
      s ^= s >> 7;
      s ^= s << 17;
      nd = (int)(s % 16);
      snprintf(t, sizeof(t), "%.*f", nd,
               (double)(s % 1000000007ULL) / 1000.0 - 5000.0);
      if (csv_parse_double(t, strlen(t), &v) != 0 || v != strtod(t, NULL)) {
        mismatches++;
      }
    }
    CHECK_INT_EQ(mismatches, 0);
  }
}

int main(void) {
  test_quoting();
  test_unterminated();
  test_many_blocks();
  test_fast_path_mix();
  test_odd_quotes();
  test_max_fields();
  test_numbers();
  return harness_report();
}
